"""Hacker News (news.arc) threads: one table row per comment, indented by a spacer image 40px a level."""
from __future__ import annotations

import re

from lxml import etree

from ..items import Comment
from ..parsing.dates import parse_date
from ..parsing.text import normalize_space
from .base import ThreadContext
from .fields import classes, cls, is_meta
from .levels import LeveledThread
from .prescan import owners

TEXT_TAGS = frozenset({"div", "span"})
ROW = etree.XPath("ancestor::table[1]/ancestor::tr[1]")
HEAD = etree.XPath("ancestor::td[1]//span[@class='comhead']")
ITEM_LINK = etree.XPath(".//span[@class='comhead']//a[starts-with(@href, 'item?id=')"
                        " or contains(@href, '/item?id=')]/@href")
LEVELS = etree.XPath("string(.//td[@class='ind']/@indent)")
SPACER = etree.XPath("string((.//td/img[contains(@src, 's.gif')])[1]/@width)")
USER_LINK = etree.XPath(".//span[@class='comhead']/a[starts-with(@href, 'user?id=')"
                        " or contains(@href, '/user?id=')]")
ITEM_ID = re.compile(r"item\?id=(\d+)")
PIXELS_A_LEVEL = 40
NOT_TEXT = frozenset({"reply", "comhead", "votelinks", "togg", "navs"})


class HackerNewsThread(LeveledThread):
    """A comment is the row holding a ``comhead`` line and a ``comment`` text; its level is the
    spacer's width (or the ``indent`` attribute) over 40."""

    name = "hacker_news"
    prescan = {"class": ("omm",)}
    item_marks = {b"comhead": (b'="', b"='")}
    author_rules = [cls("hnuser"), ("xpath", USER_LINK)]
    content_rules = [cls("comment", "commtext")]
    date_rules = [cls("age")]

    def items_from(self, hits) -> list:
        texts = owners(hits, "class", _is_comment_class, TEXT_TAGS)
        rows = [row for text in texts if HEAD(text) for row in ROW(text)[:1]]
        return list(dict.fromkeys(rows))

    def item_id(self, item) -> str | None:
        if item.get("id", "").isdigit():
            return item.get("id")
        found = ITEM_ID.search(" ".join(ITEM_LINK(item)))
        return found.group(1) if found else None

    def level(self, item) -> int:
        levels, spacer = LEVELS(item), SPACER(item)
        if levels.isdigit():
            return int(levels) + 1
        return int(spacer) // PIXELS_A_LEVEL + 1 if spacer.isdigit() else 1

    def comment(self, item, parts: list, ctx: ThreadContext) -> Comment:
        comment = super().comment(item, parts, ctx)
        if comment.date_published_raw is None:  # older markup: the time is the text after the name
            comment.date_published_raw = _time_after_name(item)
            comment.date_published = parse_date(comment.date_published_raw, ctx.tz, ctx.languages,
                                                 ctx.fetched_at)
        return comment

    @staticmethod
    def skip(element) -> bool:
        return is_meta(element) or not classes(element).isdisjoint(NOT_TEXT)


def _time_after_name(item) -> str | None:
    names = USER_LINK(item)
    return normalize_space(names[0].tail).strip(" |") or None if names else None


def _is_comment_class(value: str) -> bool:
    return value == "comment" or value == "comment " or value.startswith("commtext")


__all__ = ["HackerNewsThread"]
