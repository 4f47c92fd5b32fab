"""Hyvor Talk, Commento, giscus and wpDiscuz threads end to end: vendor replicas on 127.0.0.1 behind NEWSARCHIVE_HOST_MAP, crawled and shown."""
from __future__ import annotations

import json
import sqlite3

import pytest

from conftest import FAST_CRAWL, run_cli
from newsarchive.replica import more_widgets, serve
from newsarchive.replica.more_widgets import HOST, PATHS, MoreWidgetsSite
from test_widget_threads import by_id

VENDOR_HOSTS = ("talk.hyvor.com", "commento.io", "giscus.app")
# The replica thread's public comments and their parents (7011: a second reply to 7001).
NESTED = {"7001": None, "7002": "7001", "7003": "7002", "7011": "7001", "7004": None, "7005": "7004",
          "7006": None, "7008": None, "7009": "7008"}


def crawl(db, served, *arguments: str, vendors=tuple(PATHS)) -> None:
    spider_args = [part for argument in arguments for part in ("-a", argument)]
    host_map = json.dumps({host: served.base_url for host in (HOST.split("//")[1], *VENDOR_HOSTS)})
    urls = ",".join(HOST + PATHS[vendor] for vendor in vendors)
    run_cli("crawl", "generic", "-a", f"urls={urls}", *spider_args, *FAST_CRAWL, "-s", f"NEWSARCHIVE_HOST_MAP={host_map}",
            db=db, timeout=180)


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """One crawl of the Hyvor Talk, Commento and giscus articles, every host mapped to one replica."""
    db = tmp_path_factory.mktemp("more-widgets") / "a.db"
    with serve(MoreWidgetsSite(page_size=2)) as served:
        crawl(db, served)
        assert not served.errors, served.errors
        ARCHIVE_REQUESTS[:] = served.requests
    return db


ARCHIVE_REQUESTS: list[tuple[str, str]] = []  # what the replica received during the ``archive`` crawl


def shown(db, vendor: str) -> dict:
    return json.loads(run_cli("show", HOST + PATHS[vendor], "--json", db=db).stdout)


def capture_urls(db, vendor: str) -> list[str]:
    return [row[0] for row in sqlite3.connect(db).execute(
        "SELECT url FROM captures WHERE article_url = ? ORDER BY id", (HOST + PATHS[vendor],))]


def test_a_hyvor_thread_is_read_list_by_list_until_none_has_more(archive):
    article = shown(archive, "hyvor")
    assert article["comments_widget"] == "hyvor"
    comments = by_id(article["comments"])
    assert {k: v["parent_comment_id"] for k, v in comments.items()} == NESTED
    assert comments["7004"]["type"] == "deleted" and comments["7004"]["author_name"] is None
    assert comments["7003"]["depth"] == 3 and comments["7003"]["author_name"] == "Awa Diarra"
    assert comments["7001"]["author_url"] == "https://awa.example.org/"
    assert comments["7002"]["date_published"] == "2024-03-01T08:40:12Z"
    assert comments["7006"]["text"] == "Les pompes solaires marchent bien ici."  # the script is dropped
    urls = capture_urls(archive, "hyvor")
    api = f"https://talk.hyvor.com/api/embed/v3/{more_widgets.HYVOR_WEBSITE}"
    assert urls[1].startswith(f"{api}/init?page_id={more_widgets.HYVOR_PAGE_ID}&url=")
    assert urls[2:] == [f"{api}/page/77/comments?sort=oldest&offset=2",  # the top level, two a page
                        f"{api}/page/77/comments?sort=oldest&offset=1&parent_comment_id=7001"]  # one reply a page


def test_a_commento_thread_is_read_from_one_posted_listing(archive):
    article = shown(archive, "commento")
    assert article["comments_widget"] == "commento"
    comments = by_id(article["comments"])
    assert {k.removeprefix("cm"): (v["parent_comment_id"] or "").removeprefix("cm") or None
            for k, v in comments.items()} == NESTED
    assert comments["cm7004"]["type"] == "deleted" and comments["cm7004"]["text"] == ""
    assert comments["cm7002"]["author_name"] == "Moussa Keita" and comments["cm7002"]["author_url"] is None
    assert comments["cm7001"]["author_url"] == "https://awa.example.org/"
    assert comments["cm7006"]["author_name"] == "Anonymous"
    assert comments["cm7009"]["date_published"] == "2024-03-01T13:00:00Z"
    assert capture_urls(archive, "commento")[1:] == [
        "https://commento.io/api/comment/list?domain=debats.sahel.example&path=%2Fdebats%2Fcommento-puits%2F"]


