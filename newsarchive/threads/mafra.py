"""Mafra discussions (iDNES.cz): a flat list of ``div.contribution#N`` indented by their left margin."""
from __future__ import annotations

import re

from lxml import etree

from ..items import Comment
from ..parsing.text import normalize_space
from .base import ThreadContext
from .fields import cls
from .levels import LeveledThread
from .prescan import owners

DIV = frozenset({"div"})
MARGIN = re.compile(r"margin-left:\s*(\d+)px")
# The name's own text: the site salts it with digits in hidden <i> elements.
NAME_TEXT = etree.XPath(".//h4[@class='name']/a/text()")


class MafraDiscussionThread(LeveledThread):
    """A contribution's level is the rank of its margin among the page's margins (0px: top level)."""

    name = "mafra"
    prescan = {"class": ("contribution",)}
    item_marks = {b"contribution": (b'="',)}
    section_ids = frozenset({"disc-list"})
    content_rules = [cls("user-text")]
    date_rules = [cls("date")]

    def items_from(self, hits) -> list:
        found = owners(hits, "class", _is_contribution, DIV)
        return [item for item in found if (item.get("id") or "").isdigit()]

    def item_id(self, item) -> str | None:
        return item.get("id")

    def levels(self, items: list) -> list[int]:
        margins = [_margin(item) for item in items]
        ranks = {margin: rank for rank, margin in enumerate(sorted(set(margins)), start=1)}
        return [ranks[margin] for margin in margins]

    def comment(self, item, parts: list, ctx: ThreadContext) -> Comment:
        comment = super().comment(item, parts, ctx)
        comment.author_name = normalize_space("".join(NAME_TEXT(item))) or comment.author_name
        return comment


def _is_contribution(value: str) -> bool:
    return value == "contribution"


def _margin(item) -> int:
    found = MARGIN.search(item.get("style") or "")
    return int(found.group(1)) if found else 0


__all__ = ["MafraDiscussionThread"]
