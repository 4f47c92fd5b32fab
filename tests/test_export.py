"""`newsarchive export`: every format read back by a real reader and compared with the archive."""
from __future__ import annotations

import csv
import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest

from newsarchive.safe import FORMULA_STARTS, csv_cell

from archive_fixtures import any_archive, built_archive, crawled_archive, newsarchive, ok  # noqa: F401

SAHEL = "http://journal.example/politique/la-securite-au-sahel-101.html"


def db_rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def db_threads(db: Path) -> dict[str, dict[str, str | None]]:
    """Per article URL: comment_id -> parent comment_id, as the archive has them."""
    threads: dict[str, dict[str, str | None]] = {}
    for url, cid, parent in db_rows(db, "SELECT a.url, c.comment_id, p.comment_id FROM comments c"
                                        " JOIN articles a ON a.id = c.article_id"
                                        " LEFT JOIN comments p ON p.id = c.parent_id"):
        threads.setdefault(url, {})[cid] = parent
    return threads


def flatten(comments: list[dict], parent: str | None, into: dict) -> dict:
    for comment in comments:
        assert comment["parent_comment_id"] == parent
        into[comment["comment_id"]] = parent
        flatten(comment["replies"], comment["comment_id"], into)
    return into


def test_jsonl_one_article_per_line_with_nested_tree(any_archive, tmp_path):
    out = tmp_path / "a.jsonl"
    ok(newsarchive("export", "--format", "jsonl", "-o", str(out), db=any_archive))
    lines = out.read_text(encoding="utf-8").splitlines()
    documents = [json.loads(line) for line in lines]
    assert len(documents) == db_rows(any_archive, "SELECT COUNT(*) FROM articles")[0][0]
    exported = {d["url"]: flatten(d["comments"], None, {}) for d in documents if d["comments"]}
    assert exported == db_threads(any_archive)


def test_jsonl_keeps_french_text_and_marks(built_archive, tmp_path):
    out = tmp_path / "a.jsonl"
    ok(newsarchive("export", "--format", "jsonl", "-o", str(out), db=built_archive))
    sahel = next(json.loads(line) for line in out.open(encoding="utf-8") if SAHEL in line)
    assert sahel["headline"] == "La sécurité au Sahel en débat"
    assert sahel["authors"] == ["Aminata Dembélé"]
    first, removed = sahel["comments"]
    assert first["edited"] and first["replies"][0]["replies"][0]["text"] == "Réponse imbriquée : l'État doit agir."
    assert removed["removed_at"] and removed["text"] == "Coopération avec la Russie ? Hmm\nune ligne\n\nun paragraphe"


def test_csv_articles_and_comments_ready_for_pandas(any_archive, tmp_path):
    out = tmp_path / "csv"
    ok(newsarchive("export", "--format", "csv", "-o", str(out), db=any_archive))
    with open(out / "articles.csv", newline="", encoding="utf-8") as handle:
        articles = list(csv.DictReader(handle))
    with open(out / "comments.csv", newline="", encoding="utf-8") as handle:
        comments = list(csv.DictReader(handle))
    assert {a["url"] for a in articles} == {r[0] for r in db_rows(any_archive, "SELECT url FROM articles")}
    threads: dict = {}
    for c in comments:
        threads.setdefault(c["article_url"], {})[c["comment_id"]] = c["parent_comment_id"] or None
    assert threads == db_threads(any_archive)
    texts = db_rows(any_archive, "SELECT text FROM comments ORDER BY article_id, position, id")
    assert [c["text"] for c in comments] == [csv_cell(t[0]) for t in texts]  # line breaks, quotes, accents
    assert not [c for c in comments if c["text"].startswith(FORMULA_STARTS)]  # no cell a spreadsheet runs


def test_csv_filters_and_default_folder(built_archive, tmp_path):
    result = ok(newsarchive("--db", str(built_archive), "export", "--format", "csv",
                            "--since", "2024-05-01", cwd=tmp_path))
    assert "exports/csv" in result
    with open(tmp_path / "exports" / "csv" / "articles.csv", newline="", encoding="utf-8") as handle:
        assert sorted(a["url"].rsplit("/", 1)[1] for a in csv.DictReader(handle)) == [
            "le-prix-du-riz-202.html", "un-long-fil-303.html"]
    out = tmp_path / "none"
    ok(newsarchive("export", "--format", "csv", "--site", "nowhere.example", "-o", str(out),
                   db=built_archive))
    with open(out / "comments.csv", newline="", encoding="utf-8") as handle:
        assert len(list(csv.reader(handle))) == 1  # the header only


