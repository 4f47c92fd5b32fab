"""``newsarchive schedule add|list|remove|run``: scheduled crawls stored in the archive."""
from __future__ import annotations

import sys

import click

from ..db import queries, store
from ..revisit import format_duration, parse_duration
from . import archive_conn, reading_conn, say


def _pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    parsed = {}
    for pair in values:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint=option)
        parsed[key.strip()] = value
    return parsed


@click.group("schedule")
def schedule() -> None:
    """Scheduled crawls, stored in the archive; `schedule run` runs them.

    Example: newsarchive --db mali.db schedule add maliweb --every 1h
    """


@schedule.command("add")
@click.argument("spider")
@click.option("--every", required=True, metavar="DURATION", help="How often: 30m, 1h, 6h, 1d, 1w.")
@click.option("-a", "spider_args", multiple=True, metavar="NAME=VALUE", help="Spider argument.")
@click.option("-s", "settings", multiple=True, metavar="NAME=VALUE", help="Scrapy setting.")
@click.pass_context
def add(ctx: click.Context, spider: str, every: str, spider_args: tuple[str, ...],
        settings: tuple[str, ...]) -> None:
    """Crawl SPIDER every DURATION (first run: the next `schedule run`).

    Example: newsarchive --db mali.db schedule add maliweb --every 1h -a revisit=due
    """
    from ..runner import check_crawl
    from ..schedule import add_schedule

    try:
        check_crawl(spider, _pairs(spider_args, "-a"))
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="SPIDER") from None
    try:
        interval = parse_duration(every)
        schedule_id = add_schedule(archive_conn(ctx, must_exist=False), spider, interval,
                                   _pairs(spider_args, "-a"), _pairs(settings, "-s"))
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--every") from None
    click.echo(f"schedule {schedule_id}: {spider} every {format_duration(interval)}")


@schedule.command("list")
@click.pass_context
def list_(ctx: click.Context) -> None:
    """List scheduled crawls: id, spider, interval, next and last run, arguments.

    Example: newsarchive --db mali.db schedule list
    """
    from ..schedule import scheduler_holding

    rows = queries.schedules(reading_conn(ctx))
    if not rows:
        click.echo("no schedules (add one: newsarchive schedule add maliweb --every 1h)")
    scheduler_alive = scheduler_holding(ctx.obj["db"]) is not None
    for row in rows:
        if row["last_status"] == "running" and not scheduler_alive:
            row = {**row, "last_status": "interrupted"}  # the scheduler that ran it died
        say(_describe(row))


def _describe(row: dict) -> str:
    from datetime import timedelta

    options = [f"-a {k}={v}" for k, v in row["args"].items()]
    options += [f"-s {k}={v}" for k, v in row["settings"].items()]
    last = (f"last {row['last_started_at']} ({row['last_status']})" if row["last_started_at"]
            else "never run")
    every = format_duration(timedelta(seconds=row["every_seconds"]))
    return (f"{row['id']:>3}  {row['spider']}  every {every}  next {row['next_run_at']}  {last}"
            + (f"  {' '.join(options)}" if options else ""))


@schedule.command("remove")
@click.argument("schedule_id", type=int)
@click.pass_context
def remove(ctx: click.Context, schedule_id: int) -> None:
    """Delete the schedule with this id (see `schedule list`).

    Example: newsarchive --db mali.db schedule remove 2
    """
    if not store.remove_schedule(archive_conn(ctx), schedule_id):
        raise click.ClickException(f"no schedule {schedule_id}")
    click.echo(f"schedule {schedule_id} removed")


@schedule.command("run")
@click.option("--once", is_flag=True, help="Run what is due now, then exit (for cron and timers).")
@click.pass_context
def run(ctx: click.Context, once: bool) -> None:
    """Run due crawls, each in a child process, until stopped (SIGTERM lets the current crawl
    finish cleanly); with --once, run what is due and exit. One scheduler per archive: a second
    one says who holds `<db>.lock` and exits with status 75.

    Example: newsarchive --db mali.db schedule run --once
    """
    from ..schedule import run_schedules

    conn = archive_conn(ctx)
    sys.exit(run_schedules(ctx.obj["db"], conn, once, lambda line: click.echo(line, err=True)))
