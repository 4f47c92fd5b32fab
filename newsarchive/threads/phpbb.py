"""phpBB (prosilver) topics: ``div.post#pN`` posts, each with ``div#post_contentN``; quotes name the post answered."""
from __future__ import annotations

import re

from lxml import etree

from ..parsing.text import normalize_space
from .base import ThreadContext, strip_fragment
from .fields import Scan, classes, cls, is_meta
from .forum import first_quoted, thread_posts
from .items import ItemThread
from .prescan import owners

CONTENT_ID = re.compile(r"^post_content(\d+)$")
POST_ID = re.compile(r"^p(\d+)$")
DIV = frozenset({"div"})
AUTHOR = [("within", (cls("author"), cls("username", "username-coloured"))),
          ("within", (cls("postprofile"), cls("username", "username-coloured")))]
CONTENT = [cls("content")]
TITLE = [("tag", frozenset({"h3"}))]
QUOTE_SOURCES = etree.XPath(".//blockquote/@cite | .//blockquote/div/cite/a/@data-post-id")
QUOTED = re.compile(r"(?:#p|^)(\d+)$")
NOT_TEXT = frozenset({"postprofile", "post-buttons", "author", "signature", "back2top", "notice"})
PAGER = etree.XPath("//*[contains(@class, 'pagination')]//a[contains(@href, 'start=')]")


def _content(value: str) -> bool:
    return CONTENT_ID.match(value) is not None


def _post_of(content):
    for ancestor in content.iterancestors():
        if ancestor.tag == "div" and POST_ID.match(ancestor.get("id") or "") and "post" in classes(ancestor):
            return ancestor
    return None


class PhpBBThread(ItemThread):
    """Posts in topic order; a post quoting another (``blockquote cite="…#pN"``) answers it."""

    name = "phpbb"
    prescan = {"id": ("post",)}
    item_marks = {b"post_content": (b'id="', b"id='")}
    item_id_pattern = CONTENT_ID  # a post's text: kept out of the article body
    page_query_marks = (b"start=",)
    page_href = rb"[?&](?:amp;)?start=\d+"
    # The offset of the page's first post (0: the topic's own page) orders the pages.
    page_number_pattern = re.compile(r"[?&]start=(\d+)")
    first_page_number = 0
    author_rules = AUTHOR
    content_rules = CONTENT

    def items_from(self, hits) -> list:
        posts = [_post_of(content) for content in owners(hits, "id", _content, DIV)]
        return thread_posts(list(dict.fromkeys(post for post in posts if post is not None)))

    def item_id(self, item) -> str | None:
        return POST_ID.match(item.get("id")).group(1)

    def parent_of(self, item, nesting, ids: dict) -> str | None:
        quoted = first_quoted(item, QUOTE_SOURCES, QUOTED, lambda e: next(
            (a for a in e.iterancestors() if a.tag == "div" and POST_ID.match(a.get("id") or "")), None))
        return quoted if quoted != self.item_id(item) else None

    def skip(self, element) -> bool:
        return is_meta(element) or element.tag in ("cite", "h3") or not classes(element).isdisjoint(NOT_TEXT)

    def title(self, scan: Scan) -> str | None:
        node = scan.find(TITLE)
        return (normalize_space(node.text_content()) or None) if node is not None else None

    def pagination_links(self, tree, ctx: ThreadContext) -> list[str]:
        links = [ctx.absolute(a.get("href")) for a in PAGER(tree)]
        return list(dict.fromkeys(strip_fragment(link) for link in links if link))


__all__ = ["PhpBBThread"]
