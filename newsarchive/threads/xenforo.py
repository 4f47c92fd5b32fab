"""XenForo threads: ``article.message#js-post-N`` (2.x) or ``li.message#post-N`` (1.x); quotes name the post answered."""
from __future__ import annotations

import re

from lxml import etree

from ..items import Comment
from .base import ThreadContext
from .fields import AUTHOR_RULES, classes, cls
from .forum import PostThread, thread_posts
from .prescan import owners

POST_ID = re.compile(r"^(?:js-)?post-(\d+)$")
TAGS = frozenset({"article", "li"})


def _post(value: str) -> bool:
    return POST_ID.match(value) is not None


class XenForoThread(PostThread):
    """The author is the post's ``data-author``; a quote's ``data-source="post: N"`` is the parent."""

    name = "xenforo"
    prescan = {"id": ("post",)}
    item_marks = {b"js-post-": (b'id="', b"id='"), b"data-author": (b" ",)}
    item_id_pattern = re.compile(r"^js-post-(\d+)$")
    section_classes = frozenset({"block--messages", "messageList"})
    author_rules = [cls("message-name"), ("within", (cls("messageUserInfo"), cls("username")))] + AUTHOR_RULES
    content_rules = [cls("bbWrapper", "messageText")]
    post_id = POST_ID
    quote_sources = etree.XPath(".//blockquote[@data-source]/@data-source")
    quoted_number = re.compile(r"post:\s*(\d+)")
    not_text = frozenset({"bbCodeBlock-title", "bbCodeBlock-expandLink", "attribution", "js-selectToQuoteEnd",
                          "message-footer", "messageMeta", "message-signature"})

    def items_from(self, hits) -> list:
        posts = [post for post in owners(hits, "id", _post, TAGS)
                 if "message" in classes(post) and post.get("data-author") is not None]
        return thread_posts(posts)

    def comment(self, item, parts: list, ctx: ThreadContext) -> Comment:
        comment = super().comment(item, parts, ctx)
        comment.author_name = item.get("data-author") or comment.author_name
        return comment


__all__ = ["XenForoThread"]
