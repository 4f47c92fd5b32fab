"""Writes to the archive: crawls, captures, failures, and articles with their threads and history."""
from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

from ..items import Article, Comment, FetchedPage, column_names
from . import bodies
from .queries import ARTICLE_AT_FORMER_URL
from .rows import first


@dataclass
class StoreResult:
    """What storing one article changed in the archive."""

    article_id: int
    new_article: bool = False
    new_version: bool = False
    comments_added: list[str] = field(default_factory=list)
    comments_removed: list[str] = field(default_factory=list)
    comments_edited: list[str] = field(default_factory=list)
    comments_restored: list[str] = field(default_factory=list)
    visit_first_seen: str | None = None
    """When the article was first seen, if this was a new visit of it (not seen later before)."""
    moved_from: str | None = None
    """The URL the article was archived under until this visit found it under a new one."""

    @property
    def changed(self) -> bool:
        """True when anything beyond ``last_seen_at`` changed."""
        return bool(self.new_article or self.new_version or self.comments_added
                    or self.comments_removed or self.comments_edited or self.comments_restored)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction, taken immediately so writers queue instead of failing.

    Inside an open transaction (a crawl's batch, see ``begin_batch``) it is a savepoint instead:
    an error undoes this part only, and the batch commits it later with the rest.
    """
    if conn.in_transaction:
        yield from _savepoint(conn)
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _savepoint(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    conn.execute("SAVEPOINT part")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK TO part")
        conn.execute("RELEASE part")
        raise
    conn.execute("RELEASE part")


@contextmanager
def _indexed_on_commit(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``transaction``, whose new articles and comments are full-text indexed at once on commit."""
    if conn.in_transaction:
        yield from _savepoint(conn)
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        _defer_indexing(conn)
        yield conn
        _index_deferred(conn)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


@contextmanager
def article_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One transaction for a capture and its article, whose new rows are full-text indexed on
    commit (a savepoint inside an open batch)."""
    with _indexed_on_commit(conn):
        yield conn


def begin_batch(conn: sqlite3.Connection) -> bool:
    """Open a transaction that several writes join (fewer commits, FTS indexed once); False if one is open."""
    if conn.in_transaction:
        return False
    conn.execute("BEGIN IMMEDIATE")
    _defer_indexing(conn)
    return True


def commit_batch(conn: sqlite3.Connection) -> None:
    """Commit the open batch, if any."""
    if conn.in_transaction:
        _index_deferred(conn)
        conn.execute("COMMIT")


# -- full-text indexing: new rows are indexed once per transaction (see migration 6) ----------

_FTS_COLUMNS = {"articles": "headline, article_body", "comments": "text, author_name"}


def _defer_indexing(conn: sqlite3.Connection) -> None:
    """Leave rows added from now on to ``_index_deferred`` (the sync triggers skip them)."""
    for table in _FTS_COLUMNS:
        conn.execute("INSERT OR IGNORE INTO fts_pending (tbl, after_id)"
                     f" SELECT ?, COALESCE(MAX(id), 0) FROM {table}", (table,))


def _index_deferred(conn: sqlite3.Connection) -> None:
    """Index the rows added since ``_defer_indexing``, one statement per FTS table, and keep the
    list of article words up to date."""
    for table, columns in _FTS_COLUMNS.items():
        conn.execute(f"INSERT INTO {table}_fts(rowid, {columns}) SELECT id, {columns} FROM {table}"
                     " WHERE id > (SELECT after_id FROM fts_pending WHERE tbl = ?)", (table,))
    conn.execute("INSERT INTO article_words_new (headline, article_body) SELECT headline, article_body"
                 " FROM articles WHERE id > (SELECT after_id FROM fts_pending WHERE tbl = 'articles')")
    conn.execute("DELETE FROM fts_pending")
    _fold_new_words(conn)


def _fold_new_words(conn: sqlite3.Connection) -> None:
    """Move the words of new article text (as FTS5 split them, migration 8) into article_words."""
    folded = conn.execute("INSERT INTO article_words (word, articles)"
                          " SELECT term, doc FROM article_words_new_vocab WHERE true"
                          " ON CONFLICT (word) DO UPDATE SET articles = articles + excluded.articles")
    if folded.rowcount:
        conn.execute("INSERT INTO article_words_new (article_words_new) VALUES ('delete-all')")


MERGE_STEP_PAGES = 500
"""Pages (4 KB) of articles_fts one merge step writes, in its own short transaction."""
MERGE_STEPS = 20
"""Merge steps at most per call: ~40 MB written, well under a second."""


def merge_article_index(conn: sqlite3.Connection, steps: int = MERGE_STEPS) -> int:
    """Merge the segments of articles_fts toward one, ``steps`` × MERGE_STEP_PAGES pages at most
    (a merge left unfinished goes on next time); returns how many steps did work.

    Every commit adds a segment, and an article prefix search looks each of its words up in every
    segment (``co*`` at 1M comments: 17.9 ms p50 with 8 segments, 7.0 with one). The article index
    is small beside the comments' (~1 KB per article), so a crawl merges it as it ends.
    """
    for step in range(steps):
        before = conn.total_changes
        with transaction(conn):
            conn.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('merge', ?)",
                         (-MERGE_STEP_PAGES,))
        if conn.total_changes - before < 2:  # FTS5's sign that there was nothing left to merge
            return step
    return steps


def repair_deferred_index(conn: sqlite3.Connection) -> bool:
    """Index rows a committed ``fts_pending`` mark left out (a commit that skipped ``commit_batch``)."""
    if conn.execute("SELECT 1 FROM fts_pending").fetchone() is None:
        return False
    with transaction(conn):
        _index_deferred(conn)
    return True


# -- crawls and failures ---------------------------------------------------------------------

def start_crawl(conn: sqlite3.Connection, spider: str, args: dict, started_at: str) -> int:
    """Record a crawl's start; returns its id."""
    with transaction(conn):
        cur = conn.execute("INSERT INTO crawls (spider, args, started_at) VALUES (?, ?, ?)",
                           (spider, json.dumps(args, sort_keys=True), started_at))
    return cur.lastrowid


def finish_crawl(conn: sqlite3.Connection, crawl_id: int, finished_at: str, reason: str,
                 stats: dict, status: str | None = None, status_reason: str | None = None) -> None:
    """Record how a crawl ended: Scrapy's reason, its stats, and its outcome (``status``)."""
    with transaction(conn):
        conn.execute("UPDATE crawls SET finished_at = ?, finish_reason = ?, stats = ?, status = ?,"
                     " status_reason = ? WHERE id = ?",
                     (finished_at, reason, json.dumps(stats, sort_keys=True, default=str), status,
                      status_reason, crawl_id))


def record_failure(conn: sqlite3.Connection, crawl_id: int | None, url: str, stage: str,
                   reason: str, at: str, status: int | None = None, site: str = "") -> None:
    """Keep why a page could not be archived (fetch, extract or validate stage)."""
    with transaction(conn):
        conn.execute(
            "INSERT INTO failures (crawl_id, url, site, stage, status, reason, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (crawl_id, url, site, stage, status, reason, at))


# -- the frontier: what crawls mean to fetch, until it is archived or refused for good ---------

_PLAN_URL = ("INSERT INTO frontier (url, site, kind, article_url, first_seen_at, crawl_id)"
             " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET crawl_id = excluded.crawl_id,"
             " state = CASE WHEN state = 'done' AND crawl_id IS NOT excluded.crawl_id THEN 'pending'"
             " ELSE state END")
_URL_DONE = ("UPDATE frontier SET state = 'done', attempts = 0, last_error = NULL, last_status = NULL,"
             " next_try_at = NULL, last_tried_at = ?, crawl_id = ? WHERE url = ?")


def plan_urls(conn: sqlite3.Connection, rows: list[tuple], crawl_id: int | None, at: str,
              done_url: str | None = None) -> None:
    """Record ``(url, site, kind, article_url)`` rows a crawl is about to request as pending (a URL
    done by an earlier crawl is pending again, one done by this crawl stays done: Scrapy drops its
    second request; a ``failed`` one stays failed until it succeeds), and mark ``done_url`` (the
    page that linked them) done, in one transaction."""
    with transaction(conn):
        conn.executemany(_PLAN_URL, [(*row, at, crawl_id) for row in rows])
        if done_url is not None:
            conn.execute(_URL_DONE, (at, crawl_id, done_url))


def frontier_attempts(conn: sqlite3.Connection, url: str) -> int:
    """How many tries of ``url`` failed since it was last done (0 for a URL not in the frontier)."""
    row = conn.execute("SELECT attempts FROM frontier WHERE url = ?", (url,)).fetchone()
    return row[0] if row else 0


def set_url_tried(conn: sqlite3.Connection, crawl_id: int | None, url: str, state: str, attempts: int,
                  note: str, status: int | None, next_try_at: str | None, at: str) -> None:
    """Record a failed try of ``url``: its new state, attempts, error and next try."""
    conn.execute("UPDATE frontier SET state = ?, attempts = ?, last_error = ?, last_status = ?,"
                 " next_try_at = ?, last_tried_at = ?, crawl_id = ? WHERE url = ?",
                 (state, attempts, note[:500], status, next_try_at, at, crawl_id, url))


def fail_pending_pages_of(conn: sqlite3.Connection, article_url: str, note: str) -> None:
    """Every pending URL of ``article_url`` fails for good, with ``note``."""
    conn.execute("UPDATE frontier SET state = 'failed', last_error = ? WHERE article_url = ?"
                 " AND state = 'pending'", (note[:500], article_url))


def fail_pending_comment_pages(conn: sqlite3.Connection, article_url: str, note: str, at: str) -> None:
    """The pending comment pages of ``article_url`` fail for good at ``at``, with ``note``."""
    conn.execute("UPDATE frontier SET state = 'failed', last_error = ?, last_tried_at = ? WHERE article_url = ?"
                 " AND kind = 'comment_page' AND state = 'pending'", (note[:500], at, article_url))


def urls_done(conn: sqlite3.Connection, crawl_id: int | None, urls: list[str], at: str) -> None:
    """``urls`` are archived: done, their tries forgotten."""
    conn.executemany(_URL_DONE, [(at, crawl_id, url) for url in urls])


def comment_pages_done(conn: sqlite3.Connection, article_url: str, at: str) -> None:
    """Every comment page of ``article_url`` is done (its thread came whole)."""
    conn.execute("UPDATE frontier SET state = 'done', last_tried_at = ? WHERE article_url = ?"
                 " AND kind = 'comment_page' AND state != 'done'", (at, article_url))


def missing_comment_pages(conn: sqlite3.Connection, article_url: str) -> int:
    """How many comment pages of ``article_url`` are not done."""
    return conn.execute("SELECT count(*) FROM frontier WHERE article_url = ? AND kind = 'comment_page'"
                        " AND state != 'done'", (article_url,)).fetchone()[0]


def fetched_page_done(conn: sqlite3.Connection, page: FetchedPage, article_url: str, crawl_id: int | None,
                      page_type: str | None, frontier_url: str, at: str) -> int:
    """Keep a fetched page and mark the frontier row it was planned under done, in one
    transaction; its capture id."""
    with transaction(conn):
        capture_id = store_capture(conn, page, article_url, crawl_id, page_type=page_type)
        conn.execute(_URL_DONE, (at, crawl_id, frontier_url))
        return capture_id


def pending_count(conn: sqlite3.Connection, crawl_id: int) -> int:
    """How many URLs the crawl planned or tried are still pending."""
    return conn.execute("SELECT count(*) FROM frontier WHERE crawl_id = ? AND state = 'pending'",
                        (crawl_id,)).fetchone()[0]


# -- captures ----------------------------------------------------------------------------------

def body_hash(body: bytes) -> str:
    """The content address of a response body."""
    return hashlib.sha256(body).hexdigest()


def store_capture(conn: sqlite3.Connection, page: FetchedPage, article_url: str | None,
                  crawl_id: int | None, packed: bodies.PackedBody | None = None,
                  page_type: str | None = None) -> int:
    """Keep one raw response (body compressed, deduplicated by hash); returns its capture id.

    Fetching the same bytes again from the same URL only bumps ``last_fetched_at``. ``packed``:
    the body already hashed and compressed (``bodies.Packer``); ``page_type``: the page object that
    reads it (``pages.registry``).
    """
    digest = packed.digest if packed is not None else body_hash(page.body)
    headers = json.dumps(page.headers)
    with transaction(conn):
        bodies.store_body(conn, digest, page.body, bodies.site_of(page.url), page.fetched_at, packed)
        row = conn.execute("SELECT id FROM captures WHERE url = ? AND status = ? AND body_hash = ?",
                           (page.url, page.status, digest)).fetchone()
        if row:
            # a web archive's snapshot may be older than the first fetch: the span only widens
            conn.execute("UPDATE captures SET fetched_at = MIN(fetched_at, :at), last_fetched_at ="
                         " MAX(last_fetched_at, :at), fetch_count = fetch_count + 1,"
                         " page_type = COALESCE(:page_type, page_type), warc_file = COALESCE(warc_file, :warc_file),"
                         " warc_offset = COALESCE(warc_offset, :warc_offset),"
                         " warc_length = COALESCE(warc_length, :warc_length) WHERE id = :id",
                         {"at": page.fetched_at, "page_type": page_type, "warc_file": page.warc_file,
                          "warc_offset": page.warc_offset, "warc_length": page.warc_length, "id": row[0]})
            return row[0]
        cur = conn.execute(
            "INSERT INTO captures (url, request_url, article_url, status, headers, body_hash,"
            " fetched_at, last_fetched_at, crawl_id, page_type, warc_file, warc_offset, warc_length)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (page.url, page.request_url or page.url, article_url, page.status, headers, digest,
             page.fetched_at, page.fetched_at, crawl_id, page_type, page.warc_file, page.warc_offset,
             page.warc_length))
        return cur.lastrowid


def forget_article(conn: sqlite3.Connection, url: str) -> bool:
    """Delete what was extracted of the article at ``url`` (its row, thread and history; never its
    captures), so that its history can be replayed from the captures; False if it was not stored."""
    with transaction(conn):
        return conn.execute("DELETE FROM articles WHERE url = ? OR id IN"
                            " (SELECT article_id FROM article_urls WHERE url = ?)", (url, url)).rowcount > 0


def capture_body(capture: dict) -> bytes:
    """The raw body of a capture row of ``queries.iter_captures`` or ``queries.article_captures``."""
    return bodies.decompress(capture["compression"], capture["data"], capture["dictionary"])


def decompress_body(compression: str, data: bytes, dictionary=None) -> bytes:
    """The raw bytes of a stored body (``dictionary``: ``bodies.reading_dictionary`` of its row)."""
    return bodies.decompress(compression, data, dictionary)


# -- articles ----------------------------------------------------------------------------------

ARTICLE_FIELDS = column_names(Article)
VERSIONED_FIELDS = ("headline", "article_body")


def store_article(conn: sqlite3.Connection, article: Article, seen_at: str,
                  capture_id: int | None = None, spider: str = "") -> StoreResult:
    """Store an article, its byline and its thread in one transaction, keeping history (its
    revisit is planned by the caller: see ``plan_revisit``)."""
    with _indexed_on_commit(conn):
        old, moved = _article_row(conn, article)
        values = _article_values(article)
        if old is None:
            article_id = _insert_article(conn, values, seen_at, capture_id, spider)
            result = StoreResult(article_id, new_article=True)
        else:
            result = _update_article(conn, old, values, seen_at, capture_id)
            if moved:
                result.moved_from = _move_article(conn, old, article.url, seen_at)
        _store_authors(conn, result.article_id, article.authors)
        _store_comments(conn, result, article, seen_at)
        if old is None or seen_at > old["last_seen_at"]:
            result.visit_first_seen = seen_at if old is None else old["first_seen_at"]
    return result


def plan_revisit(conn: sqlite3.Connection, article_id: int, due: str | None, growth: int) -> None:
    """When the article is next due (None: never) and how many comments its last visit added."""
    conn.execute("UPDATE articles SET next_visit_at = ?, comments_growth = ? WHERE id = ?", (due, growth, article_id))


def _article_row(conn: sqlite3.Connection, article: Article) -> tuple[dict | None, bool]:
    """The stored article ``article`` is a visit of (a dict of its columns; None: a new article) and
    whether it moved: the one at its URL, else the one archived under that URL before, else the
    one with its site's post id (the site's own identity, kept when a slug changes), which moved."""
    found = first(conn.execute("SELECT * FROM articles WHERE url = ?", (article.url,)))
    if found is None:
        found = first(conn.execute(ARTICLE_AT_FORMER_URL, (article.url,)))
        found = None if found is not None and _other_post(found, article) else found
    if found is None and article.post_id:
        moved = first(conn.execute("SELECT * FROM articles WHERE site = ? AND post_id = ? ORDER BY id LIMIT 1",
                                   (article.site, article.post_id)))
        moved = None if moved is not None and _other_date(moved, article) else moved
        return moved, moved is not None
    return found, False


def _other_date(row: dict, article: Article) -> bool:
    """True when both give a publication date and they differ: a moved post keeps its date, so a
    post id shared by two dated posts (a theme's fault) joins nothing."""
    return bool(row["date_published"] and article.date_published and row["date_published"] != article.date_published)


def _other_post(row: dict, article: Article) -> bool:
    """True when both name their site's post and the posts differ (a former slug given to a new post)."""
    return bool(row["post_id"] and article.post_id and row["post_id"] != article.post_id)


def _move_article(conn, old: dict, url: str, at: str) -> str:
    """Archive the article under ``url`` from now on, its previous URL kept in ``article_urls``;
    returns that previous URL."""
    conn.execute("DELETE FROM article_urls WHERE url = ?", (url,))
    conn.execute("UPDATE articles SET url = ? WHERE id = ?", (url, old["id"]))
    add_former_url(conn, old["url"], old["id"], at)
    return old["url"]


def add_former_url(conn: sqlite3.Connection, url: str, article_id: int, at: str) -> None:
    """Keep ``url`` as one the article was reached by but is not archived under (a redirect's
    source, a changed slug); a URL already known as another article's is left to that one."""
    conn.execute("INSERT OR IGNORE INTO article_urls (url, article_id, left_at)"
                 " SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM articles WHERE url = ?)", (url, article_id, at, url))


def _article_values(article: Article) -> dict:
    values = {name: getattr(article, name) for name in ARTICLE_FIELDS}
    values["tags"] = json.dumps(article.tags, ensure_ascii=False)
    return values


def _insert_article(conn, values: dict, seen_at: str, capture_id, spider: str) -> int:
    columns = list(values) + ["first_seen_at", "last_seen_at", "last_changed_at",
                              "last_capture_id", "spider"]
    params = list(values.values()) + [seen_at, seen_at, seen_at, capture_id, spider]
    sql = (f"INSERT INTO articles ({', '.join(columns)})"
           f" VALUES ({', '.join('?' for _ in columns)})")
    return conn.execute(sql, params).lastrowid


def _update_article(conn, old: dict, values: dict, seen_at: str, capture_id) -> StoreResult:
    result = StoreResult(old["id"])
    if any((old[name] or "") != (values[name] or "") for name in VERSIONED_FIELDS):
        conn.execute(
            "INSERT INTO article_versions (article_id, headline, description, article_body,"
            " article_body_html, date_modified, seen_from, seen_until)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (old["id"], old["headline"], old["description"], old["article_body"],
             old["article_body_html"], old["date_modified"],
             old["last_changed_at"] or old["first_seen_at"], old["last_seen_at"]))
        result.new_version = True
    changed = {name: value for name, value in values.items() if old.get(name) != value}
    changed.pop("url", None)
    changed["last_seen_at"] = max(seen_at, old["last_seen_at"])
    changed["last_capture_id"] = capture_id or old["last_capture_id"]
    if result.new_version:
        changed["last_changed_at"] = seen_at
    assignments = ", ".join(f"{name} = ?" for name in changed)
    conn.execute(f"UPDATE articles SET {assignments} WHERE id = ?", [*changed.values(), old["id"]])
    return result


