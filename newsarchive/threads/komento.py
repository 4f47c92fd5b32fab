"""Joomla Komento: a flat ``li.kmt-item#kmt-N`` list whose ``parentid`` attribute names the parent."""
from __future__ import annotations

import re

from lxml import etree

from .fields import AUTHOR_RULES, CONTENT_RULES, classes, cls, is_meta
from .items import ItemThread
from .prescan import owners

ITEM_ID = re.compile(r"^kmt-(\d+)$")
ITEM_TAGS = frozenset({"li", "div"})
AUTHOR = [("xpath", etree.XPath("descendant-or-self::*[contains(@class, 'author-kmt') or "
                                "contains(@class, 'kmt-author')]//*[@itemprop='name']")),
          cls("author-kmt", "kmt-author")] + AUTHOR_RULES
CONTENT = [cls("kmt-text", "commentText")] + CONTENT_RULES
NOT_TEXT = frozenset({"kmt-head", "kmt-control", "kmt-avatar", "kmt-info", "kmt-inreplyto", "kmt-option",
                      "kmt-meta", "kmt-rank"})


def _komento_item(value: str) -> bool:
    return ITEM_ID.match(value) is not None


class KomentoThread(ItemThread):
    """Replies are indented siblings (``kmt-child-N``); ``parentid="kmt-0"`` is the top level."""

    name = "komento"
    prescan = {"id": ("kmt-",)}
    item_marks = {b"kmt-": (b'id="', b"id='")}
    item_id_pattern = ITEM_ID
    section_ids = frozenset({"section-kmt"})
    section_classes = frozenset({"kmt-list", "kmt-list-wrap"})
    author_rules = AUTHOR
    content_rules = CONTENT

    def items_from(self, hits) -> list:
        return [item for item in owners(hits, "id", _komento_item, ITEM_TAGS) if "kmt-item" in classes(item)]

    def item_id(self, item) -> str | None:
        return ITEM_ID.match(item.get("id")).group(1)

    def parent_of(self, item, nesting, ids: dict) -> str | None:
        parent = ITEM_ID.match(item.get("parentid") or item.get("data-parentid") or "")
        if parent is None:
            return super().parent_of(item, nesting, ids)
        return None if parent.group(1) == "0" else parent.group(1)

    def skip(self, element) -> bool:
        return is_meta(element) or not classes(element).isdisjoint(NOT_TEXT)


__all__ = ["KomentoThread"]
