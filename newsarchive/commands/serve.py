"""``newsarchive serve``: browse the archive in Datasette with the project's metadata."""
from __future__ import annotations

import json

import click

from ..serve import ServeError, metadata_for, serve as run_serve


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8001, show_default=True, help="Port to listen on.")
@click.option("--print-metadata", is_flag=True,
              help="Print the metadata for this archive (for `datasette FILE -m`) and exit.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, print_metadata: bool) -> None:
    """Start Datasette on the archive: descriptions, facets and canned queries (thread,
    most_discussed, commenter_history). Needs the optional extra: pip install 'newsarchive[datasette]'.

    Example: newsarchive --db mali.db serve --port 8001
    """
    if print_metadata:
        click.echo(json.dumps(metadata_for(ctx.obj["db"]), ensure_ascii=False, indent=2))
        return
    try:
        code = run_serve(ctx.obj["db"], host, port)
    except ServeError as error:
        raise click.ClickException(str(error)) from None
    ctx.exit(code)
