"""How a search is answered fast: which FTS5 queries, in which order, for which hits."""
from __future__ import annotations

import os
import re
import sqlite3
from typing import Iterator

from .db import search as sql
from .parsing.text import fold as fold_text

# The FTS index alone picks the winners (a probe by ascending rowid, then bm25 when the matches
# are few enough to rank); only those few are joined to their rows and given a snippet. Joining,
# ranking or snippeting before limiting costs seconds for a common word in a million comments.
# A prefix (``"word" *``) is read from the FTS tables' prefix indexes (migration 4) as FTS5
# reads a word: no vocabulary lookup or expansion here.

RANK_CANDIDATES = 1_000
"""Up to this many matches are ranked by bm25. Beyond it, bm25 itself is the cost (it reads
the whole index entry of each word), so the newest matches come first and the caller is told."""
PREFIX_TERM = re.compile(r'"([^"]*)" \*')
TERM = re.compile(r'"[^"]*"(?: \*)?')  # the terms of a ``search.fts_expression``: quoted, no operators
MAX_SPELLED_OUT = 2_000
"""A prefix matching more words than this is left to FTS5 (slow without a prefix index, but whole).
Reading an OR of the words for the newest matches costs little even for a two-letter prefix; the
snippets are then asked of the words the chosen rows hold (``_narrowed``)."""
SPELLED_GROUP = re.compile(r'\(((?:"[^"]*"(?: OR )?)+)\)')
WORD_CHARACTER = r"[^\W_]"  # as unicode61 reads words: letters and digits ("_" separates)
TOKEN = re.compile(WORD_CHARACTER + "+")
MOST_CHECKED = 3
"""How many of a prefix's words, most counted first, are asked of the index (``_one_in_many``)."""


DETAIL_CHUNK = 1_000
"""Hits given their rows and snippets together: memory holds one such chunk, whatever the matches."""


def search(conn: sqlite3.Connection, expression: str, *, site: str | None = None,
           since: str | None = None, until: str | None = None, author: str | None = None,
           kinds: tuple[str, ...] = ("article", "comment"), limit: int | None = 20,
           highlight: tuple[str, str] = ("[", "]")) -> tuple[Iterator[dict], bool]:
    """Best ``limit`` matches of an FTS5 ``expression`` in articles and comments (None: every match),
    read as they are iterated.

    Each hit has kind, url, title, author, date_published, site, removed_at, snippet and rank
    (bm25: lower is better; None when newest-first). ``author`` matches part of a name,
    case-insensitively. The flag is True when a kind had more than RANK_CANDIDATES matches:
    its newest matches then follow the ranked hits, newest first.
    """
    filters = {name: value for name, value in {"site": site, "since": since, "until": until,
               "author": _like_pattern(author) if author else None}.items() if value is not None}
    ranked, newest = [], []
    expressions, many = {kind: expression for kind in kinds}, {kind: False for kind in kinds}
    if "article" in kinds:
        expressions["article"], many["article"] = _spelled_out(conn, expression)
    for kind in kinds:
        rows, capped = _best(conn, kind, filters, expressions[kind], -1 if limit is None else limit,
                             many[kind])
        (newest if capped else ranked).extend((kind, rowid, rank) for rowid, rank in rows)
    ranked.sort(key=lambda hit: hit[2])
    chosen = (ranked + newest)[:limit]
    return _detailed(conn, chosen, expressions, highlight), bool(newest)


def _detailed(conn: sqlite3.Connection, chosen: list[tuple[str, int, float | None]],
              expressions: dict[str, str], highlight: tuple[str, str]) -> Iterator[dict]:
    """The ``chosen`` hits with their rows and snippets, in order, a chunk of them at a time (the
    newest matches come in rowid order, so a chunk's rowids are a narrow range of the index)."""
    for start in range(0, len(chosen), DETAIL_CHUNK):
        chunk = chosen[start:start + DETAIL_CHUNK]
        details = {kind: _hit_details(conn, kind, [hit[1] for hit in chunk if hit[0] == kind],
                                      expression, highlight) for kind, expression in expressions.items()}
        for kind, rowid, rank in chunk:
            yield {**details[kind][rowid], "rank": rank}


def _spelled_out(conn: sqlite3.Connection, expression: str) -> tuple[str, bool]:
    """``expression`` with each prefix term of articles as an OR of the indexed words it begins,
    and True when the expression is one single-word prefix alone with a word in RANK_CANDIDATES
    articles or more: that many matches at least, known without reading them.

    articles_fts has no prefix index (migration 7). Without one, FTS5 merges the whole index entry
    of every word with that prefix before it returns a row; an OR of the words is read lazily, so
    the newest matches cost the same as for one word.
    """
    terms = TERM.findall(expression)
    spelled = [_spelled_term(conn, term) for term in terms]
    if all(term == words for term, (words, _) in zip(terms, spelled)):
        return expression, False
    # FTS5 reads "a" "b" as a AND b, but not "a" (…): the ANDs are written out.
    return " AND ".join(words for words, _ in spelled), len(terms) == 1 and spelled[0][1]


