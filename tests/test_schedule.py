"""Scheduling: schedules stored in the archive, due runs, one scheduler per archive, clean SIGTERM."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsarchive import db
from newsarchive.cli import cli
from newsarchive.replica.server import serve
from newsarchive.replica.site import Site, html_page
from newsarchive.schedule import CHILD_BOOTSTRAP, EXIT_LOCKED, archive_lock, crawl_command, next_run_after

from conftest import REPO, run_cli

SLOW_SECONDS = 6.0  # long enough for a second scheduler to start while the first crawls, on a busy host


class SlowSite(Site):
    """Every page takes a while: a crawl of it is still running when a second scheduler starts."""

    def resolve(self, path_and_query: str, base_url: str):
        time.sleep(SLOW_SECONDS)
        return html_page("<!doctype html><html><body><p>nothing here</p></body></html>")


@pytest.fixture
def slow_site():
    with serve(SlowSite()) as served:
        yield served


def _add(db_path: Path, base_url: str, every: str = "1h") -> None:
    run_cli("schedule", "add", "maliweb", "--every", every, "-a", f"base_url={base_url}",
            "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "ROBOTSTXT_OBEY=False",
            db=db_path)


def _scheduler(db_path: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("NEWSARCHIVE_DB", None)
    return subprocess.Popen([sys.executable, "-m", "newsarchive", "--db", str(db_path), "schedule",
                             "run", *args], cwd=REPO, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _crawls(db_path: Path) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT spider, finish_reason FROM crawls ORDER BY id").fetchall()


def _wait_for(predicate, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_add_list_remove(tmp_path):
    archive = str(tmp_path / "a.db")
    invoke = lambda *args: CliRunner().invoke(cli, ["--db", archive, "schedule", *args])  # noqa: E731
    assert invoke("add", "maliweb", "--every", "1h", "-a", "base_url=http://127.0.0.1:9").exit_code == 0
    assert invoke("add", "maliweb", "--every", "1d", "-a", "revisit=all").output == (
        "schedule 2: maliweb every 1d\n")
    listed = invoke("list").output.splitlines()
    assert len(listed) == 2 and "every 1h" in listed[0] and "never run" in listed[0]
    assert "-a base_url=http://127.0.0.1:9" in listed[0] and "-a revisit=all" in listed[1]
    assert invoke("remove", "1").exit_code == 0
    assert invoke("list").output.lstrip().startswith("2 ")
    assert "no schedule 1" in invoke("remove", "1").output
    bad = invoke("add", "nosuchspider", "--every", "1h")
    assert bad.exit_code == 2 and "spiders: generic, maliweb" in bad.output
    assert "not a duration" in invoke("add", "maliweb", "--every", "soon").output


def test_next_run_keeps_the_grid_and_skips_missed_runs():
    schedule = {"every_seconds": 3600, "next_run_at": "2026-03-01T10:00:00Z"}
    at = lambda text: datetime.fromisoformat(text.replace("Z", "+00:00"))  # noqa: E731
    assert next_run_after(schedule, at("2026-03-01T09:00:00Z")) == at("2026-03-01T10:00:00Z")
    assert next_run_after(schedule, at("2026-03-01T10:00:00Z")) == at("2026-03-01T11:00:00Z")
    assert next_run_after(schedule, at("2026-03-01T13:30:00Z")) == at("2026-03-01T14:00:00Z")


def test_crawl_command_is_the_real_cli_in_a_child_process():
    command = crawl_command("/data/a.db", {"spider": "maliweb", "args": {"revisit": "all"},
                                           "settings": {"DOWNLOAD_DELAY": "0"}})
    assert command == [sys.executable, "-c", CHILD_BOOTSTRAP, "--db", "/data/a.db", "crawl", "maliweb",
                       "-a", "revisit=all", "-s", "DOWNLOAD_DELAY=0"]


def test_once_runs_due_crawls_then_nothing_until_the_next_slot(tmp_path, slow_site):
    archive = tmp_path / "a.db"
    _add(archive, slow_site.base_url)
    first = run_cli("schedule", "run", "--once", db=archive, timeout=120)
    assert "schedule 1: ok" in first.stderr
    second = run_cli("schedule", "run", "--once", db=archive)
    assert "nothing due" in second.stderr
    assert _crawls(archive) == [("maliweb", "finished")]
    listed = run_cli("schedule", "list", db=archive).stdout
    assert "(ok)" in listed


def test_a_checkout_named_newsarchive_in_the_current_folder_does_not_shadow_the_crawl(tmp_path, slow_site):
    """The cron case: run in $HOME, which holds the checkout ~/newsarchive (here: a stub package)."""
    home = tmp_path / "home"
    (home / "newsarchive").mkdir(parents=True)
    (home / "newsarchive" / "__init__.py").write_text("# a checkout's folder, not the installed package\n")
    (home / "newsarchive" / "__main__.py").write_text("raise SystemExit('the checkout was imported')\n")
    _add(tmp_path / "a.db", slow_site.base_url)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("NEWSARCHIVE_DB", None)
    installed = Path(sys.executable).parent / "newsarchive"
    result = subprocess.run([str(installed), "--db", "../a.db", "schedule", "run", "--once"], cwd=home,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "schedule 1: ok" in result.stderr
    assert _crawls(tmp_path / "a.db") == [("maliweb", "finished")]


def test_a_second_scheduler_says_who_holds_the_lock(tmp_path):
    archive = tmp_path / "a.db"
    db.open_archive(archive)
    with archive_lock(str(archive)):
        refused = run_cli("schedule", "run", "--once", db=archive, check=False)
    assert refused.returncode == EXIT_LOCKED
    assert f"another scheduler holds {archive}.lock (pid {os.getpid()}, since" in refused.stderr
    assert "not crawling" in refused.stderr


def test_two_once_runs_started_together_crawl_once(tmp_path, slow_site):
    archive = tmp_path / "a.db"
    _add(archive, slow_site.base_url)
    runs = [_scheduler(archive, "--once") for _ in range(2)]
    results = [(run.wait(timeout=120), run.stderr.read()) for run in runs]
    assert _crawls(archive) == [("maliweb", "finished")]
    crawled = [err for code, err in results if code == 0 and "schedule 1: ok" in err]
    others = [(code, err) for code, err in results if err not in crawled]
    assert len(crawled) == 1 and len(others) == 1
    code, err = others[0]  # refused by the lock (or, on a very slow machine, too late: nothing due)
    assert (code, "not crawling" in err) == (EXIT_LOCKED, True) or "nothing due" in err


def test_a_scheduler_started_during_a_crawl_does_not_crawl(tmp_path, slow_site):
    archive = tmp_path / "a.db"
    _add(archive, slow_site.base_url)
    first = _scheduler(archive, "--once")
    _wait_for(lambda: len(slow_site.requests) > 0)  # the crawl is under way
    second = run_cli("schedule", "run", "--once", db=archive, check=False)
    assert second.returncode == EXIT_LOCKED and f"pid {first.pid}" in second.stderr
    assert first.wait(timeout=120) == 0
    assert _crawls(archive) == [("maliweb", "finished")]


def test_sigterm_lets_the_current_crawl_finish_cleanly(tmp_path, slow_site):
    archive = tmp_path / "a.db"
    _add(archive, slow_site.base_url)
    scheduler = _scheduler(archive)
    _wait_for(lambda: len(slow_site.requests) > 0)
    scheduler.send_signal(signal.SIGTERM)
    assert scheduler.wait(timeout=120) == 130  # its crawl was interrupted
    assert "SIGTERM: finishing the current crawl, then stopping" in scheduler.stderr.read()
    assert _crawls(archive) == [("maliweb", "shutdown")]  # Scrapy's clean stop, row completed
    with sqlite3.connect(archive) as conn:
        assert conn.execute("SELECT last_status FROM schedules").fetchone()[0] == "interrupted (exit 130) (stopped)"
        assert conn.execute("SELECT status FROM crawls").fetchone()[0] == "interrupted"


def test_an_idle_foreground_scheduler_stops_at_once_on_sigterm(tmp_path):
    archive = tmp_path / "a.db"
    db.open_archive(archive)
    scheduler = _scheduler(archive)
    _wait_for(lambda: Path(f"{archive}.lock").exists() and Path(f"{archive}.lock").read_text())
    started = time.monotonic()
    scheduler.send_signal(signal.SIGTERM)
    assert scheduler.wait(timeout=30) == 0
    assert time.monotonic() - started < 5
    assert Path(f"{archive}.lock").read_text() == ""  # released, holder cleared
