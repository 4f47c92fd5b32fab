"""Widget adapters on their own: what each reads from a page, where it refuses to go, how it pages."""
from __future__ import annotations

import json

from newsarchive.items import FetchedPage
from newsarchive.widgets import adapter_of, first_widget_url, widget_comments, widget_marks

PAGE = "https://www.sahel.example/debats/eau-4021.html"


def data_page(url: str, body, headers=()) -> FetchedPage:
    return FetchedPage(url=url, status=200, headers=[("Content-Type", "application/json"), *headers],
                       body=json.dumps(body).encode(), fetched_at="2024-03-02T00:00:00Z")


def test_disqus_reads_the_legacy_variables_and_falls_back_to_the_thread_link():
    legacy = b"""<script>var disqus_shortname = 'sahel'; var disqus_identifier = '4021 eau';</script>"""
    assert "forum=sahel&thread:ident=4021+eau&" in first_widget_url(legacy, PAGE)
    embed_only = b"""<div id="disqus_thread"></div><script src="//sahel.disqus.com/embed.js"></script>"""
    assert f"forum=sahel&thread:link={PAGE}&" in first_widget_url(embed_only, PAGE)
    assert first_widget_url(b"<p>a page that names disqus in its text</p>", PAGE) is None


def test_widget_marks_answer_for_the_page_asked_about_each_time():
    embed = b"""<div id="disqus_thread"></div><script src="//sahel.disqus.com/embed.js"></script>"""
    assert {b"disqus_thread", b"disqus.com"} <= widget_marks(embed)  # an adapter's and a rendered widget's
    assert widget_marks(b"<p>no widget here</p>") == frozenset()
    assert widget_marks(bytes(bytearray(embed))) == widget_marks(embed)
    assert widget_marks(b'<hyvor-talk-comments website-id="1">') == {b"<hyvor-talk-comments", b"hyvor-talk-comments"}
    assert widget_marks(b"<p>disquspot.im</p>") == {b"disqus", b"spot.im"}  # one mark starting inside another


def test_disqus_pages_by_cursor_and_stops_when_the_cursor_does_not_move():
    first = first_widget_url(b"<script src='//sahel.disqus.com/embed.js'></script>", PAGE)
    adapter = adapter_of(first)
    following = adapter.next_url(data_page(first, {"code": 0, "cursor": {"hasNext": True, "next": "5:0:0"}, "response": []}))
    assert following.endswith("&cursor=5:0:0")
    same = {"code": 0, "cursor": {"hasNext": True, "next": "5:0:0"}, "response": []}
    assert adapter.next_url(data_page(following, same)) is None
    assert adapter.next_url(data_page(first, {"code": 0, "cursor": {"hasNext": False}, "response": []})) is None


def test_an_error_answer_is_a_warning_not_a_thread():
    url = first_widget_url(b"<script src='//sahel.disqus.com/embed.js'></script>", PAGE)
    warnings: list[str] = []
    assert widget_comments([data_page(url, {"code": 2, "response": "Invalid argument"})], warnings) == []
    assert "Disqus answered code 2" in warnings[0]


def test_self_hosted_widgets_stay_on_the_article_domain():
    remark = b"""<script>var remark_config = { host: "https://remark.sahel.example", site_id: "s" };</script>"""
    assert first_widget_url(remark, PAGE).startswith("https://remark.sahel.example/api/v1/find?site=s&url=")
    elsewhere = remark.replace(b"remark.sahel.example", b"tracker.other.example")
    assert first_widget_url(elsewhere, PAGE) is None
    isso = b"""<script data-isso="https://evil.example/" src="x.js"></script><section id="isso-thread"></section>"""
    assert first_widget_url(isso, PAGE) is None
    cusdis = b"""<div id="cusdis_thread" data-host="https://cusdis.com" data-app-id="a" data-page-id="p"></div>"""
    assert first_widget_url(cusdis, PAGE) == "https://cusdis.com/api/open/comments?appId=a&pageId=p&page=1"


def test_wordpress_rest_asks_the_articles_own_host_whatever_the_link_names():
    page = (b'<link rel="alternate" type="application/json" href="https://cdn.other.example/wp-json/wp/v2/posts/77">'
            b'<div id="wpdcom"></div>')
    assert first_widget_url(page, PAGE) == (
        "https://www.sahel.example/wp-json/wp/v2/comments?post=77&per_page=100&page=1&orderby=id&order=asc")
    assert first_widget_url(page.replace(b'id="wpdcom"', b'id="comments"'), PAGE) is None  # HTML thread: no REST


def test_utterances_by_issue_number_and_by_term():
    numbered = b"""<script src="https://utteranc.es/client.js" repo="o/r" issue-number="12" async></script>"""
    assert first_widget_url(numbered, PAGE) == "https://api.github.com/repos/o/r/issues/12/comments?per_page=100&page=1"
    by_term = numbered.replace(b'issue-number="12"', b'issue-term="pathname"')
    assert first_widget_url(by_term, PAGE) == ("https://api.github.com/search/issues?q=debats%2Feau-4021+type%3Aissue"
                                               "+in%3Atitle+repo%3Ao%2Fr")
