"""Opening the archive: one SQLite file, WAL, migrations applied on open; read-only for reading."""
from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import TYPE_CHECKING

from . import store
from .migrations import MIGRATIONS, migrate, schema_version

if TYPE_CHECKING:
    import sqlite_utils

DEFAULT_DB = "archive.db"
BUSY_TIMEOUT_MS = 30_000
SQLITE_HEADER = b"SQLite format 3\x00"


class ArchiveError(Exception):
    """An archive that cannot be used as asked (missing, not an archive, damaged, not writable,
    too old to read without writing); the message says which, in one line."""


def default_db_path() -> str:
    """The archive path from ``NEWSARCHIVE_DB``, else ``archive.db``."""
    return os.environ.get("NEWSARCHIVE_DB") or DEFAULT_DB


class ArchiveConnection(sqlite3.Connection):
    """A connection that can keep per-connection state (capture dictionaries, see ``bodies``)."""

    bodies_state = None
    snapshot = False
    """True when read as an immutable snapshot (``open_for_reading`` in a read-only folder)."""


def connect(path: str | os.PathLike) -> sqlite3.Connection:
    """A raw connection with the archive's pragmas; transactions are explicit."""
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000,
                           check_same_thread=False, factory=ArchiveConnection)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    _use_wal(conn)
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def connect_readonly(path: str | os.PathLike, immutable: bool = False) -> sqlite3.Connection:
    """A read-only connection to an existing archive (it sees what writers have committed);
    ``immutable``: read the file as a snapshot, with no lock and no WAL (see ``open_for_reading``)."""
    query = "immutable=1" if immutable else "mode=ro"
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?{query}", uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                           check_same_thread=False, factory=ArchiveConnection)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.snapshot = immutable
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
    import sqlite_utils  # here, not at import: extraction workers load this package and never open an archive

    return sqlite_utils.Database(conn)


def check_archive_file(path: str | os.PathLike, must_exist: bool = True) -> None:
    """Raise ArchiveError unless ``path`` holds an SQLite file that is whole (or, with ``must_exist``
    False, nothing yet, or an empty file: an archive to create). Reads 100 bytes; creates nothing."""
    path = Path(path)
    if path.is_dir():
        raise ArchiveError(f"{path} is a folder, not an archive file")
    if not path.exists():
        if must_exist:
            raise ArchiveError(f"no archive at {path}")
        return
    try:
        with open(path, "rb") as file:
            header = file.read(100)
    except OSError as error:
        raise ArchiveError(f"cannot read the archive at {path}: {error.strerror}") from None
    if not header:
        if must_exist:
            raise ArchiveError(f"no archive at {path} (an empty file)")
        return
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        raise ArchiveError(f"{path} is not an archive (not an SQLite database)")
    size, expected = path.stat().st_size, _declared_size(header)
    if size < expected and not _wal_in_use(path):  # a checkpoint writes the header before the pages after it
        raise ArchiveError(f"the archive at {path} is damaged: truncated ({size} of {expected} bytes)")


def _wal_in_use(path: Path) -> bool:
    """True when ``path``'s WAL holds pages: the file alone is not the archive's state then."""
    wal = Path(f"{path}-wal")
    return wal.exists() and wal.stat().st_size > 0


def _declared_size(header: bytes) -> int:
    """The file size the header states (page size × page count), 0 when the count is not valid."""
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    valid = header[24:28] == header[92:96]  # the count is valid only for the change it was written by
    return page_size * pages if valid else 0


def open_for_reading(path: str | os.PathLike) -> sqlite3.Connection:
    """A read-only connection (``mode=ro``) to the archive at ``path``, which it never creates nor
    changes, except that an archive of an older schema is upgraded first where it can be written.
    Raises ArchiveError."""
    check_archive_file(path)
    conn = _read_only(path)
    try:
        version = schema_version(conn)
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise ArchiveError(f"the archive at {path} cannot be read: {error}") from None
    if version == 0:
        raise ArchiveError(f"{path} is not an archive (an SQLite database without newsarchive's tables)"
                           if tables else f"no archive at {path} (an empty database)")
    if version < len(MIGRATIONS):
        conn.close()
        _upgrade(path)
        conn = _read_only(path)
    return conn


def _read_only(path: str | os.PathLike) -> sqlite3.Connection:
    """``mode=ro``; in a folder it cannot write, SQLite cannot make the WAL index a WAL reader needs:
    then, when no WAL holds uncommitted pages, the file is read as the snapshot it is (``immutable``)."""
    conn = connect_readonly(path)
    try:
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        return conn
    except sqlite3.OperationalError as error:
        conn.close()
        if "readonly" not in str(error) and "unable to open" not in str(error):
            raise ArchiveError(f"the archive at {path} cannot be read: {error}") from None
        if _wal_in_use(Path(path)):
            raise ArchiveError(f"the archive at {path} cannot be read ({error}): {path}-wal holds changes"
                               f" not yet written into it; open it once where its folder is writable") from None
    return connect_readonly(path, immutable=True)


def _upgrade(path: str | os.PathLike) -> None:
    try:
        open_archive(path).conn.close()
    except sqlite3.OperationalError as error:
        raise ArchiveError(f"the archive at {path} was made by an older newsarchive and must be upgraded,"
                           f" which needs write access ({error}): run any command on it once as a user"
                           f" who can write it and its folder") from None


def open_for_writing(path: str | os.PathLike, create: bool = False, probe: bool = True) -> sqlite_utils.Database:
    """``open_archive`` for a command that writes: the archive must exist unless ``create``, and
    must be writable (checked by a write that is rolled back, unless not ``probe``). Raises ArchiveError."""
    check_archive_file(path, must_exist=not create)
    try:
        database = open_archive(path)
        if probe:
            _probe_write(database.conn)
    except sqlite3.OperationalError as error:
        raise ArchiveError(f"cannot write to the archive at {path}: {error}") from None
    except sqlite3.DatabaseError as error:
        raise ArchiveError(f"the archive at {path} cannot be used: {error}") from None
    except OSError as error:
        raise ArchiveError(f"cannot create the archive at {path}: {error.strerror}") from None
    return database


def _probe_write(conn: sqlite3.Connection) -> None:
    """Write the header's user_version as it is, then roll back: fails at once on a read-only file."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(f"PRAGMA user_version = {schema_version(conn)}")
    finally:
        conn.execute("ROLLBACK")


# SQLite's answers about the file itself (not about a statement): damaged, not a database, not
# writable, not openable, I/O failed, disk full.
FILE_ERRORS = ("SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_IOERR",
               "SQLITE_FULL", "SQLITE_PERM")
FILE_ERROR_MESSAGES = ("malformed", "not a database", "readonly database", "unable to open", "disk I/O error",
                       "database or disk is full")


def is_archive_error(error: Exception) -> bool:
    """True for an ArchiveError, or an SQLite error about the archive file rather than a statement."""
    if isinstance(error, ArchiveError):
        return True
    name = getattr(error, "sqlite_errorname", None)  # Python 3.11+; before, the message tells
    if name is None:
        return any(words in str(error) for words in FILE_ERROR_MESSAGES)
    return name.startswith(FILE_ERRORS)
