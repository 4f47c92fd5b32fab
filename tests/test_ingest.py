"""The one door into the archive: `reextract` and `import-warc` refuse what a crawl refuses, and
`import-warc` says what it stored, stops at a damaged record and writes nothing from a non-WARC."""
from __future__ import annotations

import gzip
import os
import re
import sqlite3
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive_fixtures import (ARTICLES, BASE, SITE, built_archive, capture_of, copy_archive,  # noqa: F401
                             newsarchive, ok)
from newsarchive.db import open_archive, store
from newsarchive.extraction import extract
from newsarchive.ingest import ingest
from newsarchive.items import Capture, FetchedPage

TAG_URL = BASE + "/tag/sahel/"
TAG_PAGE = ("<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Sahel | Journal</title>"
            "</head><body class=\"archive tag tag-sahel\"><ul class=\"posts\">"
            f"<li><a href=\"{BASE}{ARTICLES[0]['path']}\">{ARTICLES[0]['headline']}</a></li>"
            f"<li><a href=\"{BASE}{ARTICLES[1]['path']}\">{ARTICLES[1]['headline']}</a></li>"
            "</ul></body></html>").encode("utf-8")


def tag_page(fetched_at: str = "2024-06-12T09:00:00Z") -> FetchedPage:
    return FetchedPage(url=TAG_URL, status=200, headers=[["Content-Type", "text/html; charset=UTF-8"]],
                       body=TAG_PAGE, fetched_at=fetched_at)


