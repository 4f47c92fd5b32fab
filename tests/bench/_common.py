"""Shared helpers of the benchmarks: synthetic-site pages as captures, child processes with peak RSS."""
from __future__ import annotations

import contextlib
import io
import multiprocessing
import os
import platform
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from newsarchive.crawl import comment_page_hrefs
from newsarchive.items import Capture, FetchedPage
from newsarchive.replica import Resource, Site, serve, synthetic_site
from newsarchive.replica.slow import SlowSite

BASE = "http://127.0.0.1:8000"
FETCHED_AT = "2026-01-01T00:00:00Z"


def machine() -> str:
    """One line naming the machine the figures come from."""
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, load {load:.1f}"


PERFORMANCE_DOC = Path(__file__).resolve().parents[2] / "docs" / "performance.md"


class _Tee(io.TextIOBase):
    """Writes to the terminal and keeps a copy."""

    def __init__(self, terminal):
        self.terminal, self.copy = terminal, io.StringIO()

    def write(self, text: str) -> int:
        self.copy.write(text)
        return self.terminal.write(text)

    def flush(self) -> None:
        self.terminal.flush()


@contextlib.contextmanager
def recorded(benchmark: str):
    """Print as usual; on success, the printed output replaces ``benchmark``'s block in
    docs/performance.md (between ``<!-- benchmark -->`` and ``<!-- /benchmark -->``), so that
    file always holds each benchmark's latest output and nothing older. NEWSARCHIVE_BENCH_RECORD=0
    leaves the file alone."""
    tee = _Tee(sys.stdout)
    with contextlib.redirect_stdout(tee):
        yield
    if os.environ.get("NEWSARCHIVE_BENCH_RECORD", "1") != "0":
        write_block(PERFORMANCE_DOC, benchmark, tee.copy.getvalue())


def write_block(doc: Path, benchmark: str, output: str) -> None:
    """Replace (or append) the block of ``benchmark`` in ``doc`` with ``output`` and today's date."""
    block = (f"<!-- {benchmark} -->\n`{benchmark}`, {time.strftime('%Y-%m-%d', time.gmtime())}:\n\n"
             f"```\n{output.rstrip()}\n```\n<!-- /{benchmark} -->")
    text = doc.read_text(encoding="utf-8") if doc.exists() else ""
    pattern = re.compile(rf"<!-- {re.escape(benchmark)} -->.*?<!-- /{re.escape(benchmark)} -->", re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else f"{text.rstrip()}\n\n{block}\n"
    doc.write_text(text, encoding="utf-8")


class PrerenderedSite(Site):
    """A replica site whose answers are rendered once and then served from memory.

    A real site's server costs a crawl nothing; the synthetic site renders each page in Python on
    the crawling machine, which would hold every contender back. A warm-up crawl renders the pages
    before the timed runs.
    Links in a page carry the server's port: serve it from one server (see PrerenderedServer).
    """

    def __init__(self, site: Site):
        self.site = site
        self._answers: dict[tuple[str, str], Resource | None] = {}
        self._lock = threading.Lock()

    def resolve(self, path_and_query: str, base_url: str) -> Resource | None:
        key = (path_and_query, base_url)
        if key not in self._answers:
            answer = self.site.resolve(path_and_query, base_url)
            with self._lock:
                self._answers.setdefault(key, answer)
        return self._answers[key]

    def not_found(self, base_url: str) -> Resource:
        return self.site.not_found(base_url)


class PrerenderedServer:
    """A PrerenderedSite of the synthetic site with ``n`` articles, served from a process of its own
    (each answer ``latency`` seconds late when given).

    Its own process keeps the rendered pages (~350 MB at N = 2,000) out of this one: a child's
    peak RSS counts the memory of the process it was forked from, so every crawl started from
    here would report them as its own.
    """

    def __init__(self, n: int, latency: float = 0.0):
        self._pipe, theirs = multiprocessing.Pipe()
        self._process = multiprocessing.get_context("spawn").Process(
            target=_serve_prerendered, args=(n, theirs, latency), daemon=True)
        self._process.start()
        self.base_url = self._pipe.recv()

    def requested_paths(self) -> list[str]:
        """The paths asked for since the last call."""
        self._pipe.send("paths")
        return self._pipe.recv()

    def close(self) -> None:
        self._pipe.send("stop")
        self._process.join(10)

    def __enter__(self) -> "PrerenderedServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _serve_prerendered(n: int, pipe, latency: float = 0.0) -> None:
    site = PrerenderedSite(synthetic_site(n))
    with serve(SlowSite(site, latency) if latency else site) as served:
        pipe.send(served.base_url)
        reported = 0
        while pipe.recv() != "stop":
            paths = served.requested_paths()
            pipe.send(paths[reported:])
            reported = len(paths)


def _page(site, path: str) -> FetchedPage | None:
    res = site.resolve(path, BASE)
    if res is None or res.status != 200:
        return None
    return FetchedPage(url=BASE + path, status=200, headers=[("Content-Type", res.content_type)],
                       body=res.body, fetched_at=FETCHED_AT)


def _comment_page_paths(body: bytes, article_path: str) -> list[str]:
    found = []
    for raw in comment_page_hrefs(body):
        path = re.sub(r"^https?://[^/]+", "", raw.decode().replace("&amp;", "&")).split("#")[0]
        if path.startswith(article_path) and "replytocom" not in path:
            found.append(path)
    return list(dict.fromkeys(found))


def site_captures(n: int, seed: int = 0) -> list[Capture]:
    """Captures (article page plus its comment pages) of the first ``n`` synthetic articles."""
    site = synthetic_site(n, seed=seed)
    captures = []
    for index in range(n):
        path = site.store.article_path(index)
        main = _page(site, path)
        pages = [main] + [p for p in (_page(site, extra) for extra in _comment_page_paths(main.body, path)) if p]
        captures.append(Capture(url=BASE + path, site="maliweb.net", spider="maliweb", pages=pages,
                                page_type="maliweb"))
    return captures


@dataclass
class Run:
    """A finished child process: wall time, peak resident memory and CPU time (its own and its
    joined children's, such as extraction workers)."""

    seconds: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str
    cpu_seconds: float = 0.0


def run_measured(command: list[str], cwd: str | None = None, env: dict | None = None) -> Run:
    """Run ``command`` to the end; its own peak RSS comes from wait4's rusage."""
    start = time.perf_counter()
    with open(os.devnull, "rb") as devnull:
        child = subprocess.Popen(command, cwd=cwd, env=env, stdin=devnull, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE)
        out_err = _drain(child)
        _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    return Run(seconds, usage.ru_maxrss / 1024, child.returncode, *out_err, usage.ru_utime + usage.ru_stime)


def _drain(child: subprocess.Popen) -> tuple[str, str]:
    import threading

    chunks: dict[str, bytes] = {}

    def read(name, stream):
        chunks[name] = stream.read()
    threads = [threading.Thread(target=read, args=(n, s)) for n, s in (("out", child.stdout), ("err", child.stderr))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return (chunks["out"].decode("utf-8", "replace"), chunks["err"].decode("utf-8", "replace"))


def table(rows: list[list[str]]) -> str:
    """A plain-text table, first row the header."""
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
