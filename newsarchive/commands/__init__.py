"""Click commands, one module each (registered in cli.py), and the helpers they share."""
from __future__ import annotations

import sqlite3
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import click

from .. import db
from ..search import SearchError, day_bound


def archive_conn(ctx: click.Context, must_exist: bool = True) -> sqlite3.Connection:
    """The connection to the group's ``--db`` archive; a clear error when it does not exist."""
    path = ctx.obj["db"]
    if must_exist and not Path(path).exists():
        raise click.ClickException(f"no archive at {path}: crawl first, or pass --db PATH")
    return db.open_archive(path).conn


def on_terminal() -> bool:
    """True when a person is watching (stderr is a TTY): only then draw progress bars."""
    return sys.stderr.isatty()


@contextmanager
def progress_bar(length: int, label: str) -> Iterator[Callable[[int], None]]:
    """A ``step(n)`` callback drawing click's progress bar on a terminal, silent otherwise."""
    if not on_terminal() or length <= 0:
        yield lambda n: None
        return
    with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
        yield bar.update


def publication_window(command: Callable) -> Callable:
    """``--since``/``--until DATE``: the publication date, with one meaning in every command."""
    command = click.option("--until", metavar="DATE",
                           help="Only what was published on or before DATE (YYYY-MM-DD).")(command)
    return click.option("--since", metavar="DATE",
                        help="Only what was published on or after DATE (YYYY-MM-DD).")(command)


def date_bounds(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    """``--since``/``--until`` as ISO bounds (a bare ``--until`` day included); a usage error if not dates."""
    try:
        return day_bound(since), day_bound(until, upper=True)
    except SearchError as error:
        raise click.BadParameter(str(error), param_hint="--since/--until") from None
