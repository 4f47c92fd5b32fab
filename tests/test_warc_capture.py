"""WARC written while crawling the replica (NEWSARCHIVE_WARC_DIR): the bytes the server sent, and a WACZ of them."""
from __future__ import annotations

import gzip
import html
import json
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections import defaultdict
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from conftest import FAST_CRAWL, MALIWEB, REPO, free_port, run_cli
from newsarchive.replay import PYWB_INSTALL, pywb_tool
from newsarchive.replica import Resource, Site, maliweb_site, serve, truth


class EncodedArticles(Site):
    """The maliweb replica, its article pages sent gzip-encoded (every other one also chunked),
    each body as it went on the wire kept by path (without the chunk framing)."""

    def __init__(self, site: Site):
        self.site = site
        self.sent: dict[str, list[bytes]] = defaultdict(list)
        self.chunked: set[str] = set()

    def resolve(self, path_and_query: str, base_url: str) -> Resource | None:
        res = self.site.resolve(path_and_query, base_url) or self.site.not_found(base_url)
        if res.status == 200 and path_and_query.endswith(".html"):
            res = self._gzipped(path_and_query, res)
        self.sent[path_and_query].append(res.body)
        return self._framed(path_and_query, res)

    def _gzipped(self, path: str, res: Resource) -> Resource:
        return Resource(res.status, gzip.compress(res.body, mtime=0), res.content_type,
                        [*res.headers, ("Content-Encoding", "gzip")])

    def _framed(self, path: str, res: Resource) -> Resource:
        if ("Content-Encoding", "gzip") not in res.headers or sum(path.encode()) % 2:
            return res
        self.chunked.add(path)
        half = len(res.body) // 2
        chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (res.body[:half], res.body[half:]))
        return Resource(res.status, chunks + b"0\r\n\r\n", res.content_type,
                        [*res.headers, ("Transfer-Encoding", "chunked")])


