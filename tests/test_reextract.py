"""`newsarchive reextract`: today's extraction over stored captures, offline, with history kept."""
from __future__ import annotations

import re
import sqlite3
from dataclasses import replace
from pathlib import Path

from archive_fixtures import (ARTICLES, BASE, built_archive, capture_of, copy_archive,  # noqa: F401
                             crawled_archive, newsarchive, ok)
from newsarchive.db import open_archive, store
from newsarchive.extraction import extract
from newsarchive.items import FetchedPage

RIZ = BASE + ARTICLES[1]["path"]
NEW = {"path": "/culture/festival-sur-le-niger-404.html", "headline": "Festival sur le Niger à Ségou",
       "author": "Awa Sidibé", "date": "2024-06-11T08:00:00+00:00", "body": ["La fête a réuni des milliers de festivaliers."],
       "comments": [("41", "Bakary", "Très belle édition !", None)]}


def counts(out: str) -> dict[str, int]:
    return {name: int(n) for n, name in re.findall(r"(\d+) (changed|new|unchanged|failed|added|removed|edited)", out)}


def older_extraction(db: Path) -> None:
    """The riz article as an older extractor stored it: a wrong headline, a garbled comment."""
    conn = open_archive(db).conn
    article = extract(capture_of(ARTICLES[1], "2024-06-20T12:00:00Z"))
    garbled = [replace(c, text=c.text + " [publicité]") if c.comment_id == "21" else c
               for c in article.comments]
    store.store_article(conn, replace(article, headline="Ancien titre", comments=garbled),
                        "2024-06-20T12:00:00Z")
    conn.close()


def add_unextracted_captures(db: Path) -> None:
    """A page whose extraction failed at crawl time (capture only), and a PDF."""
    conn = open_archive(db).conn
    for capture in (capture_of(NEW, "2024-06-12T09:00:00Z"),):
        store.store_capture(conn, capture.pages[0], capture.url, None)
    pdf = FetchedPage(url=BASE + "/docs/rapport-505.html", status=200,
                      headers=[["Content-Type", "application/pdf"]], body=b"%PDF-1.4 ...",
                      fetched_at="2024-06-12T09:00:00Z")
    store.store_capture(conn, pdf, pdf.url, None)
    conn.close()


def test_reextract_repairs_an_older_extraction_and_keeps_history(built_archive, tmp_path):
    db = copy_archive(built_archive, tmp_path / "archive.db")
    older_extraction(db)
    out = ok(newsarchive("reextract", db=db))
    assert counts(out) == {"changed": 1, "new": 0, "unchanged": 2, "failed": 0, "added": 0,
                           "removed": 0, "edited": 1}
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT headline FROM articles WHERE url = ?", (RIZ,)).fetchone()[0] == \
            "Le prix du riz flambe à Ségou"
        versions = conn.execute("SELECT headline FROM article_versions ORDER BY id").fetchall()
        assert versions[-1] == ("Ancien titre",)
        old = conn.execute("SELECT v.text FROM comment_versions v JOIN comments c ON c.id = v.comment_id"
                           " WHERE c.comment_id = '21'").fetchall()
        assert old and old[-1][0].endswith("[publicité]")
    assert counts(ok(newsarchive("reextract", db=db)))["unchanged"] == 3   # idempotent


def test_reextract_creates_what_failed_before_and_reports_failures(built_archive, tmp_path):
    db = copy_archive(built_archive, tmp_path / "archive.db")
    add_unextracted_captures(db)
    out = ok(newsarchive("reextract", db=db))
    assert counts(out)["new"] == 1 and counts(out)["failed"] == 1
    assert "rapport-505.html: non-HTML response: application/pdf" in out
    shown = ok(newsarchive("show", BASE + NEW["path"], db=db))
    assert "Festival sur le Niger à Ségou" in shown and "Très belle édition !" in shown
    with sqlite3.connect(db) as conn:  # one commit per article stored, merged at the end
        assert conn.execute("SELECT COUNT(DISTINCT segid) FROM articles_fts_idx").fetchone()[0] == 1


def test_reextract_filters(built_archive, tmp_path):
    db = copy_archive(built_archive, tmp_path / "archive.db")
    add_unextracted_captures(db)
    assert counts(ok(newsarchive("reextract", "--site", "other.example", db=db))) == {
        "changed": 0, "new": 0, "unchanged": 0, "failed": 0, "added": 0, "removed": 0, "edited": 0}
    out = ok(newsarchive("reextract", "--fetched-since", "2024-06-15", db=db))
    assert out.startswith("re-extracted 3 articles") and counts(out)["new"] == 0
    published = ok(newsarchive("reextract", "--since", "2024-05-01", "--until", "2024-05-31", db=db))
    assert published.startswith("re-extracted 1 articles")
    for option in ("--since", "--fetched-since"):
        result = newsarchive("reextract", option, "yesterday", db=db)
        assert result.returncode == 2 and "not a date" in result.stderr


def test_reextract_of_the_crawled_replica_changes_nothing(crawled_archive, tmp_path):
    db = copy_archive(crawled_archive, tmp_path / "archive.db")
    out = ok(newsarchive("reextract", "--site", "maliweb.net", db=db))
    found = counts(out)
    assert found["changed"] == 0 and found["new"] == 0 and found["unchanged"] > 0, out
