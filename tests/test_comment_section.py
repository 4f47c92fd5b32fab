"""Extra comment pages read from their comment section alone: the same thread, or the whole page."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from newsarchive.extraction import extract
from newsarchive.items import Capture, FetchedPage
from newsarchive.pages.base import comment_section_tree, parse_html
from newsarchive.pages.maliweb import MaliwebPage
from newsarchive.parsing.sections import comment_section_start

FIXTURES = Path(__file__).parent / "fixtures" / "maliweb"
URL = "https://www.maliweb.net/politique/une-page-2968048.html"
SECTION = '<div class="comments" id="comments"><ol class="comment-list">{}</ol></div>'
ITEM = ('<li class="comment" id="li-comment-{n}"><div id="comment-{n}"><cite>Awa {n}</cite>'
        '<div class="comment-content"><p>Avis numéro {n}</p></div></div></li>')


def _document(before: str, items: str = ITEM.format(n=7)) -> bytes:
    return (f"<!DOCTYPE html><html><head><title>t</title></head><body>{before}"
            f"{SECTION.format(items)}</body></html>").encode("utf-8")


def _fetched(body: bytes, url: str = URL + "/comment-page-1") -> FetchedPage:
    return FetchedPage(url=url, status=200, headers=[("Content-Type", "text/html; charset=UTF-8")],
                       body=body, fetched_at="2024-03-01T12:00:00Z")


def test_a_plain_page_is_cut_at_its_comment_section():
    body = _document("<div class='td-post-content'><p>L'article.</p><script>var a = 1 < 2;</script></div>")
    assert body[comment_section_start(body):].startswith(b'<div class="comments" id="comments">')


@pytest.mark.parametrize("before", [
    "<script>document.write('<div class=\"x\" id=\"comments\">');</script>",
    "<!-- <div class=\"x\" id=\"comments\"> -->",
    "<textarea><div class=\"x\" id=\"comments\"></textarea>",
    "<style>/* <div class=\"x\" id=\"comments\"> */</style>",
], ids=["in-script", "in-comment", "in-textarea", "in-style"])
def test_a_section_mark_inside_opaque_text_is_never_a_cut(before):
    # The first id="comments" sits where the tokenizer reads text: cutting there would start the
    # section mid-script; the page is parsed whole instead.
    assert comment_section_start(_document(before)) is None


@pytest.mark.parametrize("before", [
    ITEM.format(n=3),                                        # a comment above the section
    '<div itemscope itemtype="https://schema.org/Comment">x</div>',
    '<div id="wpd-comm-12_0" class="wpd-comment">x</div>',   # wpDiscuz
    "<a id='comment-4'></a><div class='comment'>x</div>",    # Drupal's anchor
    '<div id="forum88">x</div>',                             # SPIP
    "<script>var unclosed = 1;",                           # a script still open at the section
    '<img alt="a',                                           # a tag still open at the section
], ids=["comment-before", "microdata-before", "wpdiscuz", "drupal", "spip", "open-script", "open-tag"])
def test_a_page_the_cut_could_change_is_parsed_whole(before):
    assert comment_section_start(_document(before)) is None


def test_words_alone_never_stop_the_cut():
    before = ('<a href="/x-1.html/comment-page-2/#comments">Page 2</a><p>Le forum de Bamako</p>'
              '<div class="tdb-comm-layout1">x</div><script type="application/ld+json">'
              '{"@context": "https://schema.org", "@type": "NewsArticle"}</script>')
    assert comment_section_start(_document(before)) is not None


def test_the_seed_comment_page_gives_the_same_thread_from_its_section():
    page = _fetched((FIXTURES / "seed-comment-page-1.html").read_bytes())
    section = comment_section_tree(page)
    assert section is not None
    reader = MaliwebPage(URL, [_fetched(b"<html><body></body></html>", URL), page], "maliweb.net")
    whole = reader.page_comments(parse_html(page)[0], page)
    from_section = reader.page_comments(section, page)
    assert len(whole) == 8
    assert [dataclasses.asdict(c) for c in from_section] == [dataclasses.asdict(c) for c in whole]


def test_a_section_without_comments_falls_back_to_the_whole_page():
    # Reader reactions (no comment ids: found by their class) sit above an empty #comments box:
    # the section alone holds none, so the whole page is read and nothing is lost.
    reaction = ('<div class="reaction" data-id="5001"><strong>Awa</strong>'
                '<div class="reaction-text"><p>Bravo</p></div></div>')
    body = _document(reaction, "")
    assert comment_section_start(body) is not None
    main = _fetched(_document("", ""), URL)
    article = extract(Capture(url=URL, site="maliweb.net", spider="test",
                              pages=[main, _fetched(body)], page_type="maliweb"))
    assert [(c.comment_id, c.text) for c in article.comments] == [("5001", "Bravo")]


def test_invalid_utf8_anywhere_keeps_the_whole_page_reading():
    # Windows-1252 bytes above the section: the page is decoded as a whole, with its warning.
    item = ITEM.format(n=7).replace("numéro", "no")
    body = _document("<p>été</p>", item).replace("été".encode(), "été".encode("cp1252"))
    assert comment_section_start(body) is not None and comment_section_tree(_fetched(body)) is None
    main = _fetched(_document("", ""), URL)
    article = extract(Capture(url=URL, site="maliweb.net", spider="test",
                              pages=[main, _fetched(body)], page_type="maliweb"))
    assert [c.text for c in article.comments] == ["Avis no 7"]
    assert any("windows-1252" in warning for warning in article.warnings)
