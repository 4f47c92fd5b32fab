"""The one entry point of extraction: a Capture in, an Article out (pure: no clock, no network)."""
from __future__ import annotations

import gc
from contextlib import contextmanager

from .items import Article, Capture
from .pages.base import ExtractionError, looks_truncated
from .pages.registry import load_pages, page_class as registered_page
from .widgets import adapter_of
from .safe import make_article_safe

PAGE_TYPES = load_pages()  # every page object by name (``pages.registry``)
HTML_TYPES = ("text/html", "application/xhtml+xml")


def extract(capture: Capture) -> Article:
    """Extract the article and its whole thread from a capture, every value made safe
    (``safe.make_article_safe``); raises ExtractionError."""
    with _collector_paused():
        return _extract(capture)


@contextmanager
def _collector_paused():
    """Extraction makes tens of thousands of short-lived objects a page (element proxies, strings,
    lists) and no cycles worth chasing: Python's cyclic collector would walk the young ones every
    700 allocations. It is paused for the page and catches up after (as Mercurial's ``nogc``)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _extract(capture: Capture) -> Article:
    if not capture.pages:
        raise ExtractionError("capture has no pages")
    main = capture.pages[0]
    content_type = (main.header("Content-Type") or "").split(";")[0].strip().lower()
    if content_type and content_type not in HTML_TYPES:
        raise ExtractionError(f"non-HTML response: {content_type}")
    if main.status >= 400:
        raise ExtractionError(f"HTTP {main.status}")
    page_class = registered_page(capture.page_type)
    article = page_class(capture.url, capture.pages, capture.site).article()
    truncated = any(looks_truncated(page.body) for page in capture.pages if adapter_of(page.url) is None)
    article.comments_complete = capture.comment_pages_complete and not truncated
    if truncated:
        article.warnings.append("page looks truncated (no closing </html>): removals not inferred")
    return make_article_safe(article)


__all__ = ["Article", "Capture", "ExtractionError", "PAGE_TYPES", "extract"]
