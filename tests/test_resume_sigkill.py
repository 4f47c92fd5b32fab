"""Resume: a crawl killed with SIGKILL part-way resumes on the next run, nothing lost or duplicated."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from newsarchive.replica import serve, synthetic_site
from newsarchive.replica.model import walk

from conftest import FAST_CRAWL, MALIWEB, REPO, run_cli

ARTICLES = 300
KILL_AT = 100


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def _crawl_then_kill(db: Path, base_url: str) -> int:
    """Start a real crawl, SIGKILL it once KILL_AT articles are stored; returns how many were."""
    env = {**os.environ}
    env.pop("NEWSARCHIVE_DB", None)
    child = subprocess.Popen([sys.executable, "-m", "newsarchive", "--db", str(db), "crawl", "maliweb",
                              "-a", f"base_url={base_url}", *FAST_CRAWL], cwd=REPO, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while _count(db) < KILL_AT and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    assert child.wait(timeout=30) == -signal.SIGKILL
    return _count(db)


def _expected_threads(site) -> dict[str, set[tuple[str, str | None]]]:
    store = site.store
    threads = {}
    for index in range(ARTICLES):
        article = store.article(4_000_000 + index)
        threads[article.path] = {(str(c.id), str(parent) if parent else None)
                                 for c, parent, _ in walk(article.comments)}
    return threads


def _archived_threads(db: Path) -> dict[str, set[tuple[str, str | None]]]:
    """Each archived article's path on the site, with its comments and their parents."""
    with sqlite3.connect(db) as conn:
        urls = [r[0] for r in conn.execute("SELECT url FROM articles")]
        rows = conn.execute("SELECT a.url, c.comment_id, p.comment_id FROM comments c"
                            " JOIN articles a ON a.id = c.article_id"
                            " LEFT JOIN comments p ON p.id = c.parent_id").fetchall()
    threads = {url[len(MALIWEB):]: set() for url in urls}
    for url, comment_id, parent in rows:
        threads[url[len(MALIWEB):]].add((comment_id, parent))
    assert len(threads) == len(urls)  # every URL once
    return threads


def test_sigkill_mid_crawl_then_resume(tmp_path):
    db = tmp_path / "archive.db"
    site = synthetic_site(ARTICLES)
    with serve(site) as served:
        stored = _crawl_then_kill(db, served.base_url)
        assert KILL_AT <= stored < ARTICLES, f"killed with {stored} articles stored"
        after_kill = set(_archived_threads(db))
        served.requests.clear()
        started = time.monotonic()
        run_cli("crawl", "maliweb", "-a", f"base_url={served.base_url}", *FAST_CRAWL, db=db)
        print(f"killed at {stored}/{ARTICLES} articles; the resumed run took "
              f"{time.monotonic() - started:.1f}s and made {len(served.requests)} requests")
        refetched = {p.split("/comment-page-")[0] for p in served.requested_paths()} & after_kill
    assert not refetched, "articles stored before the kill were fetched again"
    assert _archived_threads(db) == _expected_threads(site)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        reasons = [r[0] for r in conn.execute("SELECT finish_reason FROM crawls ORDER BY id")]
    assert reasons == [None, "finished"]  # the killed crawl never finished; the resumed one did
