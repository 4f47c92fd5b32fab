"""Extraction in a worker process, so that parsing one page overlaps with fetching and storing others."""
from __future__ import annotations

import asyncio
import logging
import multiprocessing
import multiprocessing.connection
import os
import resource
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable

from .db.bodies import LentDictionary, PackedBody, Packer, site_of
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

    A worker also hashes and compresses the capture's bodies (see ``bodies.Packer``), sparing the
    crawl's process that work, with the dictionary ``lend(site)`` gives (the writer's, read by the
    crawl's process): its bytes go with the jobs until every worker holds it, its hash after.
    Workers never open the archive.
    """

    def __init__(self, processes: int, lend: Callable[[str], LentDictionary | None] | None = None):
        self.processes = max(0, processes)
        self.lend = lend
        self._pool: ProcessPoolExecutor | None = None
        self._holders: dict[str, set[int]] = {}  # a dictionary's hash -> the workers (pids) holding it
        self._peak_rss_kb = 0
        self._children_cpu_before: float | None = None
        self.cpu_seconds = 0.0
        """The workers' CPU time (user and system) together, known after ``close``."""

    def start(self) -> None:
        """Start the workers now (their imports take a second) rather than at the first capture."""
        if self.processes and self._pool is None:
            if self._children_cpu_before is None:  # a restarted pool's workers count from the first start
                self._children_cpu_before = _children_cpu_seconds()
            self._pool = worker_pool(self.processes)

    async def extract(self, capture: Capture) -> tuple[Article, list[PackedBody] | None]:
        """The capture's article and its packed bodies (None: not packed); raises ExtractionError,
        or WorkerDied when the worker process died."""
        if not self.processes:
            return _extract(capture), None
        self.start()
        try:
            job = self._pool.submit(_extract_and_pack, capture, self._lent(capture))
            article, packed, worker, held = await asyncio.wrap_future(job)
        except BrokenProcessPool as error:
            self._discard_pool()
            raise WorkerDied(f"the extraction process died ({error}); it is restarted") from None
        for dictionary_hash in held:
            self._holders.setdefault(dictionary_hash, set()).add(worker)
        return article, packed

    def _lent(self, capture: Capture) -> dict[str, LentDictionary | str]:
        """For each site of the capture's pages, its dictionary, or its hash once every worker holds it."""
        lent: dict[str, LentDictionary | str] = {}
        for site in {site_of(page.url) for page in capture.pages} if self.lend is not None else ():
            dictionary = self.lend(site)
            if dictionary is not None:
                held_by_all = len(self._holders.get(dictionary.hash, ())) >= self.processes
                lent[site] = dictionary.hash if held_by_all else dictionary
        return lent

    def close(self) -> None:
        """Stop the workers after the work in flight, keeping their peak memory for the crawl's stats."""
        if self._pool is None:
            return
        try:
            peaks = [self._pool.submit(_worker_peak_rss_kb) for _ in range(self.processes)]
            self._peak_rss_kb = max([self._peak_rss_kb, *(f.result(timeout=30) for f in peaks)])
        except Exception as error:  # a dead or stuck worker: its memory figure is lost, nothing else
            logger.warning("extraction workers did not report their memory: %s", error)
        self._pool.shutdown(wait=True, cancel_futures=True)  # joined: their CPU time is this process's children's
        self._pool = None
        self.cpu_seconds = _children_cpu_seconds() - self._children_cpu_before

    @property
    def peak_rss_mb(self) -> float:
        """The workers' peak resident memory together, in MB (known after ``close``): the largest
        one's times their number (each does the same work)."""
        return self._peak_rss_kb * self.processes / 1024

    def _discard_pool(self) -> None:
        pool, self._pool = self._pool, None
        self._holders.clear()
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


_packer = Packer()  # a worker's compressors, one per dictionary it was lent


def _extract_and_pack(capture: Capture, lent: dict[str, LentDictionary | str]
                      ) -> tuple[Article, list[PackedBody], int, list[str]]:
    """In a worker: the article, the capture's bodies packed with the dictionaries ``lent`` by
    site, this worker's pid and the hashes of the lent dictionaries it holds."""
    article = _extract(capture)
    packed = [_packer.pack(page.body, lent.get(site_of(page.url))) for page in capture.pages]
    held = [key for key in (d if isinstance(d, str) else d.hash for d in lent.values()) if _packer.holds(key)]
    return article, packed, os.getpid(), held


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


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _worker_peak_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
