"""A forum topic's opening post is the page's article: the thread is the replies to it."""
from __future__ import annotations

from pathlib import Path

import pytest

from newsarchive.extraction import extract
from newsarchive.items import Capture, FetchedPage

from .conftest import FETCHED_AT, FIXTURES, load_page

FAMILY_PAGES = Path(__file__).parents[1] / "fixtures" / "families" / "html"

SA_URL = "https://forums.example.com/showthread.php?threadid=4100200"


def posts(page) -> list[tuple]:
    return [(c.comment_id, c.parent_comment_id, c.author_name) for c in page.comments()]


def test_something_awful_first_page_leaves_the_opening_post_out():
    page = load_page("something_awful_first_page.html", SA_URL)
    # a reply quoting the opening post answers the topic itself
    assert posts(page) == [("88100014", None, "moss_lover"), ("88100027", "88100014", "Petunia Rex"),
                           ("88100033", None, "quietshed")]


def test_xenforo_page_declaring_the_topic_leaves_post_one_out():
    page = load_page("xenforo_topic_ld.html", "https://forum.example.com/threads/laptop-fan.9120/")
    assert posts(page) == [("5500108", None, "solder_sam"), ("5500113", "5500108", "rivet_jane")]


def article_of(name: str, url: str, folder: Path = FIXTURES):
    body = (folder / name).read_bytes()
    page = FetchedPage(url, 200, [("Content-Type", "text/html; charset=utf-8")], body, FETCHED_AT)
    return extract(Capture(url=url, site="example", spider="test", pages=[page]))


@pytest.mark.parametrize("name, url, folder, opening, replies", [
    ("something_awful_first_page.html", SA_URL, FIXTURES, "Post your gnomes. Mine wears a tiny fishing hat", 3),
    ("xenforo_topic_ld.html", "https://forum.example.com/threads/laptop-fan.9120/", FIXTURES,
     "I blew the dust out of my laptop and now the fan rattles at idle.", 2),
    ("discourse_crawler.html", "https://talk.riverside.example/t/bike-share/118", FAMILY_PAGES,
     "This is a companion discussion topic for the original entry", 3),
])
def test_the_opening_post_left_out_of_the_thread_is_the_article_body(name, url, folder, opening, replies):
    article = article_of(name, url, folder)
    assert article.article_body.startswith(opening) and len(article.comments) == replies
    assert opening not in " ".join(c.text for c in article.comments)  # kept once, as the article
