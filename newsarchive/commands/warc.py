"""``newsarchive import-warc``: build an archive from a WARC by re-extracting its captures."""
from __future__ import annotations

from pathlib import Path

import click

from ..warc import import_warc as run_import
from ..warcfile import WarcError, check_warc
from . import archive_conn, progress_bar
from .reextract import print_report


@click.command("import-warc")
@click.argument("warc_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--db", "db_path", type=click.Path(dir_okay=False),
              help="The archive to build (overrides the group's --db).")
@click.pass_context
def import_warc(ctx: click.Context, warc_file: Path, db_path: str | None) -> None:
    """Store the responses of WARC_FILE as captures and extract the articles from them.

    Comment pages are regrouped with their article by the X-Newsarchive-Article-URL header
    that `newsarchive export --format warc` writes. Pages the crawl would refuse (no headline, no
    body) keep their captures and are listed as failures, not stored as articles. A file that is
    not a WARC writes nothing; a damaged one is imported up to the damage, then exits 1.

    Example: newsarchive import-warc exports/archive.warc.gz --db rebuilt.db
    """
    if db_path:
        ctx.obj["db"] = db_path
    try:
        check_warc(warc_file)  # before the archive is opened: a file that is no WARC writes nothing
    except WarcError as error:
        raise click.ClickException(str(error)) from None
    conn = archive_conn(ctx, must_exist=False)
    with progress_bar(warc_file.stat().st_size, "import") as step:
        result = run_import(conn, warc_file, step)
    click.echo(f"imported {result.captures} captures from {warc_file}")
    print_report(result.report)
    if result.damage:
        raise click.ClickException(f"{result.damage}; import stopped there")
