"""MediaWiki talk pages with DiscussionTools markers: a comment runs from its start marker to its signature."""
from __future__ import annotations

import re

from lxml import etree

from ..items import Comment
from ..parsing.dates import parse_iso
from ..parsing.text import escape_text, normalize_space
from .base import ThreadContext
from .items import ItemThread
from .prescan import owners

# DiscussionTools names a comment c-<author>-<UTC time>[-<what it answers: a comment's name or a heading>].
COMMENT_ID = re.compile(r"^c-(?P<author>.+?)-(?P<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z)(?:-(?P<rest>.*))?$")
SPAN = frozenset({"span"})
START, SIGNATURE, END = "data-mw-comment-start", "data-mw-comment-sig", "data-mw-comment-end"
TIMESTAMP_LINK = "ext-discussiontools-init-timestamplink"
BLOCKS = frozenset({"p", "dd", "dt", "li", "div", "br", "blockquote", "pre", "h2", "h3", "h4", "table",
                    "tr", "td", "ul", "ol", "dl"})
UNREAD = frozenset({"script", "style"})
# The dashes or tildes a writer types before signing belong to the signature.
SIGNING = " \n\t-\u2013\u2014~"


class MediaWikiTalkThread(ItemThread):
    """Comments are ranges, not elements: their text is what stands between the markers; the id
    names author, time and the comment answered."""

    name = "mediawiki"
    prescan = {"id": (".000Z",)}
    item_marks = {b"data-mw-comment-start": (b"<span ",)}

    def items_from(self, hits) -> list:
        found = owners(hits, "id", COMMENT_ID.match, SPAN)
        return [item for item in found if item.get(START) is not None]

    def item_id(self, item) -> str | None:
        return item.get("id")

    def parse(self, tree, ctx: ThreadContext, items: list | None = None) -> list[Comment]:
        items = self.items(tree) if items is None else items
        texts, stamps = _ranges(tree)
        comments: list[Comment] = []
        depths: dict[str, int] = {}
        for item in items:
            ident = item.get("id")
            named = COMMENT_ID.match(ident)
            parent = _answered(named.group("rest"), depths)
            depths[ident] = depths.get(parent, 0) + 1
            paragraphs = _paragraphs(texts.get(ident, ""))
            comments.append(Comment(
                comment_id=ident, parent_comment_id=parent, depth=depths[ident],
                author_name=named.group("author").replace("_", " "),
                date_published=parse_iso(named.group("time")), date_published_raw=stamps.get(ident),
                text="\n\n".join(paragraphs),
                text_html="".join(f"<p>{escape_text(paragraph)}</p>" for paragraph in paragraphs)))
        return comments


def _answered(rest: str | None, known: dict[str, int]) -> str | None:
    """The comment a comment answers, from the rest of its id (a heading's name answers none)."""
    answered = COMMENT_ID.match(f"c-{rest}") if rest else None
    if answered is None:
        return None
    prefix = f"c-{answered.group('author')}-{answered.group('time')}"
    return next((ident for ident in known if ident.startswith(prefix)), None)


def _ranges(tree) -> tuple[dict[str, str], dict[str, str]]:
    """Each comment's text pieces (start marker to signature or end marker), and the time its
    timestamp link shows, by comment id; one walk of the page."""
    pieces_of: dict[str, list[str]] = {}
    stamps: dict[str, str] = {}
    current: list[str] | None = None
    skipping = 0
    for event, element in etree.iterwalk(tree, events=("start", "end")):
        tag = element.tag
        if not isinstance(tag, str):
            if event == "end" and current is not None and not skipping and element.tail:
                current.append(element.tail)
            continue
        if event == "start":
            if tag in UNREAD:
                skipping += 1
                continue
            if element.get(START) is not None and (element.get("id") or "").startswith("c-"):
                current = pieces_of.setdefault(element.get("id"), [])
            elif element.get(SIGNATURE) is not None or element.get(END) is not None:
                current = None
            elif tag == "a" and TIMESTAMP_LINK in (element.get("class") or ""):
                stamps.setdefault((element.get("href") or "").rpartition("#")[2], normalize_space(
                    element.text_content()))
            if current is not None and not skipping:
                if tag in BLOCKS:
                    current.append("\n")
                if element.text:
                    current.append(element.text)
        else:
            if tag in UNREAD:
                skipping -= 1
            elif current is not None and not skipping and tag in BLOCKS:
                current.append("\n")
            if current is not None and not skipping and element.tail:
                current.append(element.tail)
    return {ident: "".join(pieces) for ident, pieces in pieces_of.items()}, stamps


def _paragraphs(text: str) -> list[str]:
    lines = [normalize_space(line) for line in text.rstrip(SIGNING).split("\n")]
    return [line for line in lines if line]


__all__ = ["MediaWikiTalkThread"]
