"""Discourse topics: the crawler view's ``div#post_N.crawler-post`` and the embed's ``article.post#post-ID``."""
from __future__ import annotations

import re

from lxml import etree

from ..items import Comment
from ..parsing.dates import parse_date
from ..parsing.text import normalize_space
from .base import ThreadContext, strip_fragment
from .fields import classes, cls, has_class, is_meta
from .forum import thread_posts
from .items import ItemThread
from .prescan import owners

CRAWLER_ID = re.compile(r"^post_(\d+)$")
EMBED_ID = re.compile(r"^post-(\d+)$")
POST_ID = re.compile(r"^post[_-](\d+)$")
TAGS = frozenset({"div", "article"})
AUTHOR = [("within", (cls("creator"), ("itemprop", frozenset({"name"})))), cls("creator"),
          ("within", (cls("username"), ("tag", frozenset({"a"})))), cls("username")]
CONTENT = [("itemprop", frozenset({"text"})), cls("cooked")]
NOT_TEXT = frozenset({"crawler-post-meta", "username", "post-replies", "post-date", "in-reply-to", "author",
                      "quote-controls", "title", "post-likes"})
QUOTED_POST = etree.XPath(".//aside[" + has_class("quote") + "]/@data-post")
IN_REPLY_TO = etree.XPath("./a[" + has_class("in-reply-to") + "]/@data-link-to-post")
POST_DATE = etree.XPath("./a[" + has_class("post-date") + "]")
PAGER = etree.XPath("//a[@rel='next' or @rel='prev'][contains(@href, 'page=')]")


def _post(value: str) -> bool:
    return POST_ID.match(value) is not None


def _is_discourse_post(element) -> bool:
    names = classes(element)
    if CRAWLER_ID.match(element.get("id") or ""):
        return "crawler-post" in names
    return element.tag == "article" and "post" in names and any(
        "cooked" in classes(child) for child in element if isinstance(child.tag, str))


class DiscourseThread(ItemThread):
    """Posts in topic order; a reply names its post (``in-reply-to`` link, or the post it quotes)."""

    name = "discourse"
    prescan = {"id": ("post",)}
    item_marks = {b"crawler-post": (b"'", b'"', b" "), b"in-reply-to": (b"'", b'"', b" ")}
    section_classes = frozenset({"discourse-embed", "crawler-post"})
    section_ids = frozenset({"discourse-comments"})
    page_number_pattern = re.compile(r"[?&]page=(\d+)")
    author_rules = AUTHOR
    content_rules = CONTENT

    def items_from(self, hits) -> list:
        return thread_posts([post for post in owners(hits, "id", _post, TAGS) if _is_discourse_post(post)])

    def item_id(self, item) -> str | None:
        return POST_ID.match(item.get("id")).group(1)

    def parent_of(self, item, nesting, ids: dict) -> str | None:
        linked = IN_REPLY_TO(item)
        if linked:
            return linked[0]
        quoted = QUOTED_POST(item) if CRAWLER_ID.match(item.get("id") or "") else []
        own = self.item_id(item)
        return next((number for number in quoted if number != own), None)

    def skip(self, element) -> bool:
        return is_meta(element) or not classes(element).isdisjoint(NOT_TEXT) or element.get("itemprop") in (
            "interactionStatistic", "position")

    def comment(self, item, parts: list, ctx: ThreadContext) -> Comment:
        comment = super().comment(item, parts, ctx)
        dated = POST_DATE(item)
        if dated and comment.date_published is None:  # the embed's link title holds the full time
            raw = normalize_space(dated[0].get("title") or "")
            comment.date_published = parse_date(raw, ctx.tz, ctx.languages, ctx.fetched_at)
            comment.date_published_raw = raw or comment.date_published_raw
        return comment

    def pagination_links(self, tree, ctx: ThreadContext) -> list[str]:
        links = [ctx.absolute(a.get("href")) for a in PAGER(tree)]
        return list(dict.fromkeys(strip_fragment(link) for link in links if link))


__all__ = ["DiscourseThread"]
