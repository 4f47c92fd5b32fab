"""Newsroom comment platforms end to end: Coral, OpenWeb, Viafoura and Facebook replicas on 127.0.0.1 behind NEWSARCHIVE_HOST_MAP, crawled and revisited."""
from __future__ import annotations

import json
import shutil
import sqlite3
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import FAST_CRAWL, run_cli
from test_widget_threads import NESTED, by_id
from newsarchive.replica import news_widgets, serve
from newsarchive.replica.news_widgets import CORAL_ROOT, HOST, PATHS, POST_ID, SPOT_ID, article_page
from newsarchive.widgets import adapter_of, first_widget_url, widget_request

MAPPED_HOSTS = ("www.journal-sahel.example", "comments.journal-sahel.example", "api-2-0.spot.im",
                "graph.facebook.com", "livecomments.viafoura.co", "iam.viafoura.co")
TOKEN = "EAAB-replica-token"


def crawl(db, served, *arguments: str, vendors=tuple(PATHS), check: bool = True):
    spider_args = [part for argument in arguments for part in ("-a", argument)]
    host_map = json.dumps({host: served.base_url for host in MAPPED_HOSTS})
    urls = ",".join(HOST + PATHS[vendor] for vendor in vendors)
    return run_cli("crawl", "generic", "-a", f"urls={urls}", *spider_args, *FAST_CRAWL,
                   "-s", f"NEWSARCHIVE_HOST_MAP={host_map}", "-s", f"NEWSARCHIVE_FACEBOOK_TOKEN={TOKEN}",
                   db=db, timeout=180, check=check)


def archived(db, vendor: str) -> tuple[dict, dict]:
    """The article of ``vendor`` as ``show --json`` gives it, and its comments by id."""
    article = json.loads(run_cli("show", HOST + PATHS[vendor], "--json", db=db).stdout)
    assert article["comments_widget"] == vendor
    return article, by_id(article["comments"])


TOP_LEVEL = ["7001", "7004", "7006", "7008"]  # the replica thread's public top-level comments, in order


def top_level(article: dict) -> list[str]:
    return [comment["comment_id"][-4:] for comment in article["comments"]]


def parents(comments: dict) -> dict:
    """Each comment's parent, both named by the replica thread's number (every vendor's ids end with it)."""
    return {k[-4:]: (v["parent_comment_id"] or "")[-4:] or None for k, v in comments.items()}


def captured_urls(db, vendor: str) -> list[str]:
    return [row[0] for row in sqlite3.connect(db).execute(
        "SELECT url FROM captures WHERE article_url = ? ORDER BY id", (HOST + PATHS[vendor],))]


@pytest.fixture(scope="module")
def served_archive(tmp_path_factory):
    """One crawl of every platform's article, two comments a page so that each pages."""
    db = tmp_path_factory.mktemp("news_widgets") / "a.db"
    with serve(news_widgets.NewsWidgetsSite(page_size=2)) as served:
        crawl(db, served)
    return db, served


@pytest.fixture
def archive(served_archive):
    return served_archive[0]


def test_a_coral_thread_is_archived_across_its_cursor_pages(archive):
    article, comments = archived(archive, "coral")
    assert parents(comments) == NESTED  # 7007 awaits moderation: not listed
    assert top_level(article) == TOP_LEVEL and article["comments"][0]["comment_id"] == "cmt-7001"
    assert comments["cmt-7003"]["depth"] == 3 and comments["cmt-7003"]["author_name"] == "Awa Diarra"
    assert comments["cmt-7002"]["date_published"] == "2024-03-01T08:40:12Z"
    assert comments["cmt-7004"]["type"] == "deleted" and comments["cmt-7004"]["author_name"] is None
    assert comments["cmt-7006"]["text"] == "Les pompes solaires marchent bien ici."  # the script is dropped
    urls = captured_urls(archive, "coral")
    assert len(urls) == 3 and all(u.startswith(f"{CORAL_ROOT}/api/graphql?query=") for u in urls[1:])
    assert [json.loads(parse_qs(urlsplit(u).query)["variables"][0]) for u in urls[1:]] == [
        {"id": "story-4021", "after": None}, {"id": "story-4021", "after": "2024-03-01T09:15:00Z"}]


def openweb_id(n: str) -> str:
    return f"{SPOT_ID}_{POST_ID}_{n}"


