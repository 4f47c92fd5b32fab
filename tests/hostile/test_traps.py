"""Traps and bombs: every crawl and import ends within its caps, in under 500 MB, with the reason recorded."""
from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import time

import pytest

from conftest import FAST_CRAWL, REPO

from .corpus import MB, gzip_zeros, page
from .pages import comment_li
from .server import Handler, HostileServer, send
from .test_hostile import feed

PEAK_RSS_MB = 500
SECONDS = 120  # a guard against a crawl that never ends, not a speed target
CAPS = ["-s", "NEWSARCHIVE_MAX_LISTING_PAGES=30", "-s", "NEWSARCHIVE_MAX_LISTING_DEPTH=5",
        "-s", "NEWSARCHIVE_MAX_SITEMAP_DEPTH=4", "-s", "NEWSARCHIVE_MAX_SITEMAPS=20",
        "-s", f"NEWSARCHIVE_MAX_COMMENT_BYTES={8 * MB}"]
CRAWL_SETTINGS = [*FAST_CRAWL, "-s", "DOWNLOAD_TIMEOUT=10", "-s", "LOG_LEVEL=WARNING", *CAPS]
BOMB_HTTP = "/politique/bombe-http-900001.html"
ENDLESS = "/politique/commentaires-sans-fin-900002.html"
MEASURE = ("import resource, subprocess, sys\n"
           "code = subprocess.run(sys.argv[2:]).returncode\n"
           "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
           "sys.exit(code)\n")


def run_measured(tmp_path, *args: str, db) -> tuple[subprocess.CompletedProcess, float, float]:
    """``newsarchive --db DB ARGS`` in a child of a fresh process: (result, seconds, the largest
    peak RSS in MB of the command and every process it started)."""
    peak_file = tmp_path / "peak_kb"
    command = [sys.executable, "-c", MEASURE, str(peak_file), sys.executable, "-m", "newsarchive",
               "--db", str(db), *args]
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=REPO)
    seconds = time.monotonic() - started
    return result, seconds, int(peak_file.read_text()) / 1024


def listing(links: list[str]) -> bytes:
    return ("<html><body>" + "".join(f'<a href="{link}">page</a>' for link in links) + "</body></html>").encode()


def pagination_trap(h: Handler) -> None:
    """``/category/piege/N/`` links the next five numbers: pages without end."""
    number = int(h.path.rstrip("/").rsplit("/", 1)[1])
    send(h, 200, listing([f"/category/piege/{n}/" for n in range(number + 1, number + 6)]))


def calendar_trap(h: Handler) -> None:
    """``/category/agenda/YYYY/MM/`` links the next month, for ever."""
    year, month = map(int, re.findall(r"\d+", h.path)[-2:])
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    send(h, 200, listing([f"/category/agenda/{year}/{month:02d}/"]))


def nested_trap(h: Handler) -> None:
    """``/category/n/a/`` links ``/category/n/a/a/``: a new section at every hop."""
    send(h, 200, listing([h.path + "a/"]))


def sitemap_index(children: list[str]) -> bytes:
    entries = "".join(f"<sitemap><loc>{child}</loc></sitemap>" for child in children)
    return f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'.encode()


def sitemap_chain(base: str):
    """``/sitemap-n-K.xml`` is an index of ``/sitemap-n-K+1.xml``."""
    def respond(h: Handler) -> None:
        number = int(re.search(r"(\d+)\.xml$", h.path).group(1))
        send(h, 200, sitemap_index([f"{base}/sitemap-n-{number + 1}.xml"]), "application/xml")
    return respond


def endless_comments(h: Handler) -> None:
    """An article whose comment pages of 1 MB each always link one more."""
    number = int(m.group(1)) if (m := re.search(r"comment-page-(\d+)", h.path)) else 0
    older = f'<a href="{ENDLESS}/comment-page-{number + 1}#comments">« Commentaires plus anciens</a>'
    big = comment_li(7000 + number, "Un long commentaire. " * 50_000) if number else comment_li(1, "Court.")
    send(h, 200, page(post_id=2, comments=big, pagination=older).encode())


def trap_site(server: HostileServer) -> None:
    base = server.base_url
    server.routes.update({
        "/robots.txt": lambda h: send(h, 200, b"User-agent: *\nAllow: /\n", "text/plain"),
        "/": lambda h: send(h, 200, listing(["/category/piege/1/", "/category/agenda/2024/01/",
                                              "/category/n/a/"])),
        "/feed/": lambda h: send(h, 200, feed(base, [BOMB_HTTP, ENDLESS]), "application/rss+xml"),
        "/wp-sitemap.xml": lambda h: send(h, 200, sitemap_index([f"{base}/sitemap-n-1.xml"]), "application/xml"),
        BOMB_HTTP: lambda h: send(h, 200, gzip_zeros(1024), headers=[("Content-Encoding", "gzip")]),
    })
    server.prefixes.update({"/category/piege/": pagination_trap, "/category/agenda/": calendar_trap,
                            "/category/n/": nested_trap, "/sitemap-n-": sitemap_chain(base),
                            ENDLESS: endless_comments})


