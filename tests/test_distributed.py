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

from conftest import FAST_CRAWL, MALIWEB, REPO, run_cli
from test_resume_sigkill import _archived_threads, _count

ARTICLES = 200
FIRST_ID = 4_000_000  # synthetic_site's first article id
SLOW_WORKER = ["-s", "DOWNLOAD_DELAY=0.5"]
"""Workers slow enough that the crawl still has jobs to send when a worker is killed or resumed."""
WORKER_SETTINGS = [*FAST_CRAWL, "-s", "NEWSARCHIVE_EXTRACT_PROCESSES=0", "-s", "NEWSARCHIVE_JOB_TIMEOUT=5"]


def _env() -> dict:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("NEWSARCHIVE_DB", None)
    return env


def _start(args: list[str], log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen([sys.executable, "-m", "newsarchive", *args], cwd=REPO, env=_env(),
                                stdout=out, stderr=subprocess.STDOUT)


def _workers(redis_url: str, folder: Path, count: int, *settings: str) -> list[subprocess.Popen]:
    return [_start(["worker", "--redis", redis_url, *WORKER_SETTINGS, *settings], folder / f"worker{i}.log")
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


def _wait_for(db: Path, articles: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 300
    while _count(db) < articles and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _count(db) >= articles, f"only {_count(db)} articles archived"


def _expected_threads(site) -> dict[str, set[tuple[str, str | None]]]:
    threads = {}
    for index in range(site.store.n):
        article = site.store.article(FIRST_ID + index)
        threads[article.path] = {(str(c.id), str(parent) if parent else None)
                                 for c, parent, _ in walk(article.comments)}
    return threads


def _assert_archive_is_the_site(db: Path, site) -> None:
    """Every article and comment of the site archived once, each comment under its parent."""
    archived = _archived_threads(db)
    assert archived == _expected_threads(site)
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT COUNT(*) FROM comments").fetchone()[0]
    assert rows == sum(map(len, archived.values())), "a comment archived twice"


def _last_crawl(db: Path) -> dict:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        row = dict(conn.execute("SELECT * FROM crawls ORDER BY id DESC LIMIT 1").fetchone())
    row["stats"] = json.loads(row["stats"])
    return row


@pytest.fixture
def site():
    return synthetic_site(ARTICLES)


def _mark_seen(redis_url: str, urls: list[str]) -> None:
    """``urls`` seen by scrapy-redis's shared dupefilter, as by a crawl that requested them through it."""
    from scrapy import Request
    from scrapy_redis.dupefilter import RFPDupeFilter

    from newsarchive.distributed import keys

    seen = RFPDupeFilter(keys.connect(redis_url), keys.DUPEFILTER)
    assert not any([seen.request_seen(Request(url)) for url in urls])
    assert all(seen.request_seen(Request(url)) for url in urls)


def test_three_workers_archive_the_site_then_revisit_it(tmp_path, redis_url, site):
    db = tmp_path / "archive.db"
    with serve(site) as served:
        workers = _workers(redis_url, tmp_path, 3)
        try:
            started = time.monotonic()
            result = _coordinate(db, served.base_url, redis_url)
            first_run = time.monotonic() - started
            assert result.returncode == 0
            _assert_archive_is_the_site(db, site)
            assert "newsarchive/jobs_sent" in _last_crawl(db)["stats"]

            served.requests.clear()
            _mark_seen(redis_url, [MALIWEB + path for path in _expected_threads(site)])
            revisit = _coordinate(db, served.base_url, redis_url, "-a", "revisit=all")
            refetched = {path.split("/comment-page-")[0] for path in served.requested_paths()}
        finally:
            _stop(workers)
    print(f"{ARTICLES} articles by 3 workers in {first_run:.1f}s")
    assert revisit.returncode == 0
    assert set(_expected_threads(site)) <= refetched, "a revisit was not sent to the workers"
    assert _last_crawl(db)["stats"]["newsarchive/articles_stored"] == ARTICLES
    _assert_archive_is_the_site(db, site)


def _coordinator(db: Path, base_url: str, redis_url: str, log: Path) -> subprocess.Popen:
    return _start(["--db", str(db), "crawl", "maliweb", "-a", f"base_url={base_url}", *FAST_CRAWL,
                   "--redis", redis_url], log)


def test_a_worker_and_the_coordinator_killed_lose_nothing(tmp_path, redis_url, site):
    db = tmp_path / "archive.db"
    with serve(site) as served:
        workers = _workers(redis_url, tmp_path, 3, *SLOW_WORKER)
        coordinators = [_coordinator(db, served.base_url, redis_url, tmp_path / "coordinator.log")]
        try:
            _wait_for(db, 20, coordinators[0])
            coordinators[0].send_signal(signal.SIGKILL)
            assert coordinators[0].wait(timeout=30) == -signal.SIGKILL
            killed_at = _count(db)

            coordinators.append(_coordinator(db, served.base_url, redis_url, tmp_path / "restarted.log"))
            _wait_for(db, ARTICLES * 3 // 5, coordinators[1])
            workers[0].send_signal(signal.SIGKILL)
            assert coordinators[1].wait(timeout=600) == 0, (tmp_path / "restarted.log").read_text()[-3000:]
        finally:
            _stop([*workers, *coordinators])
    stats = _last_crawl(db)["stats"]
    print(f"coordinator killed at {killed_at} articles; after the restart: {stats.get('newsarchive/jobs_redelivered')}"
          f" jobs delivered again, {stats.get('newsarchive/results_duplicate')} duplicate results")
    assert _last_crawl(db)["status"] == "finished"
    _assert_archive_is_the_site(db, site)
    assert stats.get("newsarchive/jobs_redelivered", 0) >= 1, "the killed worker's jobs were not delivered again"


def _capture_fetch_counts(db: Path) -> list[int]:
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute("SELECT fetch_count FROM captures WHERE url = article_url")]


def test_a_job_delivered_again_is_stored_once(tmp_path, redis_url):
    """A worker paused past NEWSARCHIVE_JOB_TIMEOUT: its jobs go to another worker, and its late
    results, once it resumes, are not stored a second time."""
    site = synthetic_site(ARTICLES)
    db = tmp_path / "archive.db"
    with serve(site) as served:
        workers = _workers(redis_url, tmp_path, 1)
        coordinator = _coordinator(db, served.base_url, redis_url, tmp_path / "coordinator.log")
        try:
            _wait_for(db, 5, coordinator)
            workers[0].send_signal(signal.SIGSTOP)
            workers.append(_start(["worker", "--redis", redis_url, *WORKER_SETTINGS, *SLOW_WORKER],
                                  tmp_path / "second.log"))  # slow: the crawl goes on once the first resumes
            time.sleep(10)  # past the paused worker's leases (NEWSARCHIVE_JOB_TIMEOUT=5)
            workers[0].send_signal(signal.SIGCONT)
            assert coordinator.wait(timeout=600) == 0, (tmp_path / "coordinator.log").read_text()[-3000:]
        finally:
            _stop([*workers, coordinator])
    stats = _last_crawl(db)["stats"]
    print(f"{stats.get('newsarchive/jobs_redelivered')} jobs delivered again,"
          f" {stats.get('newsarchive/results_duplicate')} late results not stored again")
    assert stats.get("newsarchive/jobs_redelivered", 0) >= 1
    assert stats.get("newsarchive/results_duplicate", 0) >= 1
    _assert_archive_is_the_site(db, site)
    assert set(_capture_fetch_counts(db)) == {1}, "an article page stored twice"


def test_a_crawl_without_redis_does_not_import_it(tmp_path):
    db = tmp_path / "archive.db"
    with serve(synthetic_site(5)) as served:
        code = ("import sys; from newsarchive.runner import LOCAL_REPLICA_SETTINGS, run_crawl;"
                f" run_crawl({str(db)!r}, 'maliweb', {{'base_url': {served.base_url!r}}}, LOCAL_REPLICA_SETTINGS);"
                " print(sorted(m for m in sys.modules if m.split('.')[0] in ('redis', 'scrapy_redis')))")
        child = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=_env(), capture_output=True,
                               text=True, timeout=300)
    assert child.returncode == 0, child.stderr[-3000:]
    assert child.stdout.strip() == "[]"
    assert _count(db) == 5


def test_a_scheduled_crawl_is_a_coordinator(tmp_path, redis_url):
    db = tmp_path / "archive.db"
    site = synthetic_site(10)
    with serve(site) as served:
        workers = _workers(redis_url, tmp_path, 1)
        try:
            run_cli("schedule", "add", "maliweb", "--every", "1h", "-a", f"base_url={served.base_url}", *FAST_CRAWL,
                    "-s", f"NEWSARCHIVE_REDIS_URL={redis_url}", db=db)
            ran = run_cli("schedule", "run", "--once", db=db, timeout=300)
        finally:
            _stop(workers)
    assert "schedule 1: ok" in ran.stderr
    assert _last_crawl(db)["stats"]["newsarchive/jobs_sent"] == 10
    _assert_archive_is_the_site(db, site)
