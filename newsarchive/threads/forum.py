"""What the forum-post families share: posts of side blocks refused, and the post a quote answers."""
from __future__ import annotations

import re

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


def first_quoted(item, quotes, number: re.Pattern, own) -> str | None:
    """The id (``number``'s group 1) the first quote of ``item``'s own text names, or None
    (``quotes``: an XPath to the quote sources; ``own``: the item an element belongs to)."""
    for value in quotes(item):
        owner = value.getparent() if hasattr(value, "getparent") else None
        if owner is not None and own(owner) is not item:
            continue
        found = number.search(str(value))
        if found:
            return found.group(1)
    return None


__all__ = ["SIDE_BLOCK_WORDS", "first_quoted", "in_side_block", "thread_posts"]