def test_an_openweb_conversation_is_archived_across_its_pages_and_reply_reads(served_archive):
    db, served = served_archive
    article, comments = archived(db, "openweb")
    assert parents(comments) == NESTED
    assert top_level(article) == TOP_LEVEL and article["comments"][0]["comment_id"] == openweb_id("7001")
    reply = comments[openweb_id("7003")]  # below the inline depth: read by its parent's id
    assert reply["depth"] == 3 and reply["author_name"] == "Awa Diarra"
    assert reply["date_published"] == "2024-03-01T09:02:00Z"
    assert comments[openweb_id("7004")]["type"] == "deleted" and comments[openweb_id("7004")]["text"] == ""
    assert comments[openweb_id("7001")]["text"] == "Enfin un vrai débat sur l'eau potable.\n\nMerci pour cet article."
    reads = [(path, headers) for (method, path), headers in zip(served.requests, served.headers)
             if method == "POST"]
    assert len(reads) == 3 and all(h["x-spot-id"] == SPOT_ID and h["x-post-id"] == POST_ID for _, h in reads)
    pages = [parse_qs(urlsplit(u).query) for u in captured_urls(db, "openweb")[1:]]
    assert [(p["offset"][0], p.get("parent_id", [""])[0]) for p in pages] == [
        ("0", ""), ("2", ""), ("0", openweb_id("7002"))]


def test_a_facebook_plugin_thread_is_read_from_the_graph_stream_with_the_token_kept_out_of_the_archive(served_archive):
    db, served = served_archive
    article, comments = archived(db, "facebook")
    # published comments only: the deleted 7004 is not listed, its reply is kept at the top level
    assert parents(comments) == {**{k: v for k, v in NESTED.items() if k != "7004"}, "7005": None}
    assert comments["9004021_7003"]["depth"] == 3 and comments["9004021_7003"]["author_name"] == "Awa Diarra"
    assert comments["9004021_7002"]["date_published"] == "2024-03-01T08:40:12Z"
    urls = captured_urls(db, "facebook")
    assert urls[1].startswith("https://graph.facebook.com/v19.0/?id=") and len(urls) == 6  # lookup + 4 pages of 2
    assert not [u for u in urls if TOKEN in u]
    graph = [h for (_, path), h in zip(served.requests, served.headers) if path.startswith("/v19.0/")]
    assert graph and all(h.get("authorization") == f"Bearer {TOKEN}" for h in graph)


def viafoura_id(n: str) -> str:
    return f"c0ffee00-0000-4000-8000-0000{int(n):08d}"


def test_a_viafoura_thread_is_archived_with_its_threads_replies_and_its_authors_names(served_archive):
    db, served = served_archive
    article, comments = archived(db, "viafoura")
    assert parents(comments) == NESTED
    assert top_level(article) == TOP_LEVEL and article["comments"][0]["comment_id"] == viafoura_id("7001")
    assert comments[viafoura_id("7003")]["depth"] == 3 and comments[viafoura_id("7003")]["author_name"] == "Awa Diarra"
    assert comments[viafoura_id("7009")]["author_name"] == "Moussa Keita"
    assert comments[viafoura_id("7002")]["date_published"] == "2024-03-01T08:40:12Z"
    assert comments[viafoura_id("7004")]["type"] == "deleted" and comments[viafoura_id("7004")]["author_name"] is None
    urls = captured_urls(db, "viafoura")
    users = [u for u in urls if u.startswith("https://iam.viafoura.co/v3/sections/")]
    assert len(users) == len(set(users)) == 5  # each author asked once: Awa, Moussa, Fatou, the guest, Binta
    lists = [u for u in urls if "/comments" in u]
    assert [("starting_from" in u, u.split("?")[0].endswith("/comments")) for u in lists] == [
        (False, True), (True, True), (False, False), (False, False), (False, False)]


def test_history_of_an_openweb_conversation_shows_added_removed_and_edited(tmp_path):
    db = tmp_path / "a.db"
    site = news_widgets.NewsWidgetsSite(page_size=2)
    with serve(site) as served:
        crawl(db, served, vendors=("openweb",))
        site.thread[0]["replies"][0]["message"] = "<p>D'accord, mais qui paiera les forages et leur entretien ?</p>"
        site.thread[4]["replies"][0].setdefault("replies", []).append(
            {"id": "7010", "author": ("Awa Diarra", "", "awadiarra"), "at": "2024-03-02T09:00:00",
             "message": "<p>La saison sèche, justement, presse tout le monde.</p>"})
        del site.thread[2]  # 7006, the guest's comment, taken down
        crawl(db, served, "revisit=all", vendors=("openweb",))
    out = run_cli("history", HOST + PATHS["openweb"], db=db).stdout
    kinds = {line.split()[1]: line for line in out.splitlines() if line.startswith("  20")}
    assert set(kinds) == {"added", "removed", "edited"}, out
    assert f"#{openweb_id('7010')} by Awa Diarra, reply to #{openweb_id('7009')} (Moussa Keita)" in kinds["added"]
    assert f"#{openweb_id('7006')} by Invité" in kinds["removed"]
    assert f"#{openweb_id('7002')} by Moussa Keita" in kinds["edited"] and "entretien" in kinds["edited"]


