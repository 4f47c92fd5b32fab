"""Comment-thread parsers, one module per markup family, and the choice between them."""
from __future__ import annotations

from .base import ThreadContext, ThreadParser, assign_positions, resolve_thread
from .wordpress import WordPressThread

# Tried in order; the first whose ``matches`` is true parses the page.
PARSERS: list[ThreadParser] = [WordPressThread()]


def parse_thread(tree, ctx: ThreadContext):
    """The comments of one page, in page order, by the first parser that recognises the markup."""
    for parser in PARSERS:
        if parser.matches(tree):
            return parser.parse(tree, ctx)
    return []


def comment_page_links(tree, ctx: ThreadContext) -> list[str]:
    """Absolute URLs of the thread's other comment pages linked from this page."""
    for parser in PARSERS:
        if parser.matches(tree):
            return parser.pagination_links(tree, ctx)
    return []


__all__ = ["PARSERS", "ThreadContext", "ThreadParser", "assign_positions", "comment_page_links",
           "parse_thread", "resolve_thread"]
