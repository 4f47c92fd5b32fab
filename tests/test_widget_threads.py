"""Widget threads end to end: a Disqus replica on 127.0.0.1 behind NEWSARCHIVE_HOST_MAP, crawled, shown, revisited, re-extracted."""
from __future__ import annotations

import json
import sqlite3

import pytest

from conftest import FAST_CRAWL, run_cli
from newsarchive.replica import serve, widget_vendors, wp_rest
from newsarchive.replica.disqus import ARTICLE_PATH, FORUM, IDENTIFIER, DisqusArticleSite, disqus_api


@pytest.fixture
def servers():
    api = disqus_api(page_size=3)  # 8 public posts: three pages of the cursor
    with serve(api) as disqus, serve(DisqusArticleSite(api)) as news:
        yield news, disqus


def crawl(db, news, disqus, *arguments: str):
    spider_args = [part for argument in arguments for part in ("-a", argument)]
    host_map = json.dumps({"disqus.com": disqus.base_url})
    return run_cli("crawl", "generic", "-a", f"urls={news.url(ARTICLE_PATH)}", *spider_args, *FAST_CRAWL,
                   "-s", f"NEWSARCHIVE_HOST_MAP={host_map}", db=db, timeout=180)


def shown(db, url: str) -> dict:
    return json.loads(run_cli("show", url, "--json", db=db).stdout)


def by_id(comments: list[dict], found: dict | None = None) -> dict:
    found = {} if found is None else found
    for comment in comments:
        found[comment["comment_id"]] = comment
        by_id(comment.get("replies", []), found)
    return found


def test_a_disqus_thread_is_archived_whole_across_its_cursor_pages(tmp_path, servers):
    news, disqus = servers
    db = tmp_path / "a.db"
    crawl(db, news, disqus)
    article = shown(db, news.url(ARTICLE_PATH))
    assert article["comments_widget"] == "disqus"
    top = [c["comment_id"] for c in article["comments"]]
    assert top == ["7001", "7004", "7006", "7008"]  # 7007 awaits moderation: not public
    comments = by_id(article["comments"])
    assert set(comments) == {"7001", "7002", "7003", "7004", "7005", "7006", "7008", "7009"}
    assert [r["comment_id"] for r in comments["7001"]["replies"]] == ["7002"]
    assert [r["comment_id"] for r in comments["7002"]["replies"]] == ["7003"]
    assert comments["7003"]["depth"] == 3 and comments["7003"]["parent_comment_id"] == "7002"
    assert comments["7002"]["author_name"] == "Moussa Keita"
    assert comments["7002"]["author_url"] == "https://disqus.com/by/moussak/"
    assert comments["7001"]["author_url"] == "https://awa.example.org/"
    assert comments["7002"]["date_published"] == "2024-03-01T08:40:12Z"
    assert comments["7001"]["text"] == "Enfin un vrai débat sur l'eau potable.\n\nMerci pour cet article."
    deleted = comments["7004"]
    assert deleted["type"] == "deleted" and deleted["text"] == "" and deleted["author_name"] is None
    assert comments["7005"]["parent_comment_id"] == "7004"
    assert comments["7006"]["text"] == "Les pompes solaires marchent bien ici."  # the script is dropped
    assert comments["7006"]["author_url"] is None  # an anonymous guest has no profile


def test_captures_record_the_real_disqus_urls_and_robots_is_asked_of_the_mapped_host(tmp_path, servers):
    news, disqus = servers
    db = tmp_path / "a.db"
    crawl(db, news, disqus)
    urls = [row[0] for row in sqlite3.connect(db).execute(
        "SELECT url FROM captures WHERE article_url = ? ORDER BY id", (news.url(ARTICLE_PATH),))]
    api = "https://disqus.com/api/3.0/threads/listPostsThreaded.json?"
    assert urls[0] == news.url(ARTICLE_PATH) and len(urls) == 4
    assert all(url.startswith(api) for url in urls[1:])
    assert f"forum={FORUM}" in urls[1] and f"thread:ident={IDENTIFIER}" in urls[1]
    assert [url.rpartition("cursor=")[2] if "cursor=" in url else None for url in urls[1:]] == [None, "3:0:0", "6:0:0"]
    asked = disqus.requested_paths()
    assert asked[0] == "/robots.txt" and len([p for p in asked if p.startswith("/api/3.0/")]) == 3
    assert not [p for p in news.requested_paths() if p.startswith("/api/")]  # every API call went to the map


