"""Drupal core comments (7 to 10, classy/olivero): an ``a#comment-N`` anchor, replies in ``div.indented``."""
from __future__ import annotations

import re

from lxml import etree

from ..parsing.text import normalize_space
from .base import ThreadContext, strip_fragment
from .fields import Scan, classes, cls, has_class, is_meta
from .items import ItemThread
from .prescan import owners

ANCHOR_ID = re.compile(r"^comment-(\d+)$")
A = frozenset({"a"})
ARTICLE = frozenset({"article"})
TITLE = [cls("comment__title", "comment-title"), ("tag", frozenset({"h3"}))]
PAGER = etree.XPath("//*[" + has_class("pager", "pager__items") + "]//a[contains(@href, 'page=')]")


def _anchor_number(anchor) -> str | None:
    match = ANCHOR_ID.match(anchor.get("id") or anchor.get("name") or "")
    return match.group(1) if match else None


def _comment_after(anchor):
    """The comment element an anchor introduces: its next sibling, or the element it opens."""
    following = anchor.getnext()
    if following is not None and _is_comment(following):
        return following
    parent = anchor.getparent()
    if parent is not None and _is_comment(parent) and anchor is _first_child(parent):
        return parent
    return None


def _is_comment(element) -> bool:
    return element.tag in ("div", "article", "section") and (
        "comment" in classes(element) or "js-comment" in classes(element))


def _first_child(element):
    return next((child for child in element if isinstance(child.tag, str)), None)


class DrupalThread(ItemThread):
    """Each comment follows its anchor; a reply list is the ``div.indented`` after its parent."""

    name = "drupal"
    prescan = {"id": ("omm",), "name": ("omm",)}
    item_marks = {b"comment-": (b'="', b"='")}
    item_id_pattern = ANCHOR_ID
    section_classes = frozenset({"comment-wrapper"})
    page_query_marks = (b"page=",)
    page_href = rb"[?&](?:amp;)?page=\d+"
    page_number_pattern = re.compile(r"[?&]page=(\d+)")
    first_page_number = 0  # the pager counts from 0, the node itself

    def items_from(self, hits) -> list:
        found: dict = {}
        for anchor in owners(hits, "id name", ANCHOR_ID.match, A):
            number = _anchor_number(anchor)
            comment = _comment_after(anchor) if number else None
            if comment is not None and comment not in found:
                found[comment] = number
        if not found:
            articles = owners(hits, "id", _drupal_marker, ARTICLE)
            found = {a: _article_number(a) for a in articles
                     if a.get("data-comment-user-id") is not None or "js-comment" in (a.get("class") or "")}
        return [item for item in found if found[item]]

    def item_id(self, item) -> str | None:
        for anchor in (item.getprevious(), _first_child(item)):
            if anchor is not None and anchor.tag == "a" and _anchor_number(anchor):
                return _anchor_number(anchor)
        return _article_number(item)

    def skip(self, element) -> bool:
        return is_meta(element) or "indented" in classes(element) or element.tag in ("h2", "h3", "mark")

    def title(self, scan: Scan) -> str | None:
        node = scan.find(TITLE)
        return (normalize_space(node.text_content()) or None) if node is not None else None

    def pagination_links(self, tree, ctx: ThreadContext) -> list[str]:
        links = [ctx.absolute(a.get("href")) for a in PAGER(tree)]
        return list(dict.fromkeys(strip_fragment(link) for link in links if link))


def _drupal_marker(value: str) -> bool:
    return ANCHOR_ID.match(value) is not None


def _article_number(article) -> str | None:
    match = ANCHOR_ID.match(article.get("id") or "")
    if match:
        return match.group(1)
    permalink = article.xpath(".//a[contains(@href, '/comment/')]/@href")
    found = re.search(r"/comment/(\d+)", permalink[0]) if permalink else None
    return found.group(1) if found else None


__all__ = ["DrupalThread"]