def test_parquet_same_tables_as_csv(any_archive, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    ok(newsarchive("export", "--format", "parquet", "-o", str(tmp_path / "pq"), db=any_archive))
    ok(newsarchive("export", "--format", "csv", "-o", str(tmp_path / "csv"), db=any_archive))
    for table in ("articles", "comments"):
        rows = pq.read_table(tmp_path / "pq" / f"{table}.parquet").to_pylist()
        with open(tmp_path / "csv" / f"{table}.csv", newline="", encoding="utf-8") as handle:
            from_csv = list(csv.DictReader(handle))
        assert len(rows) == len(from_csv)
        assert [{k: csv_cell(as_csv_text(v)) for k, v in r.items()} for r in rows] == [
            {k: json.dumps(json.loads(v), ensure_ascii=False) if k in ("authors", "tags") else v
             for k, v in r.items()} for r in from_csv]


def as_csv_text(value) -> str:
    """A Parquet value as the CSV export writes it."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def test_parquet_has_real_types(built_archive, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    ok(newsarchive("export", "--format", "parquet", "-o", str(tmp_path / "pq"), db=built_archive))
    articles = pq.read_table(tmp_path / "pq" / "articles.parquet")
    comments = pq.read_table(tmp_path / "pq" / "comments.parquet")
    for table, name in ((articles, "date_published"), (articles, "first_seen_at"), (comments, "removed_at")):
        assert str(table.schema.field(name).type) == "timestamp[ms, tz=UTC]"
    for name in ("tags", "authors"):
        kind = articles.schema.field(name).type
        assert kind.num_fields == 1 and str(kind.value_type) == "string" and str(kind).startswith("list<")
    assert str(comments.schema.field("depth").type) == "int64"
    riz = next(r for r in articles.to_pylist() if r["url"].endswith("le-prix-du-riz-202.html"))
    assert riz["date_published"] == datetime(2024, 5, 10, 9, 30, tzinfo=timezone.utc)
    assert riz["authors"] == ["Cheick Moctar TRAORE"]


def test_parquet_without_pyarrow_says_what_to_install(built_archive, tmp_path):
    blocker = tmp_path / "block"
    (blocker / "pyarrow").mkdir(parents=True)
    (blocker / "pyarrow" / "__init__.py").write_text("raise ImportError('no pyarrow here')\n")
    result = newsarchive("export", "--format", "parquet", "-o", str(tmp_path / "pq"), db=built_archive,
                         env={"PYTHONPATH": f"{blocker}:{Path(__file__).resolve().parents[1]}"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "pip install 'newsarchive[parquet]'" in result.stderr


def test_no_progress_bar_off_terminal_and_clear_errors(built_archive, tmp_path):
    result = newsarchive("export", "--format", "jsonl", "-o", str(tmp_path / "x.jsonl"), db=built_archive)
    assert result.returncode == 0 and result.stderr == ""
    result = newsarchive("export", "--format", "jsonl", db=tmp_path / "missing.db", cwd=tmp_path)
    assert result.returncode == 1 and "no archive at" in result.stderr
    result = newsarchive("export", "--format", "xml", db=built_archive)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    result = newsarchive("export", "--format", "jsonl", "-o", str(tmp_path), db=built_archive)
    assert result.returncode == 1 and "must name a file" in result.stderr
    result = newsarchive("export", "--format", "csv", "-o", str(tmp_path / "x.jsonl"), db=built_archive)
    assert result.returncode == 1 and "must name a folder" in result.stderr


def test_show_marks_removed_and_edited_comments(built_archive):
    text = ok(newsarchive("show", SAHEL, db=built_archive))
    assert "#11 Moussa Keïta — 2024-06-01T10:01:00Z [edited 1×, last 2024-06-20]" in text
    assert "#14 Awa — 2024-06-01T10:04:00Z [removed 2024-06-20: no longer on the site]" in text
    assert "        #13 Oumar" in text  # depth 3: two indentation steps
    document = json.loads(ok(newsarchive("show", SAHEL, "--json", db=built_archive)))
    first, removed = document["comments"]
    assert (first["edited"], first["edits"], removed["removed_at"]) == (True, 1, "2024-06-20T12:00:00Z")
    assert first["replies"][0]["replies"][0]["comment_id"] == "13"
