"""``newsarchive history URL``: an article's versions and its comment thread's changes."""
from __future__ import annotations

import json

import click

from ..history import article_history, render_history
from . import reading_conn, say


@click.command("history")
@click.argument("url")
@click.option("--json", "as_json", is_flag=True, help="Print the history as JSON.")
@click.pass_context
def history(ctx: click.Context, url: str, as_json: bool) -> None:
    """Show how an archived article changed: its versions with a diff of the body, and its
    comment thread's changes (added, removed, edited, restored, and when).

    Example: newsarchive history https://www.maliweb.net/politique/mali-russie-2281222.html
    """
    found = article_history(reading_conn(ctx), url)
    if found is None:
        raise click.ClickException(f"no archived article at {url}")
    say(json.dumps(found, ensure_ascii=False, indent=2) if as_json else render_history(found))
