"""Readers (search, export, the sqlite3 shell) run while a crawl writes: nobody sees "database is locked"."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import FAST_CRAWL, REPO, run_cli
from newsarchive.replica import serve, synthetic_site

N_ARTICLES = 600  # long enough for several rounds of readers while it writes
LOCKED = ("database is locked", "database table is locked", "SQLITE_BUSY")


def start_crawl(base_url: str, db) -> subprocess.Popen:
    command = [sys.executable, "-m", "newsarchive", "--db", str(db), "crawl", "maliweb",
               "-a", f"base_url={base_url}", *FAST_CRAWL, "-s", "LOG_LEVEL=WARNING"]
    return subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_rows(db, crawl: subprocess.Popen) -> None:
    while crawl.poll() is None:
        if db.exists():
            conn = sqlite3.connect(db, timeout=5)
            try:
                if conn.execute("SELECT count(*) FROM articles").fetchone()[0] > 0:
                    return
            except sqlite3.OperationalError:
                pass  # schema not there yet
            finally:
                conn.close()
        time.sleep(0.1)


def sqlite_shell(db, sql: str) -> subprocess.CompletedProcess:
    """The sqlite3 command-line shell, as a user would open the archive (its default: no busy timeout)."""
    return subprocess.run(["sqlite3", "-readonly", str(db), sql], capture_output=True, text=True, timeout=60)


def python_reader(db) -> tuple[int, int]:
    """A plain Python sqlite3 reader (default 5 s timeout): a join over the thread, and FTS."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        joined = conn.execute("SELECT count(*) FROM comments c JOIN articles a ON a.id = c.article_id"
                              " LEFT JOIN comments p ON p.id = c.parent_id").fetchone()[0]
        matched = conn.execute("SELECT count(*) FROM comments_fts WHERE comments_fts MATCH 'mali*'").fetchone()[0]
        return joined, matched
    finally:
        conn.close()


@pytest.fixture(scope="module")
def concurrent_run(tmp_path_factory):
    db = tmp_path_factory.mktemp("concurrent") / "archive.db"
    outputs: list[tuple[str, int, str]] = []
    reads = 0
    with serve(synthetic_site(N_ARTICLES, comment_share=0.6)) as served:
        crawl = start_crawl(served.base_url, db)
        wait_for_rows(db, crawl)
        export = db.parent / "export.jsonl"
        readers = (("search", ("search", "Bamako")), ("search-comments", ("search", "mali", "--comments-only")),
                   ("stats", ("stats",)), ("export", ("export", "--format", "jsonl", "-o", str(export))))
        with ThreadPoolExecutor(len(readers)) as pool:  # the readers at once, beside the crawl and each other
            while crawl.poll() is None:
                for name, result in pool.map(lambda reader: (reader[0], run_cli(*reader[1], db=db, check=False,
                                                                                 timeout=120)), readers):
                    outputs.append((name, result.returncode, result.stdout[-500:] + result.stderr[-2000:]))
                if shutil.which("sqlite3"):
                    shell = sqlite_shell(db, "SELECT count(*) FROM comments; SELECT count(*) FROM articles;")
                    outputs.append(("sqlite3", shell.returncode, shell.stdout + shell.stderr))
                python_reader(db)
                reads += 1
        out, err = crawl.communicate()
    yield crawl.returncode, out + err, outputs, reads, db


def test_readers_ran_during_the_crawl(concurrent_run):
    _, _, _, reads, _ = concurrent_run
    assert reads >= 2


def test_no_reader_saw_a_lock(concurrent_run):
    _, _, outputs, _, _ = concurrent_run
    for name, code, text in outputs:
        assert not any(word in text for word in LOCKED), (name, text)
        assert code == 0, (name, text)


def test_the_crawl_saw_no_lock_and_finished(concurrent_run):
    code, log, _, _, db = concurrent_run
    assert code == 0, log[-3000:]
    assert not any(word in log for word in LOCKED), log[-3000:]
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == N_ARTICLES
    assert conn.execute("SELECT finish_reason FROM crawls").fetchone()[0] == "finished"
    conn.close()


def test_opening_a_new_archive_waits_out_another_writer(tmp_path):
    """Switching a new file to WAL needs an exclusive lock, and SQLite does not wait for it by
    itself: a crawl starting while a reader probes the new file must not fail."""
    import threading

    from newsarchive import db

    path = tmp_path / "new.db"
    sqlite3.connect(path).execute("CREATE TABLE t (a)")  # a new file, still in rollback mode
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.3, lambda: holder.execute("ROLLBACK"))
    release.start()
    started = time.monotonic()
    conn = db.connect(path)
    release.join()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert time.monotonic() - started >= 0.25
