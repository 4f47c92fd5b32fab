"""The archive's schema: every table, index, trigger and FTS index, as ordered migrations."""
from __future__ import annotations

import sqlite3


def _full_text_search(prefix: str = "") -> list[str]:
    """The FTS5 tables over headlines/bodies and comments, and the triggers that keep them in sync.

    External-content tables: the text lives once, in ``articles`` and ``comments``.
    ``remove_diacritics 2`` folds accents, so "securite" finds "sécurité"; ``prefix`` lists the
    prefix lengths FTS5 indexes (migration 4). Migrations 1 and 4 are built from this: its
    statements must never change; a new FTS layout is a new migration.
    """
    options = "tokenize='unicode61 remove_diacritics 2'" + (f", prefix='{prefix}'" if prefix else "")
    return [
        f"""CREATE VIRTUAL TABLE articles_fts USING fts5(
            headline, article_body, content='articles', content_rowid='id',
            {options})""",
        f"""CREATE VIRTUAL TABLE comments_fts USING fts5(
            text, author_name, content='comments', content_rowid='id',
            {options})""",
        *_sync_triggers("articles", ("headline", "article_body")),
        *_sync_triggers("comments", ("text", "author_name")),
    ]


def _sync_triggers(table: str, columns: tuple[str, ...]) -> list[str]:
    """Insert, delete and update triggers that mirror ``columns`` of ``table`` into ``table``_fts."""
    fts, names = f"{table}_fts", ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    delete = f"INSERT INTO {fts}({fts}, rowid, {names})\n            VALUES ('delete', old.id, {old});"
    insert = f"INSERT INTO {fts}(rowid, {names})\n            VALUES (new.id, {new});"
    return [
        f"CREATE TRIGGER {table}_ai AFTER INSERT ON {table} BEGIN\n            {insert}\n        END",
        f"CREATE TRIGGER {table}_ad AFTER DELETE ON {table} BEGIN\n            {delete}\n        END",
        f"CREATE TRIGGER {table}_au AFTER UPDATE OF {names} ON {table} BEGIN\n"
        f"            {delete}\n            {insert}\n        END",
    ]


def _deferrable_sync_triggers(table: str, columns: tuple[str, ...]) -> list[str]:
    """The sync triggers of migration 6: as ``_sync_triggers``, except for rows above the
    ``fts_pending`` mark of ``table``, which the writer indexes itself before it commits.

    Statements must never change: a new trigger layout is a new migration.
    """
    fts, names = f"{table}_fts", ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)

    def indexed(row: str) -> str:
        return (f"NOT EXISTS (SELECT 1 FROM fts_pending WHERE tbl = '{table}'"
                f" AND after_id < {row}.id)")

    delete = f"INSERT INTO {fts}({fts}, rowid, {names})\n            VALUES ('delete', old.id, {old});"
    insert = f"INSERT INTO {fts}(rowid, {names})\n            VALUES (new.id, {new});"
    return [
        f"CREATE TRIGGER {table}_ai AFTER INSERT ON {table} WHEN {indexed('new')} BEGIN\n"
        f"            {insert}\n        END",
        f"CREATE TRIGGER {table}_ad AFTER DELETE ON {table} WHEN {indexed('old')} BEGIN\n"
        f"            {delete}\n        END",
        f"CREATE TRIGGER {table}_au AFTER UPDATE OF {names} ON {table} WHEN {indexed('old')} BEGIN\n"
        f"            {delete}\n            {insert}\n        END",
    ]


def _word_triggers() -> list[str]:
    """Triggers of migration 8 that index new article text in ``article_words_new``, except for
    rows above the ``fts_pending`` mark of articles, which the writer indexes itself."""
    indexed = "NOT EXISTS (SELECT 1 FROM fts_pending WHERE tbl = 'articles' AND after_id < {}.id)"
    insert = ("INSERT INTO article_words_new (headline, article_body)\n"
              "            VALUES (new.headline, new.article_body);")
    return [
        f"CREATE TRIGGER articles_words_ai AFTER INSERT ON articles WHEN {indexed.format('new')} BEGIN\n"
        f"            {insert}\n        END",
        "CREATE TRIGGER articles_words_au AFTER UPDATE OF headline, article_body ON articles"
        f" WHEN {indexed.format('old')} BEGIN\n            {insert}\n        END",
    ]


_DROP_SYNC_TRIGGERS = [f"DROP TRIGGER {table}_{kind}" for table in ("articles", "comments")
                       for kind in ("ai", "ad", "au")]


