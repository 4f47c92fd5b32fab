"""``newsarchive reextract``: run today's extraction over the stored captures, offline."""
from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..search import SearchError, day_bound
from . import archive_conn, date_bounds, progress_bar, publication_window, say

if TYPE_CHECKING:
    from ..reextract import ReextractReport


@click.command()
@click.option("--site", help="Only articles of this site.")
@publication_window
@click.option("--fetched-since", metavar="DATE", help="Only articles fetched on or after DATE (YYYY-MM-DD).")
@click.pass_context
def reextract(ctx: click.Context, site: str | None, since: str | None, until: str | None,
              fetched_since: str | None) -> None:
    """Re-extract archived articles from their stored captures (no network).

    The newest capture of each page is extracted again with the current code; what changed is
    stored as in a crawl (old text kept in the version tables). A page the crawl would refuse (no
    headline, no body) is listed and kept in `failures`, never stored as an article.

    Example: newsarchive --db mali.db reextract --site maliweb.net --fetched-since 2024-06-01
    """
    from ..reextract import reextract as run_reextract, selected_groups  # loads the parsers

    since, until = date_bounds(since, until)
    try:
        fetched_since = day_bound(fetched_since)
    except SearchError as error:
        raise click.BadParameter(str(error), param_hint="--fetched-since") from None
    conn = archive_conn(ctx)
    selection = {"until": until, "fetched_since": fetched_since}
    with progress_bar(len(selected_groups(conn, site, since, **selection)), "reextract") as step:
        report = run_reextract(conn, site, since, step, **selection)
    print_report(report)


def print_report(report: ReextractReport) -> None:
    """Counts of a re-extraction, and why pages still fail or are refused."""
    click.echo(f"re-extracted {report.articles} articles: {report.changed} changed, {report.new} new,"
               f" {report.unchanged} unchanged, {len(report.failed)} failed,"
               f" {len(report.refused)} refused; comments {report.comments_added} added,"
               f" {report.comments_removed} removed, {report.comments_edited} edited")
    for url, reason in report.failed[:20]:
        say(f"  not extracted: {url}: {reason}")
    for url, reason in report.refused[:20]:
        say(f"  not an article: {url}: {reason}")
