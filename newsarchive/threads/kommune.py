"""taz.de's "Kommune" comments: ``li.comment#bb_message_N[data-cid]``, replies in the ``ul.thread`` inside it."""
from __future__ import annotations

import re

from .fields import classes, cls
from .items import ItemThread
from .prescan import owners

ITEM_ID = re.compile(r"^bb_message_(\d+)$")
LI = frozenset({"li"})


class KommuneThread(ItemThread):
    """A comment names its author in ``span.author``, its time in ``time[datetime]`` and holds its
    text in ``div.message-text-container``; replies nest in it (nesting read from containment)."""

    name = "kommune"
    prescan = {"id": ("bb_message_",)}
    item_marks = {b"bb_message_": (b'="',)}
    item_id_pattern = ITEM_ID
    author_rules = [cls("author")]
    content_rules = [cls("message-text-container")]

    def items_from(self, hits) -> list:
        found = owners(hits, "id", ITEM_ID.match, LI)
        return [item for item in found if item.get("data-cid") and "comment" in classes(item)]

    def item_id(self, item) -> str | None:
        return ITEM_ID.match(item.get("id")).group(1)


__all__ = ["KommuneThread"]
