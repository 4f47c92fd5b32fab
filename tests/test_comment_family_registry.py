"""A comment family declared in one file and registered in one line is read by prescan, sections,
the crawl's comment-page scan, the generic page and extraction."""
from __future__ import annotations

import pytest
from lxml import html

from families.guestbook import GuestbookThread
from newsarchive.crawl import comment_page_hrefs
from newsarchive.extraction import extract
from newsarchive.items import Capture, FetchedPage
from newsarchive.parsing.sections import comment_section_start
from newsarchive.threads import FAMILIES, choose_parser, register, unregister
from newsarchive.threads.prescan import attribute_hits

URL = "https://example.org/2024/guestbook-article"
BODY = " ".join(["Le conseil municipal a voté le budget de la ville pour l'année prochaine."] * 6)


def guestbook_page(page: int) -> bytes:
    entries = "".join(
        f'<div id="gb-entry-{n}"><span class="gb-name">Visiteur {n}</span>'
        f'<p class="gb-text">Entrée numéro {n} du livre d\'or.</p></div>'
        for n in range(page * 10, page * 10 + 2))
    pager = "".join(f'<a href="{URL}?gbpage={p}">{p}</a>' for p in (1, 2) if p != page)
    return (f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Le budget</title>'
            f'<meta property="og:title" content="Le budget"></head><body><h1>Le budget</h1>'
            f'<article><p>{BODY}</p><p>{BODY}</p></article>'
            f'<section id="guestbook">{entries}<p class="gb-pager">{pager}</p></section>'
            f'</body></html>').encode()


def fetched(url: str, body: bytes) -> FetchedPage:
    return FetchedPage(url=url, status=200, headers=[("Content-Type", "text/html; charset=utf-8")],
                       body=body, fetched_at="2024-05-01T10:00:00Z")


@pytest.fixture
def guestbook():
    family = register(GuestbookThread(), before="cards")  # the one registry line
    yield family
    unregister(family.name)


def test_nothing_reads_the_family_before_it_is_registered():
    body = guestbook_page(1)
    assert "guestbook" not in [family.name for family in FAMILIES]
    assert comment_page_hrefs(body) == []
    assert extract(Capture(url=URL, site="", spider="t", pages=[fetched(URL, body)])).comments == []


def test_prescan_finds_its_items(guestbook):
    tree = html.fromstring(guestbook_page(1))
    assert [value.getparent().get("id") for value in attribute_hits(tree).of("id")] == [
        "gb-entry-10", "gb-entry-11"]
    assert [family.name for family in FAMILIES][-2:] == ["guestbook", "cards"]


def test_sections_see_its_items_in_the_raw_bytes(guestbook):
    body = b'<html><body><div id="gb-entry-1">x</div><div id="comments"></div></body></html>'
    assert comment_section_start(body) is None  # an item before the section: parsed whole
    unregister("guestbook")
    assert comment_section_start(body) is not None


def test_the_crawl_scan_finds_its_comment_pages(guestbook):
    assert comment_page_hrefs(guestbook_page(1)) == [f"{URL}?gbpage=2".encode()]


def test_extraction_reads_every_page_in_order_and_keeps_entries_out_of_the_body(guestbook):
    second, first = fetched(f"{URL}?gbpage=2", guestbook_page(2)), fetched(URL, guestbook_page(1))
    article = extract(Capture(url=URL, site="example.org", spider="t", pages=[first, second]))
    assert [(c.comment_id, c.author_name, c.text) for c in article.comments] == [
        ("10", "Visiteur 10", "Entrée numéro 10 du livre d'or."),
        ("11", "Visiteur 11", "Entrée numéro 11 du livre d'or."),
        ("20", "Visiteur 20", "Entrée numéro 20 du livre d'or."),
        ("21", "Visiteur 21", "Entrée numéro 21 du livre d'or."),
    ]
    assert "livre d'or" not in article.article_body
    assert article.article_body.startswith("Le conseil municipal")


class TaggedGuestbookThread(GuestbookThread):
    """The guestbook, its entries declared to carry ``data-entry``: searched only where a div does."""

    name = "tagged_guestbook"
    item_attributes = {"data-entry": frozenset({"div"})}

    def __init__(self):
        self.searched = 0

    def items_from(self, hits) -> list:
        self.searched += 1
        return super().items_from(hits)


def test_the_choice_searches_a_family_only_on_pages_carrying_an_item_attribute():
    family = register(TaggedGuestbookThread(), before="cards")
    try:
        assert choose_parser(html.fromstring(guestbook_page(1).replace(b'<div id', b'<p data-entry><div id'))) is None
        assert family.searched == 0  # the attribute on no div: the family is not searched
        tagged = guestbook_page(1).replace(b'<div id', b'<div data-entry="" id')
        assert choose_parser(html.fromstring(tagged)) is family and family.searched == 1
    finally:
        unregister(family.name)
