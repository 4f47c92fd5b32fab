"""XenForo threads: ``article.message#js-post-N`` (2.x) or ``li.message#post-N`` (1.x); quotes name the post answered."""
from __future__ import annotations

import re

from lxml import etree

from ..items import Comment
from .base import ThreadContext
from .fields import AUTHOR_RULES, classes, cls, is_meta
from .forum import first_quoted, thread_posts
from .items import ItemThread
from .prescan import owners

POST_ID = re.compile(r"^(?:js-)?post-(\d+)$")
TAGS = frozenset({"article", "li"})
AUTHOR = [cls("message-name"), ("within", (cls("messageUserInfo"), cls("username")))] + AUTHOR_RULES
CONTENT = [cls("bbWrapper", "messageText")]
QUOTE_SOURCES = etree.XPath(".//blockquote[@data-source]/@data-source")
QUOTED = re.compile(r"post:\s*(\d+)")
NOT_TEXT = frozenset({"bbCodeBlock-title", "bbCodeBlock-expandLink", "attribution", "js-selectToQuoteEnd",
                      "message-footer", "messageMeta", "message-signature"})


def _post(value: str) -> bool:
    return POST_ID.match(value) is not None


class XenForoThread(ItemThread):
    """Posts in thread order; the author is the post's ``data-author``."""

    name = "xenforo"
    prescan = {"id": ("post",)}
    item_marks = {b"js-post-": (b'id="', b"id='"), b"message--post": (b'"', b" ")}
    item_id_pattern = re.compile(r"^js-post-(\d+)$")
    section_classes = frozenset({"block--messages", "messageList"})
    author_rules = AUTHOR
    content_rules = CONTENT

    def items_from(self, hits) -> list:
        posts = [post for post in owners(hits, "id", _post, TAGS)
                 if "message" in classes(post) and post.get("data-author") is not None]
        return thread_posts(posts)

    def item_id(self, item) -> str | None:
        return POST_ID.match(item.get("id")).group(1)

    def parent_of(self, item, nesting, ids: dict) -> str | None:
        quoted = first_quoted(item, QUOTE_SOURCES, QUOTED, lambda e: next(
            (a for a in e.iterancestors() if POST_ID.match(a.get("id") or "")), None))
        return quoted if quoted != self.item_id(item) else None

    def skip(self, element) -> bool:
        return is_meta(element) or not classes(element).isdisjoint(NOT_TEXT)

    def comment(self, item, parts: list, ctx: ThreadContext) -> Comment:
        comment = super().comment(item, parts, ctx)
        comment.author_name = item.get("data-author") or comment.author_name
        return comment


__all__ = ["XenForoThread"]
