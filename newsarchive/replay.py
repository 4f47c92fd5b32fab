"""Replay of the crawl-time WARCs with pywb: the archived pages served as they were received."""
from __future__ import annotations

import os
import sqlite3
import warnings
from pathlib import Path

from .warcwriter import NoCrawlWarcs, crawl_time_warcs

COLLECTION = "archive"
"""The pywb collection's name: pages replay at ``/archive/[TIMESTAMP/]URL``."""


class ReplayError(Exception):
    """A replay that cannot start (no crawl-time WARCs, pywb not installed)."""


def prepare_collection(conn: sqlite3.Connection, root: Path) -> int:
    """A pywb collection under ``root``: links to the archive's crawl-time WARC files and their
    CDXJ index; returns how many files it holds."""
    try:
        warcs = crawl_time_warcs(conn)
    except NoCrawlWarcs as error:
        raise ReplayError(str(error)) from None
    indexer = _pywb_indexer()
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
    indexer(str(indexes / "index.cdxj"), [str(archive)], append_post=True, cdxj=True, sort=True,
            recurse=True)
    return len(warcs)


def run_pywb(root: Path, host: str, port: int) -> None:
    """Serve the collection prepared under ``root`` with pywb until interrupted."""
    os.chdir(root)
    # pywb patches the process for gevent as it loads, after ssl was imported: replay serves plain
    # HTTP and never fetches, so gevent's warning about ssl says nothing of use here.
    warnings.filterwarnings("ignore", message="Monkey-patching ssl after ssl")
    from pywb.apps.cli import wayback

    wayback(["--port", str(port), "--bind", host])


def _pywb_indexer():
    try:
        from pywb.indexer.cdxindexer import write_multi_cdx_index
    except ImportError:
        raise ReplayError("replay needs pywb: pip install 'newsarchive[replay]'") from None
    return write_multi_cdx_index
