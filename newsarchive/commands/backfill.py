"""``newsarchive backfill``: an article's or a site's past, from a web archive's snapshots."""
from __future__ import annotations

from datetime import timedelta
from typing import Callable
from urllib.parse import urlsplit

import click

from ..backfill import INTERNET_ARCHIVE_CDX, ArchiveClient, Backfill, BackfillError, Limits, replay_prefix, snapshot_day
from ..db import queries
from ..outcome import exit_code
from . import archive_conn, progress_bar
from .reextract import print_report


@click.command("backfill")
@click.argument("target")
@click.option("--cdx", "cdx_url", default=INTERNET_ARCHIVE_CDX, show_default=True,
              help="The CDX API of the web archive (a pywb collection's is http://HOST:PORT/COLL/cdx).")
@click.option("--replay", "replay", metavar="PREFIX",
              help="Where the archive replays snapshots (PREFIX/TIMESTAMPid_/URL); derived from --cdx if not given.")
@click.option("--since", metavar="DATE", help="Only snapshots captured on or after DATE (YYYY-MM-DD).")
@click.option("--until", metavar="DATE", help="Only snapshots captured on or before DATE (YYYY-MM-DD).")
@click.option("--spider", metavar="NAME",
              help="The spider whose extraction applies (default: the archive's for the article, the site's by host, else generic).")
@click.option("--delay", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="Seconds between two requests to the web archive.")
@click.option("--max-per-article", type=click.IntRange(min=1), default=50, show_default=True,
              help="Snapshots fetched per article (its comment pages included), oldest first.")
@click.option("--max-snapshots", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Snapshots fetched in this run.")
@click.option("--window", "window_hours", type=click.FloatRange(min=0), default=24.0, show_default=True,
              help="Hours after an article page snapshot within which comment page snapshots belong to it.")
@click.pass_context
def backfill(ctx: click.Context, target: str, cdx_url: str, replay: str | None, since: str | None,
             until: str | None, spider: str | None, delay: float, max_per_article: int, max_snapshots: int,
             window_hours: float) -> None:
    """Import the snapshots a web archive holds of TARGET as captures at their capture times, and
    rebuild the history of each article from them and the archive's own captures.

    TARGET is an article URL, a site URL ending in / (every article URL under it), or a spider
    name (its site). Snapshots are fetched raw (id_ mode) at --delay, retried on 429/5xx, with the
    archive's robots.txt obeyed; a snapshot imported by an earlier run is not fetched again, one
    that could not be fetched stays pending in the frontier for the next run (exit 3 until then).

    Example: newsarchive backfill https://www.maliweb.net/politique/mali-russie-2281222.html --since 2024-01-01
    """
    try:
        prefix = (replay.rstrip("/") + "/") if replay else replay_prefix(cdx_url)
        bounds = snapshot_day(since), snapshot_day(until, end=True)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    conn = archive_conn(ctx, must_exist=False)
    url, spider, is_article = _target(conn, target, spider)
    limits = Limits(delay=delay, per_article=max_per_article, per_run=max_snapshots,
                    window=timedelta(hours=window_hours))
    run = Backfill(conn, ArchiveClient(limits), cdx_url, prefix, limits)
    try:
        with progress_bar(0, "backfill") as step:
            report = run.run(url, spider, *bounds, is_article, step)
    except BackfillError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"backfill of {url}: {report.snapshots} snapshots, {report.fetched} fetched,"
               f" {report.skipped} already imported, {len(report.failed)} not fetched")
    for where, reason in report.failed[:20]:
        click.echo(f"  not fetched: {where}: {reason}")
    print_report(report.history)
    if report.pending:
        click.echo(f"{report.pending} snapshots pending: the next run of the same backfill tries them again")
    ctx.exit(exit_code(report.status))


def _target(conn, target: str, spider: str | None) -> tuple[str, str, Callable[[str], bool]]:
    """The URL (or URL prefix) to ask for, the spider, and which of the URLs found are articles."""
    from ..runner import spider_classes

    classes = spider_classes()
    if target in classes:
        spider = spider or target
        target = classes[target].default_base_url.rstrip("/") + "/"
    parts = urlsplit(target)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise click.BadParameter(f"{target!r} is neither a URL nor a spider name", param_hint="TARGET")
    spider = spider or queries.article_spider(conn, target) or _spider_of_host(classes, parts.hostname)
    if spider not in classes:
        raise click.BadParameter(f"no spider {spider!r}", param_hint="--spider")
    if not target.endswith("/"):
        return target, spider, lambda url: url == target
    return target, spider, _article_rule(classes[spider])


def _spider_of_host(classes: dict[str, type], host: str | None) -> str:
    for name, spider_class in classes.items():
        if host and host.lower() in getattr(spider_class, "live_hosts", ()):
            return name
    return "generic"


def _article_rule(spider_class: type) -> Callable[[str], bool]:
    """The spider's ``is_article_url`` (any URL when the spider cannot be built without arguments)."""
    try:
        return spider_class().is_article_url
    except Exception:  # a spider that needs -a arguments: every snapshot URL is tried
        return lambda url: True
