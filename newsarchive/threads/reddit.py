"""Reddit's server-rendered ("old") threads: ``div.thing.comment#thing_t1_ID``, replies nested in its ``div.child``."""
from __future__ import annotations

import re

from .fields import AUTHOR_RULES, classes, cls, is_meta
from .items import ItemThread
from .prescan import owners

ITEM_ID = re.compile(r"^thing_t1_(\w+)$")
DIV = frozenset({"div"})
# Voting arrows, score, the "[-]" toggle, buttons, report forms and the parent link are not text.
NOT_TEXT = frozenset({"midcol", "tagline", "flat-list", "buttons", "reportform", "expand", "parent",
                      "usertext-edit", "score", "arrow", "morecomments"})


class RedditThread(ItemThread):
    """A comment's own entry holds its tagline (author, time) and its ``md`` text; its replies
    are things in its ``child`` list (nesting read from containment)."""

    name = "reddit"
    prescan = {"id": ("thing_t1_",)}
    item_marks = {b"thing_t1_": (b'="', b"='")}
    item_id_pattern = ITEM_ID
    section_classes = frozenset({"commentarea"})
    author_rules = [cls("author")] + AUTHOR_RULES
    content_rules = [cls("md")]

    def items_from(self, hits) -> list:
        found = owners(hits, "id", ITEM_ID.match, DIV)
        return [item for item in found if "comment" in classes(item)]  # not "load more" stubs

    def item_id(self, item) -> str | None:
        return ITEM_ID.match(item.get("id")).group(1)

    @staticmethod
    def skip(element) -> bool:
        return is_meta(element) or not classes(element).isdisjoint(NOT_TEXT)


__all__ = ["RedditThread"]
