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
# The page's JSON-LD says the page is the topic itself: its post #1 is the article, not a reply.
FORUM_POSTING = re.compile(r'"@type"\s*:\s*"DiscussionForumPosting"')
POST_NUMBER = etree.XPath(".//ul[contains(@class, 'message-attribution-opposite')]//a"
                          " | .//a[contains(concat(' ', @class, ' '), ' postNumber ')]")


def _post(value: str) -> bool:
    return POST_ID.match(value) is not None


def _opening(posts: list):
    """Post #1 where the page declares itself the topic (its article), else None."""
    if not posts or not _declares_topic(posts[0].getroottree()):
        return None
    return next((post for post in posts if _numbered_first(post)), None)


def _posts(hits) -> list:
    """The thread's posts in page order, post #1 included."""
    return thread_posts([post for post in owners(hits, "id", _post, TAGS)
                         if "message" in classes(post) and post.get("data-author") is not None])


def _declares_topic(tree) -> bool:
    return any(script.get("type") == "application/ld+json" and FORUM_POSTING.search(script.text or "")
               for script in tree.iter("script"))


def _numbered_first(post) -> bool:
    return any(link.text_content().strip() == "#1" for link in POST_NUMBER(post))


class XenForoThread(PostThread):
    """The author is the post's ``data-author``; a quote's ``data-source="post: N"`` is the parent;
    on a page whose JSON-LD is the topic's ``DiscussionForumPosting``, post #1 is the article."""

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
        posts = _posts(hits)
        opening = _opening(posts)
        return [post for post in posts if post is not opening]

    def opening_post(self, hits):
        return _opening(_posts(hits))

    def comment(self, item, parts: list, ctx: ThreadContext) -> Comment:
        comment = super().comment(item, parts, ctx)
        comment.author_name = item.get("data-author") or comment.author_name
        return comment


__all__ = ["XenForoThread"]
