"""Faults against real crawls (failed writes, an outage, kills, Ctrl-C): the exit code and crawl status say
so, nothing is lost from the plan, and one more plain crawl makes the archive equal the site."""
from __future__ import annotations

import os
import re
import resource
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import FAST_CRAWL, MALIWEB, REPO
from newsarchive.replica import Resource, Site, serve, synthetic_site
from newsarchive.replica.model import walk
from newsarchive.replica.synthetic import BASE_ID

QUIET = [*FAST_CRAWL, "-s", "LOG_LEVEL=WARNING"]


def crawl_command(db: Path, base_url: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "newsarchive", "--db", str(db), "crawl", "maliweb",
            "-a", f"base_url={base_url}", *QUIET, *extra]


def crawl(db: Path, base_url: str, *extra: str, preexec_fn=None) -> subprocess.CompletedProcess:
    """A real ``newsarchive crawl`` to its end."""
    started = time.monotonic()
    result = subprocess.run(crawl_command(db, base_url, *extra), cwd=REPO, env=_env(), capture_output=True,
                            text=True, timeout=300, preexec_fn=preexec_fn)
    print(f"crawl exit {result.returncode} after {time.monotonic() - started:.1f}s: {result.stdout.strip()[:300]}")
    return result


def start(db: Path, base_url: str, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(crawl_command(db, base_url, *extra), cwd=REPO, env=_env(), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _env() -> dict:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("NEWSARCHIVE_DB", None)
    return env


def query(db: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as conn:
        return conn.execute(sql, params).fetchall()


def count_articles(db: Path) -> int:
    try:
        return query(db, "SELECT count(*) FROM articles")[0][0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def wait_for_articles(db: Path, child: subprocess.Popen, at_least: int) -> None:
    deadline = time.monotonic() + 120
    while count_articles(db) < at_least and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert child.poll() is None, f"the crawl ended before storing {at_least} articles"


def truth(site, n: int) -> dict[str, set[tuple[str, str | None]]]:
    """Every article path of the replica -> its whole thread as (comment id, parent id) pairs."""
    threads = {}
    for index in range(n):
        article = site.store.article(BASE_ID + index)
        threads[article.path] = {(str(c.id), str(parent) if parent else None) for c, parent, _ in walk(article.comments)}
    return threads


def archived(db: Path) -> dict[str, set[tuple[str, str | None]]]:
    """The archive as ``truth`` has it: live comments only (a comment marked removed is missing)."""
    urls = [url for url, in query(db, "SELECT url FROM articles")]
    threads = {url[len(MALIWEB):]: set() for url in urls}
    assert len(threads) == len(urls)
    for url, comment_id, parent in query(
            db, "SELECT a.url, c.comment_id, p.comment_id FROM comments c JOIN articles a ON a.id = c.article_id"
                " LEFT JOIN comments p ON p.id = c.parent_id WHERE c.removed_at IS NULL"):
        threads[url[len(MALIWEB):]].add((comment_id, parent))
    return threads


def last_crawl(db: Path) -> tuple:
    return query(db, "SELECT status, status_reason, finish_reason FROM crawls ORDER BY id DESC LIMIT 1")[0]


def pending(db: Path) -> list[tuple]:
    return query(db, "SELECT url, kind, attempts, last_error FROM frontier WHERE state = 'pending'")


class Outage(Site):
    """The replica, or every page answering 503 (with a Retry-After no crawl waits for) while down."""

    def __init__(self, site: Site):
        self.site, self.down = site, threading.Event()
        self.requests = 0
        self._lock = threading.Lock()

    def resolve(self, path_and_query: str, base_url: str) -> Resource | None:
        with self._lock:
            self.requests += 1
        if self.down.is_set():
            return Resource(503, b"<h1>Service Unavailable</h1>", headers=[("Retry-After", "3600")])
        return self.site.resolve(path_and_query, base_url)

    def not_found(self, base_url: str) -> Resource:
        return self.site.not_found(base_url)

    def go_down_after(self, requests: int, seconds: float) -> None:
        """Down once ``requests`` requests were answered, for ``seconds`` (a watcher thread)."""
        def watch():
            while self.requests < requests:
                time.sleep(0.005)
            self.down.set()
            time.sleep(seconds)
            self.down.clear()
        threading.Thread(target=watch, daemon=True).start()


def test_failing_writes_stop_the_crawl_then_a_plain_crawl_completes(tmp_path):
    site = synthetic_site(40, seed=5, comment_share=0.8)  # about 2.5 MB archived

    def file_size_limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails (EFBIG) instead of killing us
        resource.setrlimit(resource.RLIMIT_FSIZE, (2_000_000, 2_000_000))

    db = tmp_path / "archive.db"
    with serve(site) as served:
        faulty = crawl(db, served.base_url, "-s", "NEWSARCHIVE_BATCH_ARTICLES=5", preexec_fn=file_size_limit)
        assert faulty.returncode == 1, faulty.stderr[-3000:]
        status, reason, finish_reason = last_crawl(db)
        assert (status, finish_reason) == ("failed", "archive_write_failed")  # stopped at once
        assert reason.startswith("archive write failed") and f"{status} ({reason})" in faulty.stdout
        stored = int(re.search(r"(\d+) articles stored", faulty.stdout).group(1))
        assert 0 < stored == count_articles(db) < 40  # the summary says what the archive holds

        again = crawl(db, served.base_url)
        assert again.returncode == 0, again.stdout + again.stderr[-3000:]
        assert last_crawl(db)[0] == "finished"
        assert archived(db) == truth(site, 40)
        assert pending(db) == []


def test_site_down_mid_crawl_is_incomplete_then_a_plain_crawl_completes(tmp_path):
    site = synthetic_site(60, seed=7, comment_share=0.9)
    outage = Outage(site)
    db = tmp_path / "archive.db"
    with serve(outage) as served:
        outage.go_down_after(requests=40, seconds=3)
        down = crawl(db, served.base_url)
        assert down.returncode == 3, down.stdout + down.stderr[-3000:]
        status, reason, finish_reason = last_crawl(db)
        assert (status, finish_reason) == ("incomplete", "finished"), reason
        assert "pending for the next crawl" in reason and "incomplete" in down.stdout
        left = pending(db)
        assert left and all(attempts >= 1 and error for _, _, attempts, error in left if attempts), left
        assert count_articles(db) < 60
        assert query(db, "SELECT count(*) FROM failures WHERE reason LIKE '%503%'")[0][0] > 0

        while outage.down.is_set():
            time.sleep(0.05)
        again = crawl(db, served.base_url)
        assert again.returncode == 0, again.stdout + again.stderr[-3000:]
        assert last_crawl(db)[0] == "finished"
        assert archived(db) == truth(site, 60)
        assert pending(db) == []


def test_site_unreachable_is_incomplete_never_finished(tmp_path):
    with serve(synthetic_site(5)) as served:
        base_url = served.base_url
    result = crawl(tmp_path / "archive.db", base_url)  # nothing listens there any more
    assert result.returncode == 3, result.stdout + result.stderr[-2000:]
    status, reason, _ = last_crawl(tmp_path / "archive.db")
    assert status == "incomplete"
    assert reason.startswith("reached nothing") or "pending" in reason
    assert {kind for _, kind, _, _ in pending(tmp_path / "archive.db")} >= {"listing", "feed", "sitemap"}


class SlowPaths(Site):
    """The replica, the answers of paths starting with one of ``prefixes`` ``seconds`` late."""

    def __init__(self, site: Site, prefixes: tuple[str, ...], seconds: float):
        self.site, self.prefixes, self.seconds = site, prefixes, seconds

    def resolve(self, path_and_query: str, base_url: str) -> Resource | None:
        if path_and_query.startswith(self.prefixes):
            time.sleep(self.seconds)
        return self.site.resolve(path_and_query, base_url)

    def not_found(self, base_url: str) -> Resource:
        return self.site.not_found(base_url)


def test_a_pending_sitemap_read_before_its_index_is_not_left_pending(tmp_path):
    db = tmp_path / "archive.db"
    with serve(SlowPaths(synthetic_site(20, seed=4), ("/wp-sitemap.xml",), 1.5)) as served:
        assert crawl(db, served.base_url).returncode == 0
        children = [url for url, in query(db, "SELECT url FROM frontier WHERE kind = 'sitemap'")]
        assert children, "the sitemap index named no sitemap"
        with sqlite3.connect(db) as conn:  # what a crawl killed after reading the index leaves
            conn.execute("UPDATE frontier SET state = 'pending' WHERE kind = 'sitemap'")
        conn.close()
        again = crawl(db, served.base_url)  # asks for them first, and reads the slow index after
        assert again.returncode == 0, again.stdout + again.stderr[-3000:]
        assert pending(db) == []
        assert last_crawl(db)[0] == "finished"


class RenamedArticle(Site):
    """The replica with one article under a new URL: its old one answers 301 to it, and the home
    page links the old one (``home_links_old``) or both."""

    def __init__(self, site: Site, old: str, new: str, home_links_old: bool):
        self.site, self.old, self.new, self.home_links_old = site, old, new, home_links_old

    def resolve(self, path_and_query: str, base_url: str) -> Resource | None:
        if path_and_query == self.old:
            return Resource(301, b"", headers=[("Location", base_url + self.new)])
        found = self.site.resolve(path_and_query, base_url)
        if path_and_query != "/" or found is None:
            return found
        old_link = f'<a href="{base_url}{self.old}">old</a>'.encode()
        body = (found.body.replace((base_url + self.new).encode(), (base_url + self.old).encode())
                if self.home_links_old else found.body.replace(b"</body>", old_link + b"</body>"))
        return Resource(found.status, body, found.content_type, found.headers)

    def not_found(self, base_url: str) -> Resource:
        return self.site.not_found(base_url)


@pytest.mark.parametrize("home_links_old, late", [(False, 0.0), (True, 2.0)],
                         ids=["old-url-after-the-new", "new-url-after-the-old"])
def test_an_article_reached_by_its_old_and_new_urls_leaves_nothing_pending(tmp_path, home_links_old, late):
    site = synthetic_site(5, seed=1)
    new = site.store.article(BASE_ID + 4).path
    db = tmp_path / "archive.db"
    renamed = RenamedArticle(site, f"/sport/ancien-titre-{BASE_ID + 4}.html", new, home_links_old)
    with serve(SlowPaths(renamed, ("/feed/", "/wp-sitemap"), late)) as served:  # discovery answers late
        result = crawl(db, served.base_url)
        assert result.returncode == 0, result.stdout + result.stderr[-3000:]
        assert pending(db) == []
        assert query(db, "SELECT count(*) FROM articles WHERE url LIKE ?", f"%-{BASE_ID + 4}.html") == [(1,)]
        assert query(db, "SELECT url FROM articles WHERE post_id = ?", str(BASE_ID + 4)) == [(MALIWEB + new,)]


def test_revisit_killed_mid_way_marks_no_comment_removed(tmp_path):
    n = 80
    site = synthetic_site(n, seed=11, comment_share=0.9)
    db = tmp_path / "archive.db"
    with serve(site) as served:
        assert crawl(db, served.base_url).returncode == 0
        visits_before = query(db, "SELECT count(*) FROM captures")[0][0]
        revisit = start(db, served.base_url, "-a", "revisit=all")
        deadline = time.monotonic() + 60
        while query(db, "SELECT sum(fetch_count) FROM captures")[0][0] < visits_before + 20 and time.monotonic() < deadline:
            assert revisit.poll() is None, "the revisit crawl ended before it was killed"
            time.sleep(0.01)
        revisit.send_signal(signal.SIGKILL)
        assert revisit.wait(timeout=30) == -signal.SIGKILL
        assert query(db, "SELECT count(*) FROM comments WHERE removed_at IS NOT NULL")[0][0] == 0
        assert query(db, "SELECT count(*) FROM comment_events WHERE kind = 'removed'")[0][0] == 0
        assert pending(db), "the killed revisit left what it had not done pending"

        again = crawl(db, served.base_url)
        assert again.returncode == 0, again.stdout + again.stderr[-3000:]
        assert archived(db) == truth(site, n)
        assert query(db, "SELECT count(*) FROM comment_events WHERE kind = 'removed'")[0][0] == 0
        assert pending(db) == []


def test_double_ctrl_c_is_interrupted_with_a_truthful_summary(tmp_path):
    site = synthetic_site(400, seed=2)
    db = tmp_path / "archive.db"
    with serve(site) as served:
        child = start(db, served.base_url)
        wait_for_articles(db, child, 20)
        child.send_signal(signal.SIGINT)
        time.sleep(0.3)
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=60)
    assert child.returncode == 130, out + err[-3000:]
    status, _, _ = last_crawl(db)
    assert status == "interrupted"
    stored = int(re.search(r"(\d+) articles stored \((\d+) new\)", out).group(1))
    assert stored == count_articles(db) > 0, out


def test_discovery_failures_are_recorded_and_retried(tmp_path):
    site = synthetic_site(30, seed=3)

    class BrokenDiscovery(Site):
        broken = True

        def resolve(self, path_and_query: str, base_url: str) -> Resource | None:
            if self.broken and path_and_query in ("/wp-sitemap.xml", "/feed/"):
                return Resource(500, b"<h1>Erreur</h1>")
            if self.broken and path_and_query.startswith("/category/politique"):
                return Resource(503, b"<h1>Busy</h1>", headers=[("Retry-After", "3600")])
            return site.resolve(path_and_query, base_url)

    broken = BrokenDiscovery()
    db = tmp_path / "archive.db"
    with serve(broken) as served:
        result = crawl(db, served.base_url, "-s", "RETRY_TIMES=0")
        assert result.returncode == 3, result.stdout + result.stderr[-3000:]
        failed = {url[len(MALIWEB):] for url, in query(db, "SELECT url FROM failures")}
        assert {"/wp-sitemap.xml", "/feed/", "/category/politique/"} <= failed, failed
        assert {url[len(MALIWEB):] for url, *_ in pending(db)} >= {"/wp-sitemap.xml", "/feed/"}

        broken.broken = False
        again = crawl(db, served.base_url)
        assert again.returncode == 0, again.stdout + again.stderr[-3000:]
        assert archived(db) == truth(site, 30)
        assert pending(db) == []


def test_backoff_retries_at_once_then_doubles_then_gives_up():
    from datetime import datetime, timedelta, timezone

    from newsarchive.revisit import RetryPolicy

    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    policy = RetryPolicy(max_attempts=4, backoff=timedelta(minutes=10))
    waits = [policy.next_try(attempts, now) for attempts in (1, 2, 3, 4)]
    assert waits == [now, now + timedelta(minutes=10), now + timedelta(minutes=20), None]


def test_a_thread_missing_comment_pages_stays_due_until_given_up(tmp_path):
    """An old article (past the revisit horizon) whose comment pages do not all come is not settled:
    it stays due and pending until NEWSARCHIVE_MAX_ATTEMPTS visits, then is given up with the reason."""
    from datetime import timedelta

    from newsarchive import db as archive
    from newsarchive.db import store
    from newsarchive.ingest import ingest
    from newsarchive.items import Article, Capture, FetchedPage
    from newsarchive.revisit import RetryPolicy

    conn = archive.open_archive(tmp_path / "archive.db").conn
    url, page = "https://example.org/old-post.html", "https://example.org/old-post.html/comment-page-1"
    store.plan_urls(conn, [(url, "example.org", "article", None), (page, "example.org", "comment_page", url)],
                    None, "2026-01-01T00:00:00Z")
    retry = RetryPolicy(max_attempts=2, backoff=timedelta(minutes=10))
    old = Article(url, site="example.org", headline="Old", article_body="Text.",
                  date_published="2020-01-01T00:00:00Z", comments_complete=False)

    def visit(at: str) -> tuple:
        fetched = FetchedPage(url=url, status=200, headers=[], body=b"<html>Old</html>", fetched_at=at)
        ingest(conn, Capture(url, "example.org", "test", [fetched]), old, retry=retry)
        return conn.execute("SELECT f.state, f.attempts, f.last_error, a.next_visit_at FROM frontier f"
                            " JOIN articles a ON a.url = f.url WHERE f.url = ?", (url,)).fetchone()

    state, attempts, error, next_visit = visit("2026-01-01T00:00:00Z")
    assert (state, attempts, error) == ("pending", 1, "thread incomplete: 1 comment pages missing")
    assert next_visit is not None  # past the horizon, but not settled
    state, attempts, error, next_visit = visit("2026-01-02T00:00:00Z")
    assert (state, attempts, next_visit) == ("failed", 2, None)
    assert error == "gave up after 2 attempts: thread incomplete: 1 comment pages missing"
    assert conn.execute("SELECT state FROM frontier WHERE url = ?", (page,)).fetchone() == ("failed",)


def test_two_crawls_on_one_archive_each_print_their_own_summary(tmp_path):
    db = tmp_path / "archive.db"
    with serve(synthetic_site(150, seed=8)) as big, serve(synthetic_site(5, seed=9)) as small:
        first = start(db, big.base_url)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and first.poll() is None:
            try:
                if query(db, "SELECT count(*) FROM crawls")[0][0]:
                    break
            except sqlite3.OperationalError:
                pass  # not created yet
            time.sleep(0.05)
        second = crawl(db, small.base_url)
        out, err = first.communicate(timeout=300)
    assert (first.returncode, second.returncode) == (0, 0), err[-2000:] + second.stderr[-2000:]
    assert out.startswith("crawl 1 (maliweb): finished; 150 articles stored"), out
    assert second.stdout.startswith("crawl 2 (maliweb): finished; 5 articles stored"), second.stdout
