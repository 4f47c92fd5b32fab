"""Pikabu comments: ``div.comment#comment_N[data-meta]``, whose ``data-meta`` ("id=N,pid=P,d=ISO,…")
states the comment's id, the comment it answers (``pid=0``: the story) and its time; a comment keeps
its place whatever its length, an empty or collapsed (downvoted) one included."""
from __future__ import annotations

import re

from ..items import Comment
from ..parsing.dates import parse_iso
from .base import ThreadContext
from .fields import classes, cls
from .items import ItemThread, Nesting
from .prescan import owners

ITEM_ID = re.compile(r"^comment_(\d+)$")
DIV = frozenset({"div"})
TOP_LEVEL = "0"
USER_CLASS = "comment__user"


class PikabuThread(ItemThread):
    """A comment's header holds the author (``div.comment__user[data-name]``) and a ``time``, its
    ``div.comment__content`` the text; replies nest in its ``div.comment__children``."""

    name = "pikabu"
    prescan = {"id": ("omm",)}
    item_marks = {b'data-meta="id=': (b" ",)}
    item_id_pattern = ITEM_ID
    author_rules = [cls("user__nick"), cls(USER_CLASS)]
    content_rules = [cls("comment__content")]

    def items_from(self, hits) -> list:
        found = owners(hits, "id", ITEM_ID.match, DIV)
        return [item for item in found if "comment" in classes(item) and _states_place(item)]

    def item_id(self, item) -> str | None:
        return _meta(item)["id"]

    def parent_of(self, item, nesting: Nesting, ids: dict) -> str | None:
        parent = _meta(item)["pid"]
        return None if parent == TOP_LEVEL else parent

    def comment(self, item, parts: list, ctx: ThreadContext) -> Comment:
        comment = super().comment(item, parts, ctx)
        comment.author_name = _stated_name(parts) or comment.author_name
        comment.date_published = parse_iso(_meta(item).get("d"), ctx.tz) or comment.date_published
        return comment


def _meta(item) -> dict[str, str]:
    """The ``name=value`` pairs of the item's ``data-meta`` (bare flags such as ``hc`` left out)."""
    pairs = (pair.split("=", 1) for pair in (item.get("data-meta") or "").split(","))
    return {pair[0].strip(): pair[1].strip() for pair in pairs if len(pair) == 2}


def _states_place(item) -> bool:
    """True when ``data-meta`` gives the comment's id and its parent's (0: none)."""
    meta = _meta(item)
    return meta.get("id", "").isdigit() and meta.get("pid", "").isdigit()


def _stated_name(parts: list) -> str | None:
    """The author's nickname exactly as the header's ``data-name`` states it."""
    for part in parts:
        for element in part.iter("div"):
            if USER_CLASS in classes(element) and element.get("data-name"):
                return element.get("data-name").strip() or None
    return None


__all__ = ["PikabuThread"]
