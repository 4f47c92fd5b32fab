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


class SomethingAwfulThread(PostThread):
    """A post quoting another (its ``quote_link``, ``postid=N``) answers it; the quote stays text,
    its "X posted:" heading does not."""

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
        posts = owners(hits, "id", POST_ID.match, TABLE)
        return thread_posts([post for post in posts if "post" in (post.get("class") or "").split()])

    def skip(self, element) -> bool:
        return super().skip(element) or (element.tag in ("h4", "h5")
                                         and element.getparent().get("class") == QUOTE_BLOCK)


__all__ = ["SomethingAwfulThread"]
