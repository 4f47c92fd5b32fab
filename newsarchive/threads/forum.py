"""What the forum-post families share: posts of side blocks refused, and the post a quote answers."""
from __future__ import annotations

import re

from .fields import classes, is_meta
from .items import ItemThread

# A post list in an ``aside`` or a block named like these is a digest of posts from other topics.
SIDE_BLOCK_WORDS = ("recent", "latest", "sidebar", "widget", "similar", "related", "newest")


def in_side_block(element) -> bool:
    """True when ``element`` sits in an ``aside`` or a block whose id or class names a digest."""
    for ancestor in element.iterancestors():
        if ancestor.tag == "aside":
            return True
        names = f"{ancestor.get('id') or ''} {ancestor.get('class') or ''}".lower()
        if any(word in names for word in SIDE_BLOCK_WORDS):
            return True
    return False


def thread_posts(posts: list) -> list:
    """The posts of the page's own thread (a side block's digest left out)."""
    return [post for post in posts if not in_side_block(post)]


class PostThread(ItemThread):
    """Forum posts in topic order: ids from the post element's id, a reply's parent from the first
    post it quotes."""

    post_id: re.Pattern = re.compile(r"(?!)")
    """The post element's id; group 1 is the post's number."""
    quote_sources = None
    """An XPath to the attribute values naming the quoted post (``quoted_number`` reads them)."""
    quoted_number: re.Pattern = re.compile(r"(?!)")
    not_text: frozenset = frozenset()
    """Class names of a post's markup that are not its text (profile, quote headers, buttons)."""

    def item_id(self, item) -> str | None:
        return self.post_id.match(item.get("id")).group(1)

    def parent_of(self, item, nesting, ids: dict) -> str | None:
        own = self.item_id(item)
        for value in self.quote_sources(item) if self.quote_sources is not None else ():
            if self._post_holding(value.getparent()) is not item:
                continue  # a quote inside another post's markup
            found = self.quoted_number.search(str(value))
            if found and found.group(1) != own:
                return found.group(1)
        return None

    def _post_holding(self, element):
        return next((a for a in element.iterancestors() if self.post_id.match(a.get("id") or "")), None)

    def skip(self, element) -> bool:
        return is_meta(element) or not classes(element).isdisjoint(self.not_text)


__all__ = ["PostThread", "SIDE_BLOCK_WORDS", "in_side_block", "thread_posts"]