@pytest.fixture(scope="module")
def trap_crawl(tmp_path_factory):
    """One maliweb crawl of a site of traps; yields (archive connection, server, result, seconds, peak MB)."""
    tmp = tmp_path_factory.mktemp("traps")
    db = tmp / "archive.db"
    with HostileServer() as server:
        trap_site(server)
        result, seconds, peak = run_measured(tmp, "crawl", "maliweb", "-a", f"base_url={server.base_url}",
                                             *CRAWL_SETTINGS, db=db)
        conn = sqlite3.connect(db)
        conn.row_factory = sqlite3.Row
        yield conn, server, result, seconds, peak
        conn.close()


def failure_reasons(conn, url_part: str) -> list[str]:
    return [row[0] for row in conn.execute("SELECT reason FROM failures WHERE url LIKE ?", (f"%{url_part}%",))]


def hits(server: HostileServer, prefix: str) -> int:
    return sum(1 for path, _ in server.hits if path.startswith(prefix))


def crawl_stats(conn) -> dict:
    return json.loads(conn.execute("SELECT stats FROM crawls ORDER BY id DESC LIMIT 1").fetchone()[0])


def test_trap_crawl_ends_fast_in_bounded_memory(trap_crawl):
    conn, _, result, seconds, peak = trap_crawl
    pending = conn.execute("SELECT url, last_error FROM frontier WHERE state = 'pending'").fetchall()
    assert result.returncode == 0, (pending, result.stderr[-3000:])  # a trap's pages are final, not pending
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert seconds < SECONDS, seconds
    assert peak < PEAK_RSS_MB, peak
    stats = crawl_stats(conn)
    together = stats["newsarchive/peak_rss_mb"] + stats.get("newsarchive/extract_workers_peak_rss_mb", 0)
    assert together < PEAK_RSS_MB, stats


def test_pagination_and_calendar_traps_stop_at_the_section_cap(trap_crawl):
    conn, server, _, _, _ = trap_crawl
    assert hits(server, "/category/piege/") == 30
    assert hits(server, "/category/agenda/") == 30
    for section in ("/category/piege", "/category/agenda"):
        reasons = [r for r in failure_reasons(conn, section) if section in r]
        assert reasons == [f"cap reached: NEWSARCHIVE_MAX_LISTING_PAGES = 30 in section {section}; not followed"]
    assert crawl_stats(conn)["newsarchive/capped/listing_pages"] >= 2


def test_nested_sections_stop_at_the_depth_cap(trap_crawl):
    conn, server, _, _, _ = trap_crawl
    assert hits(server, "/category/n/") == 5
    assert failure_reasons(conn, "/category/n/") == ["cap reached: NEWSARCHIVE_MAX_LISTING_DEPTH = 5; not followed"]


def test_sitemap_chain_stops_at_the_nesting_cap(trap_crawl):
    conn, server, _, _, _ = trap_crawl
    assert hits(server, "/sitemap-n-") == 4
    assert failure_reasons(conn, "/sitemap-n-5.xml") == ["cap reached: NEWSARCHIVE_MAX_SITEMAP_DEPTH = 4; not followed"]


def test_gzip_bomb_http_body_is_dropped_and_reported(trap_crawl):
    conn, server, _, _, _ = trap_crawl
    [reason] = failure_reasons(conn, BOMB_HTTP)
    assert "response too large once decompressed" in reason, reason


def test_endless_comment_pages_stop_at_the_byte_cap_and_keep_the_thread(trap_crawl):
    conn, server, _, _, _ = trap_crawl
    row = conn.execute("SELECT id FROM articles WHERE url LIKE ?", (f"%{ENDLESS}",)).fetchone()
    assert row is not None
    comments = conn.execute("SELECT count(*) FROM comments WHERE article_id = ?", (row["id"],)).fetchone()[0]
    pages = hits(server, ENDLESS + "/comment-page-")
    assert 8 <= pages <= 9 and comments == pages + 1, (pages, comments)
    assert failure_reasons(conn, ENDLESS) == [
        f"cap reached: NEWSARCHIVE_MAX_COMMENT_BYTES = {8 * MB}; thread kept partial"]


