"""``newsarchive import-warc``: build an archive from WARCs by re-extracting their captures."""
from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import click

from ..offload import default_processes
from ..search import SearchError, day_bound
from ..warc import RecordFilter
from ..warc import import_warc as run_import
from ..warcfile import WarcError, check_warc
from . import archive_conn, progress_bar
from .reextract import print_report


@click.command("import-warc")
@click.argument("warc_files", nargs=-1, metavar="WARC_FILE... | @LIST")
@click.option("--from-list", "lists", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A file naming one WARC a line (as @LIST does).")
@click.option("--site", help="Only responses of this site: its key (X-Newsarchive-Site) or host, subdomains included.")
@click.option("--since", metavar="DATE", help="Only responses captured on or after DATE (WARC-Date; YYYY-MM-DD).")
@click.option("--until", metavar="DATE", help="Only responses captured on or before DATE (WARC-Date; YYYY-MM-DD).")
@click.option("--workers", type=click.IntRange(min=0), default=default_processes, show_default="2 with a second core",
              help="Extraction processes (0: extract in this process); the archive is written by one.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False),
              help="The archive to build (overrides the group's --db).")
@click.pass_context
def import_warc(ctx: click.Context, warc_files: tuple[str, ...], lists: tuple[Path, ...], site: str | None,
                since: str | None, until: str | None, workers: int, db_path: str | None) -> None:
    """Store the responses of the WARC files as captures and extract the articles from them.

    Comment pages are regrouped with their article by the X-Newsarchive-Article-URL header
    that `newsarchive export --format warc` writes. Pages the crawl would refuse (no headline, no
    body) keep their captures and are listed as failures, not stored as articles. --site, --since
    and --until are decided from each record's WARC headers: a record left out is not parsed.
    A file that is not a WARC writes nothing; a damaged one is imported up to the damage, the
    other files still are, then the command exits 1.

    Example: newsarchive import-warc exports/archive.warc.gz --db rebuilt.db

    Example: newsarchive import-warc @warcs.txt --site maliweb.net --since 2024-01-01
    """
    if db_path:
        ctx.obj["db"] = db_path
    paths = _warc_paths(warc_files, lists)
    try:
        keep = RecordFilter(site, day_bound(since), day_bound(until, upper=True))
    except SearchError as error:
        raise click.BadParameter(str(error), param_hint="--since/--until") from None
    try:
        for path in paths:
            check_warc(path)  # before the archive is opened: a file that is no WARC writes nothing
    except WarcError as error:
        raise click.ClickException(str(error)) from None
    conn = archive_conn(ctx, must_exist=False)
    reading, extracting = ExitStack(), ExitStack()
    with reading, extracting:
        step = reading.enter_context(progress_bar(sum(p.stat().st_size for p in paths), "import"))

        def extraction_bar(articles: int):
            reading.close()
            return extracting.enter_context(progress_bar(articles, "extract"))

        result = run_import(conn, paths, step, keep, workers, extraction_bar)
    left_out = f" ({result.left_out} responses left out by the filters)" if result.left_out else ""
    click.echo(f"imported {result.captures} captures from {', '.join(map(str, paths))}{left_out}")
    print_report(result.report)
    if result.damage:
        raise click.ClickException(f"{result.damage}; import stopped there")


def _warc_paths(arguments: tuple[str, ...], lists: tuple[Path, ...]) -> list[Path]:
    """The WARC files named, a ``@LIST`` argument (and --from-list) read as one path a line."""
    named = [a for a in arguments if not a.startswith("@")]
    for listing in [*(Path(a[1:]) for a in arguments if a.startswith("@")), *lists]:
        if not listing.is_file():
            raise click.BadParameter(f"list file {listing} does not exist", param_hint="@LIST")
        lines = listing.read_text(encoding="utf-8").splitlines()
        named += [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    if not named:
        raise click.UsageError("give a WARC file, @LIST or --from-list LIST")
    paths = [Path(name) for name in named]
    for path in paths:
        if not path.is_file():
            raise click.BadParameter(f"{path} does not exist", param_hint="WARC_FILE")
    return paths
