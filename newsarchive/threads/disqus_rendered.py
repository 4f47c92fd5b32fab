"""Disqus threads as the embed renders them (a page saved by a browser): ``li.post#post-N``, replies in ``ul.children``."""
from __future__ import annotations

import re

from .fields import AUTHOR_RULES, classes, cls, is_meta
from .items import ItemThread
from .prescan import owners

ITEM_ID = re.compile(r"^post-(\d+)$")
LI = frozenset({"li"})
NOT_TEXT = frozenset({"post-menu", "avatar", "comment__header", "comment__footer", "post-media", "see-more",
                      "indicator", "realtime", "reply-form-container"})


class DisqusRenderedThread(ItemThread):
    """A post's own ``post-content`` holds its author, time and message; its replies are posts of
    its ``children`` list (nesting read from containment)."""

    name = "disqus_rendered"
    prescan = {"id": ("post",)}
    item_marks = {b"post-content": (b'="',)}
    author_rules = [cls("author")] + AUTHOR_RULES
    content_rules = [cls("post-message")]
    date_rules = [cls("time-ago")]
    marks_items = True

    def items_from(self, hits) -> list:
        found = owners(hits, "id", ITEM_ID.match, LI)
        return [item for item in found if "post" in classes(item) and _has_post_content(item)]

    def item_id(self, item) -> str | None:
        return ITEM_ID.match(item.get("id")).group(1)

    @staticmethod
    def skip(element) -> bool:
        return is_meta(element) or not classes(element).isdisjoint(NOT_TEXT)


def _has_post_content(item) -> bool:
    return any(child.get("data-role") == "post-content" for child in item)


__all__ = ["DisqusRenderedThread"]
