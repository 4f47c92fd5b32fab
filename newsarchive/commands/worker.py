"""``newsarchive worker``: fetch and extract the article jobs a coordinating crawl puts in Redis."""
from __future__ import annotations

import click


@click.command("worker")
@click.option("--redis", "redis_url", required=True, metavar="redis://HOST:PORT/DB",
              help="The Redis the coordinating crawl (`crawl … --redis URL`) was started with.")
@click.option("-s", "settings", multiple=True, metavar="NAME=VALUE", help="Scrapy setting.")
def worker(redis_url: str, settings: tuple[str, ...]) -> None:
    """Take whole-article jobs from Redis, fetch each article with its comment pages, extract it
    and send the result back to the coordinating crawl, which alone writes the archive. Holds no
    archive; runs until stopped (Ctrl-C, SIGTERM). Any number of workers on any number of hosts.

    Example: newsarchive worker --redis redis://10.0.0.5:6379/0 -s CONCURRENT_REQUESTS=4
    """
    from ..cli import _key_values
    from ..distributed.keys import check_reachable
    from ..distributed.worker import run_worker

    overrides = _key_values(settings, "-s")
    try:
        check_reachable(redis_url)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    run_worker(redis_url, overrides)
