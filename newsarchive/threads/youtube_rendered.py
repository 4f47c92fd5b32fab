"""YouTube comments as a watch page renders them (saved by a browser): ``ytd-comment-renderer`` in
``ytd-comment-thread-renderer``, replies in its ``ytd-comment-replies-renderer``."""
from __future__ import annotations

import re

from lxml import etree

from ..items import Comment
from ..parsing.dates import parse_date
from .base import ThreadContext
from .items import ItemThread, Nesting
from .prescan import owners

COMMENT = "ytd-comment-renderer"
THREAD = "ytd-comment-thread-renderer"
# Polymer's shady DOM names, in a rendered comment's class, the renderer holding it: a thread
# (its top comment) or a thread's replies.
HOLDERS = (THREAD, "ytd-comment-replies-renderer")
# The published time links to the comment itself: ``watch?v=…&lc=ID`` (a reply: ``TOP.REPLY``).
PERMALINK = etree.XPath(".//*[@id='published-time-text']//a[contains(@href, 'lc=')]/@href")
COMMENT_ID = re.compile(r"[?&]lc=([\w.-]+)")
# An edited comment's time ends with a note ("1 week ago (edited)", "il y a 2 ans (modifié)").
EDITED_NOTE = re.compile(r"\s*\([^()]*\)\s*$")


class YouTubeRenderedThread(ItemThread):
    """A comment's id is its permalink's ``lc``; a reply answers its thread's top comment (replies
    are not nested in it: they sit in the thread's replies renderer beside it)."""

    name = "youtube_rendered"
    prescan = {"class": HOLDERS}
    item_marks = {COMMENT.encode(): (b"<",)}
    author_rules = [("xpath", etree.XPath(".//a[@id='author-text']"))]
    content_rules = [("xpath", etree.XPath(".//*[@id='content-text']"))]
    date_rules = [("xpath", etree.XPath(".//*[@id='published-time-text']"))]

    def items_from(self, hits) -> list:
        found = owners(hits, "class", _held_by_a_thread, frozenset({COMMENT}))
        return [item for item in found if PERMALINK(item)]  # not the renderer's empty template

    def item_id(self, item) -> str | None:
        match = COMMENT_ID.search(PERMALINK(item)[0])
        return match.group(1) if match else None

    def parent_of(self, item, nesting: Nesting, ids: dict) -> str | None:
        if item.getparent() is not None and item.getparent().tag == THREAD:
            return None  # the thread's top comment
        thread = next(item.iterancestors(THREAD), None)
        top = next(thread.iterchildren(COMMENT), None) if thread is not None else None
        return ids.get(top) if top is not None else None

    def comment(self, item, parts: list, ctx: ThreadContext) -> Comment:
        """The shared fields; an edited comment's time is read without its note (kept in the raw date)."""
        comment = super().comment(item, parts, ctx)
        raw = comment.date_published_raw
        if comment.date_published is None and raw and EDITED_NOTE.search(raw):
            comment.date_published = parse_date(EDITED_NOTE.sub("", raw), ctx.tz, ctx.languages, ctx.fetched_at)
        return comment


def _held_by_a_thread(value: str) -> bool:
    return any(holder in value for holder in HOLDERS)


__all__ = ["YouTubeRenderedThread"]
