"""A backfill interrupted by the web archive's failures resumes from the frontier: nothing lost, nothing twice."""
from __future__ import annotations

import http.server
import json
import sqlite3
import threading
import urllib.request

import pytest

from newsarchive.replica import maliweb_site, serve, truth

from conftest import run_cli

SEED = truth("day2")["changes"]["new_comment"]["article"]
THEN = "20240301120000"


class _WebArchive(http.server.BaseHTTPRequestHandler):
    """A web archive with pywb's CDX and ``id_`` protocol holding two snapshots of the seed article's
    pages; the comment page's snapshot answers 503 while ``down`` is set."""

    pages: dict[str, bytes] = {}
    down = True

    def do_GET(self):
        if self.path.startswith("/coll/cdx"):
            lines = [json.dumps({"timestamp": THEN, "url": url, "mime": "text/html", "status": "200"})
                     for url in self.pages]
            return self._answer(200, "\n".join(lines).encode(), "text/x-ndjson")
        timestamp, _, url = self.path.removeprefix("/coll/").partition("id_/")
        if url not in self.pages or timestamp != THEN:
            return self._answer(404, b"not archived", "text/plain")
        if self.down and url.endswith("comment-page-1"):
            return self._answer(503, b"busy", "text/plain")
        self._answer(200, self.pages[url], "text/html; charset=utf-8")

    def _answer(self, status: int, body: bytes, content_type: str):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def web_archive():
    with serve(maliweb_site("day1")) as served:
        article = served.base_url + SEED
        _WebArchive.pages = {url: urllib.request.urlopen(url).read()
                             for url in (article, article + "/comment-page-1")}
    _WebArchive.down = True
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _WebArchive)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield {"article": article, "cdx": f"http://127.0.0.1:{server.server_address[1]}/coll/cdx"}
    finally:
        server.shutdown()


def _rows(db, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_a_snapshot_the_archive_failed_is_pending_then_fetched_by_the_next_run(web_archive, tmp_path):
    db = tmp_path / "a.db"
    backfill = ("backfill", web_archive["article"], "--spider", "maliweb", "--cdx", web_archive["cdx"], "--delay", "0")
    first = run_cli(*backfill, db=db, check=False)
    assert first.returncode == 3, first.stdout + first.stderr[-2000:]
    assert "1 snapshots pending" in first.stdout
    assert _rows(db, "SELECT kind, state, attempts FROM frontier ORDER BY kind") == [
        ("article", "done", 0), ("comment_page", "pending", 1)]
    assert _rows(db, "SELECT status FROM crawls") == [("incomplete",)]
    assert _rows(db, "SELECT count(*) FROM captures") == [(1,)]

    _WebArchive.down = False
    second = run_cli(*backfill, db=db, check=False)
    assert second.returncode == 0, second.stdout + second.stderr[-2000:]
    assert "2 snapshots, 1 fetched, 1 already imported" in second.stdout
    assert _rows(db, "SELECT state FROM frontier") == [("done",), ("done",)]
    assert _rows(db, "SELECT status FROM crawls ORDER BY id") == [("incomplete",), ("finished",)]
    assert _rows(db, "SELECT count(*), count(DISTINCT url) FROM captures") == [(2, 2)]
    seed = next(a for a in truth("day1")["articles"] if a["url"].endswith(SEED))
    assert _rows(db, "SELECT count(*) FROM comments") == [(len(seed["comments"]),)]  # both pages' thread
