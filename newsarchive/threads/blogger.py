"""Blogger (blogspot) comments: threaded ``li.comment#cN`` lists and the classic ``dl#comments-block``."""
from __future__ import annotations

import re

from ..items import Comment
from ..parsing.dates import from_epoch
from ..parsing.text import normalize_space
from .base import ThreadContext
from .fields import AUTHOR_RULES, CONTENT_RULES, classes, clean_text, cls, is_meta
from .items import ItemThread
from .prescan import owners

ITEM_ID = re.compile(r"^c(\d+)$")
# The ids of the element holding a post's thread (threaded form), or of the classic list.
THREAD_BOXES = frozenset({"comments", "comment-holder"})
CLASSIC_LIST = "comments-block"
LIST = frozenset({"dl"})
SHOW_COMMENT = re.compile(r"[?&]showComment=(\d{10,13})")
# "NAME said..." in the languages Blogger ships: the verb and its ellipsis are not the name.
SAID = re.compile(r"\s*(?:said|dijo|disse|a dit|hat gesagt|ha detto|zei|napisał\(a\)|sanoi|skrev)\s*(?:\.\.\.|…)?\s*:?\s*$",
                  re.I)
AUTHOR = [("within", (cls("comment-header"), cls("user"))), cls("user")] + AUTHOR_RULES
CONTENT = [cls("comment-content", "comment-body")] + CONTENT_RULES
NOT_TEXT = frozenset({"comment-header", "comment-actions", "comment-replies", "comment-replybox-single",
                      "avatar-image-container", "comment-footer", "comment-timestamp", "item-control",
                      "thread-toggle", "continue"})


def _thread_box(value: str) -> bool:
    return value in THREAD_BOXES


def _blogger_item(item) -> bool:
    return ITEM_ID.match(item.get("id") or "") is not None


class BloggerThread(ItemThread):
    """Threaded: replies in the parent's ``div.comment-replies``; classic: a flat ``dt``/``dd`` list."""

    name = "blogger"
    prescan = {"id": ("omm",)}
    item_marks = {b"comment-thread": (b'"', b"'"), b"comments-block": (b'"', b"'")}
    section_classes = frozenset({"comments-content", "comment-thread"})
    section_ids = frozenset({"comments-block", "comment-holder"})
    author_rules = AUTHOR
    content_rules = CONTENT

    def items_from(self, hits) -> list:
        threaded = [li for box in owners(hits, "id", _thread_box) for li in box.iter("li")
                    if li.get("class") == "comment" and _blogger_item(li) and _in_thread_list(li)]
        if threaded:
            return list(dict.fromkeys(threaded))
        return [dt for box in owners(hits, "id", CLASSIC_LIST.__eq__, LIST) for dt in box.iterchildren("dt")
                if _blogger_item(dt)]

    def item_id(self, item) -> str | None:
        return ITEM_ID.match(item.get("id")).group(1)

    def skip(self, element) -> bool:
        return is_meta(element) or not classes(element).isdisjoint(NOT_TEXT)

    def elsewhere(self, item, cache: dict) -> bool:
        # The post and its thread live in Blogger's own ``div.widget.Blog``: not a sidebar widget.
        return False if _in_blog_widget(item) else super().elsewhere(item, cache)

    def comment(self, item, parts: list, ctx: ThreadContext) -> Comment:
        classic = item.tag == "dt"
        comment = super().comment(item, parts + _classic_body(item) if classic else parts, ctx)
        if classic:
            comment.author_name = _classic_name(item) or comment.author_name
            comment.author_url = _classic_profile(item, ctx) or comment.author_url
        permalink = _permalink_epoch(item, parts + _classic_body(item) if classic else parts)
        comment.date_published = permalink or comment.date_published
        return comment


def _in_blog_widget(item) -> bool:
    return any("Blog" in classes(a) and (a.get("id") or "").startswith("Blog") for a in item.iterancestors())


def _in_thread_list(li) -> bool:
    """A ``li.comment`` of a Blogger thread: its list is ``ol#top-ra`` or a reply list ``ol#cN-ra``."""
    for ancestor in li.iterancestors():
        if ancestor.tag == "ol":
            return (ancestor.get("id") or "").endswith("-ra")
    return False


def _classic_body(dt) -> list:
    """The ``dd`` elements after a classic ``dt``: its text and its footer (time, permalink)."""
    found = []
    for sibling in dt.itersiblings():
        if sibling.tag != "dd":
            break
        found.append(sibling)
    return found


def _classic_name(dt) -> str | None:
    """The ``dt``'s visible text without avatar and "said...": the commenter."""
    text = normalize_space(clean_text(dt, lambda e: "avatar-image-container" in classes(e) or is_meta(e)))
    return SAID.sub("", text).strip() or None


def _classic_profile(dt, ctx: ThreadContext) -> str | None:
    """The commenter's profile: the ``dt``'s first link that is not an anchor."""
    link = next((a for a in dt.iter("a") if (a.get("href") or "#")[0] != "#"), None)
    return ctx.absolute(link.get("href")) if link is not None else None


def _permalink_epoch(item, parts: list) -> str | None:
    """The time in the comment's permalink (``?showComment=<epoch ms>``), exact to the second."""
    for part in parts:
        for link in part.iter("a"):
            found = SHOW_COMMENT.search(link.get("href") or "")
            if found:
                digits = found.group(1)
                return from_epoch(int(digits) // 1000 if len(digits) == 13 else int(digits))
    return None


__all__ = ["BloggerThread"]
