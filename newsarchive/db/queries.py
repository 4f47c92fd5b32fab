"""Reads from the archive: articles with their threads, search, statistics."""
from __future__ import annotations

import json
import re
import sqlite3


def _dicts(cursor: sqlite3.Cursor) -> list[dict]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def find_article(conn: sqlite3.Connection, url_or_id: str) -> dict | None:
    """An article by URL, by archive id, or by the path part of its URL."""
    for sql, value in (("SELECT * FROM articles WHERE url = ?", url_or_id),
                       ("SELECT * FROM articles WHERE id = ?", url_or_id if url_or_id.isdigit() else None),
                       ("SELECT * FROM articles WHERE url LIKE '%' || ? ORDER BY id LIMIT 1",
                        _path_of(url_or_id))):
        if value is None:
            continue
        rows = _dicts(conn.execute(sql, (value,)))
        if rows:
            return _with_authors(conn, rows[0])
    return None


def _path_of(url: str) -> str | None:
    match = re.match(r"^(?:https?://[^/]+)?(/.+)$", url)
    return match.group(1) if match else None


def _with_authors(conn: sqlite3.Connection, article: dict) -> dict:
    article["tags"] = json.loads(article["tags"] or "[]")
    article["authors"] = [r[0] for r in conn.execute(
        "SELECT a.name FROM article_authors aa JOIN authors a ON a.id = aa.author_id"
        " WHERE aa.article_id = ? ORDER BY aa.position", (article["id"],))]
    return article


def article_comments(conn: sqlite3.Connection, article_id: int) -> list[dict]:
    """The article's comments in thread order (removed ones included, marked)."""
    rows = _dicts(conn.execute(
        "SELECT c.*, p.comment_id AS parent_comment_id,"
        " (SELECT COUNT(*) FROM comment_versions v WHERE v.comment_id = c.id) AS edits"
        " FROM comments c LEFT JOIN comments p ON p.id = c.parent_id"
        " WHERE c.article_id = ? ORDER BY c.position, c.id", (article_id,)))
    return rows


def comment_tree(comments: list[dict]) -> list[dict]:
    """Flat comments (thread order) nested: each gets ``replies``."""
    by_pk = {c["id"]: {**c, "replies": []} for c in comments}
    roots = []
    for comment in by_pk.values():
        parent = by_pk.get(comment["parent_id"])
        (parent["replies"] if parent else roots).append(comment)
    return roots


def site_stats(conn: sqlite3.Connection) -> list[dict]:
    """Per site: articles, comments (live and removed), authors, first and last seen."""
    return _dicts(conn.execute(
        "SELECT a.site, COUNT(DISTINCT a.id) AS articles,"
        " (SELECT COUNT(*) FROM comments c JOIN articles x ON x.id = c.article_id"
        "   WHERE x.site = a.site AND c.removed_at IS NULL) AS comments,"
        " (SELECT COUNT(*) FROM comments c JOIN articles x ON x.id = c.article_id"
        "   WHERE x.site = a.site AND c.removed_at IS NOT NULL) AS removed_comments,"
        " MIN(a.first_seen_at) AS first_seen, MAX(a.last_seen_at) AS last_seen"
        " FROM articles a GROUP BY a.site ORDER BY a.site"))


def recent_crawls(conn: sqlite3.Connection, limit: int = 5) -> list[dict]:
    """The latest crawls, newest first."""
    return _dicts(conn.execute(
        "SELECT id, spider, started_at, finished_at, finish_reason, stats FROM crawls"
        " ORDER BY id DESC LIMIT ?", (limit,)))


def recent_failures(conn: sqlite3.Connection, crawl_id: int | None = None, limit: int = 20) -> list[dict]:
    """Pages that failed to fetch, extract or validate (of one crawl, or latest overall)."""
    if crawl_id is None:
        return _dicts(conn.execute(
            "SELECT url, stage, status, reason, at, crawl_id FROM failures ORDER BY id DESC LIMIT ?",
            (limit,)))
    return _dicts(conn.execute(
        "SELECT url, stage, status, reason, at, crawl_id FROM failures WHERE crawl_id = ?"
        " ORDER BY id LIMIT ?", (crawl_id, limit)))


def failure_counts(conn: sqlite3.Connection) -> list[dict]:
    """Failures per stage and reason, most frequent first."""
    return _dicts(conn.execute(
        "SELECT stage, reason, COUNT(*) AS pages FROM failures GROUP BY stage, reason"
        " ORDER BY pages DESC LIMIT 20"))


def fts_phrase_query(user_query: str) -> str:
    """A user's words as a safe FTS5 query: every word a quoted term, all required."""
    words = re.findall(r"\w+", user_query)
    return " ".join(f'"{word}"' for word in words)


def search(conn: sqlite3.Connection, query: str, comments_only: bool = False,
           limit: int = 20) -> list[dict]:
    """Ranked matches in articles (headline, body) and comments, with highlighted snippets."""
    fts = fts_phrase_query(query)
    if not fts:
        return []
    results: list[dict] = []
    if not comments_only:
        results += _dicts(conn.execute(
            "SELECT 'article' AS kind, a.url, a.headline AS title, NULL AS author,"
            " snippet(articles_fts, -1, '[', ']', '…', 12) AS snippet, bm25(articles_fts) AS rank"
            " FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
            " WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?", (fts, limit)))
    results += _dicts(conn.execute(
        "SELECT 'comment' AS kind, a.url || '#comment-' || c.comment_id AS url, a.headline AS title,"
        " c.author_name AS author, snippet(comments_fts, 0, '[', ']', '…', 12) AS snippet,"
        " bm25(comments_fts) AS rank"
        " FROM comments_fts JOIN comments c ON c.id = comments_fts.rowid"
        " JOIN articles a ON a.id = c.article_id"
        " WHERE comments_fts MATCH ? ORDER BY rank LIMIT ?", (fts, limit)))
    return sorted(results, key=lambda r: r["rank"])[:limit]


def most_discussed_article(conn: sqlite3.Connection) -> dict | None:
    """The article with the most archived comments."""
    row = conn.execute("SELECT article_id FROM comments GROUP BY article_id"
                       " ORDER BY COUNT(*) DESC LIMIT 1").fetchone()
    return find_article(conn, str(row[0])) if row else None
