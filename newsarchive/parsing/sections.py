"""Where a comment page's comment section starts in its raw bytes, when the rest can be left unparsed."""
from __future__ import annotations

import re

from ahocorasick_rs import BytesAhoCorasick, MatchKind

from ..threads.registry import derived, merged_marks

# The comment section's container: WordPress core and most themes (tagDiv's included) open it with
# ``id="comments"``, and it holds the comment list.
SECTION_ID = b'id="comments"'
# What the HTML tokenizer reads as one opaque run until its end: comments, doctype-like and
# processing-instruction runs (to ">"), and the raw-text and RCDATA elements (to their end tag).
OPAQUE_START = re.compile(
    rb"<(?:(!--)|([!?])|(script|style|textarea|title|xmp|iframe|noembed|noframes|noscript|plaintext)"
    rb"(?=[\s/>]))", re.I)
_END_TAGS: dict[bytes, re.Pattern] = {}


def item_marks() -> dict[bytes, tuple[bytes, ...]]:
    """Markup of a comment item in raw bytes, over every registered family: word -> the bytes that
    may precede it (a page with one before the section is parsed whole)."""
    return derived("item marks", lambda families: merged_marks(families, "item_marks"))


def comment_section_start(body: bytes) -> int | None:
    """The offset of the tag opening the comment section (``id="comments"``), when the page before
    it holds no comment item and ends at the tokenizer's top level (not inside a comment, a script,
    a style, a textarea… or a tag); None when the page must be parsed whole."""
    found = body.find(SECTION_ID)
    if found < 0:
        return None
    start = body.rfind(b"<", 0, found)
    if start <= 0 or not body[start + 1:start + 2].isalpha() or body.find(b">", start, found) >= 0:
        return None
    if body.rfind(b"<", 0, start) > body.rfind(b">", 0, start):
        return None  # the previous tag is still open: the section's "<" is inside it
    if _item_above(body, start):
        return None
    return start if _at_top_level(body, start) else None


def _item_above(body: bytes, end: int) -> bool:
    """True when some comment item's markup may come before ``end`` (see ``item_marks``)."""
    return bool(_item_scan().find_matches_as_indexes(memoryview(body)[:end]))


def _item_scan() -> BytesAhoCorasick:
    """One pass finding every family's item markup: each word with a byte run that may precede it
    (leftmost: whether any occurs is all it is asked, and that kind of scan skips SIMD-fast)."""
    return derived("item scan", lambda families: BytesAhoCorasick(
        [opening + word for word, openings in item_marks().items() for opening in openings],
        matchkind=MatchKind.LeftmostFirst))


def _at_top_level(body: bytes, end: int) -> bool:
    """True when every comment, bogus comment and raw-text element opened before ``end`` also
    closes before it."""
    position = 0
    while True:
        opened = OPAQUE_START.search(body, position, end)
        if opened is None:
            return True
        comment, bogus, element = opened.groups()
        if comment:
            closed = body.find(b"-->", opened.end(), end)
            position = closed + 3
        elif bogus:
            closed = body.find(b">", opened.end(), end)
            position = closed + 1
        else:
            name = element.lower()
            if name == b"plaintext":
                return False  # never ends
            closing = _end_tag(name).search(body, opened.end(), end)
            closed = closing.end() if closing else -1
            position = closed
        if closed < 0:
            return False


def _end_tag(name: bytes) -> re.Pattern:
    pattern = _END_TAGS.get(name)
    if pattern is None:
        pattern = _END_TAGS[name] = re.compile(rb"</" + name + rb"(?=[\s/>])", re.I)
    return pattern


__all__ = ["comment_section_start"]
