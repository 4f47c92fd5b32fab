"""Newsroom comment platforms end to end: Coral and Viafoura replicas on 127.0.0.1 behind NEWSARCHIVE_HOST_MAP, crawled and revisited."""
from __future__ import annotations

import json
import sqlite3
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import FAST_CRAWL, run_cli
from newsarchive.replica import news_widgets, serve
from newsarchive.replica.news_widgets import HOST, PATHS

MAPPED_HOSTS = ("www.journal-sahel.example", "comments.journal-sahel.example")


def crawl(db, served, *arguments: str):
    spider_args = [part for argument in arguments for part in ("-a", argument)]
    host_map = json.dumps({host: served.base_url for host in MAPPED_HOSTS})
    urls = ",".join(HOST + path for path in PATHS.values())
    return run_cli("crawl", "generic", "-a", f"urls={urls}", *spider_args, *FAST_CRAWL,
                   "-s", f"NEWSARCHIVE_HOST_MAP={host_map}", db=db, timeout=180)


def shown(db, vendor: str) -> dict:
    return json.loads(run_cli("show", HOST + PATHS[vendor], "--json", db=db).stdout)


def by_id(comments: list[dict], found: dict | None = None) -> dict:
    found = {} if found is None else found
    for comment in comments:
        found[comment["comment_id"]] = comment
        by_id(comment.get("replies", []), found)
    return found


def captured_urls(db, vendor: str) -> list[str]:
    return [row[0] for row in sqlite3.connect(db).execute(
        "SELECT url FROM captures WHERE article_url = ? ORDER BY id", (HOST + PATHS[vendor],))]


NESTED = {"7001": None, "7002": "7001", "7003": "7002", "7004": None, "7005": "7004", "7006": None,
          "7008": None, "7009": "7008"}  # the replica thread's public comments and their parents


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """One crawl of every platform's article, two comments a page so that each pages."""
    db = tmp_path_factory.mktemp("news_widgets") / "a.db"
    with serve(news_widgets.NewsWidgetsSite(page_size=2)) as served:
        crawl(db, served)
    return db


def test_a_coral_thread_is_archived_across_its_cursor_pages(archive):
    article = shown(archive, "coral")
    assert article["comments_widget"] == "coral"
    comments = by_id(article["comments"])
    assert {k.removeprefix("cmt-"): (v["parent_comment_id"] or "").removeprefix("cmt-") or None
            for k, v in comments.items()} == NESTED  # 7007 awaits moderation: not listed
    assert [c["comment_id"] for c in article["comments"]] == ["cmt-7001", "cmt-7004", "cmt-7006", "cmt-7008"]
    assert comments["cmt-7003"]["depth"] == 3 and comments["cmt-7003"]["author_name"] == "Awa Diarra"
    assert comments["cmt-7002"]["date_published"] == "2024-03-01T08:40:12Z"
    assert comments["cmt-7004"]["type"] == "deleted" and comments["cmt-7004"]["author_name"] is None
    assert comments["cmt-7006"]["text"] == "Les pompes solaires marchent bien ici."  # the script is dropped
    urls = captured_urls(archive, "coral")
    assert len(urls) == 3 and all(u.startswith("https://comments.journal-sahel.example/api/graphql?query=") for u in urls[1:])
    assert [json.loads(parse_qs(urlsplit(u).query)["variables"][0]) for u in urls[1:]] == [
        {"id": "story-4021", "after": None}, {"id": "story-4021", "after": "2024-03-01T09:15:00Z"}]
