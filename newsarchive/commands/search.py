"""``newsarchive search``: ranked full-text search with filters and highlighted snippets."""
from __future__ import annotations

import json
import sys

import click

from ..export import HIT_FORMATS, write_hits
from ..pseudonyms import PseudonymError, Pseudonyms
from ..safe import terminal_text
from ..search import HIGHLIGHT, Filters, SearchError, search as run_search
from . import date_bounds, publication_window, reading_conn, say


@click.command()
@click.argument("query")
@click.option("--site", help="Only this site (e.g. maliweb.net).")
@publication_window
@click.option("--author", help="Byline or commenter name containing this text.")
@click.option("--comments-only", is_flag=True, help="Search comments only.")
@click.option("--articles-only", is_flag=True, help="Search articles only.")
@click.option("--limit", type=int, help="How many results (default 20; with --format every match).")
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
@click.option("--format", "fmt", type=click.Choice(HIT_FORMATS),
              help="Export every match as CSV or JSON Lines (to -o FILE, else to stdout).")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8", lazy=True), default="-",
              help="The file --format writes.")
@click.option("--pseudonymize", is_flag=True,
              help="Commenters' names as stable pseudonyms (as `export --pseudonymize`).")
@click.pass_context
def search(ctx: click.Context, query: str, site: str | None, since: str | None, until: str | None,
           author: str | None, comments_only: bool, articles_only: bool, limit: int | None,
           as_json: bool, fmt: str | None, output, pseudonymize: bool) -> None:
    """Full-text search of headlines, bodies and comments; accents and case are folded.

    Words are all required; "a phrase" in double quotes matches words side by side; word*
    matches every word starting with it. Anything else (AND, NEAR, parentheses, column:) is
    searched for as plain words.

    Example: newsarchive search '"transition politique" sécu*' --since 2024-01-01 --comments-only

    Example: newsarchive search sécurité --comments-only --format csv -o hits.csv --pseudonymize
    """
    if comments_only and articles_only:
        raise click.UsageError("--comments-only and --articles-only exclude each other")
    kinds = ("comment",) if comments_only else ("article",) if articles_only else ("article", "comment")
    since, until = date_bounds(since, until)
    try:
        filters = Filters(site=site, since=since, until=until, author=author, kinds=kinds)
        conn = reading_conn(ctx)
        results = run_search(conn, query, filters, limit if limit is not None else None if fmt else 20,
                             streamed=bool(fmt))
        pseudonyms = Pseudonyms.of_archive(conn) if pseudonymize else None
    except SearchError as error:
        raise click.UsageError(str(error)) from None
    except PseudonymError as error:
        raise click.ClickException(str(error)) from None
    if pseudonyms:
        results.hits = (_pseudonymous(hit, pseudonyms) for hit in results.hits)
    if fmt:
        count = write_hits((_plain(hit) for hit in results.hits), fmt, output)
        if output.name not in ("-", "<stdout>"):
            click.echo(f"exported {count} matches to {output.name}")
        return
    if as_json:
        say(json.dumps([_plain(hit) for hit in results.hits], ensure_ascii=False, indent=2))
        return
    _print_hits(results)


def _pseudonymous(hit: dict, pseudonyms: Pseudonyms) -> dict:
    return {**hit, "author": pseudonyms.of("author_name", hit["author"])} if hit["kind"] == "comment" else hit


def _plain(hit: dict) -> dict:
    start, end = HIGHLIGHT
    return {**hit, "snippet": (hit["snippet"] or "").replace("\n", " ").replace(start, "[").replace(end, "]")}


def _highlighted(snippet: str | None, color: bool) -> str:
    """The snippet on one line, its matches marked (in colour, or in brackets) and every other
    character of it safe for a terminal: the marks are the only control sequences written."""
    start, end = HIGHLIGHT
    opening, closing = ("\x1b[1;33m", "\x1b[0m") if color else ("[", "]")
    return opening.join(closing.join(terminal_text(piece) for piece in part.split(end))
                        for part in (snippet or "").replace("\n", " ").split(start))


def _print_hits(results) -> None:
    if not results.hits:
        click.echo("no match")
    color = sys.stdout.isatty()
    for number, hit in enumerate(results.hits, start=1):
        who = f" — {hit['author']}" if hit["author"] else ""
        removed = " [removed]" if hit["removed_at"] else ""
        header = terminal_text(f"{number}. [{hit['kind']}] {hit['title'] or '(no headline)'}{who}"
                               f" — {hit['date_published'] or '?'}{removed}\n   {hit['url']}\n")
        click.echo(f"{header}   {_highlighted(hit['snippet'], color)}\n")
    if results.capped:
        click.echo("(many matches: the newest were ranked; add words, --since or --site to narrow)",
                   err=True)
