"""Politeness across processes: per-domain concurrency and delay shared through one Redis."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys

import pytest

from conftest import REPO
from newsarchive.replica import serve, synthetic_site
from newsarchive.replica.slow import SlowSite

POLITE = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=16", "-s", "LOG_LEVEL=INFO"]


def crawl_together(base_url: str, folder, redis_url: str | None, *settings: str, processes: int = 3) -> None:
    """``processes`` crawls of the same site at once, each into an archive of its own."""
    extra = ["-s", f"NEWSARCHIVE_REDIS_URL={redis_url}"] if redis_url else []
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    children = [subprocess.Popen([sys.executable, "-m", "newsarchive", "--db", str(folder / f"a{i}.db"), "crawl",
                                  "maliweb", "-a", f"base_url={base_url}", *POLITE, *settings, *extra],
                                 cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                for i in range(processes)]
    errors = [child.communicate(timeout=300)[1] for child in children]
    for child, error in zip(children, errors):
        assert child.returncode == 0, error[-3000:]


@pytest.fixture
def slow_site():
    site = SlowSite(synthetic_site(12), latency=0.15)
    with serve(site) as served:
        yield site, served


def test_three_processes_never_put_more_than_the_domain_limit_on_a_site(slow_site, redis_url, tmp_path):
    site, served = slow_site
    crawl_together(served.base_url, tmp_path, redis_url, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
                   "-s", "DOWNLOAD_DELAY=0")
    assert site.most_at_once == 2


def test_without_redis_three_processes_put_more_on_the_site(slow_site, tmp_path):
    site, served = slow_site
    crawl_together(served.base_url, tmp_path, None, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
                   "-s", "DOWNLOAD_DELAY=0")
    assert site.most_at_once > 2


def test_three_processes_keep_the_download_delay_between_them(slow_site, redis_url, tmp_path):
    """Redis grants the starts DOWNLOAD_DELAY apart; what the site sees moves only by the time a
    busy host takes to put a request on the wire, so its span and median gap are checked."""
    site, served = slow_site
    crawl_together(served.base_url, tmp_path, redis_url, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4",
                   "-s", "DOWNLOAD_DELAY=0.25")
    gaps = [later - earlier for earlier, later in zip(site.arrivals, site.arrivals[1:])]
    assert len(gaps) > 30
    assert sum(gaps) >= 0.95 * 0.25 * len(gaps)
    assert statistics.median(gaps) >= 0.9 * 0.25
