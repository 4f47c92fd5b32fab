"""Novinky.cz discussions (Seznam): ``div.contribution#cN`` in one flat list, the writer's town after the name."""
from __future__ import annotations

import re

from lxml import etree

from ..items import Comment
from ..parsing.text import normalize_space
from .base import ThreadContext
from .fields import cls, is_meta, classes
from .items import ItemThread
from .prescan import owners

ITEM_ID = re.compile(r"^c(\d+)$")
DIV = frozenset({"div"})
NAME = etree.XPath(".//h4[@class='name']/span[starts-with(@id, 'name-')]")
NOT_TEXT = frozenset({"lineTop", "infoDate", "voteWrap", "icon"})


class NovinkyThread(ItemThread):
    """Each contribution holds a name line (name, then ", town"), a date line and its ``content``."""

    name = "novinky"
    prescan = {"class": ("contribution",)}
    item_marks = {b"contribution": (b'="',)}
    item_id_pattern = ITEM_ID
    section_ids = frozenset({"contributions"})
    content_rules = [cls("content")]
    date_rules = [cls("infoDate")]

    def items_from(self, hits) -> list:
        found = owners(hits, "class", lambda value: value == "contribution", DIV)
        return [item for item in found if ITEM_ID.match(item.get("id") or "")]

    def item_id(self, item) -> str | None:
        return ITEM_ID.match(item.get("id")).group(1)

    def comment(self, item, parts: list, ctx: ThreadContext) -> Comment:
        comment = super().comment(item, parts, ctx)
        names = NAME(item)
        comment.author_name = normalize_space(names[0].text_content()) if names else comment.author_name
        return comment

    @staticmethod
    def skip(element) -> bool:
        return is_meta(element) or not classes(element).isdisjoint(NOT_TEXT)


__all__ = ["NovinkyThread"]
