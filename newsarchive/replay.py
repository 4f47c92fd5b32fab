"""Replay of the crawl-time WARCs with pywb: the archived pages served as they were received.

pywb runs from an environment of its own (it pins redis 2.10, which the workers' redis client
cannot share): ``$NEWSARCHIVE_PYWB``, else ``pywb/`` inside this Python's environment (the README's
``.venv/pywb``), else whatever ``wayback`` is on the PATH (``pipx install pywb``).
"""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from .warcwriter import NoCrawlWarcs, crawl_time_warcs

COLLECTION = "archive"
"""The pywb collection's name: pages replay at ``/archive/[TIMESTAMP/]URL``."""

PYWB_INSTALL = "python3 -m venv .venv/pywb && .venv/pywb/bin/pip install pywb"
"""How the README installs pywb beside newsarchive's own environment."""


class ReplayError(Exception):
    """A replay that cannot start (no crawl-time WARCs, pywb not installed)."""


def pywb_tool(name: str) -> Path | None:
    """The path of pywb's command ``name`` (``wayback``, ``cdx-indexer``, ``wb-manager``), or None."""
    for environment in (os.environ.get("NEWSARCHIVE_PYWB"), Path(sys.prefix) / "pywb"):
        if environment and (Path(environment) / "bin" / name).exists():
            return Path(environment) / "bin" / name
    found = shutil.which(name)
    return Path(found) if found else None


def required_pywb_tool(name: str) -> Path:
    """``pywb_tool(name)``, or a ReplayError saying how to install pywb."""
    tool = pywb_tool(name)
    if tool is None:
        raise ReplayError(f"replay needs pywb in its own environment ({PYWB_INSTALL}; or set NEWSARCHIVE_PYWB)")
    return tool


def prepare_collection(conn: sqlite3.Connection, root: Path) -> int:
    """A pywb collection under ``root``: links to the archive's crawl-time WARC files and their
    CDXJ index; returns how many files it holds."""
    try:
        warcs = crawl_time_warcs(conn)
    except NoCrawlWarcs as error:
        raise ReplayError(str(error)) from None
    indexer = required_pywb_tool("cdx-indexer")
    archive = root / "collections" / COLLECTION / "archive"
    indexes = root / "collections" / COLLECTION / "indexes"
    archive.mkdir(parents=True, exist_ok=True)
    indexes.mkdir(parents=True, exist_ok=True)
    for warc in warcs:
        link = archive / warc.name
        if not link.exists():
            link.symlink_to(warc)
    # Unframed: the archived page is the browser's page, pywb's banner inside it.
    (root / "config.yaml").write_text("collections_root: collections\nframed_replay: false\n", encoding="utf-8")
    subprocess.run([indexer, "--sort", "--postappend", "--recurse", "--cdxj", "--dir-root", archive,
                    "--output", indexes / "index.cdxj", archive], check=True, capture_output=True)
    return len(warcs)


def run_pywb(root: Path, host: str, port: int) -> None:
    """Serve the collection prepared under ``root`` with pywb until interrupted."""
    server = subprocess.Popen([required_pywb_tool("wayback"), "--port", str(port), "--bind", host], cwd=root)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)  # so that pywb stops with us, and the collection goes
    try:
        server.wait()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.terminate()
        server.wait()


def _exit_on_sigterm(signum, frame) -> None:
    raise SystemExit(0)
