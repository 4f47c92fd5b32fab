"""What an incremental crawl fetches: new articles, due revisits, sitemaps changed since the last run."""
from __future__ import annotations

import logging
import re
import sqlite3
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from .db import queries
from .revisit import format_time, parse_time

logger = logging.getLogger(__name__)

REVISIT_MODES = ("due", "all", "none")
"""``due``: articles the planner says are due (default); ``all``: every archived article of the
site (backfills, replicas with old dates); ``none``: new articles only."""
DISCOVER_MODES = ("new", "all")
"""``new``: stop paging listings and skip sitemaps with nothing new since the last finished run
(default); ``all``: read every listing page and sitemap."""



def _wanted(state: dict | None, lastmod: str | None) -> bool:
    if state is None:
        return True
    if state["next_visit_at"] is None:
        return False
    changed = parse_lastmod(lastmod)
    return bool(changed and changed > state["last_seen_at"])

def parse_lastmod(text: str | None) -> str | None:
    """A sitemap ``lastmod`` (W3C datetime or date) or feed ``pubDate`` (RFC 822) as ISO 8601 UTC."""
    if not text or not text.strip():
        return None
    text = text.strip()
    if len(text) == 10:  # a date alone: the change may be as late as the end of that day
        text += "T23:59:59Z"
    try:
        return format_time(parse_time(text))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return format_time(moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc))


def check_modes(revisit: str, discover: str) -> None:
    """Raise ValueError, naming the spider argument, unless ``revisit`` and ``discover`` are known modes."""
    for name, value, modes in (("revisit", revisit, REVISIT_MODES), ("discover", discover, DISCOVER_MODES)):
        if value not in modes:
            raise ValueError(f"-a {name} wants one of {', '.join(modes)}, got {value!r}")


class CrawlPlan:
    """One crawl's view of the archive: which discovered articles to fetch, which to revisit."""

    def __init__(self, conn: sqlite3.Connection, site: str, spider: str, base_url: str,
                 revisit: str = "due", discover: str = "new", now: datetime | None = None):
        check_modes(revisit, discover)
        self.conn, self.site, self.revisit, self.discover = conn, site, revisit, discover
        self.now = format_time(now or datetime.now(timezone.utc))
        last = queries.last_finished_crawl(conn, spider, base_url)
        self.since: str | None = last["started_at"] if last else None
        """When the last finished crawl of this spider at this base URL started (None: never)."""

    @property
    def full_discovery(self) -> bool:
        """Read every listing page and sitemap (first run, or ``discover=all``)."""
        return self.discover == "all" or self.since is None

    def revisit_urls(self) -> list[str]:
        """The archived articles this crawl fetches again, whatever discovery finds."""
        if self.revisit == "all":
            return queries.site_article_urls(self.conn, self.site)
        if self.revisit == "due":
            return queries.due_article_urls(self.conn, self.site, self.now)
        return []

    def articles_elsewhere(self, root: str) -> int:
        """How many archived articles of the site are under another root than ``root``."""
        return queries.site_articles_elsewhere(self.conn, self.site, root)

    def pending(self, url_prefix: str) -> list[dict]:
        """What earlier crawls left pending under ``url_prefix`` and is due again (frontier rows)."""
        return queries.due_frontier(self.conn, url_prefix, self.now)

    def wants(self, url: str, lastmod: str | None = None) -> bool:
        """Fetch a discovered article? Yes if new, or unsettled and changed since our last visit.

        Archived articles otherwise come back only through ``revisit_urls`` (due or all): one
        the policy says is settled is never fetched again by discovery.
        """
        return bool(self.wanted([(url, lastmod)]))

    def wanted(self, discovered: list[tuple[str, str | None]]) -> list[str]:
        """The URLs of ``(url, lastmod)`` pairs that ``wants``, in order: one query for a whole
        listing page or sitemap."""
        states = queries.article_visit_states(self.conn, [url for url, _ in discovered])
        return [url for url, lastmod in discovered if _wanted(states.get(url), lastmod)]

    def sitemap_changed(self, lastmod: str | None) -> bool:
        """Read a child sitemap? Unless it says it has not changed since the last finished crawl."""
        changed = parse_lastmod(lastmod)
        return self.full_discovery or changed is None or changed >= self.since

    def sitemaps_to_read(self, children: list[tuple[str, str | None]]) -> list[str]:
        """The child sitemaps of an index (``(url, lastmod)`` pairs) this crawl reads.

        A full discovery reads them all. Otherwise: those changed since the last finished crawl,
        and where the index gives no ``lastmod`` (WordPress core), only the highest-numbered one of
        each family (``…-posts-post-7.xml`` of 1–7): new posts land on the last page.
        """
        if self.full_discovery:
            return [url for url, _ in children]
        dated = [url for url, lastmod in children if lastmod and self.sitemap_changed(lastmod)]
        undated = [url for url, lastmod in children if not lastmod]
        return dated + _last_of_each_family(undated)


_TRAILING_NUMBER = re.compile(r"(\d+)(?=\D*$)")


def _last_of_each_family(urls: list[str]) -> list[str]:
    """Per family of URLs that differ only in their last number, the highest-numbered one."""
    best: dict[str, tuple[int, str]] = {}
    for url in urls:
        match = _TRAILING_NUMBER.search(url)
        family = _TRAILING_NUMBER.sub("#", url) if match else url
        number = int(match.group(1)) if match else 0
        if family not in best or number > best[family][0]:
            best[family] = (number, url)
    return [url for _, url in best.values()]
