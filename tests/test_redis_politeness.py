"""Politeness across processes: per-domain concurrency and delay shared through one Redis."""
from __future__ import annotations

import sqlite3
import statistics

import pytest

from newsarchive.replica import serve, synthetic_site
from newsarchive.replica.slow import SlowSite

from conftest import run_cli
from test_distributed import _start as start, _stop as stop

ARTICLES = 20
UNHURRIED = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=16", "-s", "LOG_LEVEL=INFO",
             "-s", "NEWSARCHIVE_EXTRACT_PROCESSES=0"]
TWO_AT_ONCE = [*UNHURRIED, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "-s", "DOWNLOAD_DELAY=0"]


def crawl_with_workers(base_url: str, folder, redis_url: str, settings: list[str]) -> int:
    """A coordinator and three `newsarchive worker` processes crawl the site; the articles archived."""
    workers = [start(["worker", "--redis", redis_url, *settings], folder / f"worker{i}.log")
               for i in range(3)]
    db = folder / "archive.db"
    try:
        run_cli("crawl", "maliweb", "-a", f"base_url={base_url}", *settings, "--redis", redis_url, db=db,
                timeout=600)
    finally:
        stop(workers)
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]


def crawl_apart(base_url: str, folder, settings: list[str]) -> None:
    """Three plain crawls of the same site at once, each into an archive of its own, no Redis."""
    children = [start(["--db", str(folder / f"a{i}.db"), "crawl", "maliweb", "-a", f"base_url={base_url}",
                       *settings], folder / f"crawl{i}.log") for i in range(3)]
    for child in children:
        assert child.wait(timeout=300) == 0, (folder / "crawl0.log").read_text()[-3000:]


@pytest.fixture
def slow_site():
    """A site of 20 articles answering each request 150 ms late, counting the requests it is answering."""
    site = SlowSite(synthetic_site(ARTICLES), latency=0.15)
    with serve(site) as served:
        yield site, served


def test_three_workers_never_put_more_than_the_domain_limit_on_a_site(slow_site, redis_url, tmp_path):
    site, served = slow_site
    assert crawl_with_workers(served.base_url, tmp_path, redis_url, TWO_AT_ONCE) == ARTICLES
    assert site.most_at_once == 2


def test_without_redis_three_processes_put_more_on_the_site(slow_site, tmp_path):
    site, served = slow_site
    crawl_apart(served.base_url, tmp_path, TWO_AT_ONCE)
    assert site.most_at_once > 2


def test_three_workers_keep_the_download_delay_between_them(slow_site, redis_url, tmp_path):
    """Redis grants the starts DOWNLOAD_DELAY apart; what the site sees moves only by the time a
    busy host takes to put a request on the wire, so its span and median gap are checked."""
    site, served = slow_site
    spaced = [*UNHURRIED, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4", "-s", "DOWNLOAD_DELAY=0.25"]
    assert crawl_with_workers(served.base_url, tmp_path, redis_url, spaced) == ARTICLES
    gaps = [later - earlier for earlier, later in zip(site.arrivals, site.arrivals[1:])]
    assert len(gaps) > 30
    assert sum(gaps) >= 0.95 * 0.25 * len(gaps)
    assert statistics.median(gaps) >= 0.9 * 0.25
