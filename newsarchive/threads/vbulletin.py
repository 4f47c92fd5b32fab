"""vBulletin threads: 4.x ``li.postcontainer#post_N`` and 3.x ``table#postN``, text in ``#post_message_N``."""
from __future__ import annotations

import re

from lxml import etree

from .fields import cls
from .forum import PostThread, thread_posts
from .prescan import owners

MESSAGE_ID = re.compile(r"^post_message_(\d+)$")
POST_ID = re.compile(r"^post_?(\d+)$")
DIV = frozenset({"div"})


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


class VBulletinThread(PostThread):
    """A post quoting another (its ``bbcode_postedby`` link) answers it."""

    name = "vbulletin"
    prescan = {"id": ("post",)}
    item_marks = {b"post_message_": (b'id="', b"id='")}
    item_id_pattern = MESSAGE_ID
    page_query_marks = (b"page=",)
    page_href = rb"[?&](?:amp;)?page=\d+"
    page_number_pattern = re.compile(r"[?&]page=(\d+)")
    pager = etree.XPath("//*[contains(@class, 'pagination')]//a[contains(@href, 'page=')]")
    author_rules = [("within", (cls("username_container"), ("tag", frozenset({"strong"})))),
                    cls("username", "bigusername")]
    content_rules = [cls("postcontent")]
    date_rules = [cls("date", "postdate")]
    title_rules = [cls("title")]
    post_id = POST_ID
    quote_sources = etree.XPath(".//*[contains(@class, 'bbcode_postedby')]//a/@href")
    quoted_number = re.compile(r"#post(\d+)$")
    not_text = frozenset({"bbcode_postedby", "posthead", "userinfo", "postfoot", "title", "signature",
                          "after_content", "nodecontrols", "usertitle"})

    def items_from(self, hits) -> list:
        posts = [_post_of(message) for message in owners(hits, "id", _message, DIV)]
        return thread_posts(list(dict.fromkeys(post for post in posts if post is not None)))


__all__ = ["VBulletinThread"]
