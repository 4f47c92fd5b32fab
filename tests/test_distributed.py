"""Past one machine: a coordinator and `newsarchive worker` processes through a private Redis archive the replica's truth."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsarchive.replica import serve, synthetic_site
from newsarchive.replica.model import walk

from conftest import FAST_CRAWL, REPO, run_cli

ARTICLES = 200
FIRST_ID = 4_000_000  # synthetic_site's first article id
WORKER_SETTINGS = [*FAST_CRAWL, "-s", "NEWSARCHIVE_EXTRACT_PROCESSES=0", "-s", "NEWSARCHIVE_JOB_TIMEOUT=5"]


def _env() -> dict:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("NEWSARCHIVE_DB", None)
    return env


def _start(args: list[str], log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen([sys.executable, "-m", "newsarchive", *args], cwd=REPO, env=_env(),
                                stdout=out, stderr=subprocess.STDOUT)


def _workers(redis_url: str, folder: Path, count: int) -> list[subprocess.Popen]:
    return [_start(["worker", "--redis", redis_url, *WORKER_SETTINGS], folder / f"worker{i}.log")
            for i in range(count)]


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _coordinate(db: Path, base_url: str, redis_url: str, *args: str) -> subprocess.CompletedProcess:
    return run_cli("crawl", "maliweb", "-a", f"base_url={base_url}", *args, *FAST_CRAWL, "--redis", redis_url,
                   db=db, timeout=600)


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def _wait_for(db: Path, articles: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 300
    while _count(db) < articles and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _count(db) >= articles, f"only {_count(db)} articles archived"


def _expected_threads(site) -> dict[str, set[tuple[str, str | None]]]:
    threads = {}
    for index in range(ARTICLES):
        article = site.store.article(FIRST_ID + index)
        threads[article.path] = {(str(c.id), str(parent) if parent else None)
                                 for c, parent, _ in walk(article.comments)}
    return threads


def _archived_threads(db: Path, base_url: str) -> dict[str, set[tuple[str, str | None]]]:
    """Each archived article's (comment, parent) pairs; fails on an article or comment archived twice."""
    with sqlite3.connect(db) as conn:
        urls = [r[0] for r in conn.execute("SELECT url FROM articles")]
        rows = conn.execute("SELECT a.url, c.comment_id, p.comment_id FROM comments c"
                            " JOIN articles a ON a.id = c.article_id"
                            " LEFT JOIN comments p ON p.id = c.parent_id").fetchall()
    assert len(set(urls)) == len(urls), "an article archived twice"
    threads = {url[len(base_url):]: set() for url in urls}
    for url, comment_id, parent in rows:
        threads[url[len(base_url):]].add((comment_id, parent))
    assert sum(map(len, threads.values())) == len(rows), "a comment archived twice"
    return threads


def _last_crawl(db: Path) -> dict:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        row = dict(conn.execute("SELECT * FROM crawls ORDER BY id DESC LIMIT 1").fetchone())
    row["stats"] = json.loads(row["stats"])
    return row


@pytest.fixture
def site():
    return synthetic_site(ARTICLES)


def test_three_workers_archive_the_site_then_revisit_it(tmp_path, redis_url, site):
    db = tmp_path / "archive.db"
    with serve(site) as served:
        workers = _workers(redis_url, tmp_path, 3)
        try:
            started = time.monotonic()
            result = _coordinate(db, served.base_url, redis_url)
            first_run = time.monotonic() - started
            assert result.returncode == 0
            assert _archived_threads(db, served.base_url) == _expected_threads(site)
            assert "newsarchive/jobs_sent" in _last_crawl(db)["stats"]

            served.requests.clear()
            revisit = _coordinate(db, served.base_url, redis_url, "-a", "revisit=all")
            refetched = {path.split("/comment-page-")[0] for path in served.requested_paths()}
        finally:
            _stop(workers)
    print(f"{ARTICLES} articles by 3 workers in {first_run:.1f}s")
    assert revisit.returncode == 0
    assert set(_expected_threads(site)) <= refetched, "a revisit was not sent to the workers"
    assert _last_crawl(db)["stats"]["newsarchive/articles_stored"] == ARTICLES
    assert _archived_threads(db, served.base_url) == _expected_threads(site)


def test_a_worker_and_the_coordinator_killed_lose_nothing(tmp_path, redis_url, site):
    db = tmp_path / "archive.db"
    with serve(site) as served:
        workers = _workers(redis_url, tmp_path, 3)
        try:
            coordinator = _start(["--db", str(db), "crawl", "maliweb", "-a", f"base_url={served.base_url}",
                                  *FAST_CRAWL, "--redis", redis_url], tmp_path / "coordinator.log")
            _wait_for(db, 50, coordinator)
            coordinator.send_signal(signal.SIGKILL)
            assert coordinator.wait(timeout=30) == -signal.SIGKILL
            killed_at = _count(db)

            restarted = _start(["--db", str(db), "crawl", "maliweb", "-a", f"base_url={served.base_url}",
                                *FAST_CRAWL, "--redis", redis_url], tmp_path / "restarted.log")
            _wait_for(db, killed_at + 40, restarted)
            workers[0].send_signal(signal.SIGKILL)
            assert restarted.wait(timeout=600) == 0, (tmp_path / "restarted.log").read_text()[-3000:]
        finally:
            _stop([*workers, coordinator, *([restarted] if "restarted" in locals() else [])])
    stats = _last_crawl(db)["stats"]
    print(f"coordinator killed at {killed_at} articles; after the restart: {stats.get('newsarchive/jobs_redelivered')}"
          f" jobs delivered again, {stats.get('newsarchive/results_duplicate')} duplicate results")
    assert _last_crawl(db)["status"] == "finished"
    assert _archived_threads(db, served.base_url) == _expected_threads(site)
    assert stats.get("newsarchive/jobs_redelivered", 0) >= 1, "the killed worker's jobs were not delivered again"
