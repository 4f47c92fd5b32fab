"""``newsarchive demo``: serve the bundled replica on 127.0.0.1, archive it, show what was archived."""
from __future__ import annotations

import json
import subprocess
import sys
from typing import Callable
from urllib.parse import urlsplit

from .db import open_archive, queries
from .render import article_document, render_article

DEMO_PORT = 8765  # preferred; any port serves the same articles, archived under their sites' own URLs
WIDGET_SITE = "https://news.sahel.example"  # the site the replica's Disqus article stands for (a reserved name)


def _serve_replica(port: int):
    from .replica import maliweb_site, serve
    from .replica.disqus import DisqusArticleSite, disqus_api

    site = DisqusArticleSite(disqus_api(page_size=4), fallback=maliweb_site("day1"))
    try:
        return serve(site, port=port or DEMO_PORT)
    except OSError:  # the port is taken: any free one will do
        return serve(site, port=0)


def _crawl_widget_article(db_path: str, served) -> str:
    """Archive the replica's article whose thread a Disqus embed loads, its site and disqus.com
    mapped to the replica (a crawl of its own: a Scrapy process runs one reactor); its URL."""
    from .replica.disqus import ARTICLE_PATH
    from .runner import LOCAL_REPLICA_SETTINGS

    url = WIDGET_SITE + ARTICLE_PATH
    host_map = {urlsplit(WIDGET_SITE).hostname: served.base_url, "disqus.com": served.base_url}
    settings = {**LOCAL_REPLICA_SETTINGS, "LOG_LEVEL": "CRITICAL", "NEWSARCHIVE_HOST_MAP": json.dumps(host_map)}
    command = [sys.executable, "-m", "newsarchive", "--db", db_path, "crawl", "generic", "-a", f"urls={url}",
               *[part for key, value in settings.items() for part in ("-s", f"{key}={value}")]]
    subprocess.run(command, check=True, capture_output=True)
    return url


def run_demo(db_path: str, port: int, echo: Callable[[str], None]) -> None:
    """Crawl the replica into ``db_path`` and print a summary and the seed article."""
    from .runner import LOCAL_REPLICA_SETTINGS, run_crawl

    with _serve_replica(port) as served:
        echo(f"serving the offline maliweb replica at {served.base_url}")
        widget_url = _crawl_widget_article(db_path, served)
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
    widget_article = queries.find_article(conn, widget_url)
    if widget_article:
        echo(f"\nA thread a Disqus widget loads, read from its API ({urlsplit(WIDGET_SITE).hostname} and"
             " disqus.com mapped to the replica):\n")
        echo(render_article(article_document(widget_article,
                                            queries.article_comments(conn, widget_article["id"]))))
