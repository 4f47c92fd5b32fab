"""Safe values: stored text without terminal controls or bidi overrides, URLs only http(s), CSV cells no formulas."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from .items import Article, Comment

# C0 and C1 controls but tab and newline (ESC, BEL, CSI… drive a terminal), and the bidi
# embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069 (they reorder what a reader
# sees). The marks U+200E, U+200F and U+061C are kept: right-to-left text needs them, and they only
# set the direction of the neutral characters next to them.
UNSAFE_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SAFE_URL_SCHEMES = ("http", "https")
# A spreadsheet reads a cell starting with one of these as a formula (OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

ARTICLE_URL_FIELDS = frozenset({"main_image_url"})
COMMENT_URL_FIELDS = frozenset({"author_url"})
KEY_FIELDS = frozenset({"url"})
"""Kept as they are: the article's URL is its key, fetched or declared as http(s)."""


def safe_text(value: str | None) -> str | None:
    """``value`` without UNSAFE_CHARACTERS (None stays None)."""
    if not value or UNSAFE_CHARACTERS.search(value) is None:
        return value
    return UNSAFE_CHARACTERS.sub("", value)


def safe_url(value: str | None) -> str | None:
    """``value`` when it is an absolute http(s) URL free of UNSAFE_CHARACTERS, else None."""
    if not value or UNSAFE_CHARACTERS.search(value) is not None:
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    return value if parts.scheme.lower() in SAFE_URL_SCHEMES and parts.netloc else None


def make_article_safe(article: Article) -> Article:
    """Every stored text of ``article`` and its comments made safe; a URL field that is not http(s)
    becomes None, with a warning saying which."""
    _make_safe(article, ARTICLE_URL_FIELDS, article.warnings)
    for comment in article.comments:
        _make_safe(comment, COMMENT_URL_FIELDS, article.warnings)
    return article


def _make_safe(record: Article | Comment, url_fields: frozenset[str], warnings: list[str]) -> None:
    for name, value in vars(record).items():
        if name in url_fields:
            kept = safe_url(value)
            if value and kept is None:
                warnings.append(f"{name}{_of(record)} dropped: not an http(s) URL ({_scheme(value)})")
        elif isinstance(value, str) and name not in KEY_FIELDS:
            kept = safe_text(value)
        elif isinstance(value, list) and value and isinstance(value[0], str):
            kept = [safe_text(item) for item in value]
            kept = value if kept == value else kept
        else:
            continue
        if kept is not value:
            setattr(record, name, kept)


def _of(record: Article | Comment) -> str:
    return f" of comment {safe_text(record.comment_id)}" if isinstance(record, Comment) else ""


def _scheme(url: str) -> str:
    scheme, sep, _ = url.strip().partition(":")
    return f"{safe_text(scheme)[:20]}:" if sep and scheme.isalnum() else "no scheme"


def terminal_text(text: str) -> str:
    """``text`` with each unsafe character written as its ``\\uXXXX`` escape: what a terminal is
    sent shows the character, never obeys it (also valid JSON: the characters are only in strings)."""
    if UNSAFE_CHARACTERS.search(text) is None:
        return text
    return UNSAFE_CHARACTERS.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def csv_cell(value):
    """A CSV cell a spreadsheet will not run: text starting with FORMULA_STARTS gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
