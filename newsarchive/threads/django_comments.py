"""django-contrib-comments' list (``dl#comments``, each ``dt#cN`` "DATE - NAME" then its ``dd``) and
django-threadedcomments' tree (``li#cN`` in nested ``ul``, each holding that ``dt``/``dd`` pair)."""
from __future__ import annotations

import re

from ..items import Comment
from ..parsing.dates import parse_date
from ..parsing.text import normalize_space, text_of
from .base import ThreadContext
from .fields import CONTENT_RULES
from .items import ItemThread
from .prescan import owners

ITEM_ID = re.compile(r"^c(\d+)$")
DATE_AND_NAME = re.compile(r"^(.*\d.*?)\s+[-–—]\s+(.+)$")


def _comment_box(value: str) -> bool:
    return value == "comments"


class DjangoCommentsThread(ItemThread):
    """The ``dt`` line holds the date and the name, the ``dd`` after it the text; a threaded reply
    sits in the ``ul`` of its parent's ``li``."""

    name = "django_comments"
    prescan = {"id": ("omm",)}
    content_rules = CONTENT_RULES

    def items_from(self, hits) -> list:
        found = []
        for box in owners(hits, "id", _comment_box):
            if box.tag == "dl":
                found += [dt for dt in box.iterchildren("dt") if ITEM_ID.match(dt.get("id") or "")
                          and _text_after(dt) is not None]
            else:
                found += [li for li in box.iter("li") if ITEM_ID.match(li.get("id") or "")
                          and li.getparent().tag == "ul" and _name_line(li) is not None]
        return found

    def item_id(self, item) -> str | None:
        return ITEM_ID.match(item.get("id")).group(1)

    def comment(self, item, parts: list, ctx: ThreadContext) -> Comment:
        line = item if item.tag == "dt" else _name_line(item)
        comment = super().comment(item, [_text_after(line)], ctx)
        found = DATE_AND_NAME.match(normalize_space(text_of(line)))
        date, name = (found.group(1), found.group(2)) if found else (None, normalize_space(text_of(line)))
        comment.author_name, comment.author_url = name or None, None
        comment.date_published_raw = date
        comment.date_published = parse_date(date, ctx.tz, ctx.languages, ctx.fetched_at) if date else None
        return comment


def _name_line(li):
    """The ``dt`` of a threaded comment's own ``dl`` (its replies' are in a nested ``ul``)."""
    for dl in li.iterchildren("dl"):
        dt = next(dl.iterchildren("dt"), None)
        if dt is not None and _text_after(dt) is not None:
            return dt
    return None


def _text_after(dt):
    following = dt.getnext()
    return following if following is not None and following.tag == "dd" else None


__all__ = ["DjangoCommentsThread"]
