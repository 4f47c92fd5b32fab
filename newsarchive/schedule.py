"""Scheduled crawls: stored in the archive, run when due in child processes, one scheduler per archive."""
from __future__ import annotations

import errno
import fcntl
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterator

from .db import queries, store
from .outcome import EXIT_CODES, FAILED, FINISHED, INCOMPLETE, INTERRUPTED, status_of_exit
from .revisit import format_time, parse_time

EXIT_LOCKED = 75
"""Exit status of a ``schedule run`` that found another one running (EX_TEMPFAIL)."""
DUE_SLACK = timedelta(seconds=60)
"""A crawl due within this much is run now, so a cron job a few seconds early does not skip it."""
IDLE_POLL = 60.0
"""The foreground loop looks for changed schedules at least this often (seconds)."""
LOCK_PATIENCE = 1.0
"""How long a scheduler retries a held lock (seconds): ``scheduler_holding`` holds it for an instant."""

Echo = Callable[[str], None]


class LockHeld(Exception):
    """Another scheduler holds this archive's lock."""


def lock_path(db_path: str) -> str:
    """The lock file next to the archive's real file (symlinks resolved): ``<db>.lock``, one per
    archive whatever path names it."""
    return f"{os.path.realpath(db_path)}.lock"


@contextmanager
def archive_lock(db_path: str) -> Iterator[int]:
    """Hold ``<db>.lock`` (flock, released by the kernel even on SIGKILL); yields its descriptor.

    Raises LockHeld, saying who holds it, when another process does.
    """
    path = lock_path(db_path)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _flock_patiently(fd)
    except OSError as error:
        holder = _read_holder(fd)
        os.close(fd)
        if error.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            raise
        raise LockHeld(f"another scheduler holds {path} ({holder}): not crawling") from None
    try:
        _write_holder(fd)
        yield fd
    finally:
        os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _flock_patiently(fd: int) -> None:
    """``flock(LOCK_EX | LOCK_NB)``, retried for LOCK_PATIENCE while another process holds it."""
    deadline = time.monotonic() + LOCK_PATIENCE
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def scheduler_holding(db_path: str) -> str | None:
    """Who holds the archive's lock (``pid N, since …``): a scheduler or the crawl it started;
    None when none does (the kernel releases it when they die). Creates nothing."""
    try:
        fd = os.open(lock_path(db_path), os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return _read_holder(fd)
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _read_holder(fd: int) -> str:
    return os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "pid unknown"


def _write_holder(fd: int) -> None:
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"pid {os.getpid()}, since {_now_text()}\n".encode(), 0)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _now_text() -> str:
    return format_time(_now())


# -- the schedules -------------------------------------------------------------------------------

def add_schedule(conn: sqlite3.Connection, spider: str, every: timedelta, args: dict,
                 settings: dict) -> int:
    """Store a crawl of ``spider`` every ``every`` (due at once); returns its id."""
    if every.total_seconds() < 1:
        raise ValueError("--every must be at least 1s")
    return store.add_schedule(conn, spider, int(every.total_seconds()), args, settings, _now_text())


