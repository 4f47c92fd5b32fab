"""``newsarchive demo``: serve the bundled replica on 127.0.0.1, archive it, show what was archived."""
from __future__ import annotations

from typing import Callable

from .db import open_archive, queries
from .render import article_document, render_article

DEMO_PORT = 8765  # fixed, so that a second demo run finds the same article URLs in the archive


def _serve_replica(port: int):
    from .replica import maliweb_site, serve

    try:
        return serve(maliweb_site("day1"), port=port or DEMO_PORT)
    except OSError:  # the port is taken: any free one will do
        return serve(maliweb_site("day1"), port=0)


def run_demo(db_path: str, port: int, echo: Callable[[str], None]) -> None:
    """Crawl the replica into ``db_path`` and print a summary and the seed article."""
    from .runner import LOCAL_REPLICA_SETTINGS, run_crawl

    with _serve_replica(port) as served:
        echo(f"serving the offline maliweb replica at {served.base_url}")
        run_crawl(db_path, "maliweb", {"base_url": served.base_url},
                  {**LOCAL_REPLICA_SETTINGS, "LOG_LEVEL": "CRITICAL"})
    conn = open_archive(db_path).conn
    for row in queries.site_stats(conn):
        echo(f"archived {row['articles']} articles and {row['comments']} comments from {row['site']}"
             f" into {db_path}")
    for failure in queries.recent_failures(conn, queries.recent_crawls(conn, 1)[0]["id"]):
        echo(f"  not archived (on purpose, edge case): {failure['url']} — {failure['reason']}")
    article = queries.most_discussed_article(conn)
    if article:
        echo("\nThe most discussed article:\n")
        echo(render_article(article_document(article, queries.article_comments(conn, article["id"]))))

