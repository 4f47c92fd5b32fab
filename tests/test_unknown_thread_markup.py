"""Threads on markup no family knows, end to end: a real crawl on 127.0.0.1, then `show` and `stats`."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import FAST_CRAWL, run_cli

PAGES = Path(__file__).parent / "fixtures" / "threads" / "structural"
SERVED = {"/2024/03/ciment/": "newspaper_custom.html", "/2024/03/tarifs/": "redesigned.html"}


@pytest.fixture
def site():
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            name = SERVED.get(self.path)
            self.send_response(200 if name else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write((PAGES / name).read_bytes() if name else b"not found")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_unknown_markup_thread_is_archived_and_a_missed_one_is_reported(site, tmp_path):
    db = tmp_path / "archive.db"
    found, missed = f"{site}/2024/03/ciment/", f"{site}/2024/03/tarifs/"
    output = run_cli("crawl", "generic", "-a", f"urls={found},{missed}", *FAST_CRAWL, db=db, timeout=180)
    assert "2 articles stored" in output.stdout
    shown = json.loads(run_cli("show", found, "--json", db=db).stdout)
    assert [(c["comment_id"], c["author_name"]) for c in shown["comments"]] == [
        ("5501", "Moussa K."), ("5502", "Awa Traoré"), ("5503", "Ibrahim")]
    assert "Kati" not in shown["article_body"]
    # the redesigned page declares 4 comments the extraction cannot read: said in stats, not silent
    stats = json.loads(run_cli("stats", "--json", db=db).stdout)
    assert stats["crawls"][0]["stats"]["newsarchive/threads_not_extracted"] == 1
    assert [(f["stage"], f["reason"], f["pages"]) for f in stats["failures"]] == [
        ("comments", "comments not extracted: comment markup not recognised", 1)]
    assert "[comments] comments not extracted: comment markup not recognised" in run_cli("stats", db=db).stdout
    assert json.loads(run_cli("show", missed, "--json", db=db).stdout)["comments"] == []
