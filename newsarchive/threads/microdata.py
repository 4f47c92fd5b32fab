"""schema.org ``Comment`` microdata (``itemtype=…/Comment``): author, date and text by ``itemprop``."""
from __future__ import annotations

import re

from lxml import etree

from .fields import AUTHOR_RULES, CONTENT_RULES
from .items import ItemThread
from .prescan import owners


AUTHOR = [
    ("xpath", etree.XPath("descendant-or-self::*[@itemprop='author' or @itemprop='creator']"
                          "//*[@itemprop='name']")),
    ("itemprop", frozenset({"author", "creator"})),
] + AUTHOR_RULES
TEXT = etree.XPath(".//*[@itemprop='text' or @itemprop='commentText']")
CONTENT = [("itemprop", frozenset({"text", "commentText", "description"}))] + CONTENT_RULES


class MicrodataThread(ItemThread):
    """Nested ``Comment`` items; the parent is the enclosing item."""

    name = "microdata"
    prescan = {"itemtype": ("omment",)}
    item_marks = {b"org/Comment": (b"schema.",), b"org/comment": (b"schema.",)}
    author_rules = AUTHOR
    content_rules = CONTENT

    def items_from(self, hits) -> list:
        found = owners(hits, "itemtype", _is_comment_type)
        marked = set(found)
        return [item for item in found if _owns_text(item, marked)]

    def item_id(self, item) -> str | None:
        for element in item.iter():
            for name in ("data-comment-id", "data-id", "id"):
                found = re.search(r"\d{3,}", element.get(name) or "")
                if found:
                    return found.group(0)
        return None


def _is_comment_type(value: str) -> bool:
    return "schema.org/Comment" in value or "schema.org/UserComments" in value


def _owns_text(item, items: set) -> bool:
    """A ``Comment`` with its own, non-empty text (a ``UserComments`` wrapper around a whole section has none)."""
    for text in TEXT(item):
        owner = next((a for a in text.iterancestors() if a in items), None)
        if owner is item and (len(text) or (text.text or "").strip()):  # an empty text: a notice, no comment
            return True
    return False


__all__ = ["MicrodataThread"]
