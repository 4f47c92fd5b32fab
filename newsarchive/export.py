"""Exports of the archive: JSON Lines, CSV and Parquet, streamed from SQL cursors."""
from __future__ import annotations

import csv
import itertools
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from .db import queries
from .render import article_document

FORMATS = ("jsonl", "csv", "parquet", "warc", "wacz")
DEFAULT_DIR = Path("exports")
PARQUET_BATCH = 5_000
Progress = Callable[[int], None]


class ExportError(Exception):
    """An export that cannot be made (unknown format, missing optional dependency…)."""


@dataclass
class ExportResult:
    """What an export wrote."""

    paths: list[Path] = field(default_factory=list)
    articles: int = 0
    comments: int = 0
    records: int = 0


def default_path(fmt: str, directory: Path = DEFAULT_DIR) -> Path:
    """Where an export goes without ``-o``: a file for jsonl/warc, a folder for csv/parquet."""
    return directory / {"jsonl": "archive.jsonl", "warc": "archive.warc.gz", "wacz": "archive.wacz"}.get(fmt, fmt)


def export_archive(conn: sqlite3.Connection, fmt: str, path: Path | None = None,
                   site: str | None = None, since: str | None = None,
                   progress: Progress | None = None) -> ExportResult:
    """Write the selected articles (and comments, or captures for WARC) in ``fmt`` at ``path``."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    path = Path(path) if path else default_path(fmt)
    _check_target(fmt, path)
    progress = progress or (lambda n: None)
    if fmt == "warc":
        from .warc import write_warc
        return write_warc(conn, path, site, since, progress)
    if fmt == "wacz":
        from .wacz_export import write_wacz
        return write_wacz(conn, path, site, since, progress)
    return {"jsonl": write_jsonl, "csv": write_csv, "parquet": write_parquet}[fmt](
        conn, path, site, since, progress)


def _check_target(fmt: str, path: Path) -> None:
    if fmt in ("jsonl", "warc", "wacz") and path.is_dir():
        raise ExportError(f"-o must name a file for {fmt}, and {path} is a folder")
    if fmt in ("csv", "parquet") and path.exists() and not path.is_dir():
        raise ExportError(f"-o must name a folder for {fmt} (it gets articles and comments"
                          f" files), and {path} is a file")


def export_size(conn: sqlite3.Connection, fmt: str, site: str | None = None,
                since: str | None = None) -> int:
    """The number of progress steps an export takes (comments, articles, or captures)."""
    if fmt == "warc":
        return queries.count_captures(conn, site, since)
    if fmt == "wacz":
        return len(queries.crawl_warc_files(conn, site, since))
    articles, comments = queries.count_selected(conn, site, since)
    return articles + comments if fmt != "jsonl" else articles


# -- JSON Lines --------------------------------------------------------------------------------

def write_jsonl(conn: sqlite3.Connection, path: Path, site: str | None, since: str | None,
                progress: Progress) -> ExportResult:
    """One article per line, its comment tree nested as in ``show --json``."""
    result = ExportResult(paths=[path])
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        for article, comments in iter_threads(conn, site, since):
            out.write(json.dumps(article_document(article, comments), ensure_ascii=False) + "\n")
            result.articles += 1
            result.comments += len(comments)
            progress(1)
    return result


def iter_threads(conn: sqlite3.Connection, site: str | None = None,
                 since: str | None = None) -> Iterator[tuple[dict, list[dict]]]:
    """Each selected article with its comments (thread order), one article in memory at a time."""
    names, articles = queries.iter_articles(conn, site, since)
    comment_names, comments = queries.iter_comments(conn, site, since)
    groups = itertools.groupby((dict(zip(comment_names, row)) for row in comments),
                               key=lambda c: c["article_id"])
    pending = next(groups, None)
    for row in articles:
        article = dict(zip(names, row))
        article["authors"] = json.loads(article["authors"] or "[]")
        article["tags"] = json.loads(article["tags"] or "[]")
        thread: list[dict] = []
        if pending and pending[0] == article["id"]:
            thread = list(pending[1])
            pending = next(groups, None)
        yield article, thread


# -- CSV -----------------------------------------------------------------------------------------

def write_csv(conn: sqlite3.Connection, folder: Path, site: str | None, since: str | None,
              progress: Progress) -> ExportResult:
    """``articles.csv`` and ``comments.csv`` (with ``article_url`` and ``parent_comment_id``)."""
    folder.mkdir(parents=True, exist_ok=True)
    result = ExportResult()
    for table, reader in (("articles", queries.iter_articles), ("comments", queries.iter_comments)):
        names, cursor = reader(conn, site, since)
        path = folder / f"{table}.csv"
        with open(path, "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(names)
            count = _write_rows(writer, cursor, progress)
        setattr(result, table, count)
        result.paths.append(path)
    return result


def _write_rows(writer, cursor: sqlite3.Cursor, progress: Progress, batch: int = 1000) -> int:
    count = 0
    while rows := cursor.fetchmany(batch):
        writer.writerows(rows)
        count += len(rows)
        progress(len(rows))
    return count


# -- Parquet -------------------------------------------------------------------------------------

INTEGER_COLUMNS = {"id", "article_id", "parent_id", "depth", "position", "comment_count_declared",
                   "edits"}


def write_parquet(conn: sqlite3.Connection, folder: Path, site: str | None, since: str | None,
                  progress: Progress) -> ExportResult:
    """``articles.parquet`` and ``comments.parquet``, the same tables as the CSV export."""
    pa, pq = _pyarrow()
    folder.mkdir(parents=True, exist_ok=True)
    result = ExportResult()
    for table, reader in (("articles", queries.iter_articles), ("comments", queries.iter_comments)):
        names, cursor = reader(conn, site, since)
        schema = pa.schema([(name, pa.int64() if name in INTEGER_COLUMNS else pa.string())
                            for name in names])
        path = folder / f"{table}.parquet"
        with pq.ParquetWriter(path, schema, compression="zstd") as writer:
            count = 0
            while batch := cursor.fetchmany(PARQUET_BATCH):
                columns = list(zip(*batch))
                writer.write_table(pa.Table.from_arrays(
                    [pa.array(col, type=schema.field(i).type) for i, col in enumerate(columns)],
                    schema=schema))
                count += len(batch)
                progress(len(batch))
        setattr(result, table, count)
        result.paths.append(path)
    return result


def _pyarrow():
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise ExportError("Parquet export needs pyarrow: pip install 'newsarchive[parquet]'") from None
    return pyarrow, pyarrow.parquet
