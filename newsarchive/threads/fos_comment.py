"""Symfony's FOSCommentBundle: ``div#fos_comment_N.fos_comment_comment_show``, replies in its ``fos_comment_comment_replies``."""
from __future__ import annotations

import re

from ..items import Comment
from ..parsing.dates import parse_date
from ..parsing.text import normalize_space
from .base import ThreadContext
from .fields import classes, clean_text, cls, is_meta
from .items import ItemThread
from .prescan import owners

ITEM_ID = re.compile(r"^fos_comment_(\d+)$")
DIV = frozenset({"div"})
AUTHOR = [cls("fos_comment_comment_authorname")]
CONTENT = [cls("fos_comment_comment_body")]
META = "fos_comment_comment_metas"
# The metas line is "by NAME - DATE" (the label translated): the date follows the last dash.
AFTER_DASH = re.compile(r"[-–—]\s*([^-–—]*\d[^-–—]*)$")
NOT_TEXT = frozenset({META, "fos_comment_comment_replies", "fos_comment_comment_reply",
                      "fos_comment_comment_voting", "fos_comment_comment_form_holder"})


class FosCommentThread(ItemThread):
    """A reply sits in its parent's replies box and names it in ``data-parent``."""

    name = "fos_comment"
    prescan = {"id": ("omm",)}
    item_marks = {b"fos_comment_comment_show": (b'"', b" ", b"'")}
    item_id_pattern = ITEM_ID
    section_classes = frozenset({"fos_comment_thread"})
    author_rules = AUTHOR
    content_rules = CONTENT

    def items_from(self, hits) -> list:
        return [item for item in owners(hits, "id", ITEM_ID.match, DIV)
                if "fos_comment_comment_show" in classes(item)]

    def item_id(self, item) -> str | None:
        return ITEM_ID.match(item.get("id")).group(1)

    def parent_of(self, item, nesting, ids: dict) -> str | None:
        return item.get("data-parent") or super().parent_of(item, nesting, ids)

    def skip(self, element) -> bool:
        return is_meta(element) or element.tag == "button" or not classes(element).isdisjoint(NOT_TEXT)

    def comment(self, item, parts: list, ctx: ThreadContext) -> Comment:
        comment = super().comment(item, parts, ctx)
        if comment.date_published is None:
            metas = next((part for part in parts if META in classes(part)), None)
            line = normalize_space(clean_text(metas, lambda e: e.tag in ("button", "div"))) if metas is not None else ""
            found = AFTER_DASH.search(line)
            if found:
                comment.date_published_raw = found.group(1).strip()
                comment.date_published = parse_date(comment.date_published_raw, ctx.tz, ctx.languages,
                                                    ctx.fetched_at)
        return comment


__all__ = ["FosCommentThread"]