def test_sitemap_bombs_and_floods_in_a_generic_crawl(tmp_path):
    """A 1 GB gzip bomb served as ``.xml.gz`` without Content-Encoding, and an index of 100 sitemaps."""
    db = tmp_path / "archive.db"
    with HostileServer() as server:
        base = server.base_url
        server.routes.update({
            "/robots.txt": lambda h: send(h, 200, b"User-agent: *\nAllow: /\n", "text/plain"),
            "/sitemap-bombe.xml.gz": lambda h: send(h, 200, gzip_zeros(1024), "application/x-gzip"),
            "/index-large.xml": lambda h: send(h, 200, sitemap_index([f"{base}/s-{n}.xml" for n in range(100)]),
                                               "application/xml"),
        })
        server.prefixes["/s-"] = lambda h: send(h, 200, b'<?xml version="1.0"?><urlset></urlset>', "application/xml")
        result, seconds, peak = run_measured(
            tmp_path, "crawl", "generic", "-a", f"sitemap={base}/sitemap-bombe.xml.gz,{base}/index-large.xml",
            *CRAWL_SETTINGS, db=db)
        assert result.returncode == 0, result.stderr[-3000:]
        assert hits(server, "/s-") == 18  # 20 sitemaps: the two given and 18 children
    assert seconds < SECONDS and peak < PEAK_RSS_MB, (seconds, peak)
    with sqlite3.connect(db) as conn:
        [bomb] = failure_reasons(conn, "/sitemap-bombe.xml.gz")
        assert bomb.startswith("sitemap too large over 20971520 bytes once decompressed"), bomb
        assert failure_reasons(conn, "/s-") == ["cap reached: NEWSARCHIVE_MAX_SITEMAPS = 20; not followed"]


def warc_record(uri: str, http_head: bytes, payload_length: int) -> bytes:
    """A WARC response record's headers and HTTP head, for a payload of ``payload_length`` bytes."""
    block = len(http_head) + payload_length
    return (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{abs(hash(uri)):032x}>\r\n"
            f"WARC-Date: 2024-02-29T10:00:00Z\r\nWARC-Target-URI: {uri}\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {block}\r\n\r\n"
            ).encode() + http_head


def article_record(uri: str) -> bytes:
    body = page(comments=comment_li(1, "Bien.")).encode()
    head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Length: {len(body)}\r\n\r\n"
    return gzip_zeros(0, warc_record(uri, head.encode(), len(body)) + body + b"\r\n\r\n")


def test_import_warc_skips_a_gzip_bomb_record(tmp_path):
    """A 0.5 MB WARC whose middle record inflates to 512 MB: the record is skipped and reported
    (warcio inflates the rest of it to reach the next one), the others imported."""
    inflated = 512 * MB
    head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {inflated}\r\n\r\n".encode()
    bomb = gzip_zeros(512, warc_record("http://example.org/politique/bombe-3.html", head, inflated), b"\r\n\r\n")
    warc = tmp_path / "bombe.warc.gz"
    warc.write_bytes(article_record("http://example.org/politique/avant-1.html") + bomb
                     + article_record("http://example.org/politique/apres-2.html"))
    assert warc.stat().st_size < MB
    result, seconds, peak = run_measured(tmp_path, "import-warc", str(warc), db=tmp_path / "archive.db")
    assert seconds < SECONDS and peak < PEAK_RSS_MB, (seconds, peak)
    assert "skipped WARC record http://example.org/politique/bombe-3.html: payload over" in result.stderr
    with sqlite3.connect(tmp_path / "archive.db") as conn:
        urls = [row[0] for row in conn.execute("SELECT url FROM captures ORDER BY url")]
    assert urls == ["http://example.org/politique/apres-2.html", "http://example.org/politique/avant-1.html"]


def test_import_warc_of_an_endless_header_line_stops_in_bounded_memory(tmp_path):
    """A record whose HTTP status line inflates to 512 MB without a line end: the import stops."""
    warc_head = warc_record("http://example.org/politique/ligne-4.html", b"", 512 * MB)
    warc = tmp_path / "ligne.warc.gz"
    warc.write_bytes(gzip_zeros(512, warc_head, b"\r\n\r\n"))
    result, seconds, peak = run_measured(tmp_path, "import-warc", str(warc), db=tmp_path / "archive.db")
    assert seconds < SECONDS and peak < PEAK_RSS_MB, (seconds, peak)
    assert result.returncode != 0 and "header line longer than 65536 bytes" in result.stderr, result.stderr[-2000:]


def test_requests_per_crawl_cap(tmp_path):
    """Ten article URLs with NEWSARCHIVE_MAX_REQUESTS=5: robots.txt and four articles are fetched."""
    db = tmp_path / "archive.db"
    with HostileServer() as server:
        server.routes["/robots.txt"] = lambda h: send(h, 200, b"User-agent: *\nAllow: /\n", "text/plain")
        server.prefixes["/politique/"] = lambda h: send(h, 200, page().encode())
        urls = ",".join(f"{server.base_url}/politique/article-{n}-{700000 + n}.html" for n in range(10))
        result, _, _ = run_measured(tmp_path, "crawl", "generic", "-a", f"urls={urls}", *CRAWL_SETTINGS,
                                    "-s", "NEWSARCHIVE_MAX_REQUESTS=5", db=db)
        assert len(server.hits) == 5, server.hits
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 4
        reasons = [row[0] for row in conn.execute("SELECT reason FROM failures")]
        stats = json.loads(conn.execute("SELECT stats FROM crawls").fetchone()[0])
    assert reasons == ["cap reached: NEWSARCHIVE_MAX_REQUESTS = 5; the crawl sends no more requests"]
    assert stats["newsarchive/capped/requests"] == 6