def _store_authors(conn, article_id: int, names: list[str]) -> None:
    current = [r[0] for r in conn.execute(
        "SELECT a.name FROM article_authors aa JOIN authors a ON a.id = aa.author_id"
        " WHERE aa.article_id = ? ORDER BY aa.position", (article_id,))]
    if current == list(names):
        return
    conn.execute("DELETE FROM article_authors WHERE article_id = ?", (article_id,))
    for position, name in enumerate(names):
        conn.execute("INSERT OR IGNORE INTO authors (name) VALUES (?)", (name,))
        author_id = conn.execute("SELECT id FROM authors WHERE name = ?", (name,)).fetchone()[0]
        conn.execute("INSERT INTO article_authors (article_id, author_id, position) VALUES (?, ?, ?)",
                     (article_id, author_id, position))


# -- comments ----------------------------------------------------------------------------------
# A thread's history: a comment is never deleted. One that appears after the article's first visit
# is "added"; one missing from a visit that fetched every comment page is "removed" (removed_at);
# one back again is "restored"; an edited text keeps the earlier one in comment_versions ("edited").
# Each change is also a row in comment_events, so `newsarchive history` can replay the thread.

_COMMENT_COLUMNS = column_names(Comment)


def _store_comments(conn, result: StoreResult, article: Article, seen_at: str) -> None:
    existing = {r[1]: r for r in conn.execute(
        "SELECT id, comment_id, text, text_html, author_name, removed_at, parent_id, depth, position"
        " FROM comments WHERE article_id = ?", (result.article_id,))}
    pk_by_cid = {cid: r[0] for cid, r in existing.items()}
    stored_parent = {r[0]: r[6] for r in existing.values()}
    new = [c for c in article.comments if c.comment_id not in existing]
    _refresh_comments(conn, result, [(existing[c.comment_id], c) for c in article.comments
                                     if c.comment_id in existing], seen_at)
    stored_parent.update(_insert_comments(conn, result.article_id, new, pk_by_cid, seen_at))
    for comment in new:
        result.comments_added.append(comment.comment_id)
        if not result.new_article:
            _event(conn, pk_by_cid[comment.comment_id], "added", seen_at)
    _link_parents(conn, article.comments, pk_by_cid, stored_parent)
    if _removals_provable(article, existing):
        _mark_removed(conn, result, existing, article.comments, seen_at)


