"""Joomla JComments: ``div#comment-item-N`` items, replies in the ``div#comments-list-N`` they hold."""
from __future__ import annotations

import re

from .fields import AUTHOR_RULES, CONTENT_RULES, classes, cls, is_meta
from .items import ItemThread
from .prescan import owners

ITEM_ID = re.compile(r"^comment-item-(\d+)$")
DIV = frozenset({"div"})
AUTHOR = [cls("comment-author")] + AUTHOR_RULES
CONTENT = [cls("comment-body")] + CONTENT_RULES
DATE = [cls("comment-date")]
NOT_TEXT = frozenset({"comments-vote", "comment-anchor", "comments-buttons", "comment-author",
                      "comment-date", "rbox_t", "rbox_b", "rbox_tr", "rbox_br"})


class JCommentsThread(ItemThread):
    """A comment's box holds its author, date and body; its replies follow in its own list."""

    name = "jcomments"
    prescan = {"id": ("omm",)}
    item_marks = {b"comment-item-": (b'="', b"='")}
    item_id_pattern = ITEM_ID
    section_ids = frozenset({"jc", "comments-list-0", "comments-list"})
    author_rules = AUTHOR
    content_rules = CONTENT
    date_rules = DATE

    def items_from(self, hits) -> list:
        return owners(hits, "id", ITEM_ID.match, DIV)

    def item_id(self, item) -> str | None:
        return ITEM_ID.match(item.get("id")).group(1)

    def skip(self, element) -> bool:
        return is_meta(element) or not classes(element).isdisjoint(NOT_TEXT)


__all__ = ["JCommentsThread"]
