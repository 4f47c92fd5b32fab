"""LiveJournal comments: ``article.mdspost-comment#tN`` listed flat, each in a ``mdspost-thread--level-N`` box."""
from __future__ import annotations

import re

from ..items import Comment
from ..parsing.dates import parse_date
from ..parsing.text import normalize_space
from .base import ThreadContext
from .fields import cls
from .levels import LeveledThread
from .prescan import owners

ITEM_ID = re.compile(r"^t(\d+)$")
LEVEL = re.compile(r"mdspost-thread--level-(\d+)")
ARTICLE = frozenset({"article"})
BODY = "mdspost-comment__body"
CREATED = "mdspost-comment-time--ctime"  # the full time; a <time> beside it says "1 week ago"


class LiveJournalThread(LeveledThread):
    """A comment answers the last comment one level up; a collapsed one (no body on the page)
    keeps its place in the thread."""

    name = "livejournal"
    prescan = {"class": ("omm",)}  # every "mdspost-comment" holds it
    item_marks = {b"mdspost-comment ": (b'="',)}
    item_id_pattern = ITEM_ID
    author_rules = [cls("i-ljuser-username"), cls("mdspost-comment-username__name")]
    content_rules = [cls(BODY)]

    def items_from(self, hits) -> list:
        found = owners(hits, "class", lambda value: "mdspost-comment " in value, ARTICLE)
        return [item for item in found if ITEM_ID.match(item.get("id") or "")]

    def item_id(self, item) -> str | None:
        return ITEM_ID.match(item.get("id")).group(1)

    def level(self, item) -> int:
        box = item.getparent()
        found = LEVEL.search(box.get("class") or "") if box is not None else None
        return int(found.group(1)) if found else 1

    def comment(self, item, parts: list, ctx: ThreadContext) -> Comment:
        comment = super().comment(item, parts, ctx)
        created = next((a for a in item.iter("a") if CREATED in (a.get("class") or "")), None)
        if created is not None:
            comment.date_published_raw = normalize_space(created.text_content()) or None
            comment.date_published = parse_date(comment.date_published_raw, ctx.tz, ctx.languages, ctx.fetched_at)
        return comment

    def shown(self, item) -> bool:
        return any(BODY in (element.get("class") or "") for element in item.iter("div"))


__all__ = ["LiveJournalThread"]
