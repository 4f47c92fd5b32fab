"""``newsarchive export``: the archive as JSON Lines, CSV, Parquet or WARC."""
from __future__ import annotations

from pathlib import Path

import click

from ..export import FORMATS, ExportError, export_archive, export_size
from ..search import SearchError, day_bound
from . import archive_conn, progress_bar


@click.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="A file for jsonl, warc and wacz, a folder for csv and parquet (default: exports/).")
@click.option("--site", help="Only articles of this site.")
@click.option("--since", metavar="DATE", help="Only articles published on or after DATE.")
@click.pass_context
def export(ctx: click.Context, fmt: str, output: Path | None, site: str | None,
           since: str | None) -> None:
    """Export articles and comment threads (or, for WARC, the raw captures).

    jsonl: one article per line with its nested comment tree. csv and parquet: articles and
    comments tables (comments carry article_url and parent_comment_id). warc: request and
    response records of every stored capture, for replay tools and `import-warc`. wacz: the
    WARC files written while crawling (NEWSARCHIVE_WARC_DIR) with an index and pages list.

    Example: newsarchive --db mali.db export --format csv -o exports/mali --since 2024-01-01
    """
    conn = archive_conn(ctx)
    try:
        since = day_bound(since)
        with progress_bar(export_size(conn, fmt, site, since), f"export {fmt}") as step:
            result = export_archive(conn, fmt, output, site, since, step)
    except (ExportError, SearchError, OSError) as error:
        raise click.ClickException(str(error)) from None
    what = {"warc": f"{result.records} WARC records",
            "wacz": f"{result.records} crawl-time WARC files, {result.articles} pages"}.get(
        fmt, f"{result.articles} articles, {result.comments} comments")
    click.echo(f"exported {what} to {', '.join(str(p) for p in result.paths)}")
