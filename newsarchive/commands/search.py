"""``newsarchive search``: ranked full-text search with filters and highlighted snippets."""
from __future__ import annotations

import json
import sys

import click

from ..search import HIGHLIGHT, Filters, SearchError, day_bound, search as run_search
from ..safe import terminal_text
from . import reading_conn, say


@click.command()
@click.argument("query")
@click.option("--site", help="Only this site (e.g. maliweb.net).")
@click.option("--since", metavar="DATE", help="Published on or after DATE (YYYY-MM-DD).")
@click.option("--until", metavar="DATE", help="Published on or before DATE (YYYY-MM-DD).")
@click.option("--author", help="Byline or commenter name containing this text.")
@click.option("--comments-only", is_flag=True, help="Search comments only.")
@click.option("--articles-only", is_flag=True, help="Search articles only.")
@click.option("--limit", default=20, show_default=True, help="How many results.")
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
@click.pass_context
def search(ctx: click.Context, query: str, site: str | None, since: str | None, until: str | None,
           author: str | None, comments_only: bool, articles_only: bool, limit: int,
           as_json: bool) -> None:
    """Full-text search of headlines, bodies and comments; accents and case are folded.

    Words are all required; "a phrase" in double quotes matches words side by side; word*
    matches every word starting with it. Anything else (AND, NEAR, parentheses, column:) is
    searched for as plain words.

    Example: newsarchive search '"transition politique" sécu*' --since 2024-01-01 --comments-only
    """
    if comments_only and articles_only:
        raise click.UsageError("--comments-only and --articles-only exclude each other")
    kinds = ("comment",) if comments_only else ("article",) if articles_only else ("article", "comment")
    try:
        filters = Filters(site=site, since=day_bound(since), until=day_bound(until, upper=True),
                          author=author, kinds=kinds)
        results = run_search(reading_conn(ctx), query, filters, limit)
    except SearchError as error:
        raise click.UsageError(str(error)) from None
    if as_json:
        say(json.dumps([_plain(hit) for hit in results.hits], ensure_ascii=False, indent=2))
        return
    _print_hits(results)


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
