"""Discourse topics: the crawler view's ``div#post_N.crawler-post`` and the embed's ``article.post#post-ID``."""
from __future__ import annotations

import re

from lxml import etree

from ..items import Comment
from ..parsing.dates import parse_date
from ..parsing.text import normalize_space
from .base import ThreadContext
from .fields import classes, cls, has_class
from .forum import PostThread, thread_posts
from .prescan import owners

CRAWLER_ID = re.compile(r"^post_(\d+)$")
POST_ID = re.compile(r"^post[_-](\d+)$")
TAGS = frozenset({"div", "article"})
AUTHOR = [("within", (cls("creator"), ("itemprop", frozenset({"name"})))), cls("creator"),
          ("within", (cls("username"), ("tag", frozenset({"a"})))), cls("username")]
CONTENT = [("itemprop", frozenset({"text"})), cls("cooked")]
IN_REPLY_TO = etree.XPath("./a[" + has_class("in-reply-to") + "]/@data-link-to-post")
POST_DATE = etree.XPath("./a[" + has_class("post-date") + "]")


def _post(value: str) -> bool:
    return POST_ID.match(value) is not None


def _is_discourse_post(element) -> bool:
    names = classes(element)
    if CRAWLER_ID.match(element.get("id") or ""):
        return "crawler-post" in names
    return element.tag == "article" and "post" in names and any(
        "cooked" in classes(child) for child in element if isinstance(child.tag, str))


def _posts(hits) -> list:
    """The topic's posts in page order, its opening post included."""
    return [post for post in owners(hits, "id", _post, TAGS) if _is_discourse_post(post)]


def _replies(posts: list) -> list:
    """The posts that answer the topic: where the crawler view marks its replies as schema.org
    comments, those alone (the opening post is the topic itself); never a post without text (a
    "pinned", "closed" or "split" notice)."""
    if any(post.get("itemprop") == "comment" for post in posts):
        posts = [post for post in posts if post.get("itemprop") == "comment"]
    return [post for post in posts if not _without_text(post)]


def _without_text(post) -> bool:
    bodies = [child for child in post if isinstance(child.tag, str) and child.get("itemprop") == "text"]
    return bool(bodies) and not any(body.text_content().strip() or len(body) for body in bodies)


class DiscourseThread(PostThread):
    """Posts in topic order; a reply names its post (``in-reply-to`` link, or the post it quotes)."""

    name = "discourse"
    prescan = {"id": ("post",)}
    item_marks = {b"crawler-post": (b"'", b'"', b" "), b"cooked": (b"'", b'"', b" ")}
    section_classes = frozenset({"discourse-embed", "crawler-post"})
    section_ids = frozenset({"discourse-comments"})
    page_query_marks = (b"page=",)
    page_href = rb"[?&](?:amp;)?page=\d+"
    page_number_pattern = re.compile(r"[?&]page=(\d+)")
    pager = etree.XPath("//a[@rel='next' or @rel='prev'][contains(@href, 'page=')]")
    author_rules = AUTHOR
    content_rules = CONTENT
    post_id = POST_ID
    quote_sources = etree.XPath(".//aside[" + has_class("quote") + "]/@data-post")  # a post number
    quoted_number = re.compile(r"^(\d+)$")
    not_text = frozenset({"crawler-post-meta", "username", "post-replies", "post-date", "in-reply-to", "author",
                          "quote-controls", "title", "post-likes"})

    def items_from(self, hits) -> list:
        return thread_posts(_replies(_posts(hits)))

    def opening_post(self, hits):
        """Where the crawler view marks the replies, the post with text that is not one of them."""
        posts = _posts(hits)
        if not any(post.get("itemprop") == "comment" for post in posts):
            return None
        return next((post for post in thread_posts(posts)
                     if post.get("itemprop") != "comment" and not _without_text(post)), None)

    def parent_of(self, item, nesting, ids: dict) -> str | None:
        linked = IN_REPLY_TO(item)  # the embed names the post answered
        return linked[0] if linked else super().parent_of(item, nesting, ids)

    def skip(self, element) -> bool:
        return super().skip(element) or element.get("itemprop") in ("interactionStatistic", "position")

    def comment(self, item, parts: list, ctx: ThreadContext) -> Comment:
        comment = super().comment(item, parts, ctx)
        dated = POST_DATE(item)
        if dated and comment.date_published is None:  # the embed's link title holds the full time
            raw = normalize_space(dated[0].get("title") or "")
            comment.date_published = parse_date(raw, ctx.tz, ctx.languages, ctx.fetched_at)
            comment.date_published_raw = raw or comment.date_published_raw
        return comment


__all__ = ["DiscourseThread"]
