"""Extraction off the crawl's thread: worker processes run extract() while Scrapy keeps fetching and storing."""
from __future__ import annotations

import asyncio
import dataclasses
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from .extraction import ExtractionError, extract
from .items import Article, Capture

logger = logging.getLogger(__name__)


class ExtractorPool:
    """``workers`` processes running ``extract()``; with 0 workers it runs in the calling process."""

    def __init__(self, workers: int):
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context("forkserver")  # never fork the reactor's process
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context)
        return self._pool

    async def extract(self, capture: Capture) -> Article:
        """The Article of ``capture``; raises ExtractionError like ``extract()``."""
        if self.workers <= 0:
            return extract(capture)
        bare = dataclasses.replace(capture, article=None, capture_ids=[])
        for attempt in (1, 2):
            try:
                return await asyncio.wrap_future(self._executor().submit(extract, bare))
            except BrokenProcessPool:  # a worker died (killed, out of memory): start afresh once
                logger.warning("extraction worker died while extracting %s (attempt %d)", capture.url, attempt)
                self.close()
        raise ExtractionError("extraction worker died twice on this page")

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
