"""Livefyre (Adobe) streams as their SEO fallback renders them: ``article.fyre-comment-article[data-message-id]``."""
from __future__ import annotations

from .fields import classes, cls, is_meta
from .items import ItemThread
from .prescan import owners

ARTICLE = "fyre-comment-article"
NOT_TEXT = frozenset({"fyre-comment-head", "fyre-comment-footer", "fyre-comment-actions", "fyre-comment-media"})


class LivefyreThread(ItemThread):
    """A message's article holds its name, time and text; its replies are messages of the
    ``fyre-comment-replies`` box right after it (nesting read from that sibling box)."""

    name = "livefyre"
    prescan = {"class": (ARTICLE,)}
    item_marks = {b"data-message-id": (b" ",)}
    section_classes = frozenset({"fyre-stream-content"})
    author_rules = [cls("fyre-comment-username")]
    content_rules = [cls("fyre-comment")]
    date_rules = [cls("fyre-comment-date")]

    def items_from(self, hits) -> list:
        found = owners(hits, "class", lambda value: ARTICLE in value)
        return [item for item in found if ARTICLE in classes(item) and item.get("data-message-id")]

    def item_id(self, item) -> str | None:
        return item.get("data-message-id")

    @staticmethod
    def skip(element) -> bool:
        return is_meta(element) or not classes(element).isdisjoint(NOT_TEXT)


__all__ = ["LivefyreThread"]
