"""End to end: the maliweb spider crawls the replica over real HTTP into a real SQLite file, twice."""
from __future__ import annotations

import json
import sqlite3

import pytest

from conftest import FAST_CRAWL, MALIWEB, run_cli
from newsarchive.replica import maliweb_site, serve, truth

TABLES = ("articles", "comments", "authors", "article_authors", "captures", "capture_bodies",
          "article_versions", "comment_versions")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """The replica crawled twice into one archive; the counts after each run."""
    db = tmp_path_factory.mktemp("e2e") / "archive.db"
    with serve(maliweb_site("day1")) as served:
        first = run_cli("crawl", "maliweb", "-a", f"base_url={served.base_url}", *FAST_CRAWL, db=db, check=False)
        counts_first = _counts(db)
        second = run_cli("crawl", "maliweb", "-a", f"base_url={served.base_url}", *FAST_CRAWL, db=db, check=False)
        yield {"db": db, "base": served.base_url, "requests": list(served.requests),
               "truth": truth("day1", MALIWEB), "counts": (counts_first, _counts(db)),
               "outputs": (first, second)}


def _counts(db) -> dict:
    conn = sqlite3.connect(db)
    try:
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        conn.close()


def _query(db, sql: str, *params):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_second_run_adds_no_rows(crawled):
    first, second = crawled["counts"]
    assert first["articles"] > 0 and first["comments"] > 0
    assert second == first


def test_every_article_of_the_replica_is_archived_once(crawled):
    expected = {a["url"] for a in crawled["truth"]["articles"]}
    archived = {row[0] for row in _query(crawled["db"], "SELECT url FROM articles")}
    assert expected == archived


def test_seed_article_thread_byline_and_dates(crawled):
    seed = next(a for a in crawled["truth"]["articles"] if a["name"] == "seed")
    (article_id, headline, posted_by, published, declared, widget), = _query(
        crawled["db"], "SELECT id, headline, posted_by, date_published, comment_count_declared,"
        " comments_widget FROM articles WHERE url = ?", seed["url"])
    assert (headline, posted_by, published) == (seed["headline"], "Rédaction", seed["date_published"])
    assert (declared, widget) == (21, "facebook")
    byline = _query(crawled["db"], "SELECT a.name FROM article_authors aa JOIN authors a"
                    " ON a.id = aa.author_id WHERE aa.article_id = ? ORDER BY position", article_id)
    assert byline == [("Cheick Moctar TRAORE",)]
    thread = _query(crawled["db"], "SELECT c.comment_id, p.comment_id, c.depth, c.author_name,"
                    " c.date_published, c.text FROM comments c LEFT JOIN comments p ON p.id = c.parent_id"
                    " WHERE c.article_id = ? ORDER BY c.position", article_id)
    want = [(c["comment_id"], c["parent_comment_id"], c["depth"], c["author_name"],
             c["date_published"], c["text"]) for c in seed["comments"]]
    assert len(thread) == 21 and thread == want


def test_every_article_matches_the_truth(crawled):
    for expected in crawled["truth"]["articles"]:
        row = _query(crawled["db"], "SELECT headline, date_published, section, comment_count_declared,"
                     " (SELECT COUNT(*) FROM comments c WHERE c.article_id = articles.id)"
                     " FROM articles WHERE url = ?", expected["url"])
        assert row == [(expected["headline"], expected["date_published"], expected["section"],
                        expected["comment_count_declared"], len(expected["comments"]))], expected["name"]


def test_never_fetches_reply_admin_or_live_links(crawled):
    paths = [path for _method, path in crawled["requests"]]
    assert "/robots.txt" in paths  # robots.txt is obeyed
    assert not [p for p in paths if "replytocom" in p or "/wp-admin/" in p or "wp-login" in p]
    urls = [row[0] for row in _query(crawled["db"], "SELECT url FROM captures")]
    assert urls and all(url.startswith(MALIWEB + "/") for url in urls)  # the site's URLs, fetched from the replica


def test_the_replica_s_server_error_and_cut_page_leave_the_crawl_incomplete(crawled):
    """The replica's 500 page and its truncated thread may succeed later: both runs exit 3
    (incomplete) and leave exactly those two pending; its 404 and PDF are refused for good."""
    assert [output.returncode for output in crawled["outputs"]] == [3, 3]
    edges = {edge["kind"]: edge["url"] for edge in crawled["truth"]["edge_cases"]}
    truncated = [a["url"] for a in crawled["truth"]["articles"] if a["truncated"]]
    pending = {url for url, in _query(crawled["db"], "SELECT url FROM frontier WHERE state = 'pending'")}
    assert pending == {edges["error"], *truncated}
    failed = {url for url, in _query(crawled["db"], "SELECT url FROM frontier WHERE state = 'failed'")}
    assert {edges["gone"], edges["pdf"]} <= failed
    assert [status for status, in _query(crawled["db"], "SELECT status FROM crawls ORDER BY id")] == ["incomplete"] * 2


def test_bad_pages_are_reported_and_the_crawl_goes_on(crawled):
    failures = _query(crawled["db"], "SELECT url, stage, reason FROM failures WHERE crawl_id = 1")
    reasons = " | ".join(reason for _url, _stage, reason in failures)
    assert "HTTP 404" in reasons and "HTTP 500" in reasons and "non-HTML response" in reasons
    finish, = _query(crawled["db"], "SELECT finish_reason FROM crawls WHERE id = 1")
    assert finish == ("finished",)
    out = crawled["outputs"][0].stdout
    assert "not archived" in out and "HTTP 404" in out


def test_comment_pages_are_captured_under_their_article(crawled):
    seed = next(a for a in crawled["truth"]["articles"] if a["name"] == "seed")
    pages = {row[0] for row in _query(crawled["db"], "SELECT url FROM captures WHERE article_url = ?",
                                      seed["url"])}
    assert pages == set(seed["comment_pages"])


def test_every_article_points_at_the_capture_of_its_own_page(crawled):
    unlinked = _query(crawled["db"], "SELECT a.url FROM articles a LEFT JOIN captures c ON c.id = a.last_capture_id"
                                     " WHERE c.url IS NOT a.url OR c.article_url IS NOT a.url")
    assert unlinked == []


def test_show_json_nests_replies(crawled):
    seed = next(a for a in crawled["truth"]["articles"] if a["name"] == "seed")
    document = json.loads(run_cli("show", seed["url"], "--json", db=crawled["db"]).stdout)
    assert document["authors"] == ["Cheick Moctar TRAORE"]
    total = _count_tree(document["comments"])
    assert total == 21
    depth3 = [grandchild for comment in document["comments"] for reply in comment["replies"]
              for grandchild in reply["replies"]]
    assert depth3 and all(c["depth"] == 3 for c in depth3)


def _count_tree(comments: list[dict]) -> int:
    return sum(1 + _count_tree(c["replies"]) for c in comments)


def test_show_text_and_stats(crawled):
    seed = next(a for a in crawled["truth"]["articles"] if a["name"] == "seed")
    text = run_cli("show", seed["url"], db=crawled["db"]).stdout
    assert seed["headline"] in text and "21 comments archived" in text
    stats = run_cli("stats", db=crawled["db"]).stdout
    assert "maliweb.net" in stats and "HTTP 404" in stats


def test_polite_defaults():
    from newsarchive.runner import project_settings

    settings = project_settings("x.db")
    assert settings.getbool("ROBOTSTXT_OBEY") and settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.get("USER_AGENT").startswith("newsarchive/")
    assert 0 < settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 8
