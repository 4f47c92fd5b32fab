"""Backfill from a real pywb serving WARCs of the replica's older revision: history reaches back before the archive began."""
from __future__ import annotations

import http.client
import http.server
import json
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from io import BytesIO
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsarchive.backfill import captures_of, parse_cdx, Snapshot, timestamp_iso
from newsarchive.replica import maliweb_site, serve, truth
from newsarchive.replay import PYWB_INSTALL, pywb_tool

from conftest import FAST_CRAWL, MALIWEB, run_cli

pytestmark = pytest.mark.skipif(pywb_tool("wayback") is None,
                                reason=f"pywb is not installed in its own environment ({PYWB_INSTALL})")

SEED, TDB, EDITED = (truth("day2")["changes"][key]["article"]
                     for key in ("new_comment", "removed_comment", "edited_article"))
THEN = "20240301120000"
"""When the web archive captured the older revision (the replica's day 1)."""
COMMENTS_THEN = "20240301120500"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _record(writer: WARCWriter, base: str, path: str, timestamp: str) -> None:
    """One response record: the page the replica at ``base`` serves for ``path``, as a crawler of
    the site saw it then (under the site's URL, with the site's links)."""
    connection = http.client.HTTPConnection(base.removeprefix("http://"))
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read().replace(base.encode(), MALIWEB.encode())
    headers = [(k, str(len(body)) if k.lower() == "content-length" else v) for k, v in response.getheaders()]
    http_headers = StatusAndHeaders(f"{response.status} {response.reason}", headers, protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(
        MALIWEB + path, "response", payload=BytesIO(body), length=len(body), http_headers=http_headers,
        warc_headers_dict={"WARC-Date": timestamp_iso(timestamp)}))
    connection.close()


