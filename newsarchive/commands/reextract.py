"""``newsarchive reextract``: run today's extraction over the stored captures, offline."""
from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..search import SearchError, day_bound
from . import archive_conn, progress_bar, say

if TYPE_CHECKING:
    from ..reextract import ReextractReport


@click.command()
@click.option("--site", help="Only articles of this site.")
@click.option("--since", metavar="DATE", help="Only articles fetched on or after DATE.")
@click.pass_context
def reextract(ctx: click.Context, site: str | None, since: str | None) -> None:
    """Re-extract archived articles from their stored captures (no network).

    The newest capture of each page is extracted again with the current code; what changed is
    stored as in a crawl (old text kept in the version tables).

    Example: newsarchive --db mali.db reextract --site maliweb.net --since 2024-06-01
    """
    from ..reextract import reextract as run_reextract, selected_groups  # loads the parsers

    conn = archive_conn(ctx)
    try:
        since = day_bound(since)
    except SearchError as error:
        raise click.BadParameter(str(error), param_hint="--since") from None
    with progress_bar(len(selected_groups(conn, site, since)), "reextract") as step:
        report = run_reextract(conn, site, since, step)
    print_report(report)


def print_report(report: ReextractReport) -> None:
    """Counts of a re-extraction, and why pages still fail."""
    click.echo(f"re-extracted {report.articles} articles: {report.changed} changed, {report.new} new,"
               f" {report.unchanged} unchanged, {len(report.failed)} failed; comments"
               f" {report.comments_added} added, {report.comments_removed} removed,"
               f" {report.comments_edited} edited")
    for url, reason in report.failed[:20]:
        say(f"  not extracted: {url}: {reason}")
