"""The ``newsarchive`` command line: each command parses, calls one library function, prints."""
from __future__ import annotations

import json
import sqlite3
import sys

import click

from . import db
from .db import queries
from .commands import archive_conn, reading_conn, say


def _key_values(pairs: tuple[str, ...], option: str) -> dict[str, str]:
    parsed = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint=option)
        parsed[key.strip()] = value
    return parsed


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsarchive")
@click.option("--db", "db_path", envvar="NEWSARCHIVE_DB", default="archive.db", show_default=True,
              type=click.Path(dir_okay=False),
              help="The archive (SQLite file); env NEWSARCHIVE_DB. Also accepted after the command.")
@click.pass_context
def cli(ctx: click.Context, db_path: str) -> None:
    """Archive news articles and their reader-comment threads in SQLite.

    Example: newsarchive --db mali.db crawl maliweb

    Example: newsarchive search mali --db mali.db -- -gouvernement   (`--` ends the options)
    """
    ctx.obj = {"db": db_path}


class ArgumentError(click.ClickException):
    """A wrong argument said in one line, with the exit status of a usage error (2)."""

    exit_code = 2


def _db_after_command(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.obj["db"] = value


DB_AFTER_COMMAND = click.Option(["--db"], type=click.Path(dir_okay=False), expose_value=False,
                                callback=_db_after_command,
                                help="The archive (SQLite file), as the --db given before the command.")
"""``--db`` on every command, so that it may follow the command (``newsarchive search mali --db a.db``)."""


def _accept_db_after_every_command(group: click.Group) -> None:
    for command in group.commands.values():
        if isinstance(command, click.Group):
            _accept_db_after_every_command(command)
        elif not any("--db" in param.opts for param in command.params):
            command.params.append(DB_AFTER_COMMAND)


def _archive(ctx: click.Context):
    return archive_conn(ctx, must_exist=False, probe=False)  # run_crawl checks it can write


@cli.command()
@click.argument("spider")
@click.option("-a", "spider_args", multiple=True, metavar="NAME=VALUE", help="Spider argument.")
@click.option("-s", "settings", multiple=True, metavar="NAME=VALUE", help="Scrapy setting.")
@click.option("--redis", "redis_url", metavar="redis://HOST:PORT/DB",
              help="Coordinate `newsarchive worker` processes through this Redis: they fetch and extract"
                   " the articles, this process plans and writes.")
@click.pass_context
def crawl(ctx: click.Context, spider: str, spider_args: tuple[str, ...], settings: tuple[str, ...],
          redis_url: str | None) -> None:
    """Run SPIDER and archive what it finds. `newsarchive spiders` lists the spiders and their
    -a arguments.

    Example: newsarchive crawl maliweb -a base_url=http://127.0.0.1:8000 -s DOWNLOAD_DELAY=0

    Example: newsarchive crawl generic -a feed=https://www.example.org/feed/

    Example: newsarchive --db mali.db crawl maliweb --redis redis://127.0.0.1:6379/0
    """
    from .commands import on_terminal
    from .outcome import exit_code
    from .progress import terminal_settings
    from .runner import check_crawl, run_crawl

    arguments = _key_values(spider_args, "-a")
    try:
        check_crawl(spider, arguments)
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    overrides = {**terminal_settings(on_terminal()), **_key_values(settings, "-s")}
    redis_url = redis_url or overrides.get("NEWSARCHIVE_REDIS_URL")  # as `schedule add -s` passes it
    if redis_url:  # the workers extract: no extraction processes here
        overrides = {"NEWSARCHIVE_EXTRACT_PROCESSES": 0, **overrides, "NEWSARCHIVE_REDIS_URL": redis_url}
    try:
        if redis_url:
            from .distributed.keys import check_reachable

            check_reachable(redis_url)
        crawl_id = run_crawl(ctx.obj["db"], spider, arguments, overrides)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    if crawl_id is None:
        raise click.ClickException(f"spider {spider!r} did not start (see the log above)")
    conn = _archive(ctx)
    row = queries.crawl(conn, crawl_id)
    _print_crawl_summary(conn, row)
    ctx.exit(exit_code(row["status"]))


def _print_crawl_summary(conn, crawl: dict) -> None:
    stats = json.loads(crawl["stats"] or "{}")
    outcome = crawl["status"] or "did not record its end"
    outcome += f" ({crawl['status_reason']})" if crawl["status_reason"] else ""
    moved = stats.get("newsarchive/articles_moved", 0)
    click.echo(f"crawl {crawl['id']} ({crawl['spider']}): {outcome}; "
               f"{stats.get('newsarchive/articles_stored', 0)} articles stored "
               f"({stats.get('newsarchive/articles_new', 0)} new{f', {moved} moved to a new URL' if moved else ''}), "
               f"{stats.get('newsarchive/comments_added', 0)} comments added, "
               f"{stats.get('newsarchive/comments_removed', 0)} removed, "
               f"{stats.get('newsarchive/article_versions', 0)} article edits, "
               f"{sum(v for k, v in stats.items() if k.startswith('newsarchive/failures/'))} failures")
    for failure in queries.recent_failures(conn, crawl["id"]):
        say(f"  not archived: {failure['url']} [{failure['stage']}] {failure['reason']}")


@cli.command()
@click.argument("url")
@click.option("--json", "as_json", is_flag=True, help="Print the article and nested thread as JSON.")
@click.pass_context
def show(ctx: click.Context, url: str, as_json: bool) -> None:
    """Print an archived article and its comment tree. URL may be any URL of the article: with a
    #fragment, a comment page (/comment-page-2/, ?cpage=2) or a reply link (?replytocom=N).

    Example: newsarchive show https://www.maliweb.net/politique/mali-russie-2281222.html
    """
    from .article_urls import find_archived_article
    from .render import article_document, render_article

    conn = reading_conn(ctx)
    article = find_archived_article(conn, url)
    if article is None:
        raise click.ClickException(f"no archived article at {url}")
    document = article_document(article, queries.article_comments(conn, article["id"]))
    if as_json:
        say(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        say(render_article(document))


@cli.command()
def spiders() -> None:
    """List the spiders, each with its -a arguments and what they do.

    Example: newsarchive spiders
    """
    from .runner import spider_classes

    for name, spider in spider_classes().items():
        click.echo(f"{name}: {(spider.__doc__ or '').strip().splitlines()[0].replace('``', '')}")
        for argument, meaning in getattr(spider, "arguments", {}).items():
            click.echo(f"  -a {argument + '=…':<11} {meaning}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the same counts as JSON.")
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Per-site counts, the last crawls, and pages that failed.

    Example: newsarchive --db mali.db stats
    """
    from .render import comment_counts

    conn = reading_conn(ctx)
    if as_json:
        click.echo(json.dumps(_stats_document(conn), ensure_ascii=False, indent=2))
        return
    for row in queries.site_stats(conn):
        say(f"{row['site']}: {row['articles']} articles, "
            f"{comment_counts(row['comments'], row['removed_comments'])}, last seen {row['last_seen']}")
    for crawl_row in queries.recent_crawls(conn, 3):
        click.echo(f"crawl {crawl_row['id']} {crawl_row['spider']}: started {crawl_row['started_at']},"
                   f" finished {crawl_row['finished_at'] or '-'} ({crawl_row['status'] or 'running, or killed'})")
    failures = queries.failure_counts(conn)
    if failures:
        click.echo("failed pages:")
    for row in failures:
        say(f"  {row['pages']:>5}  [{row['stage']}] {row['reason']}")


def _stats_document(conn) -> dict:
    crawls = queries.recent_crawls(conn, 3)
    for crawl_row in crawls:
        crawl_row["stats"] = json.loads(crawl_row["stats"] or "{}")
    return {"sites": queries.site_stats(conn), "crawls": crawls, "failures": queries.failure_counts(conn)}


@cli.command()
@click.option("--port", default=8765, show_default=True,
              help="Port for the replica (if taken, any free port).")
@click.pass_context
def demo(ctx: click.Context, port: int) -> None:
    """Serve the bundled offline replica of a maliweb-like site, archive it, and show the result.

    Example: newsarchive --db demo.db demo
    """
    from .demo import run_demo

    run_demo(ctx.obj["db"], port, click.echo)


from .commands.search import search as search_command  # noqa: E402
from .commands.history import history as history_command  # noqa: E402
from .commands.schedule import schedule as schedule_command  # noqa: E402

cli.add_command(search_command)
cli.add_command(history_command)
cli.add_command(schedule_command)
from .commands.extract import extract_command  # noqa: E402

cli.add_command(extract_command)


from .commands.export import export as export_command  # noqa: E402
from .commands.reextract import reextract as reextract_command  # noqa: E402
from .commands.serve import serve as serve_command  # noqa: E402
from .commands.warc import import_warc as import_warc_command  # noqa: E402
from .commands.replay import replay as replay_command  # noqa: E402
from .commands.backfill import backfill as backfill_command  # noqa: E402
from .commands.worker import worker as worker_command  # noqa: E402

cli.add_command(export_command)
cli.add_command(import_warc_command)
cli.add_command(backfill_command)
cli.add_command(reextract_command)
cli.add_command(serve_command)
cli.add_command(replay_command)
cli.add_command(worker_command)
_accept_db_after_every_command(cli)


def main() -> None:
    """Console-script entry point; an archive found damaged or unwritable mid-command is one line
    and exit status 1, not a traceback."""
    try:
        cli(prog_name="newsarchive")
    except (db.ArchiveError, sqlite3.DatabaseError) as error:
        if not db.is_archive_error(error):
            raise
        click.echo(f"Error: {error}" if isinstance(error, db.ArchiveError)
                   else f"Error: the archive cannot be used: {error}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    sys.exit(main())