def test_history_of_a_widget_thread_shows_added_removed_and_edited(tmp_path, servers):
    news, disqus = servers
    db = tmp_path / "a.db"
    crawl(db, news, disqus)
    thread = disqus.site.threads[(FORUM, IDENTIFIER)]
    thread[0]["replies"][0]["message"] = "<p>D'accord, mais qui paiera les forages et leur entretien ?</p>"
    thread[4]["replies"][0].setdefault("replies", []).append(
        {"id": "7010", "author": ("Awa Diarra", "", "awadiarra"), "at": "2024-03-02T09:00:00",
         "message": "<p>La saison sèche, justement, presse tout le monde.</p>"})
    del thread[2]  # 7006, the guest's post, taken down
    crawl(db, news, disqus, "revisit=all")
    out = run_cli("history", news.url(ARTICLE_PATH), db=db).stdout
    lines = [line for line in out.splitlines() if line.startswith("  20")]
    kinds = {line.split()[1]: line for line in lines}
    assert set(kinds) == {"added", "removed", "edited"}, out
    assert "#7010 by Awa Diarra, reply to #7009 (Moussa Keita)" in kinds["added"]
    assert "#7006 by Invité" in kinds["removed"]
    assert "#7002 by Moussa Keita" in kinds["edited"] and "entretien" in kinds["edited"]
    article = shown(db, news.url(ARTICLE_PATH))
    assert article["comments_archived"] == 8 and article["comments_removed"] == 1


def test_reextract_gives_the_same_thread_from_the_stored_captures(tmp_path, servers):
    news, disqus = servers
    db = tmp_path / "a.db"
    crawl(db, news, disqus)
    before = shown(db, news.url(ARTICLE_PATH))
    run_cli("reextract", db=db)
    after = shown(db, news.url(ARTICLE_PATH))
    assert after["comments"] == before["comments"] and len(by_id(after["comments"])) == 8


BLOG = "http://www.blog-citoyen.example"


def crawl_blog(db, blog, *arguments: str):
    spider_args = [part for argument in arguments for part in ("-a", argument)]
    host_map = json.dumps({"www.blog-citoyen.example": blog.base_url})
    return run_cli("crawl", "generic", "-a", f"urls={BLOG}{wp_rest.ARTICLE_PATH}", *spider_args, *FAST_CRAWL,
                   "-s", f"NEWSARCHIVE_HOST_MAP={host_map}", db=db, timeout=180)


def test_a_wpdiscuz_thread_is_read_whole_from_the_wordpress_rest_api(tmp_path):
    db = tmp_path / "a.db"
    with serve(wp_rest.WordPressRestSite(page_size=2)) as blog:  # six comments: three pages
        crawl_blog(db, blog)
    article = shown(db, BLOG + wp_rest.ARTICLE_PATH)
    assert article["comments_widget"] == "wpdiscuz"
    comments = by_id(article["comments"])
    assert set(comments) == {"801", "802", "803", "804", "805", "806"}  # the page itself shows 801-804
    assert [c["comment_id"] for c in article["comments"]] == ["801", "803", "805"]
    assert comments["804"]["parent_comment_id"] == "802" and comments["804"]["depth"] == 3
    assert comments["804"]["author_url"] == "https://kadi.example.org"
    assert comments["804"]["date_published"] == "2024-03-04T19:05:10Z"
    assert comments["804"]["text"] == "Une marque locale, assemblée à Kati."
    urls = [row[0] for row in sqlite3.connect(db).execute("SELECT url FROM captures ORDER BY id")]
    assert urls[1:] == [f"{BLOG}/wp-json/wp/v2/comments?post=512&per_page=100&page={n}&orderby=id&order=asc"
                        for n in (1, 2, 3)]


def test_a_site_that_restricts_its_rest_api_keeps_the_thread_its_html_shows(tmp_path):
    db = tmp_path / "a.db"
    with serve(wp_rest.WordPressRestSite(rest=False)) as blog:
        crawl_blog(db, blog)
    article = shown(db, BLOG + wp_rest.ARTICLE_PATH)
    assert set(by_id(article["comments"])) == {"801", "802", "803", "804"}


NESTED = {"7001": None, "7002": "7001", "7003": "7002", "7004": None, "7005": "7004", "7006": None,
          "7008": None, "7009": "7008"}  # the replica thread's public comments and their parents