def _removals_provable(article: Article, existing: dict) -> bool:
    """A missing comment proves a removal only if every comment page came and a thread was read."""
    if not article.comments_complete:
        return False
    # No comment at all and no stated count: the thread was not found on the page (a layout change,
    # a widget), which says nothing about the comments archived before.
    return bool(article.comments) or article.comment_count_declared is not None or not existing


def _event(conn, comment_pk: int, kind: str, at: str) -> None:
    conn.execute("INSERT INTO comment_events (comment_id, kind, at) VALUES (?, ?, ?)",
                 (comment_pk, kind, at))


_INSERT_COMMENT = (f"INSERT INTO comments (id, article_id, parent_id, {', '.join(_COMMENT_COLUMNS)},"
                   f" first_seen_at, last_seen_at)"
                   f" VALUES (?, ?, ?, {', '.join('?' for _ in _COMMENT_COLUMNS)}, ?, ?)")


def _insert_comments(conn, article_id: int, comments: list[Comment], pk_by_cid: dict[str, int],
                     seen_at: str) -> dict[int, int | None]:
    """Insert new comments in one executemany, adding their pks to ``pk_by_cid``; the parent each got.

    The pks are chosen here (as SQLite would: after the largest), so a reply to a comment stored
    before it gets its parent in the same insert; ``_link_parents`` sets the others.
    """
    if not comments:
        return {}
    next_pk = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM comments").fetchone()[0]
    rows, parents = [], {}
    for pk, comment in enumerate(comments, start=next_pk):
        parents[pk] = pk_by_cid.get(comment.parent_comment_id) if comment.parent_comment_id else None
        pk_by_cid[comment.comment_id] = pk
        rows.append([pk, article_id, parents[pk], *(getattr(comment, name) for name in _COMMENT_COLUMNS),
                     seen_at, seen_at])
    conn.executemany(_INSERT_COMMENT, rows)
    return parents