def _spelled_term(conn: sqlite3.Connection, term: str) -> tuple[str, bool]:
    """One term of an expression, spelled out if it is a prefix; True when it is a single-word
    prefix with a word in RANK_CANDIDATES articles or more."""
    match = PREFIX_TERM.fullmatch(term)
    if match is None:
        return term, False
    *head, last = match.group(1).split(" ")
    prefix = fold(last)
    words = sql.indexed_words_starting(conn, prefix, MAX_SPELLED_OUT + 1) if prefix else []
    if not words or len(words) > MAX_SPELLED_OUT:
        return term, False
    group = "(" + " OR ".join('"' + " ".join([*head, word]) + '"' for word, _ in words) + ")"
    return group, not head and _one_in_many(conn, words)


def _one_in_many(conn: sqlite3.Connection, words: list[tuple[str, int]]) -> bool:
    """True if one of ``words`` is in RANK_CANDIDATES articles or more. Their counts are upper
    bounds (migration 8), so the index is asked, reading no more than that many rows."""
    counted = sorted(words, key=lambda word: word[1], reverse=True)[:MOST_CHECKED]
    for word, at_most in counted:
        if at_most < RANK_CANDIDATES:
            return False
        if sql.articles_matching_word(conn, word, RANK_CANDIDATES) >= RANK_CANDIDATES:
            return True
    return False


def fold(word: str) -> str:
    """``word`` as the archive's tokenizer indexes it (unicode61, remove_diacritics 2): lower case,
    without accents."""
    return fold_text(word, "NFD")


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _best(conn: sqlite3.Connection, kind: str, filters: dict, expression: str,
          limit: int, many: bool = False) -> tuple[list[tuple[int, float | None]], bool]:
    """The ``limit`` best rows by bm25, or the newest when there are too many to rank (-1: all).

    The probe counts up to RANK_CANDIDATES matches in FTS5's own order (ascending rowid, cheaper
    than newest first for an AND of a common and a rare word) and stops there, so it costs about
    the same for a common word as for a rare one. ``many``: the expression is known to match
    RANK_CANDIDATES rows or more, so without a filter the probe is skipped.
    """
    newest = limit if limit < 0 else min(limit, RANK_CANDIDATES)
    if many and not filters:
        return sql.matching_rows(conn, kind, filters, expression, "newest", newest), True
    if len(sql.matching_rows(conn, kind, filters, expression, "oldest", RANK_CANDIDATES)) >= RANK_CANDIDATES:
        return sql.matching_rows(conn, kind, filters, expression, "newest", newest), True
    return sql.matching_rows(conn, kind, filters, expression, "rank", limit), False


def _hit_details(conn: sqlite3.Connection, kind: str, rowids: list[int], expression: str,
                 highlight: tuple[str, str]) -> dict[int, dict]:
    """Rows and snippets of the chosen hits in one FTS query (setting a query up is the cost). With
    a spelled-out prefix, each article is asked alone of the words it holds instead (each word of
    an OR costs FTS5 a seek and a snippet pass on every row); one the narrowed query misses is
    asked again with the whole one."""
    if not rowids:
        return {}
    if kind != "article" or not SPELLED_GROUP.search(expression):
        return sql.hit_rows(conn, kind, rowids, expression, highlight)
    found: dict[int, dict] = {}
    for rowid, narrowed in _narrowed(conn, rowids, expression).items():
        found.update(sql.hit_rows(conn, kind, [rowid], narrowed, highlight))
    missing = [rowid for rowid in rowids if rowid not in found]
    if missing:
        found.update(sql.hit_rows(conn, kind, missing, expression, highlight))
    return found


def _narrowed(conn: sqlite3.Connection, rowids: list[int], expression: str) -> dict[int, str]:
    """For each article of ``rowids``, ``expression`` with each spelled-out prefix (``_spelled_out``)
    reduced to the words that article holds, as the tokenizer reads them (a group it holds none of
    is kept whole)."""
    pieces = SPELLED_GROUP.split(expression)  # text, group, text, group, …, text
    groups = [[(phrase, phrase.strip('"').split(" ")[-1]) for phrase in group.split(" OR ")]
              for group in pieces[1::2]]
    starting = [_words_starting(os.path.commonprefix([word for _, word in group])) for group in groups]
    narrowed = {}
    for rowid, headline, body in sql.article_texts(conn, rowids):
        text = fold(f"{headline or ''} {body or ''}")
        parts = pieces[:]
        for index, group in enumerate(groups):
            held = set(starting[index].findall(text))
            kept = [phrase for phrase, word in group if word in held]
            if kept:
                parts[2 * index + 1] = " OR ".join(kept)
        narrowed[rowid] = "".join(part if position % 2 == 0 else f"({part})"
                                  for position, part in enumerate(parts))
    return narrowed


def _words_starting(prefix: str) -> re.Pattern:
    """A pattern for the words of a folded text that begin with ``prefix`` (``TOKEN`` words)."""
    return re.compile(f"(?<!{WORD_CHARACTER})" + re.escape(prefix) + WORD_CHARACTER + "*")
