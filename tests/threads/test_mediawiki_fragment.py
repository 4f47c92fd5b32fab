"""A MediaWiki talk page served as a fragment (``action=render``: no ``<html>`` around it)."""
from __future__ import annotations

from newsarchive.extraction import extract
from newsarchive.items import Capture, FetchedPage
from newsarchive.pages.base import Page

from .conftest import FETCHED_AT, load_page

URL = "https://wiki.example.org/wiki/Talk:Riverside_Ferry_Line?action=render"
LAST = "c-Tide_Table-2023-11-21T07:05:00.000Z-Gull_Watcher-2023-11-20T16:48:00.000Z"


def test_a_fragment_keeps_its_last_comment_with_parent_author_and_time():
    comments = load_page("mediawiki_render_fragment.html", URL).comments()
    assert [c.author_name for c in comments] == ["Harbour Clerk", "Gull Watcher", "Tide Table"]
    reply = comments[-1]
    assert reply.comment_id == LAST
    assert reply.parent_comment_id == comments[1].comment_id and reply.depth == 2
    assert reply.date_published == "2023-11-21T07:05:00Z"
    assert reply.date_published_raw == "07:05, 21 November 2023 (UTC)"
    assert reply.text == "I took two pictures of the new concrete pier last spring and will upload them this week."


def test_a_fragment_is_no_truncated_page():
    page = load_page("mediawiki_render_fragment.html", URL)
    article = extract(Capture(url=URL, site="wiki.example.org", spider="test", pages=page.pages))
    assert article.comments_complete
    assert not any("truncated" in warning for warning in article.warnings)


def test_a_talk_page_cut_inside_its_last_comment_still_drops_it():
    fragment = load_page("mediawiki_render_fragment.html", URL).pages[0].body
    cut = fragment[:fragment.index(b"the new concrete pier")]
    page = Page(URL, [FetchedPage(URL, 200, [("Content-Type", "text/html; charset=utf-8")],
                                  b"<!DOCTYPE html>\n<html lang=\"en\"><body>" + cut, FETCHED_AT)])
    assert [c.author_name for c in page.comments()] == ["Harbour Clerk", "Gull Watcher"]
