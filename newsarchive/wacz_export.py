"""WACZ export: the crawl-time WARC files with a CDXJ index, a pages list and datapackage digests (py-wacz)."""
from __future__ import annotations

import contextlib
import io
import json
import sqlite3
import tempfile
from pathlib import Path

from .db import queries
from .export import ExportError, ExportResult, Progress
from .warcwriter import NoCrawlWarcs, crawl_time_warcs


def write_wacz(conn: sqlite3.Connection, path: Path, site: str | None, since: str | None,
               progress: Progress, until: str | None = None) -> ExportResult:
    """A WACZ of every crawl-time WARC file the selected captures point to (whole files), whose
    pages are the selected articles."""
    create = _wacz_create()
    try:
        warcs = crawl_time_warcs(conn, site, since, until)
    except NoCrawlWarcs as error:
        raise ExportError(str(error)) from None
    pages = queries.warc_pages(conn, site, since, until)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        pages_file = Path(folder) / "pages.jsonl"
        pages_file.write_text("".join(json.dumps(page, ensure_ascii=False) + "\n" for page in
                                      [{"format": "json-pages-1.0", "id": "pages", "title": "Articles"}, *pages]),
                              encoding="utf-8")
        told = io.StringIO()
        with contextlib.redirect_stdout(told):
            failed = create(["create", "-o", str(path), "-p", str(pages_file), "--title", "newsarchive",
                             *map(str, warcs)])
    if failed:
        raise ExportError(f"WACZ not written: {told.getvalue().strip().splitlines()[-1]}")
    progress(len(warcs))
    return ExportResult(paths=[path], articles=len(pages), records=len(warcs))


def _wacz_create():
    try:
        from wacz.main import main
    except ImportError:
        raise ExportError("WACZ export needs py-wacz: pip install 'newsarchive[wacz]'") from None
    return main
