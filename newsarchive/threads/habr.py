"""Habr (2018) comments: ``li.js-comment[rel=N]`` holding ``div.comment#comment_N``, replies in its
``ul#reply_comments_N``; a comment keeps its place whatever its length, an emptied one included."""
from __future__ import annotations

import re

from .fields import cls
from .items import ItemThread
from .prescan import class_token, owners

ITEM_CLASS = "content-list__item_comment"
ITEM_ID = re.compile(r"^\d+$")
LI = frozenset({"li"})


class HabrThread(ItemThread):
    """A comment's head holds the author's nickname and its time, ``comment__message`` its text."""

    name = "habr"
    prescan = {"class": ("omm",)}
    item_marks = {ITEM_CLASS.encode(): (b" ", b'="')}
    author_rules = [cls("user-info__nickname")]
    content_rules = [cls("comment__message")]

    def items_from(self, hits) -> list:
        found = owners(hits, "class", class_token(ITEM_CLASS), LI)
        return [item for item in found if ITEM_ID.match(item.get("rel") or "")]

    def item_id(self, item) -> str | None:
        return item.get("rel")


__all__ = ["HabrThread"]
