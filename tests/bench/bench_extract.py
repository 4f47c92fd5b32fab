"""Extraction cost: maliweb extract() per page against lxml.html.fromstring on the same pages.

Run: .venv/bin/python tests/bench/bench_extract.py [N_ARTICLES] [--profile]
"""
from __future__ import annotations

import cProfile
import pstats
import sys
import time
from pathlib import Path

import lxml.html

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, site_captures, table  # noqa: E402

from newsarchive.extraction import extract  # noqa: E402

TARGET = 3.0


def time_lxml(captures) -> float:
    start = time.perf_counter()
    for capture in captures:
        for page in capture.pages:
            lxml.html.fromstring(page.body)
    return time.perf_counter() - start


def time_extract(captures) -> float:
    start = time.perf_counter()
    for capture in captures:
        extract(capture)
    return time.perf_counter() - start


def main(n: int = 300, profile: bool = False) -> float:
    captures = site_captures(n)
    pages = sum(len(c.pages) for c in captures)
    size = sum(len(p.body) for c in captures for p in c.pages) / pages / 1024
    time_lxml(captures[:20]), time_extract(captures[:20])  # warm caches and imports
    rounds = [(time_lxml(captures), time_extract(captures)) for _ in range(3)]
    lxml_s, ours_s = min(r[0] for r in rounds), min(r[1] for r in rounds)
    ratio = ours_s / lxml_s
    print(f"bench_extract: {n} articles, {pages} pages, {size:.0f} KB/page; {machine()}")
    print(table([["contender", "ms/page", "pages/s", "ratio"],
                 ["lxml.html.fromstring", f"{1000 * lxml_s / pages:.2f}", f"{pages / lxml_s:.0f}", "1.00"],
                 ["newsarchive extract()", f"{1000 * ours_s / pages:.2f}", f"{pages / ours_s:.0f}",
                  f"{ratio:.2f}"]]))
    print(f"target ≤ {TARGET}×: {'met' if ratio <= TARGET else 'NOT met'}")
    if profile:
        profiler = cProfile.Profile()
        profiler.runcall(time_extract, captures)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
    return ratio


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(int(args[0]) if args else 300, "--profile" in sys.argv)
