"""WARC export read back with warcio, and `import-warc` rebuilding an equal archive (round trip)."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive_fixtures import any_archive, built_archive, crawled_archive, newsarchive, ok  # noqa: F401

from newsarchive import db
from newsarchive.db import queries, store

ARTICLE_COLUMNS = ("url", "site", "post_id", "headline", "description", "article_body",
                   "article_body_html", "date_published", "date_published_raw", "date_modified",
                   "in_language", "section", "tags", "main_image_url", "comment_count_declared",
                   "comments_widget", "posted_by")
COMMENT_COLUMNS = ("comment_id", "depth", "position", "type", "author_name", "author_url",
                   "date_published", "date_published_raw", "title", "text", "text_html")


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def export_warc(db: Path, tmp_path: Path) -> Path:
    out = tmp_path / "archive.warc.gz"
    ok(newsarchive("export", "--format", "warc", "-o", str(out), db=db))
    return out


def records(path: Path) -> list[tuple]:
    with open(path, "rb") as stream:
        return [(r.rec_type, r.rec_headers, r.http_headers, r.raw_stream.read())
                for r in ArchiveIterator(stream)]


def test_warc_has_request_and_response_per_capture(any_archive, tmp_path):
    found = records(export_warc(any_archive, tmp_path))
    assert found[0][0] == "warcinfo"
    responses = [r for r in found if r[0] == "response"]
    requests = {r[1].get_header("WARC-Concurrent-To"): r for r in found if r[0] == "request"}
    conn = db.connect(any_archive)
    stored = {(c["url"], c["fetched_at"]): (c["url"], c["status"], c["fetched_at"], c["article_url"],
                                            store.capture_body(c), c["headers"])
              for c in queries.iter_captures(conn)}
    assert len(responses) == len(requests) == len(rows(any_archive, "SELECT id FROM captures"))
    for _, warc, http, body in responses:
        key = (warc.get_header("WARC-Target-URI"), warc.get_header("WARC-Date"))
        url, status, fetched_at, article_url, stored_body, headers = stored[key]
        assert body == stored_body
        assert int(http.get_statuscode()) == status and warc.get_header("WARC-Date") == fetched_at
        assert warc.get_header("X-Newsarchive-Article-URL") == article_url
        assert http.get_header("Content-Length") == str(len(body))
        content_type = dict((k.lower(), v) for k, v in json.loads(headers)).get("content-type")
        assert http.get_header("Content-Type") == content_type
        request = requests[warc.get_header("WARC-Record-ID")][2]
        assert request.protocol == "GET" and request.statusline.endswith(" HTTP/1.1")
        assert request.get_header("Host") == url.split("/")[2]


def test_warc_header_encodings_are_renamed_not_lied_about(tmp_path):
    from newsarchive.warc import replay_headers, stored_headers

    headers = [["Content-Type", "text/html"], ["Content-Length", "512"], ["Transfer-Encoding", "chunked"]]
    replayed, added = replay_headers(headers, 2048)
    assert ("X-Archive-Orig-Content-Length", "512") in replayed and ("Content-Length", "2048") in replayed
    assert ("X-Archive-Orig-Transfer-Encoding", "chunked") in replayed
    assert stored_headers(replayed, ", ".join(added)) == [tuple(h) for h in headers]


def snapshot(db: Path) -> tuple:
    articles = rows(db, f"SELECT {', '.join(ARTICLE_COLUMNS)} FROM articles ORDER BY url")
    comments = rows(db, f"SELECT a.url, p.comment_id, {', '.join('c.' + c for c in COMMENT_COLUMNS)},"
                        " c.first_seen_at, c.last_seen_at, c.removed_at"
                        " FROM comments c JOIN articles a ON a.id = c.article_id"
                        " LEFT JOIN comments p ON p.id = c.parent_id ORDER BY a.url, c.comment_id")
    bylines = rows(db, "SELECT a.url, au.name, aa.position FROM article_authors aa"
                       " JOIN articles a ON a.id = aa.article_id JOIN authors au ON au.id = aa.author_id"
                       " ORDER BY a.url, aa.position")
    captures = rows(db, "SELECT url, status, headers, body_hash, fetched_at, last_fetched_at, article_url"
                        " FROM captures ORDER BY url, fetched_at")
    history = rows(db, "SELECT a.url, v.headline, v.seen_from, v.seen_until FROM article_versions v"
                       " JOIN articles a ON a.id = v.article_id ORDER BY a.url, v.id")
    history += rows(db, "SELECT c.comment_id, v.text, v.seen_from, v.seen_until FROM comment_versions v"
                        " JOIN comments c ON c.id = v.comment_id ORDER BY c.comment_id, v.id")
    seen = rows(db, "SELECT url, first_seen_at, last_seen_at, last_changed_at FROM articles ORDER BY url")
    return articles, comments, bylines, captures, history, seen


def test_round_trip_rebuilds_an_equal_archive(any_archive, tmp_path):
    warc = export_warc(any_archive, tmp_path)
    rebuilt = tmp_path / "rebuilt.db"
    out = ok(newsarchive("import-warc", str(warc), db=rebuilt))
    assert out.startswith("imported ")
    original, copy = snapshot(any_archive), snapshot(rebuilt)
    assert copy[3] == original[3]       # captures: same bytes, headers and fetch times
    assert copy[0] == original[0]       # articles
    assert copy[2] == original[2]       # bylines
    assert copy[1] == original[1]       # comments with parents, removals, first/last seen
    assert copy[4] == original[4]       # earlier headlines and comment texts
    assert copy[5] == original[5]       # when each article was first and last seen
    assert copy[1] and original[4], "the archive has comments and some history to carry over"
    assert any(row[-1] for row in original[1]), "and a removed comment"


def test_round_trip_regroups_comment_pages(built_archive, tmp_path):
    rebuilt = tmp_path / "rebuilt.db"
    ok(newsarchive("import-warc", str(export_warc(built_archive, tmp_path)), "--db", str(rebuilt)))
    thread = rows(rebuilt, "SELECT c.comment_id FROM comments c JOIN articles a ON a.id = c.article_id"
                           " WHERE a.url LIKE '%un-long-fil-303.html' ORDER BY c.position")
    assert [r[0] for r in thread] == ["31", "32", "33", "34"]


def test_import_warc_refuses_a_missing_file(tmp_path):
    result = newsarchive("import-warc", str(tmp_path / "nope.warc.gz"), db=tmp_path / "x.db")
    assert result.returncode == 2 and "does not exist" in result.stderr


def capture_row(id_: int, url: str, first: str, last: str) -> dict:
    return {"id": id_, "url": url, "request_url": url, "article_url": "http://x/a.html",
            "fetched_at": first, "last_fetched_at": last}


def test_fetch_passes_follow_comment_pages_between_article_changes():
    from newsarchive.reextract import fetch_passes

    main = capture_row(1, "http://x/a.html", "T01", "T09")   # unchanged over three crawls
    old = capture_row(2, "http://x/a.html/comment-page-1", "T02", "T02")
    new = capture_row(3, "http://x/a.html/comment-page-1", "T05", "T10")  # changed at crawl 2
    passes = [(at, [c["id"] for c in pages]) for at, pages in fetch_passes([main, old, new])]
    assert passes == [("T01", [1, 2]), ("T05", [1, 3]), ("T09", [1, 3])]


def test_fetch_passes_drop_a_comment_page_no_longer_fetched():
    from newsarchive.reextract import fetch_passes

    day1 = capture_row(1, "http://x/a.html", "T01", "T01")
    page = capture_row(2, "http://x/a.html/comment-page-1", "T02", "T02")
    day2 = capture_row(3, "http://x/a.html", "T05", "T05")
    passes = [(at, [c["id"] for c in pages]) for at, pages in fetch_passes([day1, page, day2])]
    assert passes == [("T01", [1, 2]), ("T05", [3])]
