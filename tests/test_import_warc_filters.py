"""`import-warc` at scale: several files or a list, --site/--since/--until decided from WARC headers, worker processes."""
from __future__ import annotations

from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive_fixtures import built_archive, newsarchive, ok  # noqa: F401

from test_warc import export_warc, records, rows, snapshot

OVERSIZED = 21 * 1024 * 1024
"""Over DOWNLOAD_MAXSIZE: a record whose payload is read is skipped with a warning."""


def other_site_warc(tmp_path: Path) -> Path:
    """A WARC of one response from another host, whose payload is too large to be read."""
    path = tmp_path / "other.warc.gz"
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            "http://other.example/big-1.html", "response", payload=BytesIO(b" " * OVERSIZED),
            length=OVERSIZED, http_headers=http, warc_headers_dict={"WARC-Date": "2024-03-01T12:00:00Z"}))
    return path


def host_of(warc: Path) -> str:
    return next(urlsplit(r[1].get_header("WARC-Target-URI")).hostname for r in records(warc) if r[0] == "response")


def test_a_list_of_files_with_site_leaves_the_other_site_unread(built_archive, tmp_path):
    warc, other = export_warc(built_archive, tmp_path), other_site_warc(tmp_path)
    listing = tmp_path / "warcs.txt"
    listing.write_text(f"{warc}\n# the other site\n{other}\n")
    rebuilt = tmp_path / "rebuilt.db"
    result = newsarchive("import-warc", f"@{listing}", "--site", host_of(warc), "--db", str(rebuilt))
    assert "(1 responses left out by the filters)" in ok(result)
    assert "skipped WARC record" not in result.stderr  # its payload was never read
    assert snapshot(rebuilt) == snapshot(built_archive)
    unfiltered = newsarchive("import-warc", str(warc), "--from-list", str(tmp_path / "warcs.txt"),
                             "--db", str(tmp_path / "all.db"))
    ok(unfiltered)
    assert "skipped WARC record http://other.example/big-1.html" in unfiltered.stderr


def test_since_and_until_select_by_capture_date(built_archive, tmp_path):
    warc = export_warc(built_archive, tmp_path)
    responses = sum(1 for r in records(warc) if r[0] == "response")
    days = rows(built_archive, "SELECT MIN(substr(fetched_at, 1, 10)), MAX(substr(fetched_at, 1, 10)) FROM captures")[0]
    before = ok(newsarchive("import-warc", str(warc), "--until", "2000-01-01", "--db", str(tmp_path / "a.db")))
    assert f"imported 0 captures from {warc} ({responses} responses left out by the filters)" in before
    within = ok(newsarchive("import-warc", str(warc), "--since", days[0], "--until", days[1],
                            "--db", str(tmp_path / "b.db")))
    assert f"imported {responses} captures from {warc}\n" in within


def test_workers_and_this_process_build_the_same_archive(built_archive, tmp_path):
    warc = export_warc(built_archive, tmp_path)
    for workers in ("0", "2"):
        ok(newsarchive("import-warc", str(warc), "--workers", workers, "--db", str(tmp_path / f"{workers}.db")))
    assert snapshot(tmp_path / "0.db") == snapshot(tmp_path / "2.db") == snapshot(built_archive)


def test_a_missing_list_file_is_a_usage_error(tmp_path):
    result = newsarchive("import-warc", f"@{tmp_path / 'none.txt'}", db=tmp_path / "x.db")
    assert result.returncode == 2 and "does not exist" in result.stderr
