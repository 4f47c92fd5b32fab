"""An article's identity is its site's own URL: a replica or mirror served on any port archives the same rows."""
from __future__ import annotations

import sqlite3

import pytest

from conftest import MALIWEB, free_port, run_cli
from newsarchive.replica import truth

URL_COLUMNS = {"articles": ("url", "main_image_url"), "comments": ("author_url",),
               "captures": ("url", "request_url", "article_url", "headers"), "frontier": ("url", "article_url"),
               "failures": ("url",), "article_urls": ("url",)}


@pytest.fixture(scope="module")
def two_demos(tmp_path_factory):
    """``newsarchive demo`` run twice into one archive, the replica on a different port each time."""
    db = tmp_path_factory.mktemp("identity") / "demo.db"
    outputs = [run_cli("demo", "--port", str(free_port()), db=db).stdout for _ in range(2)]
    return {"db": db, "outputs": outputs}


def query(db, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def test_the_two_runs_were_served_from_two_ports(two_demos):
    served = [out.splitlines()[0] for out in two_demos["outputs"]]
    assert all(line.startswith("serving the offline maliweb replica at http://127.0.0.1:") for line in served)
    assert served[0] != served[1]


def test_each_article_and_comment_is_stored_once_under_the_site_s_url(two_demos):
    site = truth("day1", MALIWEB)
    stored = query(two_demos["db"], "SELECT url, (SELECT count(*) FROM comments c WHERE c.article_id = a.id)"
                                    " FROM articles a WHERE site = 'maliweb.net'")
    assert dict(stored) == {a["url"]: len(a["comments"]) for a in site["articles"]}
    for out in two_demos["outputs"]:
        assert f"archived {len(site['articles'])} articles and" in out and "from maliweb.net" in out
    assert query(two_demos["db"], "SELECT site, count(*) FROM articles WHERE site != 'maliweb.net' GROUP BY site") \
        == [("news.sahel.example", 1)]  # the Disqus article, under its own site's URL too


def test_the_second_run_changed_nothing(two_demos):
    assert query(two_demos["db"], "SELECT count(*) FROM article_versions") == [(0,)]
    assert query(two_demos["db"], "SELECT count(*) FROM comments WHERE removed_at IS NOT NULL") == [(0,)]


def test_no_url_in_the_archive_names_the_replica_s_host(two_demos):
    for table, columns in URL_COLUMNS.items():
        for column in columns:
            found = query(two_demos["db"], f"SELECT {column} FROM {table} WHERE {column} LIKE '%127.0.0.1%'")
            assert found == [], f"{table}.{column}: {found[:3]}"
    images = [url for url, in query(two_demos["db"], "SELECT main_image_url FROM articles"
                                                     " WHERE main_image_url IS NOT NULL")]
    assert images and all(url.startswith(MALIWEB + "/") for url in images)  # the mirror's links put back


def test_show_finds_the_article_by_its_site_s_url(two_demos):
    seed = next(a for a in truth("day1", MALIWEB)["articles"] if a["name"] == "seed")
    for url in (seed["url"], seed["url"] + "#comments", seed["url"] + "/comment-page-1/"):
        shown = run_cli("show", url, db=two_demos["db"]).stdout
        assert seed["headline"] in shown and "21 comments archived" in shown, url


def test_a_crawl_warns_of_articles_archived_under_a_mirror_s_urls(two_demos, tmp_path):
    db = tmp_path / "older.db"
    with sqlite3.connect(two_demos["db"]) as source, sqlite3.connect(db) as copy:
        source.backup(copy)
        copy.execute("UPDATE articles SET url = replace(url, ?, 'http://127.0.0.1:8765') WHERE id IN"
                     " (SELECT id FROM articles WHERE site = 'maliweb.net' LIMIT 3)", (MALIWEB,))
    nowhere = f"http://127.0.0.1:{free_port()}"  # nothing listens: the warning comes before any request
    result = run_cli("crawl", "maliweb", "-a", f"base_url={nowhere}", "-s", "RETRY_TIMES=0", db=db, check=False)
    assert f"3 articles of maliweb.net archived under other URLs than {MALIWEB}/" in result.stderr
