"""OpenWeb (Spot.IM) conversations as the embed renders them: ``div.sppre_message-view`` with a depth attribute."""
from __future__ import annotations

from .fields import cls
from .levels import LeveledThread
from .prescan import owners

DIV = frozenset({"div"})
VIEW = "sppre_message-view"


class SpotImRenderedThread(LeveledThread):
    """Messages listed in thread order, each with its ``data-message-id`` and ``data-message-depth``
    (0 at top); replies answer the nearest message one level up."""

    name = "spotim_rendered"
    prescan = {"class": ("sppre_message-view",)}
    item_marks = {b"data-message-depth": (b" ",)}
    author_rules = [cls("sppre_username")]
    content_rules = [cls("sppre_message-entities")]
    date_rules = [cls("sppre_posted-at")]

    def items_from(self, hits) -> list:
        found = owners(hits, "class", lambda value: VIEW in value, DIV)
        return [item for item in found if item.get("data-message-id") and item.get("data-message-depth")]

    def item_id(self, item) -> str | None:
        return item.get("data-message-id")

    def level(self, item) -> int:
        depth = item.get("data-message-depth") or "0"
        return int(depth) + 1 if depth.isdigit() else 1


__all__ = ["SpotImRenderedThread"]
