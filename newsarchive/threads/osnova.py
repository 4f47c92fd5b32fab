"""Osnova (vc.ru, TJ, DTF) comments: ``div.comments__item[data-id]``, replies in its
``div.comments__item__children``; a comment keeps its place whatever its length, a picture alone included."""
from __future__ import annotations

from .fields import cls
from .items import ItemThread
from .prescan import class_token, owners

ITEM_CLASS = "comments__item"
DIV = frozenset({"div"})


class OsnovaThread(ItemThread):
    """A comment names its author in ``comments__item__user__name``, its time in a ``time`` whose
    title is the written moment and its zone, and holds its text and pictures in ``comments__item__content``."""

    name = "osnova"
    prescan = {"class": ("omm",)}
    item_marks = {ITEM_CLASS.encode(): (b'="',)}
    author_rules = [cls("comments__item__user__name")]
    content_rules = [cls("comments__item__content")]

    def items_from(self, hits) -> list:
        found = owners(hits, "class", class_token(ITEM_CLASS), DIV)
        return [item for item in found if (item.get("data-id") or "").isdigit()]

    def item_id(self, item) -> str | None:
        return item.get("data-id")


__all__ = ["OsnovaThread"]
