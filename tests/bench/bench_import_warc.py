"""`import-warc` of a big WARC: records/s and peak memory beside trafilatura reading the same records, and with --site.

Run: .venv/bin/python tests/bench/bench_import_warc.py [N_RECORDS]   (default 20000)
The WARC holds response records of synthetic-site articles and their comment pages; one article in
ten is on the site kept by ``--site maliweb.net``, the others are under other hosts. Each command runs
in its own process; peak memory is its resident set (the extraction workers' is printed apart).
"""
from __future__ import annotations

import sys
import tempfile
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import BASE, machine, recorded, run_measured, site_captures, table  # noqa: E402

from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

KEPT_SITE = "maliweb.net"
TARGET = 2.0
"""import-warc (extracting comments and storing) at least this many times trafilatura's records/s."""

TRAFILATURA = """
import sys, trafilatura
from warcio.archiveiterator import ArchiveIterator
count = 0
with open(sys.argv[1], "rb") as stream:
    for record in ArchiveIterator(stream):
        if record.rec_type == "response":
            html = record.content_stream().read().decode("utf-8", "replace")
            trafilatura.extract(html, url=record.rec_headers.get_header("WARC-Target-URI"),
                                with_metadata=True, include_comments=True, output_format="json")
            count += 1
print(count)
"""


def write_warc(path: Path, records: int) -> int:
    """A WARC of at least ``records`` responses (whole articles); returns how many it holds."""
    written, index = 0, 0
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        while written < records:
            for capture in site_captures(200, seed=index):
                host = KEPT_SITE if index % 10 == 0 else f"site{index % 10}.example"
                written += _write_capture(writer, capture, f"http://www.{host}", index)
                index += 1
                if written >= records:
                    break
    return written


def _write_capture(writer: WARCWriter, capture, base: str, index: int) -> int:
    article_url = capture.url.replace(BASE, base) + f"?copy={index}"
    for page in capture.pages:
        url = page.url.replace(BASE, base)
        url = article_url if page.url == capture.url else url + f"?copy={index}"
        http = StatusAndHeaders("200 OK", list(page.headers), protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            url, "response", payload=BytesIO(page.body), length=len(page.body), http_headers=http,
            warc_headers_dict={"WARC-Date": page.fetched_at, "X-Newsarchive-Article-URL": article_url,
                               "X-Newsarchive-Spider": "maliweb"}))
    return len(capture.pages)


def main(records: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        warc = Path(tmp) / "big.warc.gz"
        total = write_warc(warc, records)
        print(f"{machine()}\nWARC: {total} response records, {warc.stat().st_size / 1e6:.1f} MB gzipped\n")
        runs = {
            "trafilatura (extract, comments)": run_measured([sys.executable, "-c", TRAFILATURA, str(warc)]),
            "import-warc (2 workers)": _import(warc, Path(tmp) / "a.db", "--workers", "2"),
            "import-warc (this process)": _import(warc, Path(tmp) / "b.db", "--workers", "0"),
            f"import-warc --site {KEPT_SITE} (90 % left out)": _import(warc, Path(tmp) / "c.db",
                                                                       "--site", KEPT_SITE),
        }
    rows = [["reader", "records/s", "seconds", "peak RSS MB"]]
    for name, run in runs.items():
        assert run.returncode == 0, run.stderr[-2000:]
        rows.append([name, f"{total / run.seconds:.0f}", f"{run.seconds:.1f}", f"{run.peak_rss_mb:.0f}"])
    print(table(rows))
    baseline = total / runs["trafilatura (extract, comments)"].seconds
    best = total / min(runs["import-warc (2 workers)"].seconds, runs["import-warc (this process)"].seconds)
    print(f"\nimport-warc / trafilatura: {best / baseline:.1f}x (target >= {TARGET}x), while also"
          " extracting the comment threads and storing every capture and article with history")
    print("peak RSS is the command's own process; with workers, each worker's is beside it")


def _import(warc: Path, archive: Path, *options: str):
    return run_measured([sys.executable, "-m", "newsarchive", "import-warc", str(warc), "--db", str(archive),
                         *options])


if __name__ == "__main__":
    with recorded("bench_import_warc"):
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)