def next_run_after(schedule: dict, now: datetime) -> datetime:
    """The first run time after ``now`` on the schedule's grid (missed runs are not caught up)."""
    every = timedelta(seconds=schedule["every_seconds"])
    moment = parse_time(schedule["next_run_at"])
    if moment <= now:
        moment += every * ((now - moment) // every + 1)
    return moment


CHILD_BOOTSTRAP = ("import sys; sys.path[:] = [p for p in sys.path if p not in ('', '.')]; "
                   "from newsarchive.cli import main; main()")
"""``python -c`` code running the CLI from the installed package: the current folder is dropped
from the import path first, so a ``newsarchive/`` folder there (a checkout) can never shadow it."""


def crawl_command(db_path: str, schedule: dict) -> list[str]:
    """The child process that runs one scheduled crawl: the installed ``newsarchive … crawl …``."""
    command = [sys.executable, "-c", CHILD_BOOTSTRAP, "--db", db_path, "crawl", schedule["spider"]]
    for key, value in schedule["args"].items():
        command += ["-a", f"{key}={value}"]
    for key, value in schedule["settings"].items():
        command += ["-s", f"{key}={value}"]
    return command


# -- running them --------------------------------------------------------------------------------

class Scheduler:
    """Runs due crawls one at a time; SIGTERM/SIGINT let the current crawl end cleanly, then stop."""

    def __init__(self, db_path: str, conn: sqlite3.Connection, lock_fd: int, echo: Echo):
        self.db_path, self.conn, self.lock_fd, self.echo = db_path, conn, lock_fd, echo
        self.stopping = False
        self.child: subprocess.Popen | None = None
        self.child_signalled = False
        self.outcomes: list[str] = []

    def install_signal_handlers(self) -> None:
        """SIGTERM and SIGINT stop the loop; a running crawl gets one SIGTERM (Scrapy's clean stop)."""
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)

    def _on_signal(self, signum: int, frame: object) -> None:
        if self.stopping:
            return
        self.stopping = True
        self.echo(f"{signal.Signals(signum).name}: finishing the current crawl, then stopping")
        self._stop_child()

    def _stop_child(self) -> None:
        """One SIGTERM to the running crawl (a second one would make Scrapy stop uncleanly)."""
        if self.child is not None and not self.child_signalled and self.child.poll() is None:
            self.child_signalled = True
            self.child.send_signal(signal.SIGTERM)

    def run_due(self) -> int:
        """Run every crawl due now, one after another, each at most once; returns how many ran."""
        ran: set[int] = set()
        while not self.stopping:
            due = [s for s in queries.due_schedules(self.conn, format_time(_now() + DUE_SLACK))
                   if s["id"] not in ran]
            if not due:
                break
            self.run_one(due[0])
            ran.add(due[0]["id"])
        return len(ran)

    def run_one(self, schedule: dict) -> int:
        """Run one scheduled crawl in a child process and record how it ended; returns its exit code."""
        started = _now()
        store.schedule_started(self.conn, schedule["id"], format_time(started),
                               format_time(next_run_after(schedule, started + DUE_SLACK)))
        command = crawl_command(self.db_path, schedule)
        self.echo(f"schedule {schedule['id']}: crawling {schedule['spider']}")
        # Own session: a terminal's Ctrl-C reaches only us, and we pass on exactly one SIGTERM.
        # The lock descriptor is inherited, so the lock outlives us if we die before the crawl.
        self.child_signalled = False
        self.child = subprocess.Popen(command, start_new_session=True, pass_fds=(self.lock_fd,))
        if self.stopping:  # a signal came while the child was starting
            self._stop_child()
        code = self.child.wait()
        self.child = None
        outcome = status_of_exit(code)
        status = "ok" if code == 0 else f"{outcome} (exit {code})"
        status += " (stopped)" if self.stopping else ""
        store.schedule_finished(self.conn, schedule["id"], _now_text(), status)
        self.outcomes.append(INTERRUPTED if self.stopping else outcome)
        self.echo(f"schedule {schedule['id']}: {status} after {int((_now() - started).total_seconds())}s")
        return code

    def run_forever(self) -> None:
        """Run due crawls until stopped, sleeping in between."""
        while not self.stopping:
            self.run_due()
            self._idle()

    def _idle(self) -> None:
        upcoming = [parse_time(s["next_run_at"]) for s in queries.schedules(self.conn)]
        wake = min(upcoming + [_now() + timedelta(seconds=IDLE_POLL)]) - DUE_SLACK
        while not self.stopping and _now() < wake:
            time.sleep(min(1.0, max(0.05, (wake - _now()).total_seconds())))


def run_schedules(db_path: str, conn: sqlite3.Connection, once: bool, echo: Echo) -> int:
    """``schedule run``: under the archive's lock, run due crawls (once, or until stopped).

    Returns the exit status: a crawl's (see newsarchive.outcome) for the worst outcome among them
    (130 if one was stopped, then 1 if one failed, 3 if one left pages pending, 0 if all finished), or
    EXIT_LOCKED if another scheduler holds the lock.
    """
    try:
        with archive_lock(db_path) as fd:
            store.schedules_interrupted(conn)  # what a dead scheduler left "running" is not
            scheduler = Scheduler(db_path, conn, fd, echo)
            scheduler.install_signal_handlers()
            if once:
                if scheduler.run_due() == 0:
                    echo("nothing due")
            else:
                echo(f"scheduler running on {db_path} (pid {os.getpid()}); SIGTERM or Ctrl-C stops it")
                scheduler.run_forever()
            return worst_exit_code(scheduler.outcomes)
    except LockHeld as held:
        echo(str(held))
        return EXIT_LOCKED


def worst_exit_code(outcomes: list[str]) -> int:
    """The exit code of a scheduler run whose crawls ended with ``outcomes`` (a crawl stopped by
    the scheduler's own stop: interrupted)."""
    for status in (INTERRUPTED, FAILED, INCOMPLETE):
        if status in outcomes:
            return EXIT_CODES[status]
    return EXIT_CODES[FINISHED]
