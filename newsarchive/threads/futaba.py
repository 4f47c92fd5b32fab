"""Futaba-style imageboards (GazouBBS): each reply a table cell with its deletion checkbox, number and ``blockquote``."""
from __future__ import annotations

from .items import ItemThread
from .prescan import owners

CHECKBOX = frozenset({"input"})


class FutabaThread(ItemThread):
    """A reply is the cell holding a ``checkbox name=N value=delete`` and a ``blockquote``; the
    opening post (outside any cell) is the page's article. Replies are anonymous and flat."""

    name = "futaba"
    prescan = {"value": ("delete",)}
    item_marks = {b"value=delete": (b" ",)}
    author_rules: list = []
    content_rules = [("tag", frozenset({"blockquote"}))]
    date_rules: list = []
    marks_items = True

    def items_from(self, hits) -> list:
        boxes = owners(hits, "value", lambda value: value == "delete", CHECKBOX)
        cells = [box.getparent() for box in boxes if _is_reply_box(box)]
        return list(dict.fromkeys(cells))

    def item_id(self, item) -> str | None:
        return next((box.get("name") for box in item.iterchildren("input") if (box.get("name") or "").isdigit()), None)

    def comment(self, item, parts: list, ctx):
        comment = super().comment(item, parts, ctx)
        box = next(item.iterchildren("input"), None)
        words = (box.tail or "").split() if box is not None else []
        comment.date_published_raw = words[0] if words else None  # e.g. 08/06/22(日)21:33:32, the board's time
        return comment


def _is_reply_box(box) -> bool:
    cell = box.getparent()
    return (box.get("type") or "").lower() == "checkbox" and (box.get("name") or "").isdigit() \
        and cell is not None and cell.tag == "td" and any(True for _ in cell.iterchildren("blockquote"))


__all__ = ["FutabaThread"]
