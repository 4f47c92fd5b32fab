"""Datasette on the archive with the metadata shipped in the package (optional extra)."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
from importlib import resources
from pathlib import Path

METADATA_DB = "archive"
"""The database name the shipped metadata is written for (``archive.db``)."""


class ServeError(Exception):
    """Datasette cannot be started; the message says what to install or fix."""


def metadata_path() -> Path:
    """The shipped metadata file (``datasette archive.db -m <this path>``)."""
    return Path(str(resources.files("newsarchive") / "datasette" / "metadata.json"))


def metadata_for(db_path: str | Path) -> dict:
    """The shipped metadata, keyed by the database name Datasette gives ``db_path``."""
    metadata = json.loads(metadata_path().read_text(encoding="utf-8"))
    databases = metadata["databases"]
    databases[Path(db_path).stem] = databases.pop(METADATA_DB)
    return metadata


def datasette_command(db_path: str | Path, metadata_file: Path, host: str, port: int,
                      snapshot: bool = False) -> list[str]:
    """The command line that serves the archive (``snapshot``: as an immutable file, for an
    archive in a read-only folder, which SQLite cannot open ``mode=ro`` there)."""
    try:
        import datasette  # noqa: F401
    except ImportError:
        raise ServeError("Datasette is not installed: pip install 'newsarchive[datasette]'") from None
    database = ["-i", str(db_path)] if snapshot else [str(db_path)]
    return [sys.executable, "-m", "datasette", "serve", *database, "-m", str(metadata_file),
            "--host", host, "--port", str(port), "--setting", "sql_time_limit_ms", "5000"]


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int = 8001) -> int:
    """Run Datasette on the archive until it stops; returns its exit code."""
    from .db import ArchiveError, open_for_reading

    try:
        conn = open_for_reading(db_path)
    except ArchiveError as error:
        raise ServeError(str(error)) from None
    snapshot = conn.snapshot
    conn.close()
    with tempfile.TemporaryDirectory(prefix="newsarchive-serve-") as tmp:
        metadata_file = Path(tmp) / "metadata.json"
        metadata_file.write_text(json.dumps(metadata_for(db_path), ensure_ascii=False), encoding="utf-8")
        return _run_until_stopped(datasette_command(db_path, metadata_file, host, port, snapshot))


def _run_until_stopped(command: list[str]) -> int:
    """Run ``command``; Ctrl-C or SIGTERM stops it too (never leave Datasette orphaned)."""
    child = subprocess.Popen(command)
    previous = signal.signal(signal.SIGTERM, lambda *_: child.terminate())
    try:
        return child.wait()
    except KeyboardInterrupt:
        child.terminate()
        return child.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)
