"""Exports of the archive: JSON Lines, CSV and Parquet, streamed from SQL cursors."""
from __future__ import annotations

import csv
import itertools
import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .db import queries
from .pseudonyms import Pseudonyms
from .render import article_document
from .safe import csv_cell

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
                   progress: Progress | None = None, until: str | None = None,
                   pseudonyms: Pseudonyms | None = None) -> ExportResult:
    """Write the selected articles (and comments, or captures for WARC) in ``fmt`` at ``path``;
    with ``pseudonyms``, commenters' names and URLs are replaced by their pseudonyms."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    path = Path(path) if path else default_path(fmt)
    _check_target(fmt, path)
    progress = progress or (lambda n: None)
    if fmt == "warc" and pseudonyms:
        raise ExportError("a WARC keeps the pages as fetched, names included: pseudonymised exports"
                          " are jsonl, csv or parquet")
    if fmt == "warc":
        from .warc import write_warc
        return write_warc(conn, path, site, since, progress, until)
    if fmt == "wacz":
        from .wacz_export import write_wacz
        return write_wacz(conn, path, site, since, progress, until)
    return {"jsonl": write_jsonl, "csv": write_csv, "parquet": write_parquet}[fmt](
        conn, path, site, since, progress, until, pseudonyms)


def _check_target(fmt: str, path: Path) -> None:
    if fmt in ("jsonl", "warc", "wacz") and path.is_dir():
        raise ExportError(f"-o must name a file for {fmt}, and {path} is a folder")
    if fmt in ("csv", "parquet") and path.exists() and not path.is_dir():
        raise ExportError(f"-o must name a folder for {fmt} (it gets articles and comments"
                          f" files), and {path} is a file")


def export_size(conn: sqlite3.Connection, fmt: str, site: str | None = None,
                since: str | None = None, until: str | None = None) -> int:
    """The number of progress steps an export takes (comments, articles, or captures)."""
    if fmt == "warc":
        return queries.count_captures(conn, site, since, until)
    if fmt == "wacz":
        return len(queries.crawl_warc_files(conn, site, since, until))
    articles, comments = queries.count_selected(conn, site, since, until)
    return articles + comments if fmt != "jsonl" else articles


# -- JSON Lines --------------------------------------------------------------------------------

def write_jsonl(conn: sqlite3.Connection, path: Path, site: str | None, since: str | None,
                progress: Progress, until: str | None = None,
                pseudonyms: Pseudonyms | None = None) -> ExportResult:
    """One article per line, its comment tree nested as in ``show --json``."""
    result = ExportResult(paths=[path])
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        for article, comments in iter_threads(conn, site, since, until, pseudonyms):
            out.write(json.dumps(article_document(article, comments), ensure_ascii=False) + "\n")
            result.articles += 1
            result.comments += len(comments)
            progress(1)
    return result


def iter_threads(conn: sqlite3.Connection, site: str | None = None, since: str | None = None,
                 until: str | None = None,
                 pseudonyms: Pseudonyms | None = None) -> Iterator[tuple[dict, list[dict]]]:
    """Each selected article with its comments (thread order), one article in memory at a time."""
    names, articles = queries.iter_articles(conn, site, since, until)
    comment_names, comments = queries.iter_comments(conn, site, since, until)
    groups = itertools.groupby((dict(zip(comment_names, row)) for row in comments),
                               key=lambda c: c["article_id"])
    pending = next(groups, None)
    for row in articles:
        article = dict(zip(names, row))
        article["authors"] = json.loads(article["authors"] or "[]")
        article["tags"] = json.loads(article["tags"] or "[]")
        thread: list[dict] = []
        if pending and pending[0] == article["id"]:
            thread = [pseudonyms.comment(c) for c in pending[1]] if pseudonyms else list(pending[1])
            pending = next(groups, None)
        yield article, thread


# -- CSV -----------------------------------------------------------------------------------------

def write_csv(conn: sqlite3.Connection, folder: Path, site: str | None, since: str | None,
              progress: Progress, until: str | None = None,
              pseudonyms: Pseudonyms | None = None) -> ExportResult:
    """``articles.csv`` and ``comments.csv`` (with ``article_url`` and ``parent_comment_id``); a text
    cell a spreadsheet would read as a formula starts with ``'`` (``safe.csv_cell``)."""
    folder.mkdir(parents=True, exist_ok=True)
    result = ExportResult()
    for table, names, cursor in export_tables(conn, site, since, until, pseudonyms):
        path = folder / f"{table}.csv"
        with open(path, "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(names)
            count = _write_rows(writer, cursor, progress)
        setattr(result, table, count)
        result.paths.append(path)
    return result


def export_tables(conn: sqlite3.Connection, site: str | None, since: str | None, until: str | None,
                  pseudonyms: Pseudonyms | None) -> Iterator[tuple[str, tuple[str, ...], sqlite3.Cursor]]:
    """The articles and comments tables of the CSV and Parquet exports: name, columns, rows."""
    yield ("articles", *queries.iter_articles(conn, site, since, until))
    names, cursor = queries.iter_comments(conn, site, since, until)
    yield "comments", names, _PseudonymizedRows(names, cursor, pseudonyms) if pseudonyms else cursor


class _PseudonymizedRows:
    """A cursor's rows with the commenter columns replaced by their pseudonyms."""

    def __init__(self, names: tuple[str, ...], cursor: sqlite3.Cursor, pseudonyms: Pseudonyms):
        self.names, self.cursor, self.pseudonyms = names, cursor, pseudonyms

    def fetchmany(self, size: int) -> list[tuple]:
        return self.pseudonyms.rows(self.names, self.cursor.fetchmany(size))


def _write_rows(writer, cursor: sqlite3.Cursor, progress: Progress, batch: int = 1000) -> int:
    count = 0
    while rows := cursor.fetchmany(batch):
        writer.writerows([csv_cell(value) for value in row] for row in rows)
        count += len(rows)
        progress(len(rows))
    return count


# -- search results ---------------------------------------------------------------------------

HIT_FORMATS = ("csv", "jsonl")
HIT_COLUMNS = ("kind", "url", "title", "author", "date_published", "site", "removed_at", "snippet", "rank")


def write_hits(hits: Iterable[dict], fmt: str, out) -> int:
    """Search hits to the text stream ``out``, one per row or line, as they come; returns how many."""
    count = 0
    writer = csv.writer(out) if fmt != "jsonl" else None
    if writer is not None:
        writer.writerow(HIT_COLUMNS)
    for hit in hits:
        if writer is None:
            out.write(json.dumps({key: hit[key] for key in HIT_COLUMNS}, ensure_ascii=False) + "\n")
        else:
            writer.writerow([csv_cell(hit[key]) for key in HIT_COLUMNS])
        count += 1
    return count


# -- Parquet -------------------------------------------------------------------------------------

INTEGER_COLUMNS = {"id", "article_id", "parent_id", "depth", "position", "comment_count_declared",
                   "edits"}
LIST_COLUMNS = {"authors", "tags"}
"""Columns the archive keeps as JSON arrays of strings: Parquet lists."""
ISO_SECOND = "%Y-%m-%dT%H:%M:%SZ"


def is_timestamp(name: str) -> bool:
    """Dates the archive keeps as ISO 8601 UTC text (``*_raw`` keeps the page's own text)."""
    return name.endswith("_at") or name in ("date_published", "date_modified")


def parquet_schema(pa, names: tuple[str, ...]):
    """Real types: integers, UTC timestamps, lists of strings, and text for the rest."""
    def kind(name: str):
        if name in INTEGER_COLUMNS:
            return pa.int64()
        if name in LIST_COLUMNS:
            return pa.list_(pa.string())
        return pa.timestamp("ms", tz="UTC") if is_timestamp(name) else pa.string()
    return pa.schema([(name, kind(name)) for name in names])


def _parquet_column(pa, values: tuple, kind):
    if pa.types.is_list(kind):
        return pa.array([json.loads(v) if v else [] for v in values], type=kind)
    if pa.types.is_timestamp(kind):
        return pa.array([_utc_datetime(v) for v in values], type=kind)
    return pa.array(values, type=kind)


def _utc_datetime(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.strptime(text, ISO_SECOND).replace(tzinfo=timezone.utc)
    except ValueError:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def write_parquet(conn: sqlite3.Connection, folder: Path, site: str | None, since: str | None,
                  progress: Progress, until: str | None = None,
                  pseudonyms: Pseudonyms | None = None) -> ExportResult:
    """``articles.parquet`` and ``comments.parquet``: the CSV export's tables with real types."""
    pa, pq = _pyarrow()
    folder.mkdir(parents=True, exist_ok=True)
    result = ExportResult()
    for table, names, cursor in export_tables(conn, site, since, until, pseudonyms):
        schema = parquet_schema(pa, names)
        path = folder / f"{table}.parquet"
        with pq.ParquetWriter(path, schema, compression="zstd") as writer:
            count = 0
            while batch := cursor.fetchmany(PARQUET_BATCH):
                columns = list(zip(*batch))
                writer.write_table(pa.Table.from_arrays(
                    [_parquet_column(pa, col, schema.field(i).type) for i, col in enumerate(columns)],
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
