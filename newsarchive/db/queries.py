"""Reads from the archive: articles with their threads, statistics, export and capture cursors."""
from __future__ import annotations

import json
import re
import sqlite3
from typing import Iterator

from ..items import Article, Comment, document_keys, fields_of
from .bodies import reading_dictionary
from .rows import dicts


ARTICLE_AT_FORMER_URL = "SELECT a.* FROM article_urls u JOIN articles a ON a.id = u.article_id WHERE u.url = ?"
"""The article that was reached by or archived under a URL before its current one."""


def find_article(conn: sqlite3.Connection, url_or_id: str) -> dict | None:
    """An article by URL (its own, or one it was archived under before), by archive id, or by the
    path part of its URL."""
    for sql, value in (("SELECT * FROM articles WHERE url = ?", url_or_id),
                       (ARTICLE_AT_FORMER_URL, url_or_id),
                       ("SELECT * FROM articles WHERE id = ?", url_or_id if url_or_id.isdigit() else None),
                       ("SELECT * FROM articles WHERE url LIKE '%' || ? ORDER BY id LIMIT 1",
                        _path_of(url_or_id))):
        if value is None:
            continue
        rows = dicts(conn.execute(sql, (value,)))
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
    rows = dicts(conn.execute(
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
    """Per site: articles, comments (every one archived, and how many of them were removed), first
    and last seen."""
    return dicts(conn.execute(
        "SELECT a.site, COUNT(DISTINCT a.id) AS articles,"
        " (SELECT COUNT(*) FROM comments c JOIN articles x ON x.id = c.article_id"
        "   WHERE x.site = a.site) AS comments,"
        " (SELECT COUNT(*) FROM comments c JOIN articles x ON x.id = c.article_id"
        "   WHERE x.site = a.site AND c.removed_at IS NOT NULL) AS removed_comments,"
        " MIN(a.first_seen_at) AS first_seen, MAX(a.last_seen_at) AS last_seen"
        " FROM articles a GROUP BY a.site ORDER BY a.site"))


def recent_crawls(conn: sqlite3.Connection, limit: int = 5) -> list[dict]:
    """The latest crawls, newest first."""
    return dicts(conn.execute(
        "SELECT id, spider, started_at, finished_at, finish_reason, status, status_reason, stats FROM crawls"
        " ORDER BY id DESC LIMIT ?", (limit,)))


def recent_failures(conn: sqlite3.Connection, crawl_id: int | None = None, limit: int = 20) -> list[dict]:
    """Pages that failed to fetch, extract or validate (of one crawl, or latest overall)."""
    if crawl_id is None:
        return dicts(conn.execute(
            "SELECT url, stage, status, reason, at, crawl_id FROM failures ORDER BY id DESC LIMIT ?",
            (limit,)))
    return dicts(conn.execute(
        "SELECT url, stage, status, reason, at, crawl_id FROM failures WHERE crawl_id = ?"
        " ORDER BY id LIMIT ?", (crawl_id, limit)))


def failure_counts(conn: sqlite3.Connection) -> list[dict]:
    """Failures per stage and reason, most frequent first."""
    return dicts(conn.execute(
        "SELECT stage, reason, COUNT(*) AS pages FROM failures GROUP BY stage, reason"
        " ORDER BY pages DESC LIMIT 20"))


def most_discussed_article(conn: sqlite3.Connection) -> dict | None:
    """The article with the most archived comments."""
    row = conn.execute("SELECT article_id FROM comments GROUP BY article_id"
                       " ORDER BY COUNT(*) DESC LIMIT 1").fetchone()
    return find_article(conn, str(row[0])) if row else None


# -- exports: streamed reads (cursors, never whole tables in memory) -------------------------

# What the archive adds to an article's document (``render``) and its export row.
ARTICLE_SEEN_KEYS = ("first_seen_at", "last_seen_at")


def article_keys() -> tuple[str, ...]:
    """An archived article's document keys: the item's, the archive's before the body."""
    keys = document_keys(Article)
    body = keys.index("article_body")
    return (*keys[:body], *ARTICLE_SEEN_KEYS, *keys[body:])


ARTICLE_EXPORT_COLUMNS = ("id", *article_keys(), "article_body_html")
_AUTHORS_ARRAY = (
    "(SELECT json_group_array(name) FROM (SELECT au.name FROM article_authors aa"
    "  JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = a.id ORDER BY aa.position))")


def _comment_export_sql() -> dict[str, str]:
    """A comment's export row, column -> SQL: its row ids and article, the item's fields (the
    parent's row id after its comment id), and what the archive adds."""
    row = {"id": "c.id", "article_id": "c.article_id", "article_url": "a.url"}
    for name in fields_of(Comment):
        if name == "parent_comment_id":
            row.update(parent_comment_id="p.comment_id", parent_id="c.parent_id")
        else:
            row[name] = f"c.{name}"
    return {**row, "first_seen_at": "c.first_seen_at", "last_seen_at": "c.last_seen_at",
            "removed_at": "c.removed_at",
            "edits": "(SELECT COUNT(*) FROM comment_versions v WHERE v.comment_id = c.id)"}


_COMMENT_EXPORT_SQL = _comment_export_sql()
COMMENT_EXPORT_COLUMNS = tuple(_COMMENT_EXPORT_SQL)
_SELECTED = ("(:site IS NULL OR a.site = :site) AND (:since IS NULL OR a.date_published >= :since)"
             " AND (:until IS NULL OR a.date_published < :until)")


def count_selected(conn: sqlite3.Connection, site: str | None = None,
                   since: str | None = None, until: str | None = None) -> tuple[int, int]:
    """How many articles and comments an export with these filters holds."""
    return conn.execute(
        "SELECT COUNT(*), COALESCE(SUM((SELECT COUNT(*) FROM comments c WHERE c.article_id = a.id)), 0)"
        f" FROM articles a WHERE {_SELECTED}", {"site": site, "since": since, "until": until}).fetchone()


def iter_articles(conn: sqlite3.Connection, site: str | None = None, since: str | None = None,
                  until: str | None = None) -> tuple[tuple[str, ...], sqlite3.Cursor]:
    """Column names and a cursor over the selected articles (``authors`` as a JSON array), by id."""
    selected = ", ".join(_AUTHORS_ARRAY if name == "authors" else f"a.{name}" for name in ARTICLE_EXPORT_COLUMNS)
    cursor = conn.execute(f"SELECT {selected} FROM articles a WHERE {_SELECTED} ORDER BY a.id",
                          {"site": site, "since": since, "until": until})
    return ARTICLE_EXPORT_COLUMNS, cursor


def iter_comments(conn: sqlite3.Connection, site: str | None = None, since: str | None = None,
                  until: str | None = None) -> tuple[tuple[str, ...], sqlite3.Cursor]:
    """Column names and a cursor over the selected articles' comments, in thread order."""
    cursor = conn.execute(
        f"SELECT {', '.join(_COMMENT_EXPORT_SQL.values())}"
        " FROM articles a JOIN comments c ON c.article_id = a.id"
        " LEFT JOIN comments p ON p.id = c.parent_id"
        f" WHERE {_SELECTED} ORDER BY c.article_id, c.position, c.id",
        {"site": site, "since": since, "until": until})
    return COMMENT_EXPORT_COLUMNS, cursor


# -- revisits, schedules, history -------------------------------------------------------

def article_visit_states(conn: sqlite3.Connection, urls: list[str]) -> dict[str, dict]:
    """Each archived article's ``last_seen_at`` and ``next_visit_at``, by URL, for many URLs in one
    query (URLs not archived are absent)."""
    rows = dicts(conn.execute("SELECT url, last_seen_at, next_visit_at FROM articles"
                               " WHERE url IN (SELECT value FROM json_each(?))", (json.dumps(urls),)))
    return {row["url"]: row for row in rows}


def due_article_urls(conn: sqlite3.Connection, site: str, now: str) -> list[str]:
    """Articles of ``site`` whose next visit has come, longest overdue first."""
    return [r[0] for r in conn.execute(
        "SELECT url FROM articles WHERE site = ? AND next_visit_at IS NOT NULL AND next_visit_at <= ?"
        " ORDER BY next_visit_at, id", (site, now))]


def site_article_urls(conn: sqlite3.Connection, site: str) -> list[str]:
    """Every archived article of ``site``, oldest first."""
    return [r[0] for r in conn.execute("SELECT url FROM articles WHERE site = ? ORDER BY id", (site,))]


def site_articles_elsewhere(conn: sqlite3.Connection, site: str, root: str) -> int:
    """How many archived articles of ``site`` have a URL outside ``root`` (a mirror's, say)."""
    return conn.execute("SELECT count(*) FROM articles WHERE site = ? AND substr(url, 1, ?) != ?",
                        (site, len(root), root)).fetchone()[0]


def due_frontier(conn: sqlite3.Connection, url_prefix: str, now: str) -> list[dict]:
    """Pending frontier rows under ``url_prefix`` whose next try has come (never tried first)."""
    return dicts(conn.execute(
        "SELECT url, kind, article_url FROM frontier WHERE url >= ? AND url < ? AND state = 'pending'"
        " AND (next_try_at IS NULL OR next_try_at <= ?) ORDER BY attempts, first_seen_at",
        (url_prefix, url_prefix + "\uffff", now)))


def crawl(conn: sqlite3.Connection, crawl_id: int) -> dict | None:
    """One crawl's row."""
    rows = dicts(conn.execute("SELECT * FROM crawls WHERE id = ?", (crawl_id,)))
    return rows[0] if rows else None


def crawl_article_counts(conn: sqlite3.Connection, crawl_id: int) -> dict[str, int]:
    """Articles the archive holds as seen since the crawl started, in its stats' names (what a crawl
    stopped before it could count committed)."""
    row = conn.execute(
        "SELECT count(*), count(*) FILTER (WHERE a.first_seen_at >= c.started_at),"
        " (SELECT count(*) FROM comments WHERE first_seen_at >= c.started_at) FROM articles a"
        " JOIN crawls c ON c.id = ? WHERE a.last_seen_at >= c.started_at", (crawl_id,)).fetchone()
    return {"newsarchive/articles_stored": row[0], "newsarchive/articles_new": row[1],
            "newsarchive/comments_added": row[2]}


def last_finished_crawl(conn: sqlite3.Connection, spider: str, base_url: str) -> dict | None:
    """The latest crawl of ``spider`` at ``base_url`` that ran to its end (``finished``)."""
    rows = dicts(conn.execute(
        "SELECT id, started_at, finished_at FROM crawls WHERE spider = ? AND finish_reason = 'finished'"
        " AND json_extract(args, '$.base_url') = ? ORDER BY id DESC LIMIT 1", (spider, base_url)))
    return rows[0] if rows else None


def schedules(conn: sqlite3.Connection) -> list[dict]:
    """Every scheduled crawl, args and settings decoded, by id."""
    rows = dicts(conn.execute("SELECT * FROM schedules ORDER BY id"))
    for row in rows:
        row["args"], row["settings"] = json.loads(row["args"]), json.loads(row["settings"])
    return rows


def due_schedules(conn: sqlite3.Connection, now: str) -> list[dict]:
    """Scheduled crawls due at ``now``, most overdue first."""
    return sorted((s for s in schedules(conn) if s["next_run_at"] <= now),
                  key=lambda s: (s["next_run_at"], s["id"]))


def article_versions(conn: sqlite3.Connection, article_id: int) -> list[dict]:
    """An article's earlier versions (headline, body, when seen), oldest first."""
    return dicts(conn.execute(
        "SELECT id, headline, description, article_body, date_modified, seen_from, seen_until"
        " FROM article_versions WHERE article_id = ? ORDER BY id", (article_id,)))


def former_urls(conn: sqlite3.Connection, article_id: int) -> list[dict]:
    """The URLs an article was reached by or archived under before its current one, oldest first."""
    return dicts(conn.execute("SELECT url, left_at FROM article_urls WHERE article_id = ? ORDER BY left_at, url",
                              (article_id,)))


def comment_events(conn: sqlite3.Connection, article_id: int) -> list[dict]:
    """Changes to an article's thread after its first visit, in order, with the comment and parent."""
    return dicts(conn.execute(
        "SELECT e.kind, e.at, c.id AS pk, c.comment_id, c.author_name, c.date_published, c.text,"
        " c.removed_at, p.comment_id AS parent_comment_id, p.author_name AS parent_author"
        " FROM comment_events e JOIN comments c ON c.id = e.comment_id"
        " LEFT JOIN comments p ON p.id = c.parent_id"
        " WHERE c.article_id = ? ORDER BY e.at, e.id", (article_id,)))


def comment_versions(conn: sqlite3.Connection, article_id: int) -> list[dict]:
    """Earlier texts of an article's comments, per comment oldest first."""
    return dicts(conn.execute(
        "SELECT v.comment_id AS pk, v.text, v.author_name, v.seen_from, v.seen_until"
        " FROM comment_versions v JOIN comments c ON c.id = v.comment_id"
        " WHERE c.article_id = ? ORDER BY v.comment_id, v.id", (article_id,)))


def pseudonym_key(conn: sqlite3.Connection) -> bytes | None:
    """The archive's secret key for commenter pseudonyms (migration 10); None if it has none yet."""
    try:
        row = conn.execute("SELECT value FROM archive_secrets WHERE name = 'pseudonym_key'").fetchone()
    except sqlite3.OperationalError:  # an archive not yet migrated, opened read-only
        return None
    return row[0] if row else None


# -- captures: WARC export and re-extraction ------------------------------------------------

CAPTURE_COLUMNS = ("id", "url", "request_url", "article_url", "status", "headers", "fetched_at",
                   "last_fetched_at", "fetch_count", "compression", "data", "dictionary_id", "site",
                   "spider", "page_type")
_CAPTURE_SELECT = (
    "SELECT c.id, c.url, c.request_url, c.article_url, c.status, c.headers, c.fetched_at,"
    " c.last_fetched_at, c.fetch_count, b.compression, b.data, b.dictionary_id, a.site,"
    " COALESCE(a.spider, (SELECT cr.spider FROM crawls cr WHERE cr.id = c.crawl_id)) AS spider,"
    " c.page_type"
    " FROM captures c JOIN capture_bodies b ON b.hash = c.body_hash"
    " LEFT JOIN articles a ON a.url = c.article_url")
_CAPTURE_SELECTED = ("((:site IS NULL AND :since IS NULL AND :until IS NULL) OR (a.id IS NOT NULL"
                     " AND (:site IS NULL OR a.site = :site)"
                     " AND (:since IS NULL OR a.date_published >= :since)"
                     " AND (:until IS NULL OR a.date_published < :until)))")


def count_captures(conn: sqlite3.Connection, site: str | None = None, since: str | None = None,
                   until: str | None = None) -> int:
    """How many captures belong to the selected articles (all captures without filters)."""
    return conn.execute(
        "SELECT COUNT(*) FROM captures c LEFT JOIN articles a ON a.url = c.article_url"
        f" WHERE {_CAPTURE_SELECTED}", {"site": site, "since": since, "until": until}).fetchone()[0]


def iter_captures(conn: sqlite3.Connection, site: str | None = None, since: str | None = None,
                  until: str | None = None) -> Iterator[dict]:
    """Captures of the selected articles with their compressed bodies, grouped by article
    (``store.capture_body`` reads one)."""
    cursor = conn.execute(f"{_CAPTURE_SELECT} WHERE {_CAPTURE_SELECTED}"
                          " ORDER BY c.article_url, c.id", {"site": site, "since": since, "until": until})
    return (_capture(conn, row) for row in cursor)


def _capture(conn: sqlite3.Connection, row: tuple) -> dict:
    """A capture row as a dict, with ``dictionary``: what ``store.capture_body`` needs to read it."""
    capture = dict(zip(CAPTURE_COLUMNS, row))
    capture["dictionary"] = reading_dictionary(conn, capture["dictionary_id"])
    return capture


def crawl_warc_files(conn: sqlite3.Connection, site: str | None = None,
                     since: str | None = None, until: str | None = None) -> list[str]:
    """The crawl-time WARC files holding the selected captures' records, oldest first."""
    return [row[0] for row in conn.execute(
        "SELECT c.warc_file FROM captures c LEFT JOIN articles a ON a.url = c.article_url"
        f" WHERE c.warc_file IS NOT NULL AND {_CAPTURE_SELECTED} GROUP BY c.warc_file"
        " ORDER BY MIN(c.id)", {"site": site, "since": since, "until": until})]


def warc_pages(conn: sqlite3.Connection, site: str | None = None,
               since: str | None = None, until: str | None = None) -> list[dict]:
    """The selected articles with an article page in the crawl-time WARCs: ``url`` (as fetched) and
    ``title`` (the headline), in the order archived."""
    return dicts(conn.execute(
        "SELECT url, title FROM (SELECT c.url, COALESCE(a.headline, c.url) AS title, a.id, MIN(c.id)"
        " FROM articles a JOIN captures c ON c.request_url = a.url"
        f" WHERE c.warc_file IS NOT NULL AND {_SELECTED} GROUP BY a.id) ORDER BY id",
        {"site": site, "since": since, "until": until}))


def capture_groups(conn: sqlite3.Connection, fetched_since: str | None = None, since: str | None = None,
                   until: str | None = None) -> list[dict]:
    """Each article URL with captures (fetched since ``fetched_since``; of an article published in
    [``since``, ``until``) when given): its site and spider if known."""
    return dicts(conn.execute(
        "SELECT g.article_url, g.last_fetched_at, a.site, COALESCE(a.spider, cr.spider) AS spider,"
        " g.page_type"
        " FROM (SELECT article_url, MAX(last_fetched_at) AS last_fetched_at,"
        "       MAX(crawl_id) AS crawl_id, MAX(page_type) AS page_type"
        "       FROM captures WHERE article_url IS NOT NULL"
        "       GROUP BY article_url) g"
        " LEFT JOIN articles a ON a.url = g.article_url LEFT JOIN crawls cr ON cr.id = g.crawl_id"
        " WHERE (:fetched_since IS NULL OR g.last_fetched_at >= :fetched_since)"
        " AND (:since IS NULL OR a.date_published >= :since) AND (:until IS NULL OR a.date_published < :until)"
        " ORDER BY g.article_url", {"fetched_since": fetched_since, "since": since, "until": until}))


def frontier_state(conn: sqlite3.Connection, url: str) -> str | None:
    """The frontier state of ``url`` (pending, done, failed), or None when never planned."""
    row = conn.execute("SELECT state FROM frontier WHERE url = ?", (url,)).fetchone()
    return row[0] if row else None


def capture_kept_at(conn: sqlite3.Connection, url: str, fetched_at: str) -> bool:
    """Whether a capture of ``url`` was first or last fetched at ``fetched_at``."""
    return conn.execute("SELECT 1 FROM captures WHERE url = ? AND ? IN (fetched_at, last_fetched_at) LIMIT 1",
                        (url, fetched_at)).fetchone() is not None


def article_spider(conn: sqlite3.Connection, url: str) -> str | None:
    """The spider that archived the article at ``url``, or that fetched its newest capture; None if neither."""
    row = conn.execute("SELECT COALESCE((SELECT spider FROM articles WHERE url = :url),"
                       " (SELECT cr.spider FROM captures c JOIN crawls cr ON cr.id = c.crawl_id"
                       "  WHERE c.article_url = :url ORDER BY c.id DESC LIMIT 1))", {"url": url}).fetchone()
    return row[0] if row else None


def article_captures(conn: sqlite3.Connection, article_url: str) -> list[dict]:
    """Every capture kept for an article's pages, oldest first, with compressed bodies."""
    return [_capture(conn, row) for row in conn.execute(
        f"{_CAPTURE_SELECT} WHERE c.article_url = ? ORDER BY c.id", (article_url,))]


def settled_by_crawl(conn: sqlite3.Connection, url: str, crawl_id: int | None) -> bool:
    """Whether crawl ``crawl_id`` already settled ``url`` in the frontier (done, or failed for good)."""
    return conn.execute("SELECT 1 FROM frontier WHERE url = ? AND crawl_id = ? AND state IN ('done', 'failed')",
                        (url, crawl_id)).fetchone() is not None