_REFRESH_COMMENT = ("UPDATE comments SET text_html = ?, author_url = ?, depth = ?, position = ?,"
                    " type = ?, date_published = ?, date_published_raw = ?, title = ?,"
                    " last_seen_at = ?, removed_at = NULL WHERE id = ?")


def _refresh_comments(conn, result: StoreResult, seen: list[tuple[tuple, Comment]], seen_at: str) -> None:
    """Update comments seen again; text and author (the FTS columns) only where they changed."""
    for old, comment in seen:
        _record_changes(conn, result, old, comment, seen_at)
    conn.executemany(_REFRESH_COMMENT, [
        (c.text_html, c.author_url, c.depth, c.position, c.type, c.date_published,
         c.date_published_raw, c.title, seen_at, old[0]) for old, c in seen])


def _record_changes(conn, result: StoreResult, old: tuple, comment: Comment, seen_at: str) -> None:
    pk, cid, text, text_html, author_name, removed_at = old[:6]
    if text != comment.text or author_name != comment.author_name:
        _keep_comment_version(conn, pk)
        result.comments_edited.append(cid)
        _event(conn, pk, "edited", seen_at)
        conn.execute("UPDATE comments SET text = ?, author_name = ?, last_changed_at = ? WHERE id = ?",
                     (comment.text, comment.author_name, seen_at, pk))
    if removed_at:
        result.comments_restored.append(cid)
        _event(conn, pk, "restored", seen_at)


