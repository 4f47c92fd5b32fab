"""What every thread parser shares: the parsing context, stable ids, and thread repair."""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from urllib.parse import urljoin, urlsplit, urlunsplit

from ..items import Comment

logger = logging.getLogger(__name__)


@dataclass
class ThreadContext:
    """What a parser needs besides the tree: where the page came from and when."""

    page_url: str
    article_url: str = ""
    tz: str = "UTC"
    languages: tuple[str, ...] = ()
    fetched_at: datetime | None = None
    warnings: list[str] = field(default_factory=list)

    def absolute(self, href: str | None) -> str | None:
        """``href`` resolved against the page URL (None stays None)."""
        if not href or not href.strip():
            return None
        return urljoin(self.page_url, href.strip())


class ThreadParser(Protocol):
    """A parser for one family of comment markup (``items.ItemThread`` also declares what the
    registry's readers look for: prescan marks, byte marks, section names, comment-page marks)."""

    name: str

    def items(self, tree) -> list:
        """The page's comment elements of this family, in page order (empty: not this family)."""

    def items_from(self, hits) -> list:
        """The same, from the page's attribute hits (``prescan.attribute_hits``), shared by all."""

    def matches(self, tree) -> bool:
        """True when this page carries this family's comment markup."""

    def parse(self, tree, ctx: ThreadContext, items: list | None = None) -> list[Comment]:
        """The page's comments in page order (ids and parents set; ``items`` when already found)."""

    def pagination_links(self, tree, ctx: ThreadContext) -> list[str]:
        """The thread's other comment pages linked from this page."""

    def page_number(self, url: str) -> int | None:
        """The place of a comment page of this family in the thread (1: the article's own page)."""

    def shows_no_thread(self, hits) -> bool:
        """True when this family's own markup says the page holds no comments."""

    def opening_post(self, hits):
        """The topic's opening post where the family reads the page as a topic whose first post is
        its article (left out of ``items_from``); None otherwise."""


def content_id(author: str | None, date: str | None, text: str) -> str:
    """A stable id for a comment whose markup gives none: a hash of what it says."""
    digest = hashlib.sha1(f"{author or ''}\x1f{date or ''}\x1f{text[:500]}".encode()).hexdigest()
    return f"h{digest[:16]}"


def strip_fragment(url: str) -> str:
    """``url`` without its ``#fragment``."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def resolve_thread(comments: list[Comment], warnings: list[str] | None = None) -> list[Comment]:
    """Drop repeated ids, detach replies whose parent is unknown or cyclic, recompute depths."""
    warnings = warnings if warnings is not None else []
    unique: dict[str, Comment] = {}
    for comment in comments:
        if comment.comment_id in unique:
            warnings.append(f"duplicate comment id {comment.comment_id} ignored")
            continue
        unique[comment.comment_id] = comment
    for comment in unique.values():
        _repair_parent(comment, unique, warnings)
    for comment in unique.values():
        comment.depth = _depth(comment, unique)
    return list(unique.values())


def _repair_parent(comment: Comment, by_id: dict[str, Comment], warnings: list[str]) -> None:
    parent = comment.parent_comment_id
    if parent is None:
        return
    if parent not in by_id or parent == comment.comment_id:
        warnings.append(f"comment {comment.comment_id}: parent {parent} not in the thread")
        comment.parent_comment_id = None
        return
    seen = {comment.comment_id}
    while parent is not None:
        if parent in seen:
            warnings.append(f"comment {comment.comment_id}: parent cycle broken")
            comment.parent_comment_id = None
            return
        seen.add(parent)
        parent = by_id[parent].parent_comment_id if parent in by_id else None


def _depth(comment: Comment, by_id: dict[str, Comment]) -> int:
    depth, parent = 1, comment.parent_comment_id
    while parent is not None and depth < 10_000:
        depth += 1
        parent = by_id[parent].parent_comment_id
    return depth


def assign_positions(comments: list[Comment]) -> list[Comment]:
    """Number the thread 0, 1, 2… in the given order."""
    for position, comment in enumerate(comments):
        comment.position = position
    return comments
