"""Search as a user types it: a safe FTS5 expression from free text, filters, and ranked hits."""
from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable

from . import search_plan

# Tokens as FTS5's unicode61 tokenizer sees them: runs of letters and digits.
TOKEN = search_plan.TOKEN
# A chunk is a quoted phrase (closed or running to the end) or a run of non-blank characters.
CHUNK = re.compile(r'"([^"]*)"?|(\S+)')
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?Z?$")
# The shortest prefix searched; the FTS tables index prefixes of 2 to 6 characters (migration 4).
MIN_PREFIX_CHARS = 2
MAX_TERMS = 32
TRAILING = ")]}.,;:!?»\"'"
HIGHLIGHT = ("\x02", "\x03")
"""Markers around matched words in snippets; the CLI shows them in colour or as [brackets]."""


class SearchError(ValueError):
    """A query or filter that cannot be searched; the message says what to change."""


@dataclass
class Filters:
    """What narrows a search besides the words."""

    site: str | None = None
    since: str | None = None
    """Inclusive lower bound on ``date_published`` (ISO 8601)."""
    until: str | None = None
    """Exclusive upper bound on ``date_published`` (ISO 8601)."""
    author: str | None = None
    kinds: tuple[str, ...] = ("article", "comment")


def fts_expression(user_query: str) -> str:
    """The user's query as an FTS5 expression in which every word is a quoted term.

    ``"a b"`` stays a phrase, ``word*`` a prefix; every other chunk (``l'armée``, ``text:x``,
    ``(NEAR``) is searched literally as the phrase of its words. Operators and column filters
    cannot appear: every term is quoted. Raises SearchError when nothing searchable is left.
    """
    terms = [term for term in map(_chunk_term, CHUNK.finditer(_nfc(user_query))) if term]
    if len(terms) > MAX_TERMS:
        raise SearchError(f"too many words ({len(terms)}): give at most {MAX_TERMS}")
    if not terms:
        raise SearchError(f"nothing to search for in {user_query!r}: give at least one word"
                          " (letters or digits)")
    return " ".join(terms)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _chunk_term(match: re.Match) -> str:
    phrase, word = match.groups()
    if phrase is not None:
        return _quoted(TOKEN.findall(phrase))
    tokens = TOKEN.findall(word)
    if tokens and word.rstrip(TRAILING).endswith("*"):
        if len(tokens[-1]) < MIN_PREFIX_CHARS:
            raise SearchError(f"prefix {word!r} is too short: give at least {MIN_PREFIX_CHARS}"
                              " letters before *")
        return _quoted(tokens) + " *"
    return _quoted(tokens)


def _quoted(tokens: list[str]) -> str:
    return f'"{" ".join(tokens)}"' if tokens else ""


def day_bound(value: str | None, upper: bool = False) -> str | None:
    """A ``--since``/``--until`` value as an ISO bound; a bare day ``until`` includes that day."""
    if value is None:
        return None
    value = value.strip()
    if DAY.match(value):
        try:
            day = date.fromisoformat(value)
        except ValueError as error:
            raise SearchError(f"not a date: {value!r} ({error})") from None
        return (day + timedelta(days=1)).isoformat() if upper else day.isoformat()
    if ISO_PREFIX.match(value):
        return value
    raise SearchError(f"not a date: {value!r}; use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ")


@dataclass
class Results:
    """Ranked hits, and whether only the newest of many matches were ranked."""

    hits: Iterable[dict]
    """A list; an iterator reading the archive as it goes when the search was ``streamed``."""
    capped: bool = False


def search(conn: sqlite3.Connection, user_query: str, filters: Filters | None = None,
           limit: int | None = 20, streamed: bool = False) -> Results:
    """Ranked articles and comments matching ``user_query``, each with a highlighted snippet
    (``limit`` None: every match, the newest after the ranked ones when there are many);
    ``streamed``: the hits are read from the archive as they are iterated (an export of every
    match holds a chunk of them at a time)."""
    if limit is not None and limit < 1:
        raise SearchError("--limit must be at least 1")
    expression = fts_expression(user_query)
    filters = filters or Filters()
    try:
        hits, capped = search_plan.search(conn, expression, site=filters.site, since=filters.since,
                                          until=filters.until, author=filters.author,
                                          kinds=filters.kinds, limit=limit, highlight=HIGHLIGHT)
        return Results(hits if streamed else list(hits), capped)
    except sqlite3.OperationalError as error:  # should not happen: every term is quoted
        raise SearchError(f"cannot search for {user_query!r}: {error}") from None