def _pywb(directory: Path, warc: Path) -> tuple[subprocess.Popen, str]:
    """A pywb ``wayback`` serving ``warc`` in collection ``old``; its CDX API URL."""
    subprocess.run([pywb_tool("wb-manager"), "init", "old"], cwd=directory, check=True, capture_output=True)
    subprocess.run([pywb_tool("wb-manager"), "add", "old", warc], cwd=directory, check=True, capture_output=True)
    port = _free_port()
    process = subprocess.Popen([pywb_tool("wayback"), "-p", str(port), "-b", "127.0.0.1"], cwd=directory,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cdx = f"http://127.0.0.1:{port}/old/cdx"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{cdx}?url=x", timeout=2).read()
            return process, cdx
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("pywb did not start")


@pytest.fixture(scope="module")
def backfilled(tmp_path_factory):
    """An archive begun at today's revision, then backfilled from pywb's captures of the older one."""
    directory = tmp_path_factory.mktemp("backfill")
    archive, warc = directory / "archive.db", directory / "older.warc.gz"
    with serve(maliweb_site("day1")) as served:
        with open(warc, "wb") as out:
            writer = WARCWriter(out, gzip=True)
            _record(writer, served.base_url, SEED, THEN)
            _record(writer, served.base_url, SEED + "/comment-page-1", COMMENTS_THEN)
            for path in (TDB, EDITED):
                _record(writer, served.base_url, path, THEN)
        served.site = maliweb_site("day2")
        crawled = run_cli("crawl", "maliweb", "-a", f"base_url={served.base_url}", *FAST_CRAWL, db=archive, check=False)
        assert crawled.returncode == 3, crawled.stderr[-3000:]  # incomplete: the replica's 500 page is pending
    process, cdx = _pywb(directory, warc)
    try:
        base = MALIWEB
        runs = [run_cli("backfill", base + SEED, "--cdx", cdx, "--delay", "0", db=archive),
                run_cli("backfill", base + "/", "--spider", "maliweb", "--cdx", cdx, "--delay", "0", db=archive)]
        before_again = _events(archive)
        runs.append(run_cli("backfill", base + "/", "--spider", "maliweb", "--cdx", cdx, "--delay", "0",
                            db=archive))
        yield {"db": archive, "base": base, "runs": runs, "before_again": before_again}
    finally:
        process.terminate()
        process.wait(timeout=30)


def _history(state: dict, path: str) -> dict:
    return json.loads(run_cli("history", state["base"] + path, "--json", db=state["db"]).stdout)


def _events(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT e.kind, e.at, c.comment_id FROM comment_events e"
                            " JOIN comments c ON c.id = e.comment_id ORDER BY e.id").fetchall()


def _crawl_time(state: dict, path: str) -> str:
    """When the archive's own crawl fetched the article page at ``path``."""
    with sqlite3.connect(state["db"]) as conn:
        return conn.execute("SELECT MAX(last_fetched_at) FROM captures WHERE url = ?",
                            (state["base"] + path,)).fetchone()[0]


def test_the_comment_removed_before_the_archive_began_is_in_history(backfilled):
    history = _history(backfilled, TDB)
    removed = truth("day2")["changes"]["removed_comment"]["comment_id"]
    assert history["first_seen_at"] == "2024-03-01T12:00:00Z"
    assert [(e["kind"], e["comment_id"]) for e in history["thread"]] == [("removed", removed)]
    assert history["thread"][0]["at"] == _crawl_time(backfilled, TDB)
    with sqlite3.connect(backfilled["db"]) as conn:
        first_seen = conn.execute("SELECT first_seen_at FROM comments WHERE comment_id = ?", (removed,)).fetchone()
    assert first_seen == ("2024-03-01T12:00:00Z",)
    text = run_cli("history", backfilled["base"] + TDB, db=backfilled["db"]).stdout
    assert f"{_crawl_time(backfilled, TDB)}  removed   #{removed}" in text


def test_the_earlier_article_version_is_in_history_at_the_capture_time(backfilled):
    history = _history(backfilled, EDITED)
    edit = truth("day2")["changes"]["edited_article"]
    assert [v["headline"] for v in history["versions"]] == [edit["old_headline"], edit["new_headline"]]
    assert history["versions"][0]["seen_from"] == "2024-03-01T12:00:00Z"
    assert history["versions"][1]["seen_from"] == _crawl_time(backfilled, EDITED)
    text = run_cli("history", backfilled["base"] + EDITED, db=backfilled["db"]).stdout
    assert "2 versions:" in text


def test_comment_pages_join_their_article_and_todays_comments_are_not_re_added(backfilled):
    history = _history(backfilled, SEED)
    new = truth("day2")["changes"]["new_comment"]["comment_id"]
    assert [(e["kind"], e["comment_id"]) for e in history["thread"]] == [("added", new)]
    assert history["thread"][0]["at"] == _crawl_time(backfilled, SEED)
    with sqlite3.connect(backfilled["db"]) as conn:
        seen = dict(conn.execute("SELECT c.comment_id, c.first_seen_at FROM comments c JOIN articles a"
                                 " ON a.id = c.article_id WHERE a.url = ?", (backfilled["base"] + SEED,)))
    older = {cid: at for cid, at in seen.items() if cid != new}
    assert len(older) > 5 and set(older.values()) == {"2024-03-01T12:00:00Z"}  # both pages' comments


def test_a_second_run_fetches_nothing_and_changes_nothing(backfilled):
    first, site, again = (run.stdout for run in backfilled["runs"])
    assert "2 snapshots, 2 fetched, 0 already imported" in first
    assert "4 snapshots, 2 fetched, 2 already imported" in site
    assert "4 snapshots, 0 fetched, 4 already imported" in again
    assert _events(backfilled["db"]) == backfilled["before_again"]


def test_cdx_answers_of_the_internet_archive_and_of_pywb_read_alike():
    ia = json.dumps([["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"],
                     ["x", THEN, "http://a/b.html", "text/html", "200", "D", "1"],
                     ["x", THEN, "http://a/c.html", "text/html", "404", "E", "1"]]).encode()
    pywb = (json.dumps({"urlkey": "x", "timestamp": THEN, "url": "http://a/b.html", "mime": "text/html",
                        "status": "200", "digest": "D"}) + "\n").encode()
    assert parse_cdx(ia) == parse_cdx(pywb) == [Snapshot(THEN, "http://a/b.html", "D")]


def test_snapshots_group_into_captures_within_the_window():
    from datetime import timedelta

    article = "http://a/x-1.html"
    snapshots = [Snapshot("20240301120000", article), Snapshot("20240301130000", article + "/comment-page-1"),
                 Snapshot("20240305120000", article + "/comment-page-1"), Snapshot("20240305120100", article)]
    groups = captures_of(article, snapshots, timedelta(days=1))
    assert [[s.timestamp for s in group] for group in groups] == [
        ["20240301120000", "20240301130000"], ["20240305120000"], ["20240305120100"]]


class _FlakyArchive(http.server.BaseHTTPRequestHandler):
    """An archive host that disallows /private/ in robots.txt and answers 503 to a first try."""

    tries: dict[str, int] = {}

    def do_GET(self):
        _FlakyArchive.tries[self.path] = _FlakyArchive.tries.get(self.path, 0) + 1
        if self.path == "/robots.txt":
            self._answer(200, b"User-agent: *\nDisallow: /private/\n")
        elif self.path == "/flaky" and _FlakyArchive.tries[self.path] == 1:
            self._answer(503, b"busy", [("Retry-After", "7")])
        else:
            self._answer(200, b"<html>ok</html>")

    def _answer(self, status: int, body: bytes, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_the_client_obeys_robots_retries_and_keeps_its_pace():
    from newsarchive.backfill import ArchiveClient, BackfillError, Limits

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FlakyArchive)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    waits: list[float] = []
    client = ArchiveClient(Limits(delay=0.05, retries=2), sleep=lambda s: (waits.append(s), time.sleep(min(s, 0.05))))
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        status, _, body, _ = client.get(base + "/flaky")
        assert (status, body, _FlakyArchive.tries["/flaky"]) == (200, b"<html>ok</html>", 2)
        assert 7.0 in waits  # the Retry-After of the 503
        with pytest.raises(BackfillError, match="robots.txt"):
            client.get(base + "/private/page")
        assert "/private/page" not in _FlakyArchive.tries and _FlakyArchive.tries["/robots.txt"] == 1
        started = time.monotonic()
        for _ in range(3):
            client.get(base + "/other")
        assert time.monotonic() - started >= 0.1  # --delay between requests
    finally:
        server.shutdown()
