"""A forum topic's opening post is the page's article: the thread is the replies to it."""
from __future__ import annotations

from .conftest import load_page

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
