"""Benchmark: an incremental run against a full re-crawl, on a synthetic replica that gained a few articles.

Run: .venv/bin/python tests/bench/bench_incremental.py [N_ARTICLES] [NEW_ARTICLES]
"""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newsarchive.replica import serve, synthetic_site

REPO = Path(__file__).resolve().parents[2]
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "LOG_LEVEL=WARNING"]


def crawl(db: Path, base_url: str, *args: str) -> float:
    """Run the real CLI crawl; returns its wall time in seconds."""
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "newsarchive", "--db", str(db), "crawl", "maliweb",
                    "-a", f"base_url={base_url}", *args, *FAST], cwd=REPO, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - started


def articles(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]


def main(n: int = 1000, new: int = 20) -> None:
    with tempfile.TemporaryDirectory() as tmp, serve(synthetic_site(n)) as served:
        db = Path(tmp) / "a.db"
        full_time = crawl(db, served.base_url)
        full_requests = len(served.requests)
        served.site, served.requests[:] = synthetic_site(n + new), []
        incremental_time = crawl(db, served.base_url)
        incremental_requests = len(served.requests)
        served.requests[:] = []
        rediscover_time = crawl(db, served.base_url, "-a", "discover=all")
        print(f"synthetic replica: {n} articles, then {new} new ones; archive has {articles(db)}")
        print(f"first (full) crawl:         {full_requests:6d} requests {full_time:6.1f}s")
        print(f"incremental run:            {incremental_requests:6d} requests {incremental_time:6.1f}s"
              f"  ({full_requests / max(incremental_requests, 1):.0f}x fewer requests)")
        print(f"incremental, discover=all:  {len(served.requests):6d} requests {rediscover_time:6.1f}s")


if __name__ == "__main__":
    from _common import recorded

    with recorded("bench_incremental"):
        main(*(int(a) for a in sys.argv[1:3]))
