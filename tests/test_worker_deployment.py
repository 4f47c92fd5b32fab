"""Workers as deployed: the scrapyd target runs `scrapy crawl newsarchive-worker -s REDIS_URL=…` beside a coordinator."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

from conftest import FAST_CRAWL, REPO, run_cli
from newsarchive.replica import serve, synthetic_site

ARTICLES = 15


def test_a_worker_started_the_way_scrapyd_starts_it_serves_the_coordinator(redis_url, tmp_path):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("NEWSARCHIVE_DB", None)
    db = tmp_path / "archive.db"
    with open(tmp_path / "worker.log", "wb") as log, serve(synthetic_site(ARTICLES)) as served:
        worker = subprocess.Popen([sys.executable, "-m", "scrapy", "crawl", "newsarchive-worker",
                                   "-s", f"REDIS_URL={redis_url}", *FAST_CRAWL], cwd=REPO, env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
        try:
            run_cli("crawl", "maliweb", "-a", f"base_url={served.base_url}", *FAST_CRAWL, "--redis", redis_url,
                    db=db, timeout=300)
        finally:
            worker.terminate()
            worker.wait(timeout=60)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == ARTICLES
    assert "captures_sent" in (tmp_path / "worker.log").read_text()


def test_the_worker_spider_without_a_redis_says_what_it_needs(tmp_path):
    result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "newsarchive-worker"], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 or "REDIS_URL" in result.stderr
    assert "newsarchive-worker needs the coordinator's Redis" in result.stderr