def _keep_comment_version(conn, pk: int) -> None:
    """Copy a comment's current text into comment_versions, seen from its last change to now."""
    conn.execute(
        "INSERT INTO comment_versions (comment_id, text, text_html, author_name, seen_from,"
        " seen_until) SELECT id, text, text_html, author_name,"
        " COALESCE(last_changed_at, first_seen_at), last_seen_at FROM comments WHERE id = ?", (pk,))


def _link_parents(conn, comments: list[Comment], pk_by_cid: dict[str, int],
                  stored_parent: dict[int, int | None]) -> None:
    """Point each comment at its parent's row where the stored ``parent_id`` is not that yet."""
    rows = [(pk_by_cid.get(c.parent_comment_id) if c.parent_comment_id else None,
             pk_by_cid[c.comment_id]) for c in comments]
    conn.executemany("UPDATE comments SET parent_id = ? WHERE id = ?",
                     [(parent, pk) for parent, pk in rows if stored_parent.get(pk) != parent])


def _mark_removed(conn, result: StoreResult, existing: dict, comments: list[Comment],
                  seen_at: str) -> None:
    present = {c.comment_id for c in comments}
    gone = [(cid, r[0]) for cid, r in existing.items() if cid not in present and r[5] is None]
    for cid, pk in gone:
        conn.execute("UPDATE comments SET removed_at = ? WHERE id = ?", (seen_at, pk))
        result.comments_removed.append(cid)
        _event(conn, pk, "removed", seen_at)


