"""History, nothing overwritten: article versions, comments added/removed/edited/restored, `history URL`."""
from __future__ import annotations

import json

import pytest

from newsarchive import db
from newsarchive import ingest
from newsarchive.history import article_history, body_diff, render_history
from newsarchive.items import Article, Comment

URL = "http://127.0.0.1:9/politique/budget-2026-1001.html"
DAY1, DAY2, DAY3 = "2026-03-01T10:00:00Z", "2026-03-02T10:00:00Z", "2026-03-03T10:00:00Z"
BODY = ("Le gouvernement a adopté le budget.\n\nLes députés en débattront lundi.\n\n"
        "Moussa TRAORE")


def _article() -> Article:
    comments = [Comment("11", text="Premier commentaire", author_name="Awa", position=0),
                Comment("12", "11", depth=2, text="Une réponse", author_name="Ali", position=1),
                Comment("13", text="À modérer", author_name="Troll", position=2)]
    return Article(url=URL, site="maliweb.net", headline="Le budget adopté", article_body=BODY,
                   date_published="2026-03-01T08:00:00Z", comments=comments,
                   comment_count_declared=3)


@pytest.fixture
def conn(tmp_path):
    connection = db.open_archive(tmp_path / "archive.db").conn
    ingest.store_article(connection, _article(), DAY1)
    return connection


def _count(conn, table: str, where: str = "1") -> int:
    return conn.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}").fetchone()[0]


def _day2() -> Article:
    article = _article()
    article.headline = "Le budget 2026 adopté"
    article.article_body = BODY.replace("lundi", "mardi")
    article.comments = [c for c in article.comments if c.comment_id != "13"]
    article.comments[0].text = "Premier commentaire (corrigé)"
    article.comments.append(Comment("14", "12", depth=3, text="Réponse à la réponse",
                                    author_name="Awa", position=2))
    article.comment_count_declared = 3
    return article


def test_unchanged_refetch_adds_nothing_but_last_seen(conn):
    result = ingest.store_article(conn, _article(), DAY2)
    assert not result.changed
    assert _count(conn, "article_versions") == 0 and _count(conn, "comment_versions") == 0
    assert _count(conn, "comment_events") == 0
    assert conn.execute("SELECT last_seen_at FROM articles").fetchone()[0] == DAY2
    assert {r[0] for r in conn.execute("SELECT last_seen_at FROM comments")} == {DAY2}


def test_day2_changes_are_recorded_and_nothing_is_overwritten(conn):
    result = ingest.store_article(conn, _day2(), DAY2)
    assert (result.new_version, result.comments_added, result.comments_removed,
            result.comments_edited) == (True, ["14"], ["13"], ["11"])
    version = conn.execute("SELECT headline, article_body, seen_from, seen_until"
                           " FROM article_versions").fetchall()
    assert version == [("Le budget adopté", BODY, DAY1, DAY1)]
    assert conn.execute("SELECT headline, last_changed_at FROM articles").fetchone() == (
        "Le budget 2026 adopté", DAY2)
    removed = conn.execute("SELECT text, removed_at FROM comments WHERE comment_id = '13'").fetchone()
    assert removed == ("À modérer", DAY2)
    new = conn.execute("SELECT c.first_seen_at, c.depth, p.comment_id FROM comments c"
                       " JOIN comments p ON p.id = c.parent_id WHERE c.comment_id = '14'").fetchone()
    assert new == (DAY2, 3, "12")
    assert conn.execute("SELECT text, seen_from, seen_until FROM comment_versions").fetchall() == [
        ("Premier commentaire", DAY1, DAY1)]


def test_an_incomplete_visit_proves_no_removal(conn):
    article = _day2()
    article.comments_complete = False  # a comment page failed to fetch
    result = ingest.store_article(conn, article, DAY2)
    assert result.comments_removed == []
    assert _count(conn, "comments", "removed_at IS NOT NULL") == 0


def test_a_page_without_any_thread_proves_no_removal(conn):
    article = _article()
    article.comments, article.comment_count_declared = [], None
    assert ingest.store_article(conn, article, DAY2).comments_removed == []