def crawl(db: Path, base_url: str, *settings: str) -> subprocess.CompletedProcess:
    """A crawl of the replica: incomplete (exit 3), since its 500 page and truncated thread stay pending."""
    result = run_cli("crawl", "maliweb", "-a", f"base_url={base_url}", *FAST_CRAWL, *settings, db=db, check=False)
    assert result.returncode == 3, f"exit {result.returncode}\n{result.stdout}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """The replica crawled once with NEWSARCHIVE_WARC_DIR, once more into small rotating files,
    once without WARCs, once with page requisites; then stopped."""
    root = tmp_path_factory.mktemp("warc")
    site = EncodedArticles(maliweb_site("day1"))
    with serve(site) as served:
        crawl(root / "archive.db", served.base_url, "-s", f"NEWSARCHIVE_WARC_DIR={root / 'warcs'}")
        sent = {path: list(bodies) for path, bodies in site.sent.items()}
        crawl(root / "rotated.db", served.base_url, "-s", f"NEWSARCHIVE_WARC_DIR={root / 'rotated'}",
              "-s", "NEWSARCHIVE_WARC_MAX_SIZE=60000")
        crawl(root / "plain.db", served.base_url)
        crawl(root / "requisites.db", served.base_url, "-s", f"NEWSARCHIVE_WARC_DIR={root / 'requisites'}",
              "-a", "requisites=1")
    return {"root": root, "db": root / "archive.db", "warcs": sorted((root / "warcs").iterdir()),
           "base": MALIWEB, "sent": sent, "chunked": set(site.chunked),  # records carry the site's URLs
           "truth": truth("day1", MALIWEB)}


def records(path: Path) -> list:
    with open(path, "rb") as stream:
        return [(r.rec_type, r.rec_headers, r.http_headers, r.raw_stream.read())
                for r in ArchiveIterator(stream)]


def all_records(paths: list[Path]) -> list:
    return [record for path in paths for record in records(path)]


def query(db: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def test_warcio_check_passes_on_every_file(crawled):
    assert crawled["warcs"] and all(p.name.endswith(".warc.gz") for p in crawled["warcs"])
    for path in crawled["warcs"] + sorted((crawled["root"] / "rotated").iterdir()):
        check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", "-v", str(path)],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        assert "digest pass" in check.stdout and "digest fail" not in check.stdout


def test_each_file_opens_with_warcinfo_and_is_warc_1_1(crawled):
    for path in crawled["warcs"]:
        found = records(path)
        assert found[0][0] == "warcinfo" and b"newsarchive/" in found[0][3]
        assert {headers.protocol for _, headers, _, _ in found} == {"WARC/1.1"}


def test_payloads_are_the_bytes_the_server_sent_gzip_included(crawled):
    responses = [r for r in all_records(crawled["warcs"]) if r[0] == "response"]
    base = crawled["base"]
    gzipped = 0
    for _, warc, http, payload in responses:
        path = warc.get_header("WARC-Target-URI")[len(base):]
        assert payload in crawled["sent"][path], path
        assert warc.get_header("WARC-Payload-Digest") and warc.get_header("WARC-Block-Digest")
        if http.get_header("Content-Encoding") == "gzip":
            assert payload.startswith(b"\x1f\x8b")
            gzipped += 1
    assert gzipped >= 30, "the article pages went out gzip-encoded and were kept so"
    seed = next(a for a in crawled["truth"]["articles"] if a["name"] == "seed")
    assert any(w.get_header("WARC-Target-URI") == seed["url"] and b"\x1f\x8b" == p[:2]
               for _, w, _, p in responses)


def test_chunked_responses_are_kept_without_their_framing(crawled):
    responses = {r[1].get_header("WARC-Target-URI")[len(crawled["base"]):]: r
                 for r in all_records(crawled["warcs"]) if r[0] == "response"}
    chunked = [path for path in crawled["chunked"] if path in responses]
    assert len(chunked) >= 10
    for path in chunked:
        _, _, http, payload = responses[path]
        assert http.get_header("Transfer-Encoding") is None  # the payload is not chunked
        assert payload in crawled["sent"][path] and payload.startswith(b"\x1f\x8b")


def test_requests_and_responses_are_linked(crawled):
    found = all_records(crawled["warcs"])
    responses = {w.get_header("WARC-Record-ID"): w for kind, w, _, _ in found if kind == "response"}
    requests = [(w, http) for kind, w, http, _ in found if kind == "request"]
    assert len(requests) == len(responses) > 60
    for warc, http in requests:
        response = responses[warc.get_header("WARC-Concurrent-To")]
        assert response.get_header("WARC-Target-URI") == warc.get_header("WARC-Target-URI")
        assert http.protocol == "GET" and http.get_header("User-Agent").startswith("newsarchive/")
        assert "gzip" in http.get_header("Accept-Encoding")


def test_robots_txt_and_error_pages_are_recorded(crawled):
    statuses = {(w.get_header("WARC-Target-URI")[len(crawled["base"]):], h.get_statuscode())
                for kind, w, h, _ in all_records(crawled["warcs"]) if kind == "response"}
    assert ("/robots.txt", "200") in statuses
    assert {"404", "500"} <= {status for _, status in statuses}


def test_capture_rows_point_at_their_records(crawled):
    rows = query(crawled["db"], "SELECT url, status, fetched_at, warc_file, warc_offset, warc_length"
                                " FROM captures")
    assert len(rows) >= 38
    for url, status, fetched_at, warc_file, offset, length in rows:
        assert Path(warc_file) in crawled["warcs"]
        with open(warc_file, "rb") as stream:
            stream.seek(offset)
            record = next(iter(ArchiveIterator(stream)))
            assert record.rec_type == "response"
            assert record.rec_headers.get_header("WARC-Target-URI") == url
            assert int(record.http_headers.get_statuscode()) == status
            assert record.rec_headers.get_header("WARC-Date")[:19] <= fetched_at[:19]
            stream.seek(offset + length)
            following = next(iter(ArchiveIterator(stream)))
            assert following.rec_type == "request"
            assert following.rec_headers.get_header("WARC-Concurrent-To") == \
                record.rec_headers.get_header("WARC-Record-ID")


def test_the_archive_reads_the_decoded_pages(crawled):
    seed = next(a for a in crawled["truth"]["articles"] if a["name"] == "seed")
    (headline, comments), = query(crawled["db"], "SELECT headline, (SELECT COUNT(*) FROM comments c"
                                  " WHERE c.article_id = articles.id) FROM articles WHERE url = ?", seed["url"])
    assert (headline, comments) == (seed["headline"], 21)


def test_files_rotate_at_the_max_size(crawled):
    rotated = sorted((crawled["root"] / "rotated").iterdir())
    assert len(rotated) >= 5
    for path in rotated:
        found = records(path)
        assert found[0][0] == "warcinfo" and found[0][1].get_header("WARC-Filename") == path.name
    largest_pair = 2 * max(length for (length,) in query(crawled["root"] / "rotated.db",
                                                         "SELECT warc_length FROM captures"))
    assert all(path.stat().st_size < 60000 + largest_pair for path in rotated)
    responses = [r for r in all_records(rotated) if r[0] == "response"]
    assert len(responses) == len([r for r in all_records(crawled["warcs"]) if r[0] == "response"])


def test_no_warc_without_the_setting(crawled):
    assert query(crawled["root"] / "plain.db", "SELECT COUNT(*), COUNT(warc_file) FROM captures")[0][1] == 0
    assert sorted(p.name for p in crawled["root"].iterdir() if p.is_dir()) == ["requisites", "rotated", "warcs"]


def test_requisites_are_written_only_when_asked_for(crawled):
    base = crawled["base"]
    seed = next(a for a in crawled["truth"]["articles"] if a["name"] == "seed")
    with_requisites = sorted((crawled["root"] / "requisites").iterdir())
    found = {w.get_header("WARC-Target-URI"): (h.get_statuscode(), h.get_header("Content-Type"))
             for kind, w, h, _ in all_records(with_requisites) if kind == "response"}
    wanted = [found.get(base + path) for path in (
        "/wp-content/themes/Newspaper/style.css?ver=9.7.1", "/wp-content/uploads/2019/05/logo-maliweb.png")]
    assert [status for status, _ in wanted] == ["200", "200"]
    assert wanted[0][1].startswith("text/css") and wanted[1][1].startswith("image/")
    scripts = [url for url, (_, kind) in found.items() if kind.startswith("application/javascript")]
    assert scripts and all(url.startswith(base + "/") for url in found)
    assert not [url for url in all_uris(crawled["warcs"]) if "/wp-content/" in url]
    assert query(crawled["root"] / "requisites.db", "SELECT COUNT(*) FROM articles") == \
        query(crawled["db"], "SELECT COUNT(*) FROM articles")
    assert seed["url"] in found
    for path in with_requisites:
        check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(path)], capture_output=True)
        assert check.returncode == 0


def all_uris(paths: list[Path]) -> list[str]:
    return [w.get_header("WARC-Target-URI") for kind, w, _, _ in all_records(paths) if kind == "response"]


def test_wacz_export_validates(crawled, tmp_path):
    out = tmp_path / "mali.wacz"
    result = run_cli("export", "--format", "wacz", "-o", str(out), db=crawled["db"])
    assert result.stdout.startswith(f"exported {len(crawled['warcs'])} crawl-time WARC files, 38 pages")
    check = subprocess.run([str(Path(sys.executable).parent / "wacz"), "validate", "-f", str(out)],
                           capture_output=True, text=True)
    assert check.returncode == 0 and "is valid" in check.stdout, check.stdout + check.stderr
    with zipfile.ZipFile(out) as wacz:
        names = wacz.namelist()
        assert {f"archive/{p.name}" for p in crawled["warcs"]} <= set(names)
        assert "indexes/index.cdx.gz" in names and "datapackage.json" in names
        pages = [json.loads(line) for line in wacz.read("pages/pages.jsonl").splitlines()]
        index = gzip.decompress(wacz.read("indexes/index.cdx.gz")).decode()
        package = json.loads(wacz.read("datapackage.json"))
    seed = next(a for a in crawled["truth"]["articles"] if a["name"] == "seed")
    page = next(p for p in pages[1:] if p["url"] == seed["url"])
    assert page["title"] == seed["headline"] and page["ts"].startswith("20")
    assert len(pages) == 39 and f'"url": "{seed["url"]}"' in index
    assert all(r["hash"].startswith("sha256:") for r in package["resources"])


def test_wacz_export_without_crawl_time_warcs_fails_in_one_line(crawled, tmp_path):
    result = run_cli("export", "--format", "wacz", "-o", str(tmp_path / "x.wacz"),
                     db=crawled["root"] / "plain.db", check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == ("Error: the archive has no crawl-time WARCs:"
                                     " crawl with -s NEWSARCHIVE_WARC_DIR=DIR first")
    assert not (tmp_path / "x.wacz").exists()


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def wait_for_port(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, server.stderr.read()
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"nothing listens on port {port}")


def page_text(dom: str) -> str:
    """What a reader sees of a DOM: its text, entities decoded, white space folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", dom)).split())


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium (Debian's chromium package) is not installed")
def test_replay_shows_the_seed_article_with_its_comments_in_chromium(crawled):
    if pywb_tool("wayback") is None:
        pytest.skip(f"replay needs pywb in its own environment: {PYWB_INSTALL}")
    seed = next(a for a in crawled["truth"]["articles"] if a["name"] == "seed")
    pages = [(url, re.sub(r"\D", "", fetched_at)) for url, fetched_at in query(
        crawled["db"], "SELECT url, fetched_at FROM captures WHERE article_url = ?", seed["url"])]
    assert len(pages) == len(seed["comment_pages"])
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "newsarchive", "--db", str(crawled["db"]), "replay",
                               "--port", str(port)], cwd=REPO, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().startswith(f"replaying {len(crawled['warcs'])} WARC file")
        wait_for_port(port, server)
        shown = [page_text(subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
             f"http://127.0.0.1:{port}/archive/{timestamp}/{url}"],
            capture_output=True, text=True, timeout=120).stdout) for url, timestamp in pages]
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert all(seed["headline"] in text for text in shown)
    everything = " ".join(shown)
    for comment in seed["comments"]:
        assert " ".join(comment["text"].split())[:80] in everything, comment["comment_id"]
        assert comment["author_name"] in everything


def test_replay_without_crawl_time_warcs_fails_in_one_line(crawled):
    result = run_cli("replay", db=crawled["root"] / "plain.db", check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == ("Error: the archive has no crawl-time WARCs:"
                                     " crawl with -s NEWSARCHIVE_WARC_DIR=DIR first")
