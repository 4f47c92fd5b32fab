"""The archive's write path on a real SQLite file: idempotence, threads, captures, history."""
from __future__ import annotations

from newsarchive.db import open_archive, store
from newsarchive.items import Article, Comment, FetchedPage


def _article(**changes) -> Article:
    comments = [Comment("1", None, text="Premier avis sur la sécurité", author_name="Awa"),
                Comment("2", "1", depth=2, text="Réponse", author_name="Kalifa"),
                Comment("3", "2", depth=3, text="Réponse à la réponse", author_name="Awa")]
    values = dict(url="https://example.ml/a-1.html", site="example.ml", headline="Titre",
                  article_body="Un.\n\nDeux.", authors=["Cheick Moctar TRAORE"], posted_by="Rédaction",
                  tags=["Russie"], comments=comments)
    values.update(changes)
    return Article(**values)


def _counts(conn) -> dict:
    return {table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("articles", "comments", "authors", "article_authors", "article_versions",
                          "comment_versions", "captures", "capture_bodies")}


def test_storing_twice_adds_no_rows(tmp_path):
    conn = open_archive(tmp_path / "a.db").conn
    first = store.store_article(conn, _article(), "2024-03-01T00:00:00Z")
    before = _counts(conn)
    second = store.store_article(conn, _article(), "2024-03-02T00:00:00Z")
    assert first.new_article and not second.changed
    assert _counts(conn) == before
    assert conn.execute("SELECT last_seen_at FROM articles").fetchone()[0] == "2024-03-02T00:00:00Z"


def test_thread_parents_point_at_comment_rows(tmp_path):
    conn = open_archive(tmp_path / "a.db").conn
    store.store_article(conn, _article(), "2024-03-01T00:00:00Z")
    rows = conn.execute("SELECT c.comment_id, p.comment_id, c.depth FROM comments c"
                        " LEFT JOIN comments p ON p.id = c.parent_id ORDER BY c.position").fetchall()
    assert rows == [("1", None, 1), ("2", "1", 2), ("3", "2", 3)]


def test_edits_removals_and_returns_keep_history(tmp_path):
    conn = open_archive(tmp_path / "a.db").conn
    store.store_article(conn, _article(), "2024-03-01T00:00:00Z")
    edited = _article(headline="Titre corrigé")
    edited.comments = [edited.comments[0], Comment("2", "1", depth=2, text="Réponse modifiée")]
    result = store.store_article(conn, edited, "2024-03-02T00:00:00Z")
    assert result.new_version and result.comments_removed == ["3"] and result.comments_edited == ["2"]
    assert conn.execute("SELECT headline FROM article_versions").fetchall() == [("Titre",)]
    assert conn.execute("SELECT removed_at FROM comments WHERE comment_id = '3'").fetchone()[0] \
        == "2024-03-02T00:00:00Z"
    back = store.store_article(conn, _article(headline="Titre corrigé"), "2024-03-03T00:00:00Z")
    assert back.comments_restored == ["3"]
    assert conn.execute("SELECT COUNT(*) FROM comments WHERE removed_at IS NULL").fetchone()[0] == 3


def test_partial_thread_never_marks_removals(tmp_path):
    conn = open_archive(tmp_path / "a.db").conn
    store.store_article(conn, _article(), "2024-03-01T00:00:00Z")
    partial = _article(comments=[], comments_complete=False)
    assert not store.store_article(conn, partial, "2024-03-02T00:00:00Z").comments_removed
    assert conn.execute("SELECT COUNT(*) FROM comments WHERE removed_at IS NOT NULL").fetchone()[0] == 0


def test_captures_are_compressed_and_deduplicated(tmp_path):
    conn = open_archive(tmp_path / "a.db").conn
    body = ("<html><body>" + "<p>Bamako</p>" * 2000 + "</body></html>").encode()
    page = FetchedPage("https://example.ml/a-1.html", 200, [("Content-Type", "text/html")], body,
                       "2024-03-01T00:00:00Z")
    first = store.store_capture(conn, page, page.url, None)
    again = store.store_capture(conn, page, page.url, None)
    assert first == again
    size, stored = conn.execute("SELECT size, length(data) FROM capture_bodies").fetchone()
    assert size == len(body) and stored < len(body) / 10
    fetches = conn.execute("SELECT fetch_count FROM captures").fetchone()[0]
    assert fetches == 2


def test_full_text_search_folds_accents(tmp_path):
    conn = open_archive(tmp_path / "a.db").conn
    store.store_article(conn, _article(), "2024-03-01T00:00:00Z")
    hits = conn.execute("SELECT rowid FROM comments_fts WHERE comments_fts MATCH 'securite'").fetchall()
    assert len(hits) == 1
