"""Threads a page's own script builds: rendered in real headless Chromium (-a render=auto), or recorded as needing a browser."""
from __future__ import annotations

import json
import os
import sqlite3

import pytest

from conftest import FAST_CRAWL, run_cli
from test_widget_threads import by_id, shown
from newsarchive.browser import client_side_thread
from newsarchive.items import FetchedPage
from newsarchive.replica import maliweb_site, serve, truth
from newsarchive.replica.scripted import ARTICLE_PATH, REMARK_PATH, ScriptedThreadSite

CHROMIUM = "/usr/bin/chromium"
needs_chromium = pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK),
                                    reason=f"no headless Chromium at {CHROMIUM} (Debian package `chromium`)")
HOST = "www.journal-kayes.example"
ARTICLE = f"http://{HOST}{ARTICLE_PATH}"


@pytest.fixture
def news():
    with serve(ScriptedThreadSite()) as served:
        yield served


def crawl(db, news, *arguments: str, settings: tuple[str, ...] = (), url: str = ARTICLE):
    spider_args = [part for argument in arguments for part in ("-a", argument)]
    host_map = json.dumps({HOST: news.base_url})
    extra = [part for setting in settings for part in ("-s", setting)]
    return run_cli("crawl", "generic", "-a", f"urls={url}", *spider_args, *FAST_CRAWL, *extra,
                   "-s", f"NEWSARCHIVE_HOST_MAP={host_map}", db=db, timeout=240)


def crawl_stats(db) -> dict:
    row = sqlite3.connect(db).execute("SELECT stats FROM crawls ORDER BY id DESC LIMIT 1").fetchone()
    return json.loads(row[0])


def failures(db) -> list[tuple[str, str]]:
    return sqlite3.connect(db).execute("SELECT url, reason FROM failures ORDER BY id").fetchall()


@needs_chromium
def test_render_auto_archives_the_whole_script_built_thread_through_chromium(tmp_path, news):
    db = tmp_path / "a.db"
    crawl(db, news, "render=auto")
    article = shown(db, ARTICLE)
    comments = by_id(article["comments"])
    assert set(comments) == {str(n) for n in range(901, 910)}  # behind two "load more" and three "show replies"
    assert [c["comment_id"] for c in article["comments"]] == ["901", "904", "905", "908", "909"]
    assert comments["903"]["parent_comment_id"] == "902" and comments["903"]["depth"] == 3
    assert comments["902"]["parent_comment_id"] == "901"
    assert [r["comment_id"] for r in comments["905"]["replies"]] == ["906", "907"]
    assert comments["906"]["author_name"] == "Ibrahim Traoré"
    assert comments["901"]["author_url"] == "https://awa.example.org/"
    assert comments["907"]["date_published"] == "2024-03-01T11:00:00Z"
    assert comments["902"]["text"] == "Et qui entretient les panneaux ?"
    asked = news.requested_paths()
    assert "/api/thread?post=5120&page=3" in asked and "/api/replies?parent=902" in asked
    assert not [path for path in asked if path.startswith("/api/reply-form")]  # "Répondre" never clicked
    assert not failures(db)
    stats = crawl_stats(db)
    assert stats["newsarchive/render/pages"] == 1 and stats["playwright/browser_count"] == 1


@needs_chromium
def test_the_rendered_dom_is_kept_as_a_capture_marked_rendered_under_the_real_url(tmp_path, news):
    db = tmp_path / "a.db"
    crawl(db, news, "render=auto")
    rows = sqlite3.connect(db).execute(
        "SELECT url, headers FROM captures WHERE article_url = ? ORDER BY id", (ARTICLE,)).fetchall()
    assert [url for url, _ in rows] == [ARTICLE, ARTICLE]
    rendered = [headers for _, headers in rows if "X-Newsarchive-Rendered" in headers]
    assert len(rendered) == 1
    run_cli("reextract", db=db)
    assert len(by_id(shown(db, ARTICLE)["comments"])) == 9  # read again from the kept DOM


@needs_chromium
def test_the_rendered_page_asks_nothing_robots_txt_forbids(tmp_path):
    with serve(ScriptedThreadSite(robots_txt="User-agent: *\nDisallow: /api/replies\n")) as news:
        db = tmp_path / "a.db"
        crawl(db, news, "render=auto")
        asked = news.requested_paths()
    assert "/api/thread?post=5120&page=3" in asked  # the thread's pages: allowed
    assert not [path for path in asked if path.startswith("/api/replies")]
    comments = by_id(shown(db, ARTICLE)["comments"])
    assert {"901", "904", "905", "908", "909"} <= set(comments) and "906" not in comments  # replies unasked
    assert crawl_stats(db)["newsarchive/render/refused_by_robots"] >= 1


@needs_chromium
def test_json_the_rendered_page_received_is_kept_and_read_by_its_widget_adapter(tmp_path, news):
    db = tmp_path / "a.db"
    url = f"http://{HOST}{REMARK_PATH}"
    crawl(db, news, url=url)
    article = shown(db, url)
    assert article["comments_widget"] == "remark42"
    comments = by_id(article["comments"])
    assert set(comments) == {f"rmk-{n}" for n in (7001, 7002, 7003, 7004, 7005, 7006, 7008, 7009)}
    assert comments["rmk-7003"]["parent_comment_id"] == "rmk-7002" and comments["rmk-7003"]["depth"] == 3
    assert comments["rmk-7002"]["author_name"] == "Moussa Keita"
    captured = [row[0] for row in sqlite3.connect(db).execute(
        "SELECT url FROM captures WHERE article_url = ? ORDER BY id", (url,))]
    assert captured[:2] == [url, url] and len(captured) == 3
    assert captured[2].startswith(f"http://{HOST}/api/v1/find?site=sahel&url=")  # the real URL, not the mapped one


