"""The replica's data model: categories, accounts, articles and their comment trees."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from .frdate import epoch

COMMENTS_PER_PAGE = 8
"""Settings › Discussion: top-level threads per comment page (newest page shown first)."""


@dataclass
class Category:
    path: str
    """``politique`` or ``politique/diplomatie`` (child categories nest under their parent)."""
    name: str
    color: str = "#c70000"

    @property
    def parent(self) -> str | None:
        return self.path.rsplit("/", 1)[0] if "/" in self.path else None

    @property
    def slug(self) -> str:
        return self.path.rsplit("/", 1)[-1]


@dataclass
class Account:
    """A WordPress user (the account that posts, shown as the theme's author)."""

    nicename: str
    name: str
    description: str = ""


@dataclass
class Comment:
    id: int
    author: str
    date: int
    """Unix seconds, UTC (``comment_date_gmt``)."""
    text: str
    """Plain text as a reader sees it: paragraphs split by a blank line, line breaks kept."""
    url: str | None = None
    type: str = "comment"
    entities: bool = False
    """Render typographic characters as numeric entities (as ``wptexturize`` does)."""
    replies: list[Comment] = field(default_factory=list)


@dataclass
class Article:
    id: int
    slug: str
    category: str
    """Primary category path; the permalink is ``/<category>/<slug>-<id>.html``."""
    headline: str
    published: int
    modified: int
    account: str
    paragraphs: list[str]
    lede: bool = False
    """The first paragraph is a standfirst, printed as ``<p><strong>…</strong></p>``."""
    signature: list[str] = field(default_factory=list)
    """Closing paragraphs: the byline name, then an optional ``Source : …`` credit."""
    tags: list[str] = field(default_factory=list)
    image: dict | None = None
    layout: str = "classic"
    kind: str = "article"
    """``article``, or an edge case: ``gone`` (404), ``error`` (500), ``pdf``, ``truncated``."""
    comment_status: str = "open"
    """``open``, ``closed`` (list kept, no form) or ``disabled`` (no comments block at all)."""
    facebook: bool = True
    comments: list[Comment] = field(default_factory=list)
    views: int = 0
    name: str = ""
    """A short key for tests and fixtures (``seed``, ``tdb`` …); empty for filler articles."""
    filler: bool = False
    """Filler articles are the only ones other pages link to (related posts, next/prev, sidebar)."""

    @property
    def path(self) -> str:
        return f"/{self.category}/{self.slug}-{self.id}.html"

    @property
    def comment_count(self) -> int:
        return sum(1 for _ in walk(self.comments))

    @property
    def excerpt(self) -> str:
        words = self.paragraphs[0].split() if self.paragraphs else []
        return " ".join(words[:30]) + ("…" if len(words) > 30 else "")

    def comment_pages(self) -> list[list[Comment]]:
        """Top-level threads split into pages, oldest page first (page 1 is full)."""
        top = self.comments
        return [top[i:i + COMMENTS_PER_PAGE] for i in range(0, len(top), COMMENTS_PER_PAGE)] or [[]]


def walk(comments: list[Comment], parent: int | None = None,
         depth: int = 1) -> Iterator[tuple[Comment, int | None, int]]:
    """Every comment depth-first in thread order, with its parent id and depth (1 = top)."""
    for c in comments:
        yield c, parent, depth
        yield from walk(c.replies, c.id, depth + 1)


def comment_from_json(d: dict) -> Comment:
    return Comment(id=d["id"], author=d["author"], date=epoch(d["date"]), text=d["text"],
                   url=d.get("url"), type=d.get("type", "comment"), entities=d.get("entities", False),
                   replies=[comment_from_json(r) for r in d.get("replies", [])])


def article_from_json(d: dict) -> Article:
    plain = {k: v for k, v in d.items() if k not in ("published", "modified", "comments")}
    return Article(**plain, published=epoch(d["published"]),
                   modified=epoch(d.get("modified", d["published"])),
                   comments=[comment_from_json(c) for c in d.get("comments", [])])


def slugify(text: str) -> str:
    """WordPress ``sanitize_title``: lower case, accents and apostrophes dropped, dashes."""
    text = unicodedata.normalize("NFKD", text.replace("’", "").replace("'", ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text.replace("œ", "oe")).strip("-")
