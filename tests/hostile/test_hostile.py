"""The maliweb spider crawls a server of hostile responses through the real CLI into a real archive."""
from __future__ import annotations

import json
import sqlite3
from html import escape

import pytest

from conftest import FAST_CRAWL, MALIWEB, run_cli

from .corpus import Case, cases, paged_cases
from .server import HostileServer, send

CRAWL_SETTINGS = [*FAST_CRAWL, "-s", "DOWNLOAD_TIMEOUT=4", "-s", "LOG_LEVEL=WARNING"]


def feed(base: str, paths: list[str]) -> bytes:
    items = "".join(f"<item><title>t</title><link>{base}{p}</link></item>" for p in paths)
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()


def home(offsite: str) -> bytes:
    links = ["javascript:alert(1)", "mailto:redaction@maliweb.net", "ftp://127.0.0.1/x-1.html",
             "data:text/html,<h1>x</h1>", f"{offsite}/politique/dehors-2.html",
             f"//localhost:{offsite.rsplit(':', 1)[1]}/politique/dehors-3.html", "file:///etc/passwd"]
    anchors = "".join(f'<a href="{escape(link)}">lien</a>' for link in links)
    return f"<html><body>{anchors}</body></html>".encode()


def routes(server: HostileServer, offsite: HostileServer, corpus: list[Case]) -> dict:
    table = {"/robots.txt": lambda h: send(h, 200, b"User-agent: *\nAllow: /\n", "text/plain"),
             "/wp-sitemap.xml": lambda h: send(h, 200, b"<?xml version='1.0'?><urlset><url><loc>",
                                               "application/xml"),
             "/": lambda h: send(h, 200, home(offsite.base_url))}
    paths = [case.path(number) for number, case in enumerate(corpus)]
    for case, path in zip(corpus, paths):
        table.update(paged_cases(case, path))
    body = feed(server.base_url, paths)
    table["/feed/"] = lambda h: send(h, 200, body, "application/rss+xml; charset=UTF-8")
    return table


@pytest.fixture(scope="module")
def hostile_crawl(tmp_path_factory):
    """One crawl of the whole corpus; yields (archive connection, server, offsite server, cases)."""
    db = tmp_path_factory.mktemp("hostile") / "archive.db"
    with HostileServer() as offsite, HostileServer() as server:
        offsite.base_url = f"http://localhost:{offsite.port}"
        corpus = cases(offsite)
        server.routes.update(routes(server, offsite, corpus))
        result = run_cli("crawl", "maliweb", "-a", f"base_url={server.base_url}", *CRAWL_SETTINGS,
                         db=db, timeout=600, check=False)
        conn = sqlite3.connect(db)
        conn.row_factory = sqlite3.Row
        yield conn, server, offsite, corpus, result
        conn.close()


def test_corpus_is_big_enough(hostile_crawl):
    _, _, _, corpus, _ = hostile_crawl
    assert len([c for c in corpus if not c.name.startswith("controle")]) >= 25


def test_crawl_finished_and_recorded(hostile_crawl):
    conn, _, _, corpus, result = hostile_crawl
    crawl = conn.execute("SELECT * FROM crawls ORDER BY id DESC LIMIT 1").fetchone()
    assert crawl["finish_reason"] == "finished", crawl["finish_reason"]
    # incomplete: the corpus's 5xx, 429, timeouts and cut pages may succeed later, so they are pending
    assert (result.returncode, crawl["status"]) == (3, "incomplete"), result.stderr[-3000:]
    stats = json.loads(crawl["stats"])
    comment_page_failures = 1  # page-de-commentaires-en-erreur's comment page (its article is archived)
    expected_failures = sum(1 for c in corpus if c.expect.stage) + comment_page_failures
    recorded = sum(v for k, v in stats.items() if k.startswith("newsarchive/failures/"))
    assert recorded == expected_failures, (recorded, expected_failures)
    assert stats["newsarchive/articles_new"] == sum(1 for c in corpus if c.expect.archived)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]


def test_archive_is_consistent(hostile_crawl):
    conn = hostile_crawl[0]
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    orphans = conn.execute("SELECT count(*) FROM comments c LEFT JOIN comments p ON p.id = c.parent_id"
                           " WHERE c.parent_id IS NOT NULL AND p.id IS NULL").fetchone()[0]
    assert orphans == 0
    cross = conn.execute("SELECT count(*) FROM comments c JOIN comments p ON p.id = c.parent_id"
                         " WHERE p.article_id != c.article_id").fetchone()[0]
    assert cross == 0
    fts = conn.execute("SELECT count(*) FROM comments_fts").fetchone()[0]
    assert fts == conn.execute("SELECT count(*) FROM comments").fetchone()[0]
    assert conn.execute("INSERT INTO comments_fts(comments_fts) VALUES ('integrity-check')") is not None


def test_never_left_the_site(hostile_crawl):
    _, server, offsite, _, _ = hostile_crawl
    assert offsite.hits == []
    assert not [p for p, _ in server.hits if "passwd" in p or p.startswith("/politique/dehors")]


def test_stats_command_reports_failures(hostile_crawl, tmp_path):
    conn = hostile_crawl[0]
    db = conn.execute("PRAGMA database_list").fetchone()["file"]
    out = run_cli("stats", db=db).stdout
    for reason in ("HTTP 404", "non-HTML response: application/pdf", "empty response body"):
        assert reason in out, out


CASE_NAMES = [case.name for case in cases(offsite=None)]


@pytest.mark.parametrize("name", CASE_NAMES)
def test_case_outcome(hostile_crawl, name):
    conn, server, _, corpus, _ = hostile_crawl
    index = CASE_NAMES.index(name)
    case = corpus[index]
    path = case.path(index)
    url = MALIWEB + path
    row = conn.execute("SELECT * FROM articles WHERE url = ?", (url,)).fetchone()
    failures = conn.execute("SELECT stage, reason FROM failures WHERE url = ?", (url,)).fetchall()
    expect = case.expect
    assert (row is not None) == expect.archived, (case.name, [tuple(f) for f in failures])
    if expect.stage:
        stages = expect.stage if isinstance(expect.stage, tuple) else (expect.stage,)
        assert len(failures) == 1 and failures[0]["stage"] in stages, (case.name, [tuple(f) for f in failures])
        reasons = expect.reason if isinstance(expect.reason, tuple) else (expect.reason or "",)
        assert any(r.lower() in failures[0]["reason"].lower() for r in reasons), (case.name, failures[0]["reason"])
    else:
        assert failures == [], (case.name, [tuple(f) for f in failures])
    if expect.comments is not None:
        count = conn.execute("SELECT count(*) FROM comments WHERE article_id = ?", (row["id"],)).fetchone()[0]
        assert count == expect.comments, (case.name, count)
    if expect.hits:
        low, high = expect.hits
        assert low <= len(server.hit_times(path)) <= high, (case.name, len(server.hit_times(path)))
    if expect.check:
        expect.check(conn, row, server, path)


def test_pages_that_fail_extraction_keep_their_raw_bytes(hostile_crawl):
    """Extraction runs before capture storage: a page it refuses is still kept in ``captures``."""
    conn, server, _, corpus, _ = hostile_crawl
    refused = [MALIWEB + case.path(number) for number, case in enumerate(corpus)
               if case.expect.stage == "extract"]
    assert len(refused) >= 3
    for url in refused:
        kept = conn.execute("SELECT count(*) FROM captures c JOIN capture_bodies b ON b.hash = c.body_hash"
                            " WHERE c.article_url = ?", (url,)).fetchone()[0]
        assert kept >= 1, url