def test_render_never_records_that_the_thread_needs_a_browser(tmp_path, news):
    db = tmp_path / "a.db"
    crawl(db, news, "render=never")
    article = shown(db, ARTICLE)
    assert article["comments"] == [] and article["comment_count_declared"] == 9
    [(url, reason)] = failures(db)
    assert url == ARTICLE
    assert reason.startswith("needs a browser: the page declares 9 comments and its HTML holds none (render=never)")
    stats = crawl_stats(db)
    assert stats["newsarchive/render/needs_browser"] == 1
    assert not [key for key in stats if key.startswith("playwright/")]
    assert not [path for path in news.requested_paths() if path.startswith("/api/")]


def test_render_auto_without_a_browser_records_where_it_looked(tmp_path, news):
    db = tmp_path / "a.db"
    options = json.dumps({"executable_path": str(tmp_path / "no-chromium")})
    crawl(db, news, "render=auto", settings=(f"PLAYWRIGHT_LAUNCH_OPTIONS={options}",))
    [(_, reason)] = failures(db)
    assert reason.startswith("needs a browser") and f"no browser at {tmp_path / 'no-chromium'}" in reason
    assert shown(db, ARTICLE)["comments"] == []


def test_an_unknown_render_mode_stops_the_crawl(tmp_path, news):
    result = run_cli("crawl", "generic", "-a", f"urls={news.url(ARTICLE_PATH)}", "-a", "render=sometimes",
                     *FAST_CRAWL, db=tmp_path / "a.db", check=False)
    assert "render must be one of never, auto, always" in result.stdout + result.stderr
    assert ARTICLE_PATH not in news.requested_paths()


@needs_chromium
def test_render_auto_on_server_rendered_threads_launches_no_browser(tmp_path):
    db = tmp_path / "a.db"
    with serve(maliweb_site("day1")) as served:
        result = run_cli("crawl", "maliweb", "-a", f"base_url={served.base_url}", "-a", "render=auto",
                         *FAST_CRAWL, db=db, check=False)
    assert result.returncode == 3, result.stderr[-3000:]  # the replica's 500 page stays pending
    stats = crawl_stats(db)
    assert stats["newsarchive/articles_stored"] > 10 and stats["newsarchive/comments_seen"] > 50
    assert not [key for key in stats if key.startswith(("playwright/", "newsarchive/render/"))]
    assert "scrapy-playwright" not in result.stderr
    assert not [reason for _, reason in failures(db) if "browser" in reason]


def page(body: bytes) -> FetchedPage:
    return FetchedPage(url=ARTICLE, status=200, headers=[("Content-Type", "text/html; charset=utf-8")], body=body,
                       fetched_at="2026-01-01T00:00:00Z")


@needs_chromium
def test_render_always_renders_a_server_rendered_article_and_keeps_its_thread_as_is(tmp_path):
    with serve(maliweb_site("day1")) as served:
        expected = max(truth("day1", served.base_url)["articles"], key=lambda a: len(a["comments"]))
        threads = {}
        for mode in ("never", "always"):
            db = tmp_path / f"{mode}.db"
            run_cli("crawl", "generic", "-a", f"urls={expected['url']}", "-a", f"render={mode}", *FAST_CRAWL, db=db)
            threads[mode] = by_id(shown(db, expected["url"])["comments"])
            threads[mode + " stats"] = crawl_stats(db)
    assert len(threads["never"]) == len(expected["comments"]) > 10
    assert {i: (c["parent_comment_id"], c["author_name"], c["text"]) for i, c in threads["always"].items()} == \
        {i: (c["parent_comment_id"], c["author_name"], c["text"]) for i, c in threads["never"].items()}
    assert threads["always stats"]["newsarchive/render/pages"] == 1
    assert "newsarchive/render/pages" not in threads["never stats"]


def test_client_side_thread_names_widgets_and_empty_declared_threads():
    assert client_side_thread(page(b'<div id="disqus_thread"></div><script>var disqus_config = 1;</script>')) \
        == "disqus widget and no adapter for it"
    assert client_side_thread(page(b'<div class="hyvor-talk-view"></div><div id="hyvor-talk-view"></div>')) \
        == "hyvor widget and no adapter for it"
    assert client_side_thread(page(b'<div class="fb-comments" data-href="x"></div>')) is None  # a facebook.com frame
    declared = b'<script type="application/ld+json">{"commentCount": 4}</script><div id="comments"></div>'
    assert client_side_thread(page(declared)) == "the page declares 4 comments and its HTML holds none"
    served = declared + b'<ol><li id="comment-12" class="comment">Oui</li></ol>'
    assert client_side_thread(page(served)) is None
    assert client_side_thread(page(b'<script>{"commentCount": 0}</script>')) is None
    assert client_side_thread(page(b'<div id="wpdcom"><div id="wpd-comm-3_0"></div></div>')) is None
    assert client_side_thread(page(b"<p>Le corail (coral) des Caraibes</p>")) is None
