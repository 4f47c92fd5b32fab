"""Extraction in a worker process, so that parsing one page overlaps with fetching and storing others."""
from __future__ import annotations

import asyncio
import logging
import multiprocessing
import multiprocessing.connection
import os
import resource
import signal
import sqlite3
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from .db import connect_readonly, store
from .db.bodies import PackedBody
from .items import Article, Capture

logger = logging.getLogger(__name__)


class WorkerDied(Exception):
    """The extraction process died while extracting a capture (a crash in a parser, or killed)."""


def default_processes() -> int:
    """Two extraction processes where there is a second core; none (the crawl's own thread) otherwise.

    Extraction is the crawl's largest cost: with one worker the reactor thread waits on it; two keep
    both cores busy for about 100 MB more memory (see bench_crawl.py).
    """
    return 2 if (os.cpu_count() or 1) > 1 else 0


class Extractor:
    """``await extractor.extract(capture)``: ``extract()`` in ``processes`` worker processes (0: here).

    Given the archive's path, a worker also hashes and compresses the capture's bodies (see
    ``store.pack_pages``), sparing the crawl's process, the crawl's bottleneck, that work.
    """

    def __init__(self, processes: int, archive_path: str | None = None):
        self.processes = max(0, processes)
        self.archive_path = archive_path
        self._pool: ProcessPoolExecutor | None = None
        self._peak_rss_kb = 0

    def start(self) -> None:
        """Start the workers now (their imports take a second) rather than at the first capture."""
        if self.processes and self._pool is None:
            self._pool = worker_pool(self.processes)

    async def extract(self, capture: Capture) -> tuple[Article, list[PackedBody] | None]:
        """The capture's article and its packed bodies (None: not packed); raises ExtractionError,
        or WorkerDied when the worker process died."""
        if not self.processes:
            return _extract(capture), None
        self.start()
        try:
            return await asyncio.wrap_future(self._pool.submit(_extract_and_pack, capture, self.archive_path))
        except BrokenProcessPool as error:
            self._discard_pool()
            raise WorkerDied(f"the extraction process died ({error}); it is restarted") from None

    def close(self) -> None:
        """Stop the workers after the work in flight, keeping their peak memory for the crawl's stats."""
        if self._pool is None:
            return
        try:
            peaks = [self._pool.submit(_worker_peak_rss_kb) for _ in range(self.processes)]
            self._peak_rss_kb = max([self._peak_rss_kb, *(f.result(timeout=30) for f in peaks)])
        except Exception as error:  # a dead or stuck worker: its memory figure is lost, nothing else
            logger.warning("extraction workers did not report their memory: %s", error)
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None

    @property
    def peak_rss_mb(self) -> float:
        """The workers' peak resident memory together, in MB (known after ``close``): the largest
        one's times their number (each does the same work)."""
        return self._peak_rss_kb * self.processes / 1024

    def _discard_pool(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


def worker_pool(processes: int) -> ProcessPoolExecutor:
    """``processes`` extraction workers, started now, that exit with this process and leave it interrupts."""
    context = multiprocessing.get_context("spawn")  # never fork a process that runs threads
    pool = ProcessPoolExecutor(processes, mp_context=context, initializer=_worker_setup)
    for _ in range(processes):
        pool.submit(_load_parsers)
    return pool


def _extract(capture: Capture) -> Article:
    """``extraction.extract``, imported where it runs: the crawl's own process need not load the
    parsers (trafilatura and the rest) when a worker extracts."""
    from .extraction import extract

    return extract(capture)


def _extract_and_pack(capture: Capture, archive_path: str | None) -> tuple[Article, list[PackedBody] | None]:
    """In a worker: the article, and the capture's bodies packed for the writer (None when the
    archive cannot be read: the writer then compresses them)."""
    article = _extract(capture)
    archive = _archive(archive_path) if archive_path is not None else None
    if archive is None:
        return article, None
    try:
        return article, store.pack_pages(archive, capture.pages)
    except sqlite3.Error as error:
        logger.warning("bodies left to the writer: %s", error)
        return article, None


_archives: dict[str, sqlite3.Connection | None] = {}  # a worker's read-only connections, by path


def _archive(path: str) -> sqlite3.Connection | None:
    """The worker's read-only connection to the archive; None, asked once, when it cannot be opened."""
    if path not in _archives:
        try:
            _archives[path] = connect_readonly(path)
        except sqlite3.Error as error:
            logger.warning("archive %s not readable here (%s): the writer compresses the bodies", path, error)
            _archives[path] = None
    return _archives[path]


def _load_parsers() -> None:
    """In a new worker: import the parsers before the first capture arrives."""
    from . import extraction  # noqa: F401


def _worker_setup() -> None:
    """In the worker: leave interrupts to the crawl, and exit when the crawl's process is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True).start()


def _exit_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(0)  # the crawl was killed: nothing here is worth finishing


def _worker_peak_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
