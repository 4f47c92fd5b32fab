"""vBulletin threads: 4.x ``li.postcontainer#post_N`` and 3.x ``table#postN``, text in ``#post_message_N``."""
from __future__ import annotations

import re

from lxml import etree

from ..parsing.text import normalize_space
from .base import ThreadContext, strip_fragment
from .fields import Scan, classes, cls, is_meta
from .forum import first_quoted, thread_posts
from .items import ItemThread
from .prescan import owners

MESSAGE_ID = re.compile(r"^post_message_(\d+)$")
POST_ID = re.compile(r"^post_?(\d+)$")
DIV = frozenset({"div"})
AUTHOR = [("within", (cls("username_container"), ("tag", frozenset({"strong"})))),
          cls("username", "bigusername")]
CONTENT = [cls("postcontent")]
DATE = [cls("date", "postdate")]
TITLE = [cls("title")]
QUOTE_SOURCES = etree.XPath(".//*[contains(@class, 'bbcode_postedby')]//a/@href")
QUOTED = re.compile(r"#post(\d+)$")
NOT_TEXT = frozenset({"bbcode_postedby", "posthead", "userinfo", "postfoot", "title", "signature",
                      "after_content", "nodecontrols", "usertitle"})
PAGER = etree.XPath("//*[contains(@class, 'pagination')]//a[contains(@href, 'page=')]")


def _message(value: str) -> bool:
    return MESSAGE_ID.match(value) is not None


def _post_of(message):
    """The post holding a message: the ancestor whose id carries the same number."""
    number = MESSAGE_ID.match(message.get("id")).group(1)
    for ancestor in message.iterancestors():
        found = POST_ID.match(ancestor.get("id") or "")
        if found and found.group(1) == number:
            return ancestor
    return None


class VBulletinThread(ItemThread):
    """Posts in thread order; a post quoting another (``bbcode_postedby`` link) answers it."""

    name = "vbulletin"
    prescan = {"id": ("post",)}
    item_marks = {b"post_message_": (b'id="', b"id='")}
    item_id_pattern = MESSAGE_ID
    page_query_marks = (b"page=",)
    page_href = rb"[?&](?:amp;)?page=\d+"
    page_number_pattern = re.compile(r"[?&]page=(\d+)")
    author_rules = AUTHOR
    content_rules = CONTENT
    date_rules = DATE

    def items_from(self, hits) -> list:
        posts = [_post_of(message) for message in owners(hits, "id", _message, DIV)]
        return thread_posts(list(dict.fromkeys(post for post in posts if post is not None)))

    def item_id(self, item) -> str | None:
        return POST_ID.match(item.get("id")).group(1)

    def parent_of(self, item, nesting, ids: dict) -> str | None:
        quoted = first_quoted(item, QUOTE_SOURCES, QUOTED, lambda e: next(
            (a for a in e.iterancestors() if POST_ID.match(a.get("id") or "")), None))
        return quoted if quoted != self.item_id(item) else None

    def skip(self, element) -> bool:
        return is_meta(element) or not classes(element).isdisjoint(NOT_TEXT)

    def title(self, scan: Scan) -> str | None:
        node = scan.find(TITLE)
        return (normalize_space(node.text_content()) or None) if node is not None else None

    def pagination_links(self, tree, ctx: ThreadContext) -> list[str]:
        links = [ctx.absolute(a.get("href")) for a in PAGER(tree)]
        return list(dict.fromkeys(strip_fragment(link) for link in links if link))


__all__ = ["VBulletinThread"]
