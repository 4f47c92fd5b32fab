"""Reads from the archive: articles with their threads, search, statistics, export and capture cursors."""
from __future__ import annotations

import json
import os
import re
import sqlite3
from typing import Iterator

from ..items import Article, Comment, document_keys, fields_of
from ..parsing.text import fold as fold_text
from .bodies import reading_dictionary


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
    """Per site: articles, comments (every one archived, and how many of them were removed), first
    and last seen."""
    return _dicts(conn.execute(
        "SELECT a.site, COUNT(DISTINCT a.id) AS articles,"
        " (SELECT COUNT(*) FROM comments c JOIN articles x ON x.id = c.article_id"
        "   WHERE x.site = a.site) AS comments,"
        " (SELECT COUNT(*) FROM comments c JOIN articles x ON x.id = c.article_id"
        "   WHERE x.site = a.site AND c.removed_at IS NOT NULL) AS removed_comments,"
        " MIN(a.first_seen_at) AS first_seen, MAX(a.last_seen_at) AS last_seen"
        " FROM articles a GROUP BY a.site ORDER BY a.site"))


def recent_crawls(conn: sqlite3.Connection, limit: int = 5) -> list[dict]:
    """The latest crawls, newest first."""
    return _dicts(conn.execute(
        "SELECT id, spider, started_at, finished_at, finish_reason, status, status_reason, stats FROM crawls"
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


# -- search ---------------------------------------------------------------------------------
# The FTS index alone picks the winners (a probe by descending rowid, then bm25 when the matches
# are few enough to rank); only those few are joined to their rows and given a snippet. Joining,
# ranking or snippeting before limiting costs seconds for a common word in a million comments.
# A prefix (``"word" *``) is read from the FTS tables' prefix indexes (migration 4) as FTS5
# reads a word: no vocabulary lookup or expansion here.

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


RANK_CANDIDATES = 1_000
"""Up to this many matches are ranked by bm25. Beyond it, bm25 itself is the cost (it reads
the whole index entry of each word, ~50 ms for a common word in a million comments, seconds
to rank every match), so the newest matches come first and the caller is told."""
_WEIGHTS = {"articles_fts": "2.0, 1.0", "comments_fts": "1.0, 0.5"}


def search(conn: sqlite3.Connection, expression: str, *, site: str | None = None,
           since: str | None = None, until: str | None = None, author: str | None = None,
           kinds: tuple[str, ...] = ("article", "comment"), limit: int | None = 20,
           highlight: tuple[str, str] = ("[", "]")) -> tuple[list[dict], bool]:
    """Best ``limit`` matches of an FTS5 ``expression`` in articles and comments (None: every match).

    Each hit has kind, url, title, author, date_published, site, removed_at, snippet and rank
    (bm25: lower is better; None when newest-first). ``author`` matches part of a name,
    case-insensitively. The flag is True when a kind had more than RANK_CANDIDATES matches:
    its newest matches then follow the ranked hits, newest first.
    """
    filters = {"site": site, "since": since, "until": until,
               "author": _like_pattern(author) if author else None}
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
    details = {kind: _hit_details(conn, kind, [hit[1] for hit in chosen if hit[0] == kind],
                                  expressions[kind], highlight) for kind in kinds}
    return [{**details[kind][rowid], "rank": rank} for kind, rowid, rank in chosen], bool(newest)


PREFIX_TERM = re.compile(r'"([^"]*)" \*')
TERM = re.compile(r'"[^"]*"(?: \*)?')  # the terms of a ``search.fts_expression``: quoted, no operators
MAX_SPELLED_OUT = 2_000
"""A prefix matching more words than this is left to FTS5 (slow without a prefix index, but whole).
Reading an OR of the words for the newest matches costs little even for a two-letter prefix (333
words for ``co*`` in a million comments: 13 ms); the snippets are then asked of the words the
chosen rows hold (``_narrowed``)."""
SPELLED_GROUP = re.compile(r'\(((?:"[^"]*"(?: OR )?)+)\)')
WORD_CHARACTER = r"[^\W_]"  # as unicode61 reads words: letters and digits ("_" separates)
TOKEN = re.compile(WORD_CHARACTER + "+")


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
    words = _indexed_words_starting(conn, fold(last))
    if not words or len(words) > MAX_SPELLED_OUT:
        return term, False
    group = "(" + " OR ".join('"' + " ".join([*head, word]) + '"' for word, _ in words) + ")"
    return group, not head and _one_in_many(conn, words)


def _indexed_words_starting(conn: sqlite3.Connection, prefix: str) -> list[tuple[str, int]]:
    """The indexed words that begin with ``prefix``, each with at most how many articles it is in
    (article_words, and the words not yet folded into it: migration 8)."""
    if not prefix:
        return []
    after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return conn.execute(
        "SELECT word, SUM(articles) FROM ("
        " SELECT word, articles FROM article_words WHERE word >= :low AND word < :high"
        " UNION ALL SELECT term, doc FROM article_words_new_vocab WHERE term >= :low AND term < :high)"
        " GROUP BY word LIMIT :most", {"low": prefix, "high": after, "most": MAX_SPELLED_OUT + 1}).fetchall()


MOST_CHECKED = 3
"""How many of a prefix's words, most counted first, are asked of the index (``_one_in_many``)."""


def _one_in_many(conn: sqlite3.Connection, words: list[tuple[str, int]]) -> bool:
    """True if one of ``words`` is in RANK_CANDIDATES articles or more. Their counts are upper
    bounds (migration 8), so the index is asked, reading no more than that many rows."""
    counted = sorted(words, key=lambda word: word[1], reverse=True)[:MOST_CHECKED]
    for word, at_most in counted:
        if at_most < RANK_CANDIDATES:
            return False
        found = conn.execute("SELECT COUNT(*) FROM (SELECT rowid FROM articles_fts WHERE articles_fts"
                             " MATCH ? ORDER BY rowid LIMIT ?)",
                             (f'"{word}"', RANK_CANDIDATES)).fetchone()[0]
        if found >= RANK_CANDIDATES:
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

    The probe counts up to RANK_CANDIDATES matches in FTS5's own order (ascending rowid: an AND
    of a common and a rare word in a million comments 4.6 ms, against 7.8 newest first) and stops
    there, so it costs about the same for a common word as for a rare one; nothing is joined
    unless a filter needs it. ``many``: the expression is known to match RANK_CANDIDATES rows or
    more, so without a filter the probe is skipped (13 ms for an OR of 333 words).
    """
    fts, joins, clauses = _SOURCES[kind]
    wanted = {name: value for name, value in filters.items() if value is not None}
    where = "".join(f" AND {clauses[name]}" for name in wanted)
    sql = (f"SELECT {fts}.rowid, {{rank}} FROM {fts} {joins if wanted else ''}"
           f" WHERE {fts} MATCH :q{where} ORDER BY {{order}}")
    params = {"q": expression, "cap": RANK_CANDIDATES, "limit": limit, **wanted}
    newest = sql.format(rank="NULL", order=f"{fts}.rowid DESC LIMIT"
                        f" {':limit' if limit < 0 else 'min(:limit, :cap)'}")
    if many and not wanted:
        return conn.execute(newest, params).fetchall(), True
    probe = conn.execute(sql.format(rank="NULL", order=f"{fts}.rowid LIMIT :cap"), params).fetchall()
    if len(probe) >= RANK_CANDIDATES:
        return conn.execute(newest, params).fetchall(), True
    rank = f"bm25({fts}, {_WEIGHTS[fts]})"
    return conn.execute(sql.format(rank=rank, order="2 LIMIT :limit"), params).fetchall(), False


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


def _hit_details(conn: sqlite3.Connection, kind: str, rowids: list[int], expression: str,
                 highlight: tuple[str, str]) -> dict[int, dict]:
    """Rows and snippets of the chosen hits in one FTS query: setting a query up is the cost, and
    the rowid range lets FTS5 skip the rest of the index. With a spelled-out prefix, each article
    is asked alone of the words it holds instead (each word of an OR costs FTS5 a seek and a
    snippet pass on every row: 88 ms for the 333 of ``co*``); one the narrowed query misses is
    asked again with the whole one."""
    if not rowids:
        return {}
    if kind != "article" or not SPELLED_GROUP.search(expression):
        return _details(conn, kind, rowids, expression, highlight)
    found: dict[int, dict] = {}
    for rowid, narrowed in _narrowed(conn, rowids, expression).items():
        found.update(_details(conn, kind, [rowid], narrowed, highlight))
    missing = [rowid for rowid in rowids if rowid not in found]
    if missing:
        found.update(_details(conn, kind, missing, expression, highlight))
    return found


def _details(conn: sqlite3.Connection, kind: str, rowids: list[int], expression: str,
             highlight: tuple[str, str]) -> dict[int, dict]:
    cursor = conn.execute(_HIT_SQL[kind], {"q": expression, "low": min(rowids), "high": max(rowids),
                                           "ids": json.dumps(rowids), "hl_start": highlight[0],
                                           "hl_end": highlight[1]})
    return {hit["rowid"]: hit for hit in _dicts(cursor)}


def _narrowed(conn: sqlite3.Connection, rowids: list[int], expression: str) -> dict[int, str]:
    """For each article of ``rowids``, ``expression`` with each spelled-out prefix (``_spelled_out``)
    reduced to the words that article holds, as the tokenizer reads them (a group it holds none of
    is kept whole)."""
    pieces = SPELLED_GROUP.split(expression)  # text, group, text, group, …, text
    groups = [[(phrase, phrase.strip('"').split(" ")[-1]) for phrase in group.split(" OR ")]
              for group in pieces[1::2]]
    starting = [_words_starting(os.path.commonprefix([word for _, word in group])) for group in groups]
    narrowed = {}
    for rowid, headline, body in conn.execute(
            "SELECT id, headline, article_body FROM articles WHERE id IN"
            " (SELECT value FROM json_each(?))", (json.dumps(rowids),)):
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
    rows = _dicts(conn.execute("SELECT url, last_seen_at, next_visit_at FROM articles"
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
    return _dicts(conn.execute(
        "SELECT url, kind, article_url FROM frontier WHERE url >= ? AND url < ? AND state = 'pending'"
        " AND (next_try_at IS NULL OR next_try_at <= ?) ORDER BY attempts, first_seen_at",
        (url_prefix, url_prefix + "\uffff", now)))


def crawl(conn: sqlite3.Connection, crawl_id: int) -> dict | None:
    """One crawl's row."""
    rows = _dicts(conn.execute("SELECT * FROM crawls WHERE id = ?", (crawl_id,)))
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
    rows = _dicts(conn.execute(
        "SELECT id, started_at, finished_at FROM crawls WHERE spider = ? AND finish_reason = 'finished'"
        " AND json_extract(args, '$.base_url') = ? ORDER BY id DESC LIMIT 1", (spider, base_url)))
    return rows[0] if rows else None


def schedules(conn: sqlite3.Connection) -> list[dict]:
    """Every scheduled crawl, args and settings decoded, by id."""
    rows = _dicts(conn.execute("SELECT * FROM schedules ORDER BY id"))
    for row in rows:
        row["args"], row["settings"] = json.loads(row["args"]), json.loads(row["settings"])
    return rows


def due_schedules(conn: sqlite3.Connection, now: str) -> list[dict]:
    """Scheduled crawls due at ``now``, most overdue first."""
    return sorted((s for s in schedules(conn) if s["next_run_at"] <= now),
                  key=lambda s: (s["next_run_at"], s["id"]))


def article_versions(conn: sqlite3.Connection, article_id: int) -> list[dict]:
    """An article's earlier versions (headline, body, when seen), oldest first."""
    return _dicts(conn.execute(
        "SELECT id, headline, description, article_body, date_modified, seen_from, seen_until"
        " FROM article_versions WHERE article_id = ? ORDER BY id", (article_id,)))


def comment_events(conn: sqlite3.Connection, article_id: int) -> list[dict]:
    """Changes to an article's thread after its first visit, in order, with the comment and parent."""
    return _dicts(conn.execute(
        "SELECT e.kind, e.at, c.id AS pk, c.comment_id, c.author_name, c.date_published, c.text,"
        " c.removed_at, p.comment_id AS parent_comment_id, p.author_name AS parent_author"
        " FROM comment_events e JOIN comments c ON c.id = e.comment_id"
        " LEFT JOIN comments p ON p.id = c.parent_id"
        " WHERE c.article_id = ? ORDER BY e.at, e.id", (article_id,)))


def comment_versions(conn: sqlite3.Connection, article_id: int) -> list[dict]:
    """Earlier texts of an article's comments, per comment oldest first."""
    return _dicts(conn.execute(
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
    return _dicts(conn.execute(
        "SELECT url, title FROM (SELECT c.url, COALESCE(a.headline, c.url) AS title, a.id, MIN(c.id)"
        " FROM articles a JOIN captures c ON c.request_url = a.url"
        f" WHERE c.warc_file IS NOT NULL AND {_SELECTED} GROUP BY a.id) ORDER BY id",
        {"site": site, "since": since, "until": until}))


def capture_groups(conn: sqlite3.Connection, fetched_since: str | None = None, since: str | None = None,
                   until: str | None = None) -> list[dict]:
    """Each article URL with captures (fetched since ``fetched_since``; of an article published in
    [``since``, ``until``) when given): its site and spider if known."""
    return _dicts(conn.execute(
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