# -- schedules -----------------------------------------------------------------------------------

def add_schedule(conn: sqlite3.Connection, spider: str, every_seconds: int, args: dict,
                 settings: dict, now: str) -> int:
    """Store a scheduled crawl, due at once; returns its id."""
    with transaction(conn):
        return conn.execute(
            "INSERT INTO schedules (spider, every_seconds, args, settings, created_at, next_run_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (spider, every_seconds, json.dumps(args, sort_keys=True),
             json.dumps(settings, sort_keys=True), now, now)).lastrowid


def remove_schedule(conn: sqlite3.Connection, schedule_id: int) -> bool:
    """Delete a schedule; False when there was none with that id."""
    with transaction(conn):
        return conn.execute("DELETE FROM schedules WHERE id = ?", (schedule_id,)).rowcount > 0


def schedule_started(conn: sqlite3.Connection, schedule_id: int, started_at: str,
                     next_run_at: str) -> None:
    """Record that a scheduled crawl started, and when it is due next."""
    with transaction(conn):
        conn.execute("UPDATE schedules SET last_started_at = ?, next_run_at = ?, last_status = ?"
                     " WHERE id = ?", (started_at, next_run_at, "running", schedule_id))


def schedules_interrupted(conn: sqlite3.Connection) -> None:
    """Mark ``interrupted`` the scheduled crawls left ``running`` by a scheduler that died."""
    with transaction(conn):
        conn.execute("UPDATE schedules SET last_status = 'interrupted' WHERE last_status = 'running'")


def schedule_finished(conn: sqlite3.Connection, schedule_id: int, finished_at: str,
                      status: str) -> None:
    """Record how a scheduled crawl ended (``ok``, ``exit 1``, ``stopped``…)."""
    with transaction(conn):
        conn.execute("UPDATE schedules SET last_finished_at = ?, last_status = ? WHERE id = ?",
                     (finished_at, status, schedule_id))
