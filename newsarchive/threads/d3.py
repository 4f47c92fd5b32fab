"""d3.ru (React) comments: ``div.b-comment#b-comment-N`` nested in one another, the name after "Написал"."""
from __future__ import annotations

import re

from .fields import classes, cls, is_meta
from .items import ItemThread
from .prescan import owners

ITEM_ID = re.compile(r"^b-comment-(\d+)$")
DIV = frozenset({"div"})
NOT_TEXT = frozenset({"b-comment__fold-button", "b-comment__footer", "b-rating", "b-comment__user-label"})


class D3Thread(ItemThread):
    """A comment's body holds its text cell, and a footer with its author and time; replies are
    comments inside it (nesting read from containment)."""

    name = "d3"
    prescan = {"id": ("omm",)}
    item_marks = {b"b-comment-": (b'="',)}
    item_id_pattern = ITEM_ID
    section_ids = frozenset({"b-comment-root"})
    author_rules = [cls("b-comment__user-login")]
    content_rules = [cls("b-comment__content-cell")]
    date_rules = [cls("b-comment__time")]

    def items_from(self, hits) -> list:
        found = owners(hits, "id", ITEM_ID.match, DIV)
        return [item for item in found if "b-comment" in classes(item)]

    def item_id(self, item) -> str | None:
        return ITEM_ID.match(item.get("id")).group(1)

    @staticmethod
    def skip(element) -> bool:
        return is_meta(element) or not classes(element).isdisjoint(NOT_TEXT)


__all__ = ["D3Thread"]
