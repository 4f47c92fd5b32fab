"""wpDiscuz (5 to 7): ``div#wpd-comm-ID_PARENT`` items whose id encodes the parent."""
from __future__ import annotations

import re

from .fields import AUTHOR_RULES, CONTENT_RULES, cls, is_meta
from .items import ItemThread
from .prescan import owners

DIV = frozenset({"div"})

ITEM_ID = re.compile(r"^(?:wpd|wc)-comm-(\d+)_(\d+)$")
AUTHOR = [cls("wpd-comment-author", "wc-comment-author")]
CONTENT = [cls("wpd-comment-text", "wc-comment-text")]
NOT_TEXT = frozenset({"wpd-comment-footer", "wpd-comment-header", "wpd-comment-left", "wc-footer-left",
                      "wpd-comment-label", "wpd-vote", "wc-comment-footer", "wc-comment-header",
                      "wpd-comment-share", "wpd-toggle", "wpd-reply-button", "wpd-comment-status"})


def _ids(item) -> tuple[str, str] | None:
    match = ITEM_ID.match(item.get("id") or "")
    return (match.group(1), match.group(2)) if match else None


class WpDiscuzThread(ItemThread):
    """Each item carries ``ID_PARENT``; a parent of 0 is the top level."""

    name = "wpdiscuz"
    prescan = {"id": ("omm",)}
    item_marks = {b"-comm-": (b"wpd", b"wc")}
    item_id_pattern = ITEM_ID
    section_ids = frozenset({"wpdiscuz", "wc-comment-header"})
    section_classes = frozenset({"wpd-thread-list", "wpdiscuz"})
    author_rules = AUTHOR + AUTHOR_RULES
    content_rules = CONTENT + CONTENT_RULES

    def items_from(self, hits) -> list:
        return owners(hits, "id", ITEM_ID.match, DIV)

    def item_id(self, item) -> str | None:
        return _ids(item)[0]

    def parent_of(self, item, nesting, ids: dict) -> str | None:
        parent = _ids(item)[1]
        return None if parent == "0" else parent

    def skip(self, element) -> bool:
        names = set((element.get("class") or "").split())
        return is_meta(element) or not names.isdisjoint(NOT_TEXT)


__all__ = ["WpDiscuzThread"]