# Each migration is a list of SQL statements, applied once, in order; the archive's
# PRAGMA user_version records how many have run. Never edit a released migration:
# append a new one.
MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE crawls (
            id INTEGER PRIMARY KEY,
            spider TEXT NOT NULL,
            args TEXT,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            finish_reason TEXT,
            stats TEXT
        )""",
        """CREATE TABLE capture_bodies (
            hash TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            compression TEXT NOT NULL,
            data BLOB NOT NULL
        )""",
        """CREATE TABLE captures (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL,
            request_url TEXT,
            article_url TEXT,
            status INTEGER NOT NULL,
            headers TEXT NOT NULL,
            body_hash TEXT NOT NULL REFERENCES capture_bodies(hash),
            fetched_at TEXT NOT NULL,
            last_fetched_at TEXT NOT NULL,
            fetch_count INTEGER NOT NULL DEFAULT 1,
            crawl_id INTEGER REFERENCES crawls(id)
        )""",
        "CREATE UNIQUE INDEX captures_url_body ON captures(url, status, body_hash)",
        "CREATE INDEX captures_article_url ON captures(article_url)",
        """CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            site TEXT NOT NULL,
            post_id TEXT,
            headline TEXT,
            description TEXT,
            article_body TEXT,
            article_body_html TEXT,
            date_published TEXT,
            date_published_raw TEXT,
            date_modified TEXT,
            in_language TEXT,
            section TEXT,
            tags TEXT,
            main_image_url TEXT,
            comment_count_declared INTEGER,
            comments_widget TEXT,
            posted_by TEXT,
            first_seen_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            last_changed_at TEXT,
            last_capture_id INTEGER REFERENCES captures(id),
            spider TEXT
        )""",
        "CREATE INDEX articles_site ON articles(site, date_published)",
        "CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
        """CREATE TABLE article_authors (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            author_id INTEGER NOT NULL REFERENCES authors(id),
            position INTEGER NOT NULL,
            PRIMARY KEY (article_id, position)
        )""",
        "CREATE INDEX article_authors_author ON article_authors(author_id)",
        """CREATE TABLE comments (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            comment_id TEXT NOT NULL,
            parent_id INTEGER REFERENCES comments(id),
            depth INTEGER NOT NULL,
            position INTEGER NOT NULL,
            type TEXT NOT NULL DEFAULT 'comment',
            author_name TEXT,
            author_url TEXT,
            date_published TEXT,
            date_published_raw TEXT,
            title TEXT,
            text TEXT NOT NULL,
            text_html TEXT NOT NULL,
            first_seen_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            removed_at TEXT,
            UNIQUE (article_id, comment_id)
        )""",
        "CREATE INDEX comments_parent ON comments(parent_id)",
        "CREATE INDEX comments_author ON comments(author_name)",
        """CREATE TABLE article_versions (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            headline TEXT,
            description TEXT,
            article_body TEXT,
            article_body_html TEXT,
            date_modified TEXT,
            seen_from TEXT NOT NULL,
            seen_until TEXT NOT NULL
        )""",
        "CREATE INDEX article_versions_article ON article_versions(article_id)",
        """CREATE TABLE comment_versions (
            id INTEGER PRIMARY KEY,
            comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            text_html TEXT NOT NULL,
            author_name TEXT,
            seen_from TEXT NOT NULL,
            seen_until TEXT NOT NULL
        )""",
        "CREATE INDEX comment_versions_comment ON comment_versions(comment_id)",
        """CREATE TABLE failures (
            id INTEGER PRIMARY KEY,
            crawl_id INTEGER REFERENCES crawls(id),
            url TEXT NOT NULL,
            site TEXT,
            stage TEXT NOT NULL,
            status INTEGER,
            reason TEXT NOT NULL,
            at TEXT NOT NULL
        )""",
        "CREATE INDEX failures_url ON failures(url)",
        *_full_text_search(),
    ],
    # 2. Keeping the archive current: per-article revisit state, comment edits' and
    #    removals' history, and scheduled crawls.
    [
        # When the revisit planner wants the article fetched again (NULL: settled, never again).
        "ALTER TABLE articles ADD COLUMN next_visit_at TEXT",
        # How many comments the last visit added (a growing thread is revisited sooner).
        "ALTER TABLE articles ADD COLUMN comments_growth INTEGER NOT NULL DEFAULT 0",
        "CREATE INDEX articles_next_visit ON articles(site, next_visit_at)",
        # Articles archived before this migration: due once more if younger than 30 days.
        """UPDATE articles SET next_visit_at = last_seen_at
            WHERE julianday(last_seen_at) - julianday(COALESCE(date_published, first_seen_at)) < 30""",
        # When the comment's current text was first seen (NULL: since first_seen_at).
        "ALTER TABLE comments ADD COLUMN last_changed_at TEXT",
        # Every change to a thread after the article's first visit, in order: a comment that
        # appeared later (added), disappeared (removed), came back (restored) or was edited.
        """CREATE TABLE comment_events (
            id INTEGER PRIMARY KEY,
            comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('added', 'removed', 'restored', 'edited')),
            at TEXT NOT NULL
        )""",
        "CREATE INDEX comment_events_comment ON comment_events(comment_id)",
        """CREATE TABLE schedules (
            id INTEGER PRIMARY KEY,
            spider TEXT NOT NULL,
            every_seconds INTEGER NOT NULL CHECK (every_seconds > 0),
            args TEXT NOT NULL DEFAULT '{}',
            settings TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            next_run_at TEXT NOT NULL,
            last_started_at TEXT,
            last_finished_at TEXT,
            last_status TEXT
        )""",
    ],
    # 3. Reading and exporting threads: comments in thread order straight from an index,
    #    so exports stream article after article without sorting the whole table first.
    [
        "CREATE INDEX comments_article_position ON comments(article_id, position)",
    ],
    # 4. Prefix search at scale: FTS5 answers `"elect"*` from a prefix index in one lookup,
    #    where it otherwise merges the index entries of every word starting with "elect".
    #    Prefixes of 2 (the shortest search accepts) to 6 characters are indexed; longer ones
    #    match few words and stay fast without. The FTS tables are recreated with the same
    #    columns, content and tokenizer, their triggers unchanged, rebuilt from the content
    #    tables and merged into one segment each.
    [
        "DROP TRIGGER articles_ai",
        "DROP TRIGGER articles_ad",
        "DROP TRIGGER articles_au",
        "DROP TRIGGER comments_ai",
        "DROP TRIGGER comments_ad",
        "DROP TRIGGER comments_au",
        "DROP TABLE articles_fts",
        "DROP TABLE comments_fts",
        *_full_text_search(prefix="2 3 4 5 6"),
        "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
        "INSERT INTO comments_fts(comments_fts) VALUES ('rebuild')",
        "INSERT INTO articles_fts(articles_fts) VALUES ('optimize')",
        "INSERT INTO comments_fts(comments_fts) VALUES ('optimize')",
    ],
    # 5. Smaller captures: bodies in zstd, with a dictionary per site (its host) trained
    #    on the site's first pages, so each later page stores little more than what is its own.
    #    ``capture_bodies.dictionary_id`` names the dictionary (null: none; zlib rows keep none).
    [
        """CREATE TABLE capture_dictionaries (
            id INTEGER PRIMARY KEY,
            site TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            data BLOB NOT NULL
        )""",
        "CREATE INDEX capture_dictionaries_site ON capture_dictionaries(site, id)",
        "ALTER TABLE capture_bodies ADD COLUMN dictionary_id INTEGER REFERENCES capture_dictionaries(id)",
    ],
    # 6. Fewer index writes: FTS5 (SQLite 3.40) writes its pending terms to disk as a new
    #    segment at every statement of a transaction that may need undoing, so a trigger indexing
    #    row by row wrote one segment per comment, then merged them all. A writer may now mark in
    #    ``fts_pending`` (inside its transaction, never committed) that rows of a table above
    #    ``after_id`` are left to it: the triggers skip them and it indexes them in one statement
    #    before committing. Other writers (no mark) are indexed by the triggers.
    [
        "CREATE TABLE fts_pending (tbl TEXT PRIMARY KEY, after_id INTEGER NOT NULL)",
        *_DROP_SYNC_TRIGGERS,
        *_deferrable_sync_triggers("articles", ("headline", "article_body")),
        *_deferrable_sync_triggers("comments", ("text", "author_name")),
    ],
    # 7. A smaller archive: the prefix indexes of articles_fts would be most of it. A prefix query on articles is spelled out as the words of
    #    ``articles_fts_vocab`` that start with it (see search_plan.search); comments_fts keeps its
    #    prefix indexes.
    [
        "DROP TABLE articles_fts",
        """CREATE VIRTUAL TABLE articles_fts USING fts5(
            headline, article_body, content='articles', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2')""",
        "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
        "CREATE VIRTUAL TABLE articles_fts_vocab USING fts5vocab(articles_fts, 'row')",
    ],
    # 8. Fast short prefixes: articles_fts_vocab counts each word's articles as it lists them,
    #    slow for a short prefix of many words. ``article_words``
    #    holds every word of articles_fts with the articles it was written in (an upper bound:
    #    edits never lower it), so a prefix's words are a plain index range. The words are FTS5's
    #    own: new article text is also indexed in ``article_words_new`` (contentless, no
    #    positions; rows above the fts_pending mark are left to the writer), whose vocabulary the
    #    writer folds into article_words before it commits (see store); search reads both, so
    #    a writer that never folds loses nothing. articles_fts is merged into one segment, which
    #    migration 7 left undone.
    [
        """CREATE TABLE article_words (
            word TEXT PRIMARY KEY,
            articles INTEGER NOT NULL
        ) WITHOUT ROWID""",
        "INSERT INTO article_words (word, articles) SELECT term, doc FROM articles_fts_vocab",
        """CREATE VIRTUAL TABLE article_words_new USING fts5(
            headline, article_body, content='', detail='none',
            tokenize='unicode61 remove_diacritics 2')""",
        "CREATE VIRTUAL TABLE article_words_new_vocab USING fts5vocab(article_words_new, 'row')",
        *_word_triggers(),
        "INSERT INTO articles_fts(articles_fts) VALUES ('optimize')",
    ],
    # 9. A durable frontier and truthful outcomes: every URL a crawl means to fetch is a
    #    ``frontier`` row before it is requested; it leaves ``pending`` when its article is
    #    committed (``done``) or the site refused it for good (``failed``, also once a retried
    #    page gives up). ``article_url`` names a comment page's article. ``crawls.status`` is
    #    finished, incomplete, failed or interrupted (NULL: running, or killed), with its reason.
    [
        """CREATE TABLE frontier (
            url TEXT PRIMARY KEY,
            site TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('article', 'comment_page', 'listing', 'feed', 'sitemap')),
            article_url TEXT,
            state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            last_status INTEGER,
            next_try_at TEXT,
            first_seen_at TEXT NOT NULL,
            last_tried_at TEXT,
            crawl_id INTEGER REFERENCES crawls(id)
        )""",
        "CREATE INDEX frontier_article ON frontier(article_url) WHERE article_url IS NOT NULL",
        "CREATE INDEX frontier_crawl ON frontier(crawl_id, state)",
        "CREATE INDEX frontier_pending ON frontier(url) WHERE state = 'pending'",
        "ALTER TABLE crawls ADD COLUMN status TEXT"
        " CHECK (status IN ('finished', 'incomplete', 'failed', 'interrupted'))",
        "ALTER TABLE crawls ADD COLUMN status_reason TEXT",
        # Crawls that ended before this migration: those that ran to their end finished.
        "UPDATE crawls SET status = 'finished' WHERE finish_reason = 'finished'",
    ],
    # 10. Pseudonymised exports: the archive's own secret key for the keyed hash (HMAC-SHA256) that
    #     gives commenters stable pseudonyms. Made once, when the archive is written, so reading it
    #     never writes; it never leaves the archive, so an export alone cannot be reversed.
    [
        """CREATE TABLE archive_secrets (
            name TEXT PRIMARY KEY,
            value BLOB NOT NULL
        )""",
        "INSERT INTO archive_secrets (name, value) VALUES ('pseudonym_key', randomblob(32))",
    ],
    # 11. The page object a capture was read with (``pages.registry``), so a re-extraction needs no
    #     spider; the maliweb spider's captures from before it were read with the maliweb page.
    [
        "ALTER TABLE captures ADD COLUMN page_type TEXT",
        "UPDATE captures SET page_type = 'maliweb'"
        " WHERE crawl_id IN (SELECT id FROM crawls WHERE spider = 'maliweb')",
    ],
    # 12. WARC at crawl time: where a capture's response record is in the crawl's WARC files
    #     (NEWSARCHIVE_WARC_DIR): the file's path, the record's offset and length (a gzip member);
    #     its request record follows it in the same file. Null: no WARC was written.
    [
        "ALTER TABLE captures ADD COLUMN warc_file TEXT",
        "ALTER TABLE captures ADD COLUMN warc_offset INTEGER",
        "ALTER TABLE captures ADD COLUMN warc_length INTEGER",
    ],
    # 13. An article keeps its identity when its URL changes (a slug edited, the old URL answering
    #     301): ``article_urls`` holds each URL it was archived under before its current one, and
    #     since when it is no longer its URL; a site's post ids find it under a URL never seen.
    [
        """CREATE TABLE article_urls (
            url TEXT PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            left_at TEXT NOT NULL
        )""",
        "CREATE INDEX article_urls_article ON article_urls(article_id)",
        "CREATE INDEX articles_post_id ON articles(site, post_id) WHERE post_id IS NOT NULL",
    ],
]


def schema_version(conn: sqlite3.Connection) -> int:
    """How many migrations the archive has run."""
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the migrations this archive has not run yet; returns how many ran."""
    done = schema_version(conn)
    for number, statements in enumerate(MIGRATIONS[done:], start=done + 1):
        with conn:
            conn.execute("BEGIN IMMEDIATE")
            if schema_version(conn) >= number:
                continue  # another process migrated first
            for statement in statements:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
    return len(MIGRATIONS) - done
