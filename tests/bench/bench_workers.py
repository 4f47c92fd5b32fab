"""1, 2 and 3 `newsarchive worker` processes against a replica that answers every request 200 ms late.

Run: .venv/bin/python tests/bench/bench_workers.py [--n 1000] [--workers 1,2,3]
The synthetic site (N articles) is served from memory by a process of its own, each answer 200 ms
late; per-domain limits are lifted for it (CONCURRENT_REQUESTS_PER_DOMAIN=64, DOWNLOAD_DELAY=0,
no AutoThrottle) and each worker sends at most 4 requests at once (CONCURRENT_REQUESTS=4), so a
worker's throughput is bound by the latency, as against a distant site. Each run: a fresh archive
and a private redis-server, the workers started and idle, then the coordinator (`crawl --redis`)
timed from start to exit. The writer's share is the time the coordinator spent writing results
(its stat newsarchive/results_write_seconds) over the run's wall time; the CPU seconds are those
of the run's coordinator, workers and redis-server together, their start included. An untimed
plain crawl renders the pages first.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(1, str(Path(__file__).parents[1]))
from _common import PrerenderedServer, machine, recorded, run_measured, table  # noqa: E402
from redis_server import start_redis, stop_redis  # noqa: E402
from test_distributed import _stop as stop  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
LATENCY = 0.2
LIFTED = {"AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY": "0", "CONCURRENT_REQUESTS_PER_DOMAIN": "64",
          "NEWSARCHIVE_EXTRACT_PROCESSES": "0", "LOG_LEVEL": "INFO", "TELNETCONSOLE_ENABLED": "False"}
WORKER = {**LIFTED, "CONCURRENT_REQUESTS": "4"}
COORDINATOR = {**LIFTED, "CONCURRENT_REQUESTS": "16"}


def settings_args(settings: dict) -> list[str]:
    return [arg for key, value in settings.items() for arg in ("-s", f"{key}={value}")]


def environment() -> dict:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("NEWSARCHIVE_DB", None)
    return env


def start_workers(redis_url: str, count: int, folder: Path) -> list[subprocess.Popen]:
    """``count`` workers, returned once each has opened its spider (idle, polling for jobs)."""
    logs = [folder / f"worker{i}.log" for i in range(count)]
    workers = []
    for log in logs:
        with open(log, "wb") as out:
            workers.append(subprocess.Popen([PYTHON, "-m", "newsarchive", "worker", "--redis", redis_url,
                                             *settings_args(WORKER)], cwd=REPO, env=environment(),
                                            stdout=out, stderr=subprocess.STDOUT))
    deadline = time.monotonic() + 120
    while not all(b"Spider opened" in log.read_bytes() for log in logs):
        if time.monotonic() > deadline or any(w.poll() is not None for w in workers):
            raise SystemExit(f"a worker did not start:\n{logs[0].read_text()[-3000:]}")
        time.sleep(0.2)
    return workers


def last_crawl(db: Path) -> tuple[dict, int]:
    """The last crawl's stats and the articles archived."""
    with sqlite3.connect(db) as conn:
        stats = conn.execute("SELECT stats FROM crawls ORDER BY id DESC LIMIT 1").fetchone()[0]
        articles = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    return json.loads(stats or "{}"), articles


def run_with_workers(base_url: str, count: int, folder: Path) -> dict:
    """One timed crawl by a coordinator and ``count`` workers, each with its own Redis and archive."""
    folder.mkdir()
    cpu_before = children_cpu_seconds()
    redis, redis_url = start_redis(folder)
    workers = []
    try:
        workers = start_workers(redis_url, count, folder)
        db = folder / "archive.db"
        run = run_measured([PYTHON, "-m", "newsarchive", "--db", str(db), "crawl", "maliweb", "-a",
                            f"base_url={base_url}", *settings_args(COORDINATOR), "--redis", redis_url],
                           cwd=str(REPO), env=environment())
    finally:
        stop(workers)
        stop_redis(redis)
    if run.returncode != 0:
        raise SystemExit(f"the coordinator failed ({run.returncode}):\n{run.stderr[-3000:]}")
    stats, articles = last_crawl(db)
    return {"workers": count, "seconds": run.seconds, "articles": articles,
            "writer_seconds": stats.get("newsarchive/results_write_seconds", 0.0),
            "cpu_seconds": children_cpu_seconds() - cpu_before}


def children_cpu_seconds() -> float:
    """User and system CPU time of this process's children that have ended."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def warm_up(base_url: str, folder: Path) -> None:
    """A plain crawl, untimed: the server renders every page once."""
    command = [PYTHON, "-m", "newsarchive", "--db", str(folder / "warm.db"), "crawl", "maliweb", "-a",
               f"base_url={base_url}", *settings_args({**COORDINATOR, "LOG_LEVEL": "WARNING"})]
    subprocess.run(command, cwd=REPO, env=environment(), capture_output=True, check=True)


def report(runs: list[dict], n: int) -> None:
    reference = runs[0]["seconds"]
    rows = [["workers", "seconds", "articles", "articles/s", f"speed-up vs {runs[0]['workers']}", "writer's share",
             "CPU s"]]
    for run in runs:
        rows.append([str(run["workers"]), f"{run['seconds']:.1f}", str(run["articles"]),
                     f"{run['articles'] / run['seconds']:.1f}", f"{reference / run['seconds']:.2f}x",
                     f"{run['writer_seconds'] / run['seconds']:.1%}", f"{run['cpu_seconds']:.0f}"])
    print(f"{machine()} (load: other work on the same host)")
    print(f"synthetic site, {n} articles, every answer {LATENCY * 1000:.0f} ms late; per-domain limits lifted;"
          " each worker CONCURRENT_REQUESTS=4")
    print(table(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="articles on the replica")
    parser.add_argument("--workers", default="1,2,3", help="worker counts to run, the first the reference")
    args = parser.parse_args()
    counts = [int(c) for c in args.workers.split(",")]
    with tempfile.TemporaryDirectory() as tmp, PrerenderedServer(args.n, LATENCY) as served:
        warm_up(served.base_url, Path(tmp))
        runs = [run_with_workers(served.base_url, count, Path(tmp) / f"w{count}") for count in counts]
    with recorded("bench_workers"):
        report(runs, args.n)


if __name__ == "__main__":
    main()
