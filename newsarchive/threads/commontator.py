"""Rails' commontator gem: ``div#commontator-comment-N.comment``, replies in its ``div#commontator-comment-N-children``."""
from __future__ import annotations

import re

from .fields import AUTHOR_RULES, CONTENT_RULES, DATE_RULES, classes, cls, is_meta
from .items import ItemThread
from .prescan import owners

ITEM_ID = re.compile(r"^commontator-comment-(\d+)$")
DIV = frozenset({"div"})
NOT_TEXT = frozenset({"top", "bottom", "children", "pagination", "votes", "actions", "avatar", "reply",
                      "will-paginate", "timestamp"})


class CommontatorThread(ItemThread):
    """Sections top (author), middle (body) and bottom (time); replies nest in the children box."""

    name = "commontator"
    prescan = {"id": ("omm",)}
    item_marks = {b"commontator-comment-": (b'="', b"='")}
    item_id_pattern = ITEM_ID
    section_classes = frozenset({"commontator"})
    author_rules = [cls("author")] + AUTHOR_RULES
    content_rules = [cls("body")] + CONTENT_RULES
    date_rules = [cls("timestamp")] + DATE_RULES

    def items_from(self, hits) -> list:
        return [item for item in owners(hits, "id", ITEM_ID.match, DIV) if "comment" in classes(item)]

    def item_id(self, item) -> str | None:
        return ITEM_ID.match(item.get("id")).group(1)

    def skip(self, element) -> bool:
        return is_meta(element) or not classes(element).isdisjoint(NOT_TEXT)


__all__ = ["CommontatorThread"]
