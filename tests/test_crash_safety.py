"""A crawl killed with SIGKILL at random points (some inside a write) loses and doubles nothing once rerun."""
from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FAST_CRAWL, MALIWEB, REPO
from newsarchive.replica import serve, synthetic_site
from newsarchive.replica.synthetic import BASE_ID

N_ARTICLES = 1000  # enough that five killed runs do not finish it
TIMED_KILLS = 2
MID_WRITE_KILLS = 3


def start_crawl(base_url: str, db: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "newsarchive", "--db", str(db), "crawl", "maliweb",
               "-a", f"base_url={base_url}", *FAST_CRAWL, "-s", "LOG_LEVEL=WARNING"]
    return subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def writer_holds_lock(db: Path) -> bool:
    """True when another connection is inside a write transaction right now."""
    if not db.exists():
        return False
    probe = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as error:
        return "locked" in str(error) or "busy" in str(error)
    finally:
        probe.close()


def article_rows(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(db, timeout=1)
        try:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return 0


def kill_mid_write(crawl: subprocess.Popen, db: Path, deadline: float) -> bool:
    """SIGKILL the crawl the moment it is seen holding the write lock; False if it never was."""
    while time.monotonic() < deadline and crawl.poll() is None:
        if writer_holds_lock(db):
            os.kill(crawl.pid, signal.SIGKILL)
            return True
        time.sleep(0.0005)
    return False


def kill_after(crawl: subprocess.Popen, seconds: float) -> bool:
    try:
        crawl.wait(timeout=seconds)
        return False
    except subprocess.TimeoutExpired:
        os.kill(crawl.pid, signal.SIGKILL)
        return True


def expected_threads(site) -> dict[str, int]:
    """Article URL path -> how many comments its whole thread has."""
    store = site.store
    return {store.article_path(i): store.article(BASE_ID + i).comment_count for i in range(N_ARTICLES)}


@pytest.fixture(scope="module")
def crashed_then_finished(tmp_path_factory):
    db = tmp_path_factory.mktemp("crash") / "archive.db"
    rng = random.Random(int(os.environ.get("CRASH_SEED", "6")))
    site = synthetic_site(N_ARTICLES, seed=3, comment_share=0.7)
    kills = []
    with serve(site) as served:
        plan = ["timed"] * TIMED_KILLS + ["mid-write"] * MID_WRITE_KILLS
        rng.shuffle(plan)
        for kind in plan:
            crawl = start_crawl(served.base_url, db)
            while crawl.poll() is None and not writer_holds_lock(db):
                time.sleep(0.001)  # the crawl's first write transaction: start-up is over
            if kind == "timed":  # lands among fetches, parsing and writes
                killed = kill_after(crawl, rng.uniform(0.5, 2.5))
            else:
                time.sleep(rng.uniform(0.0, 1.5))
                killed = kill_mid_write(crawl, db, time.monotonic() + 60)
            _, err = crawl.communicate()
            kills.append((kind, killed, article_rows(db)))
            if not killed:
                print(f"{kind} kill missed; the crawl exited {crawl.returncode}:", err.decode()[-3000:])
        finals = []
        for _ in range(2):  # restart to the end, then a second run
            crawl = start_crawl(served.base_url, db)
            _, err = crawl.communicate(timeout=600)
            finals.append((crawl.returncode, err.decode("utf-8", "replace")))
    conn = sqlite3.connect(db)
    yield conn, kills, finals, {MALIWEB + path: count for path, count in expected_threads(site).items()}
    conn.close()


def test_killed_at_least_five_times_including_mid_write(crashed_then_finished):
    _, kills, _, _ = crashed_then_finished
    print("kills (kind, killed, articles archived after):", kills)
    assert sum(1 for _, killed, _ in kills if killed) >= 5, kills
    assert sum(1 for kind, killed, _ in kills if kind == "mid-write" and killed) >= MID_WRITE_KILLS, kills


def test_restarted_crawls_finish(crashed_then_finished):
    _, _, finals, _ = crashed_then_finished
    for code, err in finals:
        assert code == 0, err[-3000:]
        assert "database is locked" not in err and "malformed" not in err


def test_every_article_exactly_once_with_its_whole_thread(crashed_then_finished):
    conn, _, _, expected = crashed_then_finished
    found = dict(conn.execute(
        "SELECT a.url, (SELECT count(*) FROM comments c WHERE c.article_id = a.id AND c.removed_at IS NULL)"
        " FROM articles a").fetchall())
    assert conn.execute("SELECT count(*), count(DISTINCT url) FROM articles").fetchone() == (len(found),) * 2
    assert found == expected
    dupes = conn.execute("SELECT count(*) FROM (SELECT article_id, comment_id FROM comments"
                         " GROUP BY 1, 2 HAVING count(*) > 1)").fetchone()[0]
    assert dupes == 0


def test_archive_integrity(crashed_then_finished):
    conn = crashed_then_finished[0]
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    orphans = conn.execute("SELECT count(*) FROM comments c LEFT JOIN comments p ON p.id = c.parent_id"
                           " WHERE c.parent_id IS NOT NULL AND p.id IS NULL").fetchone()[0]
    assert orphans == 0
    assert conn.execute("SELECT count(*) FROM comments c LEFT JOIN articles a ON a.id = c.article_id"
                        " WHERE a.id IS NULL").fetchone()[0] == 0
    conn.execute("INSERT INTO comments_fts(comments_fts) VALUES ('integrity-check')")
    conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
    bodies = conn.execute("SELECT count(*) FROM captures c LEFT JOIN capture_bodies b ON b.hash = c.body_hash"
                          " WHERE b.hash IS NULL").fetchone()[0]
    assert bodies == 0
