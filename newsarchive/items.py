"""The data that flows through a crawl: fetched pages, captures, articles, comments, failures."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import cache

@dataclass
class FetchedPage:
    """One HTTP response exactly as it was received."""

    url: str
    """The URL of the response (after redirects)."""
    status: int
    """The HTTP status code."""
    headers: list[tuple[str, str]]
    """Response headers in received order, names as sent."""
    body: bytes
    """The raw body bytes (decompressed transfer encoding, undecoded charset)."""
    fetched_at: str
    """When it was received, ISO 8601 UTC (``2024-02-29T10:00:00Z``)."""
    request_url: str = ""
    """The URL that was asked for, when it differs from ``url``."""
    warc_file: str | None = None
    """The crawl-time WARC file holding this response's record (NEWSARCHIVE_WARC_DIR), if any."""
    warc_offset: int | None = None
    """Where the response record starts in ``warc_file`` (its request record follows it)."""
    warc_length: int | None = None
    """The response record's length in ``warc_file`` (bytes, gzip member)."""

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None


@dataclass
class Capture:
    """An article as fetched: its own page plus every extra comment page."""

    url: str
    """The article's permalink (never a comment-page URL)."""
    site: str
    """The site key (e.g. ``maliweb.net``), used to group articles."""
    spider: str
    """The spider that fetched it."""
    pages: list[FetchedPage] = field(default_factory=list)
    """The article page first, then its comment pages in the order they were fetched."""
    page_type: str = "generic"
    """Which page object extracts it (``maliweb`` or ``generic``)."""
    comment_pages_complete: bool = True
    """False when a comment page failed to fetch: the thread may then be partial."""
    thread_capped: str | None = None
    """Why the thread was cut short on purpose (a cap on comment pages or bytes, no browser for a
    script-built thread): final for the frontier, not retried."""
    capture_ids: list[int] = field(default_factory=list)
    """Row ids in ``captures`` once stored, in ``pages`` order."""
    packed_bodies: list | None = None
    """The bodies as an extraction worker hashed and compressed them (``bodies.PackedBody``), in
    ``pages`` order; None: the writer does it."""
    article: "Article | None" = None
    """The extraction result, once the extract pipeline has run."""


# Field metadata, read by ``document_keys`` and ``column_names``: ``document=False``, not shown
# in an item's JSON document; ``column=False``, not a column of the item's own table.
NOT_SHOWN = {"document": False}
NOT_A_COLUMN = {"column": False}
EXTRACTION_ONLY = {"document": False, "column": False}


@dataclass
class Comment:
    """One reader comment (or ping) of an article's thread."""

    comment_id: str
    """The site's own id, as text; a stable content hash where the markup has none."""
    parent_comment_id: str | None = field(default=None, metadata=NOT_A_COLUMN)
    """The ``comment_id`` it replies to; None at top level (stored as the parent's row id)."""
    depth: int = 1
    """1 for a top-level comment, 2 for a reply, …"""
    position: int = 0
    """Order in the whole thread (0-based, page order across comment pages)."""
    type: str = "comment"
    """``comment``, ``pingback`` or ``trackback``."""
    author_name: str | None = None
    """The commenter's display name."""
    author_url: str | None = None
    """The link the commenter gave, if any."""
    date_published: str | None = None
    """ISO 8601 UTC."""
    date_published_raw: str | None = None
    """The time as the page shows it."""
    title: str | None = None
    """A title the commenter gave (some systems have them), kept out of ``text``."""
    text: str = ""
    """Plain text: paragraphs separated by a blank line, line breaks kept."""
    text_html: str = field(default="", metadata=NOT_SHOWN)
    """Sanitised HTML of the comment body."""


@dataclass
class Article:
    """An extracted article with its whole comment thread (fields in the order documents show them)."""

    url: str
    """The canonical permalink."""
    site: str = ""
    post_id: str | None = None
    """The CMS's own id of the article, when known."""
    headline: str | None = None
    description: str | None = None
    authors: list[str] = field(default_factory=list, metadata=NOT_A_COLUMN)
    """The byline, in order (stored in ``article_authors``)."""
    posted_by: str | None = None
    """The CMS account that published it."""
    date_published: str | None = None
    """ISO 8601 UTC."""
    date_published_raw: str | None = None
    date_modified: str | None = None
    in_language: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    main_image_url: str | None = None
    comment_count_declared: int | None = None
    """The number of comments the page states."""
    comments_widget: str | None = None
    """``facebook``, ``disqus``, … when a JS-only comment widget is present."""
    article_body: str = ""
    """Plain text, paragraphs separated by a blank line."""
    article_body_html: str = field(default="", metadata=NOT_SHOWN)
    """Sanitised HTML (no script, style or ads)."""
    comments: list[Comment] = field(default_factory=list, metadata=EXTRACTION_ONLY)
    """The thread in page order (a document nests it; stored in ``comments``)."""
    comments_complete: bool = field(default=True, metadata=EXTRACTION_ONLY)
    """True when every comment page was fetched, so a missing comment was really removed."""
    warnings: list[str] = field(default_factory=list, metadata=EXTRACTION_ONLY)
    """Problems met while extracting (logged, and kept in the crawl's stats)."""


@cache
def fields_of(item_class: type) -> tuple[str, ...]:
    """Every field of ``item_class``, in order."""
    return tuple(f.name for f in fields(item_class))


@cache
def document_keys(item_class: type) -> tuple[str, ...]:
    """The fields a JSON document of ``item_class`` shows, in order (``extract --json``, ``show
    --json``, exports; an article's comments are nested by the document's maker)."""
    return tuple(f.name for f in fields(item_class) if f.metadata.get("document", True))


def article_json(article: "Article") -> dict:
    """An extracted article as a JSON-ready document: its fields and its flat comment list (page
    order), as ``newsarchive extract --json`` prints it and a crawl's feed export writes it."""
    document = {key: getattr(article, key) for key in document_keys(Article)}
    document["comments"] = [{key: getattr(c, key) for key in document_keys(Comment)} for c in article.comments]
    document["warnings"] = article.warnings
    return document


@cache
def column_names(item_class: type) -> tuple[str, ...]:
    """The fields stored as columns of ``item_class``'s own table, in order."""
    return tuple(f.name for f in fields(item_class) if f.metadata.get("column", True))


@dataclass
class FetchFailure:
    """A page that could not be archived, and why."""

    url: str
    reason: str
    """A short human-readable reason (``HTTP 404``, ``non-HTML response: application/pdf``…)."""
    spider: str = ""
    status: int | None = None
    site: str = ""
    permanent: bool = False
    """The site's answer for good (404, 410, robots.txt): not tried again by later crawls."""
