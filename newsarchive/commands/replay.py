"""``newsarchive replay``: the crawl-time WARCs served by pywb, to see archived pages as they were."""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import click

from ..replay import COLLECTION, ReplayError, prepare_collection, run_pywb
from . import archive_conn


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8080, show_default=True, help="Port to listen on.")
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path),
              help="Where the pywb collection is made (default: a temporary folder).")
@click.pass_context
def replay(ctx: click.Context, host: str, port: int, folder: Path | None) -> None:
    """Serve the WARC files written while crawling (NEWSARCHIVE_WARC_DIR) with pywb: an article
    at http://HOST:PORT/archive/URL, comments included, as it was fetched. Needs the optional
    pywb in its own environment (see the README).

    Example: newsarchive --db mali.db replay --port 8080
    """
    conn = archive_conn(ctx)
    with tempfile.TemporaryDirectory(prefix="newsarchive-replay-") as temporary:
        root = (folder or Path(temporary)).resolve()
        try:
            count = prepare_collection(conn, root)
        except ReplayError as error:
            raise click.ClickException(str(error)) from None
        except subprocess.CalledProcessError as error:
            raise click.ClickException(f"pywb could not index the WARCs: {error.stderr.decode(errors='replace')[-500:]}")
        conn.close()
        click.echo(f"replaying {count} WARC file{'s' if count != 1 else ''} at"
                   f" http://{host}:{port}/{COLLECTION}/URL (Ctrl-C stops)")
        sys.stdout.flush()
        try:
            run_pywb(root, host, port)
        except ReplayError as error:
            raise click.ClickException(str(error)) from None
