"""Hyvor Talk, Commento, giscus and wpDiscuz adapters on their own: what each reads from a page, where it refuses to go, what it posts."""
from __future__ import annotations

import json

from newsarchive.items import FetchedPage
from newsarchive.widgets import adapter_of, first_widget_url, widget_comments, widget_request

PAGE = "https://www.sahel.example/debats/eau-4021.html"


def data_page(url: str, body) -> FetchedPage:
    return FetchedPage(url=url, status=200, headers=[("Content-Type", "application/json")],
                       body=json.dumps(body).encode(), fetched_at="2024-03-02T00:00:00Z")


def test_hyvor_reads_the_web_component_and_the_older_config_and_posts_the_page_to_init():
    component = b'<hyvor-talk-comments website-id="12" page-id="eau-4021"></hyvor-talk-comments>'
    url = first_widget_url(component, PAGE)
    assert url == ("https://talk.hyvor.com/api/embed/v3/12/init?page_id=eau-4021"
                   "&url=https%3A%2F%2Fwww.sahel.example%2Fdebats%2Feau-4021.html")
    asked = widget_request(url)
    assert asked["method"] == "POST" and json.loads(asked["body"])["page"] == {
        "id": "eau-4021", "url": PAGE, "title": None, "language": None, "author": None}
    older = b"""<div id="hyvor-talk-view"></div><script>var HYVOR_TALK_WEBSITE = 12;
    var HYVOR_TALK_CONFIG = { url: false, id: 'eau-4021' };</script>"""
    assert first_widget_url(older, PAGE) == url
    assert first_widget_url(component.replace(b'website-id="12" ', b""), PAGE) is None
    elsewhere = component.replace(b"<hyvor-talk-comments ", b'<hyvor-talk-comments instance="https://talk.other.example" ')
    assert first_widget_url(elsewhere, PAGE) is None  # a self-hosted instance must be on the article's domain


def test_hyvor_asks_each_list_that_has_more_and_stops_when_a_read_would_repeat():
    init_url = first_widget_url(b'<hyvor-talk-comments website-id="12" page-id="p"></hyvor-talk-comments>', PAGE)
    adapter = adapter_of(init_url)
    article = FetchedPage(url=PAGE, status=200, headers=[], body=b"", fetched_at="2024-03-02T00:00:00Z")
    init = data_page(init_url, {"page": {"id": 9}, "website": {"default_sort": "top"},
                                "comments": {"list": {"PARENT": [1, 2]}, "indexed": {}, "has_more_ids": ["PARENT"]}})
    following = adapter.following_url([article, init])
    assert following == "https://talk.hyvor.com/api/embed/v3/12/page/9/comments?sort=top&offset=2"
    empty = data_page(following, {"list": {"PARENT": []}, "indexed": {}, "has_more_ids": ["PARENT"]})
    assert adapter.following_url([article, init, empty]) is None  # the answer added nothing: offset 2 again


def test_commento_posts_domain_and_path_to_the_scripts_server_and_refuses_another_domain():
    hosted = b'<div id="commento"></div><script defer src="https://cdn.commento.io/js/commento.js"></script>'
    url = first_widget_url(hosted, PAGE)
    assert url == "https://commento.io/api/comment/list?domain=www.sahel.example&path=%2Fdebats%2Feau-4021.html"
    assert json.loads(widget_request(url)["body"]) == {
        "commenterToken": "anonymous", "domain": "www.sahel.example", "path": "/debats/eau-4021.html"}
    own = b'<script defer src="https://commento.sahel.example/js/commento.js" data-page-id="/eau"></script>'
    assert first_widget_url(own, PAGE) == "https://commento.sahel.example/api/comment/list?domain=www.sahel.example&path=%2Feau"
    assert first_widget_url(own.replace(b"commento.sahel.example", b"commento.other.example"), PAGE) is None


def test_commento_refusal_is_a_warning_not_a_thread():
    url = first_widget_url(b'<script src="https://cdn.commento.io/js/commento.js"></script>', PAGE)
    warnings: list[str] = []
    refused = {"success": False, "message": "This domain is not registered with Commento."}
    assert widget_comments([data_page(url, refused)], warnings) == []
    assert "not registered" in warnings[0]


def test_giscus_sends_the_term_its_client_would_for_each_mapping():
    tag = (b'<title>Eau &amp; forages</title><meta property="og:title" content="Forages">'
           b'<script src="https://giscus.app/client.js" data-repo="o/r" data-mapping="MAPPING" data-term="42"></script>')
    terms = {mapping: first_widget_url(tag.replace(b"MAPPING", mapping.encode()), PAGE)
             for mapping in ("pathname", "url", "title", "og:title", "number", "specific")}
    assert "term=debats%2Feau-4021&" in terms["pathname"]  # the path without its extension
    assert "term=https%3A%2F%2Fwww.sahel.example%2Fdebats%2Feau-4021.html&" in terms["url"]
    assert "term=Eau+%26+forages&" in terms["title"] and "term=Forages&" in terms["og:title"]
    assert "&number=42&" in terms["number"] and "term=42&" in terms["specific"]
    assert first_widget_url(tag.replace(b'data-repo="o/r"', b'data-repo="not a repo"'), PAGE) is None


def test_wpdiscuz_asks_nothing_when_the_page_shows_the_whole_thread_and_never_leaves_the_site():
    settings = {"wc_post_id": "77", "url": "https://www.sahel.example/wp-admin/admin-ajax.php", "isNativeAjaxEnabled": "1"}
    complete = f'<script>var wpdiscuzAjaxObj = {json.dumps(settings)};</script><div id="wpdcom"></div>'.encode()
    assert first_widget_url(complete, PAGE) is None
    collapsed = complete + b'<div id="wpd-comm-5_0" class="wpd-comment wpd-hidden-replies"></div>'
    url = first_widget_url(collapsed, PAGE)
    assert url == "https://www.sahel.example/wp-admin/admin-ajax.php?action=wpdShowReplies&commentId=5&postId=77"
    assert widget_request(url)["body"] == b"action=wpdShowReplies&commentId=5&postId=77"
    elsewhere = collapsed.replace(b"www.sahel.example", b"tracker.other.example")
    assert first_widget_url(elsewhere, PAGE) is None


def test_wpdiscuz_loads_the_first_batch_itself_where_the_page_leaves_it_to_the_script():
    settings = {"wc_post_id": "77", "url": "https://www.sahel.example/wp-admin/admin-ajax.php", "firstLoadWithAjax": "1"}
    page = (f'<script>var wpdiscuzAjaxObj = {json.dumps(settings)};</script><div id="wpdcom">'
            '<button name="submit" data-lastparentid="0" class="wpd-load-more-submit wpd-loaded">Plus</button>'
            '<span id="wpdiscuzHasMoreComments" data-is_show_load_more="0"></span></div>').encode()
    first = first_widget_url(page, PAGE)
    assert first.endswith("?action=wpdLoadMoreComments&offset=0&lastParentId=0&isFirstLoad=1&wpdType=&postId=77")
    article = FetchedPage(url=PAGE, status=200, headers=[], body=page, fetched_at="2024-03-02T00:00:00Z")
    batch = data_page(first, {"success": True, "data": {"comment_list": '<div id="wpd-comm-9_0" class="wpd-comment">'
                                                                       '</div>', "is_show_load_more": True,
                                                        "last_parent_id": "9"}})
    following = adapter_of(first).following_url([article, batch])
    assert following.endswith("?action=wpdLoadMoreComments&offset=1&lastParentId=9&isFirstLoad=0&wpdType=&postId=77")
