"""Opening the archive: one SQLite file, WAL, migrations applied on open."""
from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import sqlite_utils

from . import store
from .migrations import migrate

DEFAULT_DB = "archive.db"
BUSY_TIMEOUT_MS = 30_000


def default_db_path() -> str:
    """The archive path from ``NEWSARCHIVE_DB``, else ``archive.db``."""
    return os.environ.get("NEWSARCHIVE_DB") or DEFAULT_DB


class ArchiveConnection(sqlite3.Connection):
    """A connection that can keep per-connection state (capture dictionaries, see ``bodies``)."""

    bodies_state = None


def connect(path: str | os.PathLike) -> sqlite3.Connection:
    """A raw connection with the archive's pragmas; transactions are explicit."""
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000,
                           check_same_thread=False, factory=ArchiveConnection)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    _use_wal(conn)
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def connect_readonly(path: str | os.PathLike) -> sqlite3.Connection:
    """A read-only connection to an existing archive (it sees what writers have committed)."""
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                           check_same_thread=False, factory=ArchiveConnection)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def _use_wal(conn: sqlite3.Connection) -> None:
    """WAL mode, waiting out another connection's lock: on a new archive the switch needs an
    exclusive lock, and SQLite reports "database is locked" at once instead of calling its busy
    handler (another process opening or probing the same new file)."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def open_archive(path: str | os.PathLike | None = None) -> sqlite_utils.Database:
    """Open (creating if needed) the archive at ``path`` and bring its schema up to date."""
    path = Path(path or default_db_path())
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = connect(path)
    migrate(conn)
    store.repair_deferred_index(conn)
    return sqlite_utils.Database(conn)