def test_a_coral_server_is_asked_only_on_the_articles_domain_or_corals_hosting():
    page = article_page("coral").encode()
    assert first_widget_url(page, HOST + PATHS["coral"]).startswith(f"{CORAL_ROOT}/api/graphql?")
    hosted = page.replace(b"https://comments.journal-sahel.example", b"https://sahel.coral.coralproject.net")
    assert first_widget_url(hosted, HOST + PATHS["coral"]).startswith("https://sahel.coral.coralproject.net/api/")
    elsewhere = page.replace(b"https://comments.journal-sahel.example", b"https://tracker.other.example")
    assert first_widget_url(elsewhere, HOST + PATHS["coral"]) is None


def test_an_openweb_read_is_a_post_whose_body_and_headers_the_url_names():
    url = first_widget_url(article_page("openweb").encode(), HOST + PATHS["openweb"])
    options = widget_request(url, {})
    assert options["method"] == "POST" and options["headers"]["Content-Type"] == "application/json"
    assert options["headers"]["x-spot-id"] == SPOT_ID and options["headers"]["x-post-id"] == POST_ID
    assert json.loads(options["body"])["offset"] == 0 and json.loads(options["body"])["parent_id"] == ""
    no_post_id = article_page("openweb").encode().replace(b"data-post-id", b"data-other")
    assert first_widget_url(no_post_id, HOST + PATHS["openweb"]) is None


def test_the_facebook_plugin_is_read_only_with_a_token_sent_as_a_header_and_never_beside_an_html_thread():
    page, with_token = article_page("facebook").encode(), {"NEWSARCHIVE_FACEBOOK_TOKEN": "t"}
    assert first_widget_url(page, HOST + PATHS["facebook"], settings={}) is None
    url = first_widget_url(page, HOST + PATHS["facebook"], settings=with_token)
    assert adapter_of(url).name == "facebook" and "access_token" not in url
    assert widget_request(url, with_token) == {"headers": {"Authorization": "Bearer t"}}
    beside = page.replace(b"</section>", b'<ol class="comment-list"><li id="comment-1">Oui</li></ol></section>')
    assert first_widget_url(beside, HOST + PATHS["facebook"], settings=with_token) is None


def test_viafoura_needs_the_pages_section_uuid():
    page = article_page("viafoura").encode()
    assert first_widget_url(page.replace(b"00000000-0000-4000-8000-", b"x"), HOST + PATHS["viafoura"]) is None


def test_reextract_gives_the_same_threads_from_the_stored_captures(served_archive, tmp_path):
    copy = tmp_path / "copy.db"
    shutil.copy(served_archive[0], copy)
    before = {vendor: archived(copy, vendor)[0]["comments"] for vendor in PATHS}
    run_cli("reextract", db=copy)
    assert {vendor: archived(copy, vendor)[0]["comments"] for vendor in PATHS} == before
    assert by_id(before["viafoura"])[viafoura_id("7009")]["author_name"] == "Moussa Keita"  # names from their captures


def test_a_data_page_that_fails_leaves_the_thread_partial_and_the_other_pages_still_asked(tmp_path):
    db = tmp_path / "a.db"
    site = news_widgets.NewsWidgetsSite(page_size=2)
    site.gone_authors.add("Awa Diarra")  # her user record answers 404, before the last thread's replies are asked
    with serve(site) as served:
        run = crawl(db, served, vendors=("viafoura",), check=False)
    assert run.returncode == 3  # the crawl says it is incomplete
    article, comments = archived(db, "viafoura")
    assert parents(comments) == NESTED
    assert comments[viafoura_id("7001")]["author_name"] is None and comments[viafoura_id("7003")]["author_name"] is None
    assert comments[viafoura_id("7009")]["author_name"] == "Moussa Keita"


class CoralCursorGone(news_widgets.NewsWidgetsSite):
    """The replica whose Coral server no longer answers any page after the first (404)."""

    def resolve(self, path_and_query: str, base_url: str):
        if "/api/graphql" in path_and_query and "%22after%22%3A%22" in path_and_query:
            return None
        return super().resolve(path_and_query, base_url)


def test_a_widget_that_cannot_go_past_a_failed_page_ends_its_thread_there(tmp_path):
    db = tmp_path / "a.db"
    with serve(CoralCursorGone(page_size=2)) as served:
        run = crawl(db, served, vendors=("coral",), check=False)
    assert run.returncode == 3  # the crawl says it is incomplete
    article, comments = archived(db, "coral")
    assert sorted(parents(comments)) == ["7001", "7002", "7003", "7004", "7005"]  # the first page's threads
    assert len([path for _, path in served.requests if "%22after%22%3A%22" in path]) == 1  # asked once
