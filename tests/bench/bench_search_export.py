"""Benchmark: search latency and export throughput on a synthetic archive, beside plain sqlite3.

Run: .venv/bin/python tests/bench/bench_search_export.py [--comments 100000] [--db PATH]
     .venv/bin/python tests/bench/bench_search_export.py --comments 1000000 --no-export
The archive is built once through store.store_article, as a crawl leaves it (see ``build``), and
kept at --db for later runs. The target: top-10 search p50 < 20 ms and p99 < 200 ms on a
million comments, common words included; the baseline is the obvious query (MATCH, join, ORDER BY
bm25, LIMIT 10, snippet).
"""
from __future__ import annotations

import argparse
import csv
import itertools
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from newsarchive.db import open_archive, store
from newsarchive.export import export_archive
from newsarchive.items import Article, Comment
from newsarchive.search import fts_expression, search

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import recorded  # noqa: E402

COMMENTS_PER_ARTICLE = 50
BATCH_ARTICLES = 50  # as a crawl commits (settings.NEWSARCHIVE_BATCH_ARTICLES)
STEMS = ("sécurité armée transition élection président ministre gouvernement peuple bamako "
         "kidal mopti tombouctou gao ségou sikasso coopération russie france terroristes "
         "jihadistes économie école santé hôpital route électricité coupure délestage prix "
         "riz mil marché commerçant jeunesse chômage université étudiant grève syndicat "
         "justice tribunal corruption détournement fonds budget impôt douane frontière "
         "réfugiés déplacés humanitaire négociation accord paix dialogue réconciliation "
         "religion imam mosquée fête tabaski ramadan football équipe aigles championnat").split()
COMMON = "le la les de des du un une et à en pour que qui dans sur pas est il nous vous ce".split()
NAMES = ["Amadou Diallo", "Fatoumata Traoré", "Moussa Keïta", "Aïssata Coulibaly", "Oumar Sangaré",
         "Mariam Touré", "Ibrahim Cissé", "Kadiatou Maïga", "Sékou Koné", "Awa Dembélé"]


def vocabulary(size: int = 5000) -> list[str]:
    """A Zipf-ordered vocabulary: common French words first, then stems and their variants."""
    rng = random.Random(7)
    words = list(COMMON) + list(STEMS)
    while len(words) < size:
        words.append(rng.choice(STEMS)[:rng.randint(3, 6)] + "".join(
            rng.choice("aeioubcdfgklmnprstéè") for _ in range(rng.randint(2, 5))))
    return words


def sentence(rng: random.Random, words: list[str], weights: list[float], n: int) -> str:
    return " ".join(rng.choices(words, cum_weights=weights, k=n)).capitalize() + "."


def synthetic_article(number: int, rng: random.Random, words: list[str], weights: list[float]) -> Article:
    comments, ids = [], []
    for position in range(COMMENTS_PER_ARTICLE):
        parent = rng.choice(ids) if ids and rng.random() < 0.4 else None
        depth = 1 if parent is None else next(c.depth for c in comments if c.comment_id == parent) + 1
        cid = f"{number}{position:03d}"
        ids.append(cid)
        text = "\n\n".join(sentence(rng, words, weights, rng.randint(8, 30)) for _ in range(rng.randint(1, 3)))
        comments.append(Comment(comment_id=cid, parent_comment_id=parent, depth=depth, position=position,
                                author_name=rng.choice(NAMES), text=text, text_html=f"<p>{text}</p>",
                                date_published=f"2024-{1 + number % 12:02d}-{1 + position % 28:02d}T10:00:00Z"))
    body = "\n\n".join(sentence(rng, words, weights, 40) for _ in range(6))
    return Article(url=f"https://bench.example/actualite/article-{number}.html", site="bench.example",
                   headline=sentence(rng, words, weights, 10), article_body=body,
                   article_body_html=body, authors=[rng.choice(NAMES)],
                   date_published=f"2024-{1 + number % 12:02d}-15T08:00:00Z", comments=comments)


