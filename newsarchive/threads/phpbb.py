"""phpBB (prosilver) topics: ``div.post#pN`` posts, each with ``div#post_contentN``; quotes name the post answered."""
from __future__ import annotations

import re

from lxml import etree

from .fields import classes, cls
from .forum import PostThread, thread_posts
from .prescan import owners

CONTENT_ID = re.compile(r"^post_content(\d+)$")
POST_ID = re.compile(r"^p(\d+)$")
DIV = frozenset({"div"})


def _content(value: str) -> bool:
    return CONTENT_ID.match(value) is not None


def _post_of(content):
    for ancestor in content.iterancestors():
        if ancestor.tag == "div" and POST_ID.match(ancestor.get("id") or "") and "post" in classes(ancestor):
            return ancestor
    return None


class PhpBBThread(PostThread):
    """A post quoting another (``blockquote cite="…#pN"``) answers it; signatures are not text."""

    name = "phpbb"
    prescan = {"id": ("post",)}
    item_marks = {b"post_content": (b'id="', b"id='")}
    item_id_pattern = CONTENT_ID  # a post's text: kept out of the article body
    page_query_marks = (b"start=",)
    page_href = rb"[?&](?:amp;)?start=\d+"
    # The offset of the page's first post (0: the topic's own page) orders the pages.
    page_number_pattern = re.compile(r"[?&]start=(\d+)")
    first_page_number = 0
    pager = etree.XPath("//*[contains(@class, 'pagination')]//a[contains(@href, 'start=')]")
    author_rules = [("within", (cls("author"), cls("username", "username-coloured"))),
                    ("within", (cls("postprofile"), cls("username", "username-coloured")))]
    content_rules = [cls("content")]
    title_rules = [("tag", frozenset({"h3"}))]
    post_id = POST_ID
    quote_sources = etree.XPath(".//blockquote/@cite | .//blockquote/div/cite/a/@data-post-id")
    quoted_number = re.compile(r"(?:#p|^)(\d+)$")
    not_text = frozenset({"postprofile", "post-buttons", "author", "signature", "back2top", "notice"})

    def items_from(self, hits) -> list:
        posts = [_post_of(content) for content in owners(hits, "id", _content, DIV)]
        return thread_posts(list(dict.fromkeys(post for post in posts if post is not None)))

    def skip(self, element) -> bool:
        return element.tag in ("cite", "h3") or super().skip(element)


__all__ = ["PhpBBThread"]
