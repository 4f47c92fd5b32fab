"""JoyReactor comments: ``div.comment#commentN[timestamp]``, each reply list the ``div.comment_list``
after the comment it answers; a comment keeps its place whatever its length, a picture alone included."""
from __future__ import annotations

import re

from lxml import etree

from ..items import Comment
from ..parsing.dates import from_epoch
from ..parsing.text import normalize_space, text_of
from .base import ThreadContext
from .fields import classes, cls, is_meta
from .items import ItemThread
from .prescan import owners

ITEM_ID = re.compile(r"^comment(\d+)$")
DIV = frozenset({"div"})
NAME_CLASS = "comment_username"
SHOWN_TIME_CLASS = "non-localized-time"
NOT_TEXT = frozenset({"comments_bottom"})


class JoyReactorThread(ItemThread):
    """A comment's ``div.txt`` holds its text and a footer with the author's link and the time the
    page shows; the exact moment is the comment's ``timestamp`` (a Unix epoch)."""

    name = "joyreactor"
    prescan = {"id": ("omm",)}
    item_marks = {b"comment_txt_": (b'="',)}
    section_classes = frozenset({"post_comment_list"})
    author_rules = [cls(NAME_CLASS)]
    content_rules = [cls("txt")]

    def items_from(self, hits) -> list:
        found = owners(hits, "id", ITEM_ID.match, DIV)
        return [item for item in found if "comment" in classes(item) and item.get("timestamp")]

    def item_id(self, item) -> str | None:
        return ITEM_ID.match(item.get("id")).group(1)

    @staticmethod
    def skip(element) -> bool:
        return is_meta(element) or not classes(element).isdisjoint(NOT_TEXT)

    def comment(self, item, parts: list, ctx: ThreadContext) -> Comment:
        comment = super().comment(item, parts, ctx)
        comment.author_name = _whole_name(parts) or comment.author_name
        comment.date_published = from_epoch(item.get("timestamp")) or comment.date_published
        comment.date_published_raw = _shown_time(parts) or comment.date_published_raw
        return comment


def _first_classed(parts: list, name: str):
    return next((e for part in parts for e in part.iter(etree.Element) if name in classes(e)), None)


def _whole_name(parts: list) -> str | None:
    """The username link's text as written (nicknames may end in punctuation such as "-")."""
    link = _first_classed(parts, NAME_CLASS)
    if link is None:
        return None
    return normalize_space(text_of(link)) or None


def _shown_time(parts: list) -> str | None:
    """The date and the time the page shows, one space apart ("14.07.2018 22:46")."""
    shown = _first_classed(parts, SHOWN_TIME_CLASS)
    if shown is None:
        return None
    return " ".join(filter(None, (normalize_space(text_of(child)) for child in shown))) or None


__all__ = ["JoyReactorThread"]
