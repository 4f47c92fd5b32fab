"""Links found by scanning bytes agree with a parsed tree; rebase() roots site and mirror links on the site and refuses the rest."""
from __future__ import annotations

from urllib.parse import urlsplit

import lxml.html
import pytest

from newsarchive.crawl import comment_page_hrefs, link_hrefs, strip_url, url_path
from spiders.maliweb import MaliwebSpider

LISTING = b"""<!DOCTYPE html><html><head><title>Politique</title></head><body>
<A HREF="/category/politique/page/2/">Suivant</A>
<a class="td-image-wrap" href='/politique/un-article-2968001.html' title="Un article">x</a>
<a data-id=7 href=/societe/autre-2968002.html>y</a>
<a
   href="/politique/loi-2968003.html?utm_source=a&amp;utm_medium=b">z</a>
<abbr href="/not-a-link/">n</abbr><area href="/map/">
<a href="/caf&#233;-2968004.html">caf\xc3\xa9</a>
<a name="top">no href</a>
</body></html>"""


def test_link_hrefs_match_the_parsed_tree():
    tree = lxml.html.fromstring(LISTING.decode("utf-8"))
    assert link_hrefs(LISTING) == tree.xpath("//a/@href")
    assert "/politique/loi-2968003.html?utm_source=a&utm_medium=b" in link_hrefs(LISTING)
    assert "/café-2968004.html" in link_hrefs(LISTING)


def test_link_hrefs_decode_the_page_charset():
    page = '<a href="/r\xe9gion/">r</a>'.encode("cp1252")
    assert link_hrefs(page, "cp1252") == ["/région/"]
    assert link_hrefs(page, "no-such-charset") == ["/r\ufffdgion/"]


def test_comment_page_hrefs_only_name_comment_pages():
    page = (b'<a href="/a-1.html">a</a> comment-page-2 in text <a class="page-numbers" '
            b'href="/a-1.html/comment-page-2/#comments">2</a><a href="/a-1.html?cpage=3">3</a>')
    assert comment_page_hrefs(page) == [b"/a-1.html/comment-page-2/#comments", b"/a-1.html?cpage=3"]


@pytest.mark.parametrize("href, rebased", [
    ("http://127.0.0.1:8000/a/b.html", "https://www.maliweb.net/a/b.html"),  # the mirror's link: the site's URL
    ("https://www.maliweb.net/a/b.html", "https://www.maliweb.net/a/b.html"),
    ("http://127.0.0.1:8000/a/b.html#comments", "https://www.maliweb.net/a/b.html"),
    ("http://127.0.0.1:8000/a?", "https://www.maliweb.net/a"),
    ("http://127.0.0.1:8000/a?p=1&q=2", "https://www.maliweb.net/a?p=1&q=2"),
    (" http://127.0.0.1:8000/a\n", "https://www.maliweb.net/a"),
    ("../c.html", "https://www.maliweb.net/c.html"),
    ("http://maliweb.net/d.html", "https://www.maliweb.net/d.html"),
    ("http://127.0.0.1:80000/x", None),
    ("http://elsewhere.example/x", None),
    ("javascript:alert(1)", None),
])
def test_rebase_roots_site_and_mirror_links_on_the_site_and_refuses_the_rest(href, rebased):
    spider = MaliwebSpider(base_url="http://127.0.0.1:8000")
    assert spider.rebase(href, "https://www.maliweb.net/x/y.html") == rebased


def test_each_listing_is_asked_for_once_and_pagination_only_while_pages_bring_news():
    spider = MaliwebSpider(base_url="http://127.0.0.1:8000")
    section, page_2 = "http://127.0.0.1:8000/category/politique/", "http://127.0.0.1:8000/category/politique/page/2/"
    assert spider.new_listings([section, page_2], more_pages=False) == [section]
    assert spider.new_listings([section, page_2], more_pages=True) == [page_2]  # not lost when first refused
    assert spider.new_listings([page_2, section], more_pages=True) == []


@pytest.mark.parametrize("url, path, stripped", [
    ("http://127.0.0.1:8000/a/b-1.html?c=1#d", "/a/b-1.html", "http://127.0.0.1:8000/a/b-1.html"),
    ("https://www.maliweb.net/a/b-1.html#respond?x", "/a/b-1.html", "https://www.maliweb.net/a/b-1.html"),
    ("http://127.0.0.1:8000?cpage=2", "", "http://127.0.0.1:8000"),
    ("/relative/path?q", "/relative/path", "/relative/path"),
])
def test_url_path_and_strip_url_agree_with_a_full_parse(url, path, stripped):
    assert url_path(url) == path == urlsplit(url).path
    assert strip_url(url) == stripped