def test_removed_comment_comes_back_and_second_edit_keeps_both_texts(conn):
    ingest.store_article(conn, _day2(), DAY2)
    day3 = _day2()
    day3.comments.append(Comment("13", text="À modérer", author_name="Troll", position=3))
    day3.comments[0].text = "Premier commentaire (corrigé deux fois)"
    result = ingest.store_article(conn, day3, DAY3)
    assert result.comments_restored == ["13"] and result.comments_edited == ["11"]
    assert _count(conn, "comments", "removed_at IS NOT NULL") == 0
    assert conn.execute("SELECT text, seen_from, seen_until FROM comment_versions ORDER BY id").fetchall() == [
        ("Premier commentaire", DAY1, DAY1), ("Premier commentaire (corrigé)", DAY2, DAY2)]
    kinds = [r[0] for r in conn.execute("SELECT kind FROM comment_events ORDER BY id")]
    assert kinds == ["edited", "added", "removed", "edited", "restored"]


def test_revisit_state_is_stored_with_the_article(conn):
    assert conn.execute("SELECT next_visit_at, comments_growth FROM articles").fetchone() == (
        "2026-03-01T11:00:00Z", 0)  # published 08:00, seen 10:00: hourly
    ingest.store_article(conn, _day2(), DAY2)  # a day old, one comment added: 4h / 2
    assert conn.execute("SELECT next_visit_at, comments_growth FROM articles").fetchone() == (
        "2026-03-02T12:00:00Z", 1)
    ingest.store_article(conn, _day2(), DAY2)  # re-extracting the same capture is not a visit
    assert conn.execute("SELECT next_visit_at, comments_growth FROM articles").fetchone() == (
        "2026-03-02T12:00:00Z", 1)
    old = _article()
    old.url, old.date_published = URL.replace("1001", "1002"), "2025-01-01T00:00:00Z"
    ingest.store_article(conn, old, DAY1)
    assert conn.execute("SELECT next_visit_at FROM articles WHERE url = ?", (old.url,)).fetchone() == (None,)


def test_history_document_and_text(conn):
    ingest.store_article(conn, _day2(), DAY2)
    history = article_history(conn, URL)
    assert [v["headline"] for v in history["versions"]] == ["Le budget adopté", "Le budget 2026 adopté"]
    assert [(e["kind"], e["comment_id"]) for e in history["thread"]] == [
        ("edited", "11"), ("added", "14"), ("removed", "13")]
    edit = history["thread"][0]
    assert (edit["text_before"], edit["text"]) == ("Premier commentaire", "Premier commentaire (corrigé)")
    text = render_history(history)
    assert "-Les députés en débattront lundi." in text and "+Les députés en débattront mardi." in text
    assert "headline: “Le budget adopté”\n         → “Le budget 2026 adopté”" in text
    assert "added     #14 by Awa, reply to #12 (Ali)" in text
    assert f"{DAY2}  removed   #13 by Troll" in text
    json.dumps(history)  # the --json form is plain data


def test_body_diff_shows_only_the_changed_paragraph():
    before = "\n\n".join(f"Paragraphe {n} " + "mot " * 30 for n in range(6))
    after = before.replace("Paragraphe 4", "Paragraphe 9")
    diff = body_diff(before, after)
    changed = [line for line in diff if line[:1] in "+-" and not line.startswith(("---", "+++"))]
    assert len(changed) == 2 and "Paragraphe 9" in changed[1]


def test_history_command(conn, tmp_path, cli):
    ingest.store_article(conn, _day2(), DAY2)
    out = cli("history", "/politique/budget-2026-1001.html", db=tmp_path / "archive.db").stdout
    assert "2 versions:" in out and "removed   #13" in out
    as_json = json.loads(cli("history", URL, "--json", db=tmp_path / "archive.db").stdout)
    assert len(as_json["versions"]) == 2
    missing = cli("history", "http://nowhere/x.html", db=tmp_path / "archive.db", check=False)
    assert missing.returncode != 0 and "no archived article" in missing.stderr


def test_an_archive_from_before_the_history_migration_is_upgraded(tmp_path):
    from newsarchive.db.migrations import MIGRATIONS

    path = tmp_path / "old.db"
    conn = db.connect(path)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    for url, published in (("http://x/young-1.html", "2026-03-01T08:00:00Z"),
                           ("http://x/old-2.html", "2025-01-01T08:00:00Z")):
        conn.execute("INSERT INTO articles (url, site, date_published, first_seen_at, last_seen_at)"
                     " VALUES (?, 'x', ?, ?, ?)", (url, published, DAY1, DAY1))
    conn.close()
    upgraded = db.open_archive(path).conn
    assert upgraded.execute("SELECT url, next_visit_at FROM articles ORDER BY id").fetchall() == [
        ("http://x/young-1.html", DAY1), ("http://x/old-2.html", None)]  # due once more / settled
    assert upgraded.execute("SELECT COUNT(*) FROM schedules").fetchone() == (0,)