@pytest.fixture(scope="module")
def vendors_archive(tmp_path_factory):
    """One crawl of the Remark42, Isso, utterances and Cusdis articles, their hosts mapped to one replica."""
    db = tmp_path_factory.mktemp("vendors") / "a.db"
    with serve(widget_vendors.WidgetVendorsSite(page_size=2)) as served:
        host_map = json.dumps({"blog.sahel.example": served.base_url, "remark.blog.sahel.example": served.base_url,
                               "api.github.com": served.base_url, "cusdis.com": served.base_url})
        urls = ",".join(widget_vendors.HOST + path for path in widget_vendors.PATHS.values())
        run_cli("crawl", "generic", "-a", f"urls={urls}", *FAST_CRAWL, "-s", f"NEWSARCHIVE_HOST_MAP={host_map}",
                db=db, timeout=180)
    return db


def vendor_article(db, vendor: str) -> dict:
    return shown(db, widget_vendors.HOST + widget_vendors.PATHS[vendor])


def test_a_remark42_thread_is_archived_with_its_tree(vendors_archive):
    article = vendor_article(vendors_archive, "remark42")
    comments = by_id(article["comments"])
    assert {k.removeprefix("rmk-"): (v["parent_comment_id"] or "rmk-").removeprefix("rmk-") or None
            for k, v in comments.items()} == NESTED
    assert comments["rmk-7004"]["type"] == "deleted" and comments["rmk-7004"]["text"] == ""
    assert comments["rmk-7003"]["author_name"] == "Awa Diarra" and comments["rmk-7003"]["depth"] == 3
    assert comments["rmk-7002"]["date_published"] == "2024-03-01T08:40:12Z"


def test_an_isso_thread_is_archived_with_its_tree(vendors_archive):
    article = vendor_article(vendors_archive, "isso")
    comments = by_id(article["comments"])
    assert {k: v["parent_comment_id"] for k, v in comments.items()} == NESTED
    assert comments["7004"]["type"] == "deleted"
    assert comments["7001"]["author_url"] == "https://awa.example.org/"
    assert comments["7009"]["date_published"] == "2024-03-01T13:00:00Z"


def test_an_utterances_thread_is_found_by_its_issue_and_read_across_pages(vendors_archive):
    article = vendor_article(vendors_archive, "utterances")
    assert article["comments_widget"] == "utterances"
    ids = [c["comment_id"] for c in article["comments"]]
    assert ids == [f"{n}000" for n in ("7001", "7002", "7003", "7005", "7006", "7008", "7009")]  # flat
    first = article["comments"][0]
    assert first["author_name"] == "awadiarra" and first["author_url"] == "https://github.com/awadiarra"
    assert first["text"] == "Enfin un vrai débat sur l'eau potable.\n\nMerci pour cet article."
    urls = [row[0] for row in sqlite3.connect(vendors_archive).execute(
        "SELECT url FROM captures WHERE article_url = ? ORDER BY id",
        (widget_vendors.HOST + widget_vendors.PATHS["utterances"],))]
    assert urls[1].startswith("https://api.github.com/search/issues?q=")
    assert [u.rpartition("page=")[2] for u in urls[2:]] == ["1", "2", "3", "4"]


def test_a_cusdis_thread_is_archived_across_its_pages_with_its_replies(vendors_archive):
    article = vendor_article(vendors_archive, "cusdis")
    comments = by_id(article["comments"])
    # approved and undeleted only: the deleted 7004 and its reply are no longer listed
    assert {k: v["parent_comment_id"] for k, v in comments.items()} == {
        "c7008": None, "c7009": "c7008", "c7006": None, "c7001": None, "c7002": "c7001", "c7003": "c7002"}
    assert [c["comment_id"] for c in article["comments"]] == ["c7008", "c7006", "c7001"]  # newest first
    assert comments["c7003"]["depth"] == 3 and comments["c7003"]["author_name"] == "Awa Diarra"
    assert comments["c7002"]["date_published"] == "2024-03-01T08:40:12Z"
    pages = [row[0] for row in sqlite3.connect(vendors_archive).execute(
        "SELECT url FROM captures WHERE url LIKE 'https://cusdis.com/api/open/comments?%' ORDER BY id")]
    assert [u.rpartition("page=")[2] for u in pages] == ["1", "2"]
