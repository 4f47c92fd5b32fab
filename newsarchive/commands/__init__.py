"""Click commands, one module each (registered in cli.py), and the helpers they share."""
from __future__ import annotations

import sqlite3
import sys
from contextlib import contextmanager
from typing import Callable, Iterator

import click

from .. import db
from ..search import SearchError, day_bound
from ..safe import terminal_text


def archive_conn(ctx: click.Context, must_exist: bool = True, probe: bool = True) -> sqlite3.Connection:
    """A connection that writes to the group's ``--db`` archive, created only when not
    ``must_exist``; one clear line when it is missing, damaged or (``probe``) not writable."""
    try:
        return db.open_for_writing(ctx.obj["db"], create=not must_exist, probe=probe).conn
    except db.ArchiveError as error:
        raise click.ClickException(str(error)) from None


def reading_conn(ctx: click.Context) -> sqlite3.Connection:
    """A read-only connection to the group's ``--db`` archive (``db.open_for_reading``); one clear
    line when it is missing or damaged."""
    try:
        return db.open_for_reading(ctx.obj["db"])
    except db.ArchiveError as error:
        raise click.ClickException(str(error)) from None


def say(text: str = "", err: bool = False) -> None:
    """``click.echo`` for text holding archived or fetched values: a control character or bidi
    override in it is shown escaped, never obeyed by the terminal (``safe.terminal_text``)."""
    click.echo(terminal_text(text), err=err)


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
