"""Helpers for the thread-family tests: a hand-written fixture page in, its merged thread out."""
from __future__ import annotations

from pathlib import Path

import pytest

from newsarchive.items import Comment, FetchedPage
from newsarchive.pages.base import Page
from newsarchive.pages.widgets import detect_widget
from newsarchive.parsing.counts import declared_count

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "threads"
FETCHED_AT = "2024-03-10T12:00:00Z"


def load_page(name: str, url: str = "https://example.org/article") -> Page:
    """The fixture ``name`` as a fetched article page."""
    body = (FIXTURES / name).read_bytes()
    fetched = FetchedPage(url, 200, [("Content-Type", "text/html; charset=utf-8")], body, FETCHED_AT)
    return Page(url, [fetched])


def rows(comments: list[Comment]) -> list[tuple]:
    """(id, parent, depth, type, author, author_url) per comment, page order."""
    return [(c.comment_id, c.parent_comment_id, c.depth, c.type, c.author_name, c.author_url)
            for c in comments]


@pytest.fixture
def thread():
    """``thread(name)`` -> (comments, page) for a fixture page."""
    def load(name: str, url: str = "https://example.org/article"):
        page = load_page(name, url)
        return page.comments(), page
    return load


__all__ = ["declared_count", "detect_widget", "load_page", "rows"]