def rows(db: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def with_tag_capture(built: Path, target: Path) -> Path:
    """The built archive plus the capture of a tag page (kept, as a crawl keeps what it refuses)."""
    db = copy_archive(built, target)
    conn = open_archive(db).conn
    store.store_capture(conn, tag_page(), TAG_URL, None)
    conn.close()
    return db


def export_warc(db: Path, out: Path) -> Path:
    ok(newsarchive("export", "--format", "warc", "-o", str(out), db=db))
    return out


def counts(out: str) -> dict[str, int]:
    return {name: int(n) for n, name in
            re.findall(r"(\d+) (changed|new|unchanged|failed|refused|added|removed|edited)", out)}


def error_line(result) -> str:
    """The one line a failed command wrote to stderr (no traceback, no warcio warning)."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def assert_refused_tag_page(db: Path, out: str) -> None:
    assert rows(db, "SELECT COUNT(*) FROM articles WHERE url = ?", TAG_URL) == [(0,)]
    assert rows(db, "SELECT stage, reason FROM failures WHERE url = ?", TAG_URL) == [
        ("validate", "empty article body: not an article page")]
    assert rows(db, "SELECT COUNT(*) FROM captures WHERE url = ?", TAG_URL) == [(1,)]
    assert counts(out)["refused"] == 1
    assert f"not an article: {TAG_URL}: empty article body" in out


def test_reextract_refuses_a_tag_page_as_the_crawl_does(built_archive, tmp_path):
    db = with_tag_capture(built_archive, tmp_path / "archive.db")
    out = ok(newsarchive("reextract", db=db))
    assert_refused_tag_page(db, out)
    assert counts(out)["new"] == 0 and counts(out)["unchanged"] == 3


def test_import_warc_refuses_a_tag_page_and_keeps_its_capture(built_archive, tmp_path):
    warc = export_warc(with_tag_capture(built_archive, tmp_path / "archive.db"), tmp_path / "a.warc.gz")
    rebuilt = tmp_path / "rebuilt.db"
    out = ok(newsarchive("import-warc", str(warc), db=rebuilt))
    assert_refused_tag_page(rebuilt, out)
    (crawl_id,) = rows(rebuilt, "SELECT id FROM crawls")[0]
    assert rows(rebuilt, "SELECT crawl_id FROM failures") == [(crawl_id,)]  # the import's own row


def test_import_warc_counts_agree_with_the_archive(built_archive, tmp_path):
    rebuilt = tmp_path / "rebuilt.db"
    out = ok(newsarchive("import-warc", str(export_warc(built_archive, tmp_path / "a.warc.gz")), db=rebuilt))
    found = counts(out)
    assert found["new"] == rows(rebuilt, "SELECT COUNT(*) FROM articles")[0][0] == 3
    assert found["added"] == rows(rebuilt, "SELECT COUNT(*) FROM comments")[0][0] == 10
    assert out.startswith(f"imported {rows(rebuilt, 'SELECT COUNT(*) FROM captures')[0][0]} captures")


def record_spans(path: Path) -> list[tuple[str, str, int, int]]:
    """(type, target URI, start, end) of each record of a WARC, as warcio reads it."""
    spans = []
    with open(path, "rb") as stream:
        records = ArchiveIterator(stream)
        for record in records:
            uri = record.rec_headers.get_header("WARC-Target-URI")
            records.read_to_end()
            start, length = records.member_info
            spans.append((record.rec_type, uri, start, start + length))
    return spans


def test_import_warc_of_a_truncated_warc_imports_the_whole_records_then_fails(built_archive, tmp_path):
    warc = export_warc(built_archive, tmp_path / "a.warc.gz")
    spans = record_spans(warc)
    responses = [s for s in spans if s[0] == "response"]
    cut_record = responses[2]
    cut = (cut_record[2] + cut_record[3]) // 2
    truncated = tmp_path / "cut.warc.gz"
    truncated.write_bytes(warc.read_bytes()[:cut])
    rebuilt = tmp_path / "rebuilt.db"
    result = newsarchive("import-warc", str(truncated), db=rebuilt)
    assert result.returncode == 1, result.stdout + result.stderr
    number = spans.index(cut_record) + 1
    assert error_line(result) == (f"Error: {truncated}: record {number} (byte {cut_record[2]}): the file ends"
                                  " inside this record (truncated); import stopped there")
    assert result.stdout.startswith("imported 2 captures")
    assert sorted(r[0] for r in rows(rebuilt, "SELECT url FROM captures")) == sorted(r[1] for r in responses[:2])
    original = rows(built_archive, "SELECT url, headline, article_body FROM articles WHERE url IN (?, ?)",
                    *(r[1] for r in responses[:2]))
    assert rows(rebuilt, "SELECT url, headline, article_body FROM articles") == original


def test_import_warc_of_a_corrupt_or_wrongly_gzipped_warc_says_so_in_one_line(built_archive, tmp_path):
    warc = export_warc(built_archive, tmp_path / "a.warc.gz")
    spans = record_spans(warc)
    damaged_record = [s for s in spans if s[0] == "response"][2]
    data = bytearray(warc.read_bytes())
    for at in range(damaged_record[2] + 40, damaged_record[2] + 140):
        data[at] ^= 0x55
    corrupt = tmp_path / "corrupt.warc.gz"
    corrupt.write_bytes(bytes(data))
    result = newsarchive("import-warc", str(corrupt), db=tmp_path / "corrupt.db")
    assert result.returncode == 1 and result.stdout.startswith("imported 2 captures")
    assert error_line(result).startswith(f"Error: {corrupt}: record {spans.index(damaged_record) + 1} ")

    one_stream = tmp_path / "one-stream.warc.gz"
    one_stream.write_bytes(gzip.compress(gzip.decompress(warc.read_bytes())))
    result = newsarchive("import-warc", str(one_stream), db=tmp_path / "one-stream.db")
    assert result.returncode == 1 and "one gzip stream" in error_line(result)
    assert not (tmp_path / "one-stream.db").exists()


def test_import_warc_of_files_that_are_not_warcs_writes_nothing(tmp_path):
    files = {"notes.txt": b"hello world\nthis is text, not a WARC\n", "random.warc.gz": os.urandom(5000),
             "page.warc": b"<!DOCTYPE html><html><body><p>a web page</p></body></html>", "empty.warc": b""}
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        archive = tmp_path / "sub" / f"{name}.db"
        result = newsarchive("import-warc", str(path), db=archive)
        assert result.returncode == 1 and result.stdout == "", (name, result.stdout, result.stderr)
        assert error_line(result).startswith(f"Error: {path}: not a WARC file")
        assert not archive.exists() and not archive.parent.exists()


def test_ingest_stores_a_fresh_capture_with_its_article_or_refuses_it(tmp_path):
    conn = open_archive(tmp_path / "archive.db").conn
    article = capture_of(ARTICLES[1], "2024-06-12T09:00:00Z")
    stored = ingest(conn, article, extract(article))
    assert stored.changes.new_article and len(stored.changes.comments_added) == 2 and stored.refused is None
    tag = Capture(url=TAG_URL, site=SITE, spider="", pages=[tag_page()])
    refused = ingest(conn, tag, extract(tag))
    assert refused.changes is None and refused.stage == "validate" and refused.capture_ids
    assert conn.execute("SELECT url FROM articles").fetchall() == [(BASE + ARTICLES[1]["path"],)]
    assert conn.execute("SELECT COUNT(*) FROM captures").fetchone()[0] == 2
    assert conn.execute("SELECT stage FROM failures WHERE url = ?", (TAG_URL,)).fetchall() == [("validate",)]