def test_a_giscus_discussion_is_read_across_its_cursor_pages(archive):
    article = shown(archive, "giscus")
    assert article["comments_widget"] == "giscus"
    comments = by_id(article["comments"])
    # GitHub threads one level deep: a reply to a reply is a reply to the top comment.
    assert {k.removeprefix("DC_"): (v["parent_comment_id"] or "").removeprefix("DC_") or None
            for k, v in comments.items()} == {**NESTED, "7003": "7001", "7007": None}
    assert comments["DC_7004"]["type"] == "deleted"
    assert comments["DC_7007"]["type"] == "minimized" and "qualité de l'eau" in comments["DC_7007"]["text"]
    assert comments["DC_7002"]["author_name"] == "moussak"
    assert comments["DC_7002"]["author_url"] == "https://github.com/moussak"
    assert comments["DC_7011"]["date_published"] == "2024-03-01T08:50:00Z"
    pages = capture_urls(archive, "giscus")[1:]
    assert pages[0] == ("https://giscus.app/api/discussions?repo=sahel-news%2Fcommentaires&term=debats%2Fgiscus-kati%2F"
                        "&category=D%C3%A9bats&strict=false&first=100")
    assert [url.rpartition("after=")[2] if "after=" in url else None for url in pages] == [
        None, "cursor%3A2", "cursor%3A4"]


def test_a_wpdiscuz_thread_gets_its_further_comments_and_collapsed_replies_from_admin_ajax(archive):
    article = shown(archive, "wpdiscuz")
    assert article["comments_widget"] == "wpdiscuz"
    comments = by_id(article["comments"])
    # Guests see approved comments only: the trashed 7004 and its reply are gone from wpDiscuz.
    assert {k: v["parent_comment_id"] for k, v in comments.items()} == {
        k: v for k, v in NESTED.items() if k not in ("7004", "7005")}
    assert [c["comment_id"] for c in article["comments"]] == ["7001", "7006", "7008"]
    assert comments["7003"]["depth"] == 3 and comments["7003"]["author_name"] == "Awa Diarra"
    assert comments["7001"]["author_url"] == "https://awa.example.org/"
    assert comments["7002"]["date_published"] == "2024-03-01T08:40:00Z"
    assert comments["7009"]["text"] == "Courage, la saison sèche arrive."
    ajax = f"{HOST}/wp-admin/admin-ajax.php?action="
    assert capture_urls(archive, "wpdiscuz")[1:] == [
        f"{ajax}wpdGetNonce&postId=4021&nonceName=wpdiscuz_nonce",
        f"{ajax}wpdLoadMoreComments&offset=1&lastParentId=7006&isFirstLoad=0&wpdType=&postId=4021&wpdiscuz_nonce=5f1c1d2e3a",
        f"{ajax}wpdShowReplies&commentId=7001&postId=4021&wpdiscuz_nonce=5f1c1d2e3a",
        f"{ajax}wpdShowReplies&commentId=7008&postId=4021&wpdiscuz_nonce=5f1c1d2e3a"]
    # The post links its REST route first: refused to guests, the thread falls to wpDiscuz's own endpoint.
    assert ("GET", "/wp-json/wp/v2/comments?post=4021&per_page=100&page=1&orderby=id&order=asc") in ARCHIVE_REQUESTS
    assert [path for method, path in ARCHIVE_REQUESTS if method == "POST" and "admin-ajax" in path] == [
        url.removeprefix(HOST) for url in capture_urls(archive, "wpdiscuz")[1:]]


def test_reextract_gives_the_same_threads_from_the_stored_answers(archive):
    before = {vendor: shown(archive, vendor)["comments"] for vendor in PATHS}
    out = run_cli("reextract", db=archive).stdout
    assert "re-extracted 4 articles: 0 changed" in out and "0 failed" in out, out
    assert {vendor: shown(archive, vendor)["comments"] for vendor in PATHS} == before
    assert all(len(by_id(comments)) >= 7 for comments in before.values())


def test_history_of_a_hyvor_thread_shows_added_removed_and_edited(tmp_path):
    db = tmp_path / "a.db"
    with serve(MoreWidgetsSite(page_size=2)) as served:
        crawl(db, served, vendors=["hyvor"])
        thread = served.site.thread
        thread[0]["replies"][0]["message"] = "<p>D'accord, mais qui paiera les forages et leur entretien ?</p>"
        thread[4]["replies"][0].setdefault("replies", []).append(
            {"id": "7010", "author": ("Awa Diarra", "", "awadiarra"), "at": "2024-03-02T09:00:00",
             "message": "<p>La saison sèche, justement, presse tout le monde.</p>"})
        del thread[2]  # 7006, the guest's comment, taken down
        crawl(db, served, "revisit=all", vendors=["hyvor"])
    out = run_cli("history", HOST + PATHS["hyvor"], db=db).stdout
    kinds = {line.split()[1]: line for line in out.splitlines() if line.startswith("  20")}
    assert set(kinds) == {"added", "removed", "edited"}, out
    assert "#7010 by Awa Diarra, reply to #7009 (Moussa Keita)" in kinds["added"]
    assert "#7006 by Invité" in kinds["removed"]
    assert "#7002 by Moussa Keita" in kinds["edited"] and "entretien" in kinds["edited"]
    assert shown(db, "hyvor")["comments_removed"] == 1
