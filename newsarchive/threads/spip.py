"""SPIP forums (dist and "comments" plugin): items marked by ``a[name=forumN]``, replies in nested lists."""
from __future__ import annotations

import re

from lxml import etree

from ..parsing.text import normalize_space
from .base import ThreadContext, strip_fragment
from .fields import AUTHOR_RULES, DATE_RULES, Scan, classes, cls, is_meta
from .items import ItemThread
from .prescan import owners

FORUM_ID = re.compile(r"^forum(\d+)$")
A = frozenset({"a"})
IN_REPLY_TO = etree.XPath(".//a[contains(concat(' ', @rel, ' '), ' in-reply-to ')]")
AUTHOR = [
    cls("reviewer"),
    ("xpath", etree.XPath("descendant-or-self::*[contains(@class, 'forum-chapo')]"
                          "//small//*[self::span or self::strong]")),
    cls("forum-auteur", "comment-auteur"),
] + AUTHOR_RULES[1:]
TITLE = [cls("forum-titre", "comment-titre", "titre")]
NOT_TEXT = frozenset({"item", "comment-reply", "repondre", "forum-repondre", "forum-titre",
                      "comment-titre", "forum-chapo", "comment-meta", "reviewer"})
PAGINATION = etree.XPath("//a[contains(@href, 'debut_forums=') or contains(@href, 'debut_comments')]")


def _number(anchor) -> str | None:
    match = FORUM_ID.match(anchor.get("name") or anchor.get("id") or "")
    return match.group(1) if match else None


def _item_of(anchor):
    for ancestor in anchor.iterancestors():
        if ancestor.tag == "li":
            return ancestor
    return anchor.getparent()


class SpipThread(ItemThread):
    """``ul > li`` messages, each opened by its ``forumN`` anchor; a reply sits in its parent's ``li``."""

    name = "spip"
    prescan = {"name": ("forum",), "id": ("forum",)}
    item_marks = {b"forum": (b'="', b"='")}
    item_id_pattern = FORUM_ID
    section_ids = frozenset({"forum"})
    section_classes = frozenset({"forum"})
    page_query_marks = (b"debut_forums=", b"debut_comments")
    page_href = rb"[?&](?:amp;)?debut_(?:forums|comments[\w-]*)=\d+"
    # The offset of the page's first message (0: the article's own page) orders the pages.
    page_number_pattern = re.compile(r"[?&]debut_(?:forums|comments[\w-]*)=(\d+)")
    first_page_number = 0
    author_rules = AUTHOR
    date_rules = DATE_RULES + [("tag", frozenset({"small"}))]

    def items_from(self, hits) -> list:
        found: dict = {}
        for anchor in owners(hits, "name id", FORUM_ID.match, A):
            number = _number(anchor)
            item = _item_of(anchor) if number else None
            if item is not None and item not in found:
                found[item] = number
        return list(found)

    def item_id(self, item) -> str | None:
        for anchor in item.iter("a"):
            number = _number(anchor)
            if number:
                return number
        return None

    def parent_of(self, item, nesting, ids: dict) -> str | None:
        nested = super().parent_of(item, nesting, ids)
        if nested is not None:
            return nested
        own = [a.get("href", "") for a in IN_REPLY_TO(item) if _item_of(a) is item]
        own = [href for href in own if "#forum" in href]
        return own[0].rsplit("#forum", 1)[1] if own else None

    def skip(self, element) -> bool:
        names = classes(element)
        if not names.isdisjoint(NOT_TEXT):
            return True
        return is_meta(element) and "comment" not in names and "forum" not in names

    def title(self, scan: Scan) -> str | None:
        node = scan.find(TITLE)
        return (normalize_space(node.text_content()) or None) if node is not None else None

    def pagination_links(self, tree, ctx: ThreadContext) -> list[str]:
        links = [ctx.absolute(a.get("href")) for a in PAGINATION(tree)]
        return list(dict.fromkeys(strip_fragment(link) for link in links if link))


__all__ = ["SpipThread"]
