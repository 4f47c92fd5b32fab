"""Something Awful forums (vBulletin 2 derived): ``table.post#postN``, text in ``td.postbody``, quotes name the post."""
from __future__ import annotations

import re

from lxml import etree

from .fields import cls
from .forum import PostThread, thread_posts
from .prescan import owners

POST_ID = re.compile(r"^post(\d+)$")
TABLE = frozenset({"table"})
QUOTE_BLOCK = "bbc-block"
# The page the pager shows as the current one (older pages number their posts nowhere else).
CURRENT_PAGE = etree.XPath("//div[contains(concat(' ', @class, ' '), ' pages ')]//option[@selected]/@value")


def _posts(hits) -> list:
    """The thread's posts in page order, the topic's opening post included."""
    posts = owners(hits, "id", POST_ID.match, TABLE)
    return thread_posts([post for post in posts if "post" in (post.get("class") or "").split()])


def _opens_topic(post) -> bool:
    """True for the topic's first post: numbered 1 (``data-idx``), or, where posts carry no number,
    first on the page the pager shows as page 1."""
    number = post.get("data-idx")
    if number is not None:
        return number == "1"
    return CURRENT_PAGE(post.getroottree())[:1] == ["1"]


class SomethingAwfulThread(PostThread):
    """A post quoting another (its ``quote_link``, ``postid=N``) answers it; the quote stays text,
    its "X posted:" heading does not; the topic's opening post is the article, not a comment."""

    name = "something_awful"
    prescan = {"id": ("post",)}
    item_marks = {b"postbody": (b'="', b"='")}
    item_id_pattern = POST_ID
    section_ids = frozenset({"thread"})
    page_query_marks = (b"pagenumber=",)
    page_href = rb"[?&](?:amp;)?pagenumber=\d+"
    page_number_pattern = re.compile(r"[?&]pagenumber=(\d+)")
    pager = etree.XPath("//div[contains(@class, 'pages')]//a[contains(@href, 'pagenumber=')]")
    author_rules = [cls("author")]
    content_rules = [cls("postbody")]
    date_rules = [cls("postdate")]
    post_id = POST_ID
    quote_sources = etree.XPath(f".//div[@class='{QUOTE_BLOCK}']/h4/a[@class='quote_link']/@href")
    quoted_number = re.compile(r"postid=(\d+)")
    not_text = frozenset({"editedby", "userinfo", "postdate", "postlinks", "profilelinks", "postbuttons",
                          "quote_link"})

    def items_from(self, hits) -> list:
        posts = _posts(hits)
        return posts[1:] if posts and _opens_topic(posts[0]) else posts

    def opening_post(self, hits):
        posts = _posts(hits)
        return posts[0] if posts and _opens_topic(posts[0]) else None

    def skip(self, element) -> bool:
        return super().skip(element) or (element.tag in ("h4", "h5")
                                         and element.getparent().get("class") == QUOTE_BLOCK)


__all__ = ["SomethingAwfulThread"]