def build(path: Path, comments: int) -> None:
    """Fill a new archive with ``comments`` comments through store.store_article, left as a crawl
    leaves it: articles committed in batches of BATCH_ARTICLES, the article index merged at the end
    (``store.merge_article_index``), the comment index as FTS5's own merging keeps it."""
    conn = open_archive(path).conn
    conn.execute("PRAGMA synchronous = OFF")
    words = vocabulary()
    weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(words))))
    rng = random.Random(42)
    started = time.perf_counter()
    for number in range(comments // COMMENTS_PER_ARTICLE):
        if number % BATCH_ARTICLES == 0:
            store.commit_batch(conn)
            store.begin_batch(conn)
        store.store_article(conn, synthetic_article(number, rng, words, weights), "2024-12-01T00:00:00Z")
        if number % 2000 == 0:
            print(f"  built {number * COMMENTS_PER_ARTICLE} comments", file=sys.stderr)
    store.commit_batch(conn)
    merged = store.merge_article_index(conn)
    print(f"built {comments} comments in {time.perf_counter() - started:.0f} s"
          f" (article index merged in {merged} steps)", file=sys.stderr)


QUERIES = {"single word": "sécurité", "common word": "les", "two words": "armée bamako",
           "rare word": "{rare}", "common + rare": "les {rare}", "phrase": '"la transition"',
           "prefix": "élect*", "short prefix": "co*", "accent-folded": "securite"}


def queries_for(words: list[str]) -> dict[str, str]:
    """The benchmark queries, the rare word taken from the vocabulary's tail (~0.1% of comments)."""
    return {label: query.replace("{rare}", words[3000]) for label, query in QUERIES.items()}


def timed(fn, runs: int) -> tuple[float, float]:
    """p50 and p99 in milliseconds of ``runs`` calls."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]


def baseline_search(conn: sqlite3.Connection, expression: str) -> list:
    """Plain sqlite3: the obvious query, joined and ranked, with a snippet."""
    return conn.execute(
        "SELECT c.id, snippet(comments_fts, 0, '[', ']', '…', 16) FROM comments_fts"
        " JOIN comments c ON c.id = comments_fts.rowid WHERE comments_fts MATCH ?"
        " ORDER BY bm25(comments_fts) LIMIT 10", (expression,)).fetchall()


def bench_search(path: Path, runs: int, baseline_runs: int) -> None:
    ours_conn = open_archive(path).conn
    raw = sqlite3.connect(path)
    print(f"\nsearch, top 10 (ours {runs} runs, sqlite3 {baseline_runs})"
          "   ours p50 / p99       sqlite3 p50 / p99")
    for label, query in queries_for(vocabulary()).items():
        expression = fts_expression(query)
        ours = timed(lambda: search(ours_conn, query, limit=10), runs)
        base = timed(lambda: baseline_search(raw, expression), baseline_runs)
        verdict = "ok" if ours[0] < 20 and ours[1] < 200 else "over target"
        print(f"  {label:<14} {query!r:<18} {ours[0]:7.1f} / {ours[1]:7.1f} ms"
              f"   {base[0]:7.1f} / {base[1]:7.1f} ms   x{base[0] / max(ours[0], 0.01):.0f} {verdict}")


def baseline_csv(path: Path, out: Path) -> int:
    """Plain sqlite3: SELECT the comments and write them with csv.writer."""
    conn = sqlite3.connect(path)
    cursor = conn.execute("SELECT c.*, a.url AS article_url FROM comments c"
                          " JOIN articles a ON a.id = c.article_id ORDER BY c.article_id, c.position")
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([d[0] for d in cursor.description])
        rows = 0
        for row in cursor:
            writer.writerow(row)
            rows += 1
    return rows


def bench_export(path: Path, comments: int) -> None:
    print("\nexport (comments/s)")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("jsonl", "csv"):
            started = time.perf_counter()
            export_archive(open_archive(path).conn, fmt, Path(tmp) / f"out.{fmt}")
            elapsed = time.perf_counter() - started
            print(f"  ours {fmt:<6} {comments / elapsed:10,.0f} comments/s ({elapsed:.1f} s)")
        started = time.perf_counter()
        rows = baseline_csv(path, Path(tmp) / "baseline.csv")
        elapsed = time.perf_counter() - started
        print(f"  sqlite3 SELECT + csv.writer (comments only) {rows / elapsed:10,.0f} comments/s"
              f" ({elapsed:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=None, help="archive to build or reuse")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--baseline-runs", type=int, default=20,
                        help="the plain query takes seconds on a million comments")
    parser.add_argument("--no-export", action="store_true")
    args = parser.parse_args()
    path = args.db or Path(tempfile.gettempdir()) / f"newsarchive-bench-{args.comments}.db"
    if not path.exists():
        build(path, args.comments)
    print(f"archive {path}: {args.comments:,} comments, {os.path.getsize(path) / 1e6:.0f} MB")
    bench_search(path, args.runs, args.baseline_runs)
    if not args.no_export:
        bench_export(path, args.comments)


if __name__ == "__main__":
    with recorded("bench_search_export"):
        main()
