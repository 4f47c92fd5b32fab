"""django-contrib-comments' default list: ``dl#comments``, each ``dt#cN`` "DATE - NAME" then its ``dd``."""
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
LIST = frozenset({"dl"})
DATE_AND_NAME = re.compile(r"^(.*\d.*?)\s+[-–—]\s+(.+)$")


def _comment_list(value: str) -> bool:
    return value == "comments"


class DjangoCommentsThread(ItemThread):
    """A flat list; the ``dt`` line holds the date and the name, the ``dd`` after it the text."""

    name = "django_comments"
    prescan = {"id": ("omm",)}
    content_rules = CONTENT_RULES

    def items_from(self, hits) -> list:
        return [dt for dl in owners(hits, "id", _comment_list, LIST) for dt in dl.iterchildren("dt")
                if ITEM_ID.match(dt.get("id") or "") and _text_after(dt) is not None]

    def item_id(self, item) -> str | None:
        return ITEM_ID.match(item.get("id")).group(1)

    def comment(self, item, parts: list, ctx: ThreadContext) -> Comment:
        comment = super().comment(item, [_text_after(item)], ctx)
        line = normalize_space(text_of(item))
        found = DATE_AND_NAME.match(line)
        date, name = (found.group(1), found.group(2)) if found else (None, line)
        comment.author_name, comment.author_url = name or None, None
        comment.date_published_raw = date
        comment.date_published = parse_date(date, ctx.tz, ctx.languages, ctx.fetched_at) if date else None
        return comment


def _text_after(dt):
    following = dt.getnext()
    return following if following is not None and following.tag == "dd" else None


__all__ = ["DjangoCommentsThread"]
