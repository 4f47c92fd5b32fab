"""robots.txt is obeyed for every request: start URLs, discovery, requests queued while it is read, revisits."""
from __future__ import annotations

import json
import sqlite3

from conftest import FAST_CRAWL, run_cli

from .corpus import page
from .pages import comment_li
from .server import HostileServer, send
from .test_hostile import feed

CRAWL_SETTINGS = [*FAST_CRAWL, "-s", "DOWNLOAD_TIMEOUT=4", "-s", "LOG_LEVEL=WARNING"]
ALLOW_ALL = b"User-agent: *\nAllow: /\n"
ARTICLES = [f"/politique/article-{n}-{800000 + n}.html" for n in range(10)]


def robots(server: HostileServer, rules: bytes) -> None:
    server.routes["/robots.txt"] = lambda h: send(h, 200, rules, "text/plain")


def site(server: HostileServer, rules: bytes) -> None:
    """A maliweb-like site: a feed, a home page and a section linking the articles."""
    links = "".join(f'<a href="{path}">article</a>' for path in ARTICLES)
    home = f'<html><body><a href="/category/politique/">Politique</a>{links}</body></html>'.encode()
    for number, path in enumerate(ARTICLES):
        body = page(post_id=number + 1, comments=comment_li(number + 1, "Bien.")).encode()
        server.routes[path] = lambda h, body=body: send(h, 200, body)
    server.routes["/"] = server.routes["/category/politique/"] = lambda h: send(h, 200, home)
    server.routes["/feed/"] = lambda h: send(h, 200, feed(server.base_url, ARTICLES), "application/rss+xml")
    robots(server, rules)


def disallowed_hits(server: HostileServer, prefix: str) -> list[str]:
    return [path for path, _ in server.hits if path.startswith(prefix) and path != "/robots.txt"]


def refusals(db) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute(
            "SELECT url FROM failures WHERE reason = 'refused by robots.txt' ORDER BY url")]


def last_crawl_stats(db) -> dict:
    with sqlite3.connect(db) as conn:
        return json.loads(conn.execute("SELECT stats FROM crawls ORDER BY id DESC LIMIT 1").fetchone()[0])


def test_start_urls_disallowed_are_never_fetched(tmp_path):
    """Ten start URLs are queued while robots.txt is read: none of them may pass."""
    db = tmp_path / "archive.db"
    with HostileServer() as server:
        site(server, b"User-agent: *\nDisallow: /\n")
        urls = ",".join(server.base_url + path for path in ARTICLES)
        result = run_cli("crawl", "generic", "-a", f"urls={urls}", *CRAWL_SETTINGS, db=db, timeout=120,
                         check=False)
        assert disallowed_hits(server, "/") == []
    # a crawl that reached nothing is incomplete, never finished; the refusals are final, not pending
    assert result.returncode == 3 and "incomplete (reached nothing" in result.stdout, result.stdout
    assert refusals(db) == sorted(server.base_url + path for path in ARTICLES)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM frontier WHERE state = 'pending'").fetchone()[0] == 0
    assert last_crawl_stats(db)["newsarchive/robots_refused"] == len(ARTICLES)


def test_discovery_never_fetches_a_disallowed_section(tmp_path):
    """The maliweb spider reads the feed, the home page and a section; the articles are disallowed."""
    db = tmp_path / "archive.db"
    with HostileServer() as server:
        site(server, b"User-agent: *\nDisallow: /politique/\n")
        run_cli("crawl", "maliweb", "-a", f"base_url={server.base_url}", *CRAWL_SETTINGS, db=db, timeout=120)
        assert disallowed_hits(server, "/politique/") == []
        assert {"/feed/", "/"} <= {path for path, _ in server.hits}  # discovery did run
    assert len(refusals(db)) == len(ARTICLES)


def test_revisits_of_archived_articles_obey_robots(tmp_path):
    db = tmp_path / "archive.db"
    with HostileServer() as server:
        site(server, ALLOW_ALL)
        run_cli("crawl", "maliweb", "-a", f"base_url={server.base_url}", *CRAWL_SETTINGS, db=db, timeout=120)
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == len(ARTICLES)
        server.hits.clear()
        robots(server, b"User-agent: *\nDisallow: /politique/\n")
        run_cli("crawl", "maliweb", "-a", f"base_url={server.base_url}", "-a", "revisit=all",
                *CRAWL_SETTINGS, db=db, timeout=120)
        assert disallowed_hits(server, "/politique/") == []
    assert last_crawl_stats(db)["newsarchive/revisits_planned"] == len(ARTICLES)
    assert len(refusals(db)) == len(ARTICLES)
