"""Rendered pages per minute and peak memory: articles whose thread their script builds, crawled with -a render=auto.

Run: .venv/bin/python tests/bench/bench_render.py [--n 200] [--contexts 2]

Each article is the scripted replica's page (newsarchive/replica/scripted.py): nine comments behind
two "load more" clicks and three "show replies" clicks. The generic spider reads them from a
sitemap and renders every one in Debian's Chromium through scrapy-playwright, contexts capped at
``--contexts``. Memory is sampled every half second over the crawl's whole process tree (the crawl,
its extraction workers, Playwright's driver and Chromium's processes): the sum of their
proportional set sizes (PSS), so pages shared between Chromium's processes count once.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, recorded, table  # noqa: E402

from newsarchive.replica import serve  # noqa: E402
from newsarchive.replica.scripted import ScriptedThreadSite, count  # noqa: E402
from newsarchive.replica.site import html_page, text_file  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
ARTICLE = re.compile(r"^/societe/fil-(\d+)\.html$")


class ManyScriptedArticles(ScriptedThreadSite):
    """``n`` copies of the scripted article at ``/societe/fil-N.html``, listed in ``/sitemap.xml``."""

    def __init__(self, n: int):
        super().__init__()
        self.n = n

    def resolve(self, path_and_query: str, base_url: str):
        path = path_and_query.partition("?")[0]
        if path == "/sitemap.xml":
            urls = "".join(f"<url><loc>{base_url}/societe/fil-{i}.html</loc></url>" for i in range(self.n))
            return text_file(f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                             f"{urls}</urlset>", "application/xml")
        if ARTICLE.match(path):
            return html_page(self.article(base_url + path))
        return super().resolve(path_and_query, base_url)


def tree_pss_mb(pid: int) -> float:
    """The summed PSS of ``pid`` and its descendants, in MB (RSS where PSS is unreadable)."""
    total_kb = 0
    for member in [pid, *descendants(pid)]:
        try:
            with open(f"/proc/{member}/smaps_rollup") as rollup:
                total_kb += next(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))
        except (OSError, StopIteration):
            continue
    return total_kb / 1024


def descendants(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue:
        parent = queue.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{parent}/task/{task}/children") as children:
                    kids = [int(c) for c in children.read().split()]
            except OSError:
                continue
            found += kids
            queue += kids
    return found


def crawl(n: int, contexts: int) -> dict:
    """One crawl of ``n`` scripted articles; wall time, peak tree memory and the crawl's stats."""
    with serve(ManyScriptedArticles(n)) as site, tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        command = [sys.executable, "-m", "newsarchive", "--db", str(db), "crawl", "generic",
                   "-a", f"sitemap={site.base_url}/sitemap.xml", "-a", "render=auto",
                   "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
                   "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "LOG_LEVEL=WARNING",
                   "-s", f"NEWSARCHIVE_RENDER_CONTEXTS={contexts}"]
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        peak = [0.0]
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                peak[0] = max(peak[0], tree_pss_mb(child.pid))
                stop.wait(0.5)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, err = child.communicate()
        seconds = time.perf_counter() - start
        stop.set()
        sampler.join()
        if child.returncode != 0:
            raise SystemExit(f"crawl failed ({child.returncode}):\n{err.decode()[-3000:]}")
        conn = sqlite3.connect(db)
        stats = json.loads(conn.execute("SELECT stats FROM crawls ORDER BY id DESC LIMIT 1").fetchone()[0])
        comments = conn.execute("SELECT COUNT(*) FROM comments").fetchone()[0]
        conn.close()
    return {"seconds": seconds, "peak_mb": peak[0], "stats": stats, "comments": comments}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--contexts", type=int, default=2)
    args = parser.parse_args()
    print(f"bench_render: {args.n} scripted articles ({count(ScriptedThreadSite().thread)} comments each, "
          f"5 clicks to expand), contexts capped at {args.contexts}; {machine()}")
    result = crawl(args.n, args.contexts)
    stats = result["stats"]
    rendered = stats.get("newsarchive/render/pages", 0)
    rows = [["rendered", "comments archived", "crawl s", "rendered/min", "peak tree PSS MB",
             "crawl process peak RSS MB", "max contexts open", "clicks"],
            [rendered, result["comments"], f"{result['seconds']:.1f}",
             f"{rendered / result['seconds'] * 60:.1f}", f"{result['peak_mb']:.0f}",
             stats.get("newsarchive/peak_rss_mb"), stats.get("playwright/context_count/max_concurrent"),
             stats.get("newsarchive/render/clicks")]]
    print(table(rows))


if __name__ == "__main__":
    with recorded("bench_render"):
        main()
