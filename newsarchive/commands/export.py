"""``newsarchive export``: the archive as JSON Lines, CSV, Parquet or WARC."""
from __future__ import annotations

from pathlib import Path

import click

from ..export import FORMATS, ExportError, export_archive, export_size
from ..pseudonyms import PseudonymError, Pseudonyms
from . import date_bounds, progress_bar, publication_window, reading_conn


@click.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="A file for jsonl, warc and wacz, a folder for csv and parquet (default: exports/).")
@click.option("--site", help="Only articles of this site.")
@publication_window
@click.option("--pseudonymize", is_flag=True,
              help="Replace commenters' names and URLs with stable pseudonyms (keyed by the archive).")
@click.pass_context
def export(ctx: click.Context, fmt: str, output: Path | None, site: str | None,
           since: str | None, until: str | None, pseudonymize: bool) -> None:
    """Export articles and comment threads (or, for WARC, the raw captures).

    jsonl: one article per line with its nested comment tree. csv and parquet: articles and
    comments tables (comments carry article_url and parent_comment_id). warc: request and
    response records of every stored capture, for replay tools and `import-warc`. wacz: the
    WARC files written while crawling (NEWSARCHIVE_WARC_DIR) with an index and pages list.

    --pseudonymize replaces each commenter's name and URL with a pseudonym: the same person gets
    the same one in every export of this archive, and the key stays in the archive (texts are
    kept as written). Not for WARC, which keeps the pages as fetched.

    Example: newsarchive --db mali.db export --format csv -o exports/mali --since 2024-01-01 --until 2024-06-30
    """
    since, until = date_bounds(since, until)
    conn = reading_conn(ctx)
    try:
        pseudonyms = Pseudonyms.of_archive(conn) if pseudonymize else None
        with progress_bar(export_size(conn, fmt, site, since, until), f"export {fmt}") as step:
            result = export_archive(conn, fmt, output, site, since, step, until, pseudonyms)
    except (ExportError, PseudonymError, OSError) as error:
        raise click.ClickException(str(error)) from None
    what = {"warc": f"{result.records} WARC records",
            "wacz": f"{result.records} crawl-time WARC files, {result.articles} pages"}.get(
        fmt, f"{result.articles} articles, {result.comments} comments")
    click.echo(f"exported {what} to {', '.join(str(p) for p in result.paths)}")
