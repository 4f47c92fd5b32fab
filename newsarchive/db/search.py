"""The SQL of search: FTS5 matches by rowid or bm25, indexed words by prefix, hits with their snippets."""
from __future__ import annotations

import json
import sqlite3
from typing import Iterator

from .rows import dicts

_ARTICLE_FILTERS = {
    "site": "a.site = :site",
    "since": "a.date_published >= :since",
    "until": "a.date_published < :until",
    "author": ("(a.posted_by LIKE :author ESCAPE '\\' OR EXISTS (SELECT 1 FROM article_authors aa"
               " JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = a.id"
               " AND au.name LIKE :author ESCAPE '\\'))"),
}
_COMMENT_FILTERS = {
    "site": "a.site = :site",
    "since": "c.date_published >= :since",
    "until": "c.date_published < :until",
    "author": "c.author_name LIKE :author ESCAPE '\\'",
}
_SOURCES = {
    "article": ("articles_fts", "JOIN articles a ON a.id = articles_fts.rowid", _ARTICLE_FILTERS),
    "comment": ("comments_fts", "JOIN comments c ON c.id = comments_fts.rowid"
                " JOIN articles a ON a.id = c.article_id", _COMMENT_FILTERS),
}
_WEIGHTS = {"articles_fts": "2.0, 1.0", "comments_fts": "1.0, 0.5"}
_ORDERS = {"oldest": "{fts}.rowid", "newest": "{fts}.rowid DESC", "rank": "2"}


def matching_rows(conn: sqlite3.Connection, kind: str, filters: dict, expression: str, order: str,
                  limit: int) -> list[tuple[int, float | None]]:
    """``(rowid, bm25 or None)`` of the ``limit`` first matches (-1: all) of ``expression`` among
    ``kind``'s rows (``article`` or ``comment``) that pass ``filters`` (``site``, ``since``,
    ``until``, ``author`` as a LIKE pattern), in ``order``: ``oldest`` (FTS5's own), ``newest``
    or ``rank`` (bm25, the only one that computes it). Nothing is joined unless a filter needs it."""
    fts, joins, clauses = _SOURCES[kind]
    where = "".join(f" AND {clauses[name]}" for name in filters)
    rank = f"bm25({fts}, {_WEIGHTS[fts]})" if order == "rank" else "NULL"
    sql = (f"SELECT {fts}.rowid, {rank} FROM {fts} {joins if filters else ''} WHERE {fts} MATCH :q{where}"
           f" ORDER BY {_ORDERS[order].format(fts=fts)} LIMIT :limit")
    return conn.execute(sql, {"q": expression, "limit": limit, **filters}).fetchall()


def indexed_words_starting(conn: sqlite3.Connection, prefix: str, most: int) -> list[tuple[str, int]]:
    """Up to ``most`` indexed words that begin with ``prefix``, each with at most how many articles
    it is in (article_words, and the words not yet folded into it: migration 8)."""
    after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return conn.execute(
        "SELECT word, SUM(articles) FROM ("
        " SELECT word, articles FROM article_words WHERE word >= :low AND word < :high"
        " UNION ALL SELECT term, doc FROM article_words_new_vocab WHERE term >= :low AND term < :high)"
        " GROUP BY word LIMIT :most", {"low": prefix, "high": after, "most": most}).fetchall()


def articles_matching_word(conn: sqlite3.Connection, word: str, at_most: int) -> int:
    """How many articles hold ``word``, counted up to ``at_most``."""
    return conn.execute("SELECT COUNT(*) FROM (SELECT rowid FROM articles_fts WHERE articles_fts"
                        " MATCH ? ORDER BY rowid LIMIT ?)", (f'"{word}"', at_most)).fetchone()[0]


_HIT_SQL = {
    "article": ("SELECT 'article' AS kind, a.url, a.headline AS title,"
                " (SELECT group_concat(au.name, ', ') FROM article_authors aa JOIN authors au"
                "  ON au.id = aa.author_id WHERE aa.article_id = a.id) AS author,"
                " a.date_published, a.site, NULL AS removed_at,"
                " snippet(articles_fts, -1, :hl_start, :hl_end, '…', 16) AS snippet, articles_fts.rowid"
                " FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
                " WHERE articles_fts MATCH :q AND articles_fts.rowid BETWEEN :low AND :high"
                " AND articles_fts.rowid IN (SELECT value FROM json_each(:ids))"),
    "comment": ("SELECT 'comment' AS kind, a.url || '#comment-' || c.comment_id AS url,"
                " a.headline AS title, c.author_name AS author, c.date_published, a.site,"
                " c.removed_at, snippet(comments_fts, 0, :hl_start, :hl_end, '…', 16) AS snippet,"
                " comments_fts.rowid FROM comments_fts JOIN comments c ON c.id = comments_fts.rowid"
                " JOIN articles a ON a.id = c.article_id"
                " WHERE comments_fts MATCH :q AND comments_fts.rowid BETWEEN :low AND :high"
                " AND comments_fts.rowid IN (SELECT value FROM json_each(:ids))"),
}


def hit_rows(conn: sqlite3.Connection, kind: str, rowids: list[int], expression: str,
             highlight: tuple[str, str]) -> dict[int, dict]:
    """The hits ``rowids`` of ``kind`` (kind, url, title, author, date_published, site, removed_at,
    snippet) by rowid, in one FTS query whose rowid range lets FTS5 skip the rest of the index."""
    cursor = conn.execute(_HIT_SQL[kind], {"q": expression, "low": min(rowids), "high": max(rowids),
                                           "ids": json.dumps(rowids), "hl_start": highlight[0],
                                           "hl_end": highlight[1]})
    return {hit["rowid"]: hit for hit in dicts(cursor)}


def article_texts(conn: sqlite3.Connection, article_ids: list[int]) -> Iterator[tuple[int, str, str]]:
    """``(id, headline, article_body)`` of each of ``article_ids``."""
    return conn.execute("SELECT id, headline, article_body FROM articles WHERE id IN"
                        " (SELECT value FROM json_each(?))", (json.dumps(article_ids),))
