"""The crawl's pipelines, one job each: extract, store capture, validate, store article; and the crawl record."""
from __future__ import annotations

import asyncio
import logging
import resource
import sqlite3
import time
from concurrent.futures import Future, ThreadPoolExecutor

from scrapy import signals
from scrapy.exceptions import DropItem, IgnoreRequest
from twisted.internet.task import LoopingCall

from . import db
from .crawl import utc_now
from .db import store
from .pages.base import ExtractionError
from .pages.generic import MARKUP_NOT_RECOGNISED, THREAD_NOT_EXTRACTED
from .ingest import validation_problem
from .items import Capture, FetchFailure
from .offload import Extractor, WorkerDied, default_processes
from .revisit import RevisitPolicy

logger = logging.getLogger(__name__)


class ArchiveHandle:
    """The crawl's open archive and its ``crawls`` row, shared by the pipelines.

    Every write runs on one writer thread, in the order it was asked for: SQLite, hashing and
    compression release the GIL, so the crawl fetches and parses while the archive writes.
    """

    def __init__(self, path: str, batch_articles: int = 0, batch_seconds: float = 1.0):
        self.path = path
        self.conn = db.open_archive(path).conn
        self.crawl_id: int | None = None
        self.batch_articles, self.batch_seconds = batch_articles, batch_seconds
        self._batch_open, self._batch_opened, self._batch_count = False, 0.0, 0
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="archive-writer")

    @classmethod
    def for_crawler(cls, crawler) -> "ArchiveHandle":
        """The one handle of this crawler (created on first use)."""
        handle = getattr(crawler, "_newsarchive_handle", None)
        if handle is None:
            settings = crawler.settings
            handle = cls(settings.get("NEWSARCHIVE_DB"), settings.getint("NEWSARCHIVE_BATCH_ARTICLES", 0),
                         settings.getfloat("NEWSARCHIVE_BATCH_SECONDS", 1.0))
            crawler._newsarchive_handle = handle
        return handle

    # -- the writer thread ---------------------------------------------------------------------
    async def write(self, write, *args):
        """``write(conn, *args)`` on the writer thread; its result once done."""
        return await asyncio.wrap_future(self._writer.submit(write, self.conn, *args))

    def write_now(self, write, *args):
        """``write(conn, *args)`` on the writer thread, waited for (the crawl's start and end)."""
        return self._writer.submit(write, self.conn, *args).result()

    def write_later(self, write, *args) -> Future:
        """``write(conn, *args)`` queued on the writer thread; a failure is logged."""
        future = self._writer.submit(write, self.conn, *args)
        future.add_done_callback(_log_write_error)
        return future

    def fail(self, stats, url: str, stage: str, reason: str, status=None, site: str = "") -> None:
        """Keep a failure in the archive and count it in the crawl's stats."""
        self.write_later(store.record_failure, self.crawl_id, url, stage, reason, utc_now(), status, site)
        stats.inc_value(f"newsarchive/failures/{stage}")

    # -- batched writes: several articles per transaction (fewer commits, one FTS flush) ---------
    def join_batch(self) -> None:
        """Open the write batch unless one is open (no-op when batching is off)."""
        if self.batch_articles > 0 and not self._batch_open:
            self.write_later(store.begin_batch)
            self._batch_open, self._batch_opened, self._batch_count = True, time.monotonic(), 0

    def article_written(self) -> None:
        """Count an article into the batch; commit when it is full or old."""
        self._batch_count += 1
        if self._batch_count >= self.batch_articles:
            self.commit()
        else:
            self.commit_if_stale()

    def commit_if_stale(self) -> None:
        if self._batch_open and time.monotonic() - self._batch_opened >= self.batch_seconds:
            self.commit()

    def commit(self) -> None:
        self.write_later(store.commit_batch)
        self._batch_open = False

    def close(self) -> None:
        """Commit what is open and stop the writer thread once every write is done."""
        self.commit()
        self._writer.shutdown(wait=True)


def _log_write_error(future) -> None:
    error = future.exception()
    if error is not None:
        logger.error("archive write failed: %s: %s", type(error).__name__, error, exc_info=error)


class CrawlRecorder:
    """Writes the ``crawls`` row: spider and arguments at start, finish reason and stats at the end."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.handle = ArchiveHandle.for_crawler(crawler)
        self.committer: LoopingCall | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(self.request_scheduled, signal=signals.request_scheduled)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider):
        args = {k: v for k, v in vars(spider).items()
                if isinstance(v, (str, int, float)) and not k.startswith("_")}
        self.handle.crawl_id = self.handle.write_now(store.start_crawl, spider.name, args, utc_now())
        spider.crawl_id = self.handle.crawl_id
        if self.handle.batch_articles > 0:  # a batch never stays open long while the crawl waits
            self.committer = LoopingCall(self.handle.commit_if_stale)
            self.committer.start(self.handle.batch_seconds, now=False)
        logger.info("archiving into %s (crawl %s)", self.handle.path, self.handle.crawl_id)

    def spider_closed(self, spider, reason):
        if self.committer is not None and self.committer.running:
            self.committer.stop()
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        self.crawler.stats.set_value("newsarchive/peak_rss_mb", round(peak_kb / 1024, 1))
        self.handle.commit()
        self._merge_article_index()
        stats = self.crawler.stats.get_stats()
        self.handle.write_now(store.finish_crawl, self.handle.crawl_id, utc_now(), reason, stats)
        self.handle.close()

    def _merge_article_index(self) -> None:
        """Merge the article index the crawl's commits split (see store.merge_article_index); a
        failure is logged and the crawl still records how it ended."""
        try:
            merged = self.handle.write_now(store.merge_article_index)
        except sqlite3.Error as error:
            logger.warning("could not merge the article index: %s", error)
            return
        self.crawler.stats.set_value("newsarchive/article_index_merge_steps", merged)

    def request_scheduled(self, request, spider=None, **kwargs):
        """An article redirected off the site is reported, and the redirect not followed."""
        article_url = request.meta.get("article_url")
        if request.meta.get("redirect_urls") and article_url and self.crawler.spider.rebase(request.url) is None:
            self._redirect_failed(article_url, f"redirected off-site to {request.url}: not followed")
            raise IgnoreRequest(f"off-site redirect to {request.url}")

    def request_dropped(self, request, spider=None, **kwargs):
        """An article whose redirects lead back to a URL already asked for is reported, not lost."""
        chain, article_url = request.meta.get("redirect_urls"), request.meta.get("article_url")
        if chain and article_url and request.url in chain:
            self._redirect_failed(article_url, f"redirect loop: {' -> '.join([*chain, request.url])}")

    def _redirect_failed(self, article_url: str, reason: str) -> None:
        self.handle.fail(self.crawler.stats, article_url, "fetch", reason[:500],
                         site=getattr(self.crawler.spider, "site", ""))


class _Stage:
    def __init__(self, crawler):
        self.stats = crawler.stats
        self.handle = ArchiveHandle.for_crawler(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def store_capture(self, item: Capture) -> None:
        """Queue the capture's raw responses for the writer (their bodies as the worker packed
        them, if it did). Not waited for: the article's write, queued after it on the same thread,
        reads the capture ids from ``item.capture_write`` (see ``store_article_of``)."""
        self.handle.join_batch()
        item.capture_write = self.handle.write_later(store_pages, item.pages, item.url, self.handle.crawl_id,
                                                     item.packed_bodies)
        item.packed_bodies = None
        self.stats.inc_value("newsarchive/pages_captured", len(item.pages))


def store_pages(conn, pages, article_url: str, crawl_id: int | None, packed=None) -> list[int]:
    """Store each fetched page of a capture (``packed``: their bodies hashed and compressed); their
    ``captures`` ids."""
    packed = packed or [None] * len(pages)
    return [store.store_capture(conn, page, article_url, crawl_id, body) for page, body in zip(pages, packed)]


def written_capture_ids(capture_write: Future | None) -> list[int]:
    """The ids of a capture's stored pages, once its queued write has run (its failure raised)."""
    return capture_write.result(timeout=0) if capture_write is not None else []


def store_article_of(conn, capture_write: Future | None, article, fetched_at: str, spider: str, policy):
    """``store.store_article`` linked to the capture's first page, whose write ran before on this
    thread (its failure is this write's failure)."""
    capture_ids = written_capture_ids(capture_write)
    return store.store_article(conn, article, fetched_at, capture_ids[0] if capture_ids else None, spider, policy)


class ExtractPipeline(_Stage):
    """Runs ``extract()`` on the capture (in a worker process: see NEWSARCHIVE_EXTRACT_PROCESSES),
    which also packs its bodies for the writer; a page that cannot be extracted is reported, its
    raw responses kept, and dropped."""

    def __init__(self, crawler):
        super().__init__(crawler)
        processes = crawler.settings.get("NEWSARCHIVE_EXTRACT_PROCESSES")
        self.extractor = Extractor(default_processes() if processes in (None, "") else int(processes),
                                   crawler.settings.get("NEWSARCHIVE_DB"))
        crawler.signals.connect(self.extractor.start, signal=signals.spider_opened)

    async def process_item(self, item, spider=None):
        if not isinstance(item, Capture):
            return item
        try:
            item.article, item.packed_bodies = await self.extractor.extract(item)
        except ExtractionError as error:
            self._drop(item, str(error))
        except WorkerDied as error:
            logger.error("extraction process died on %s", item.url)
            self._drop(item, str(error))
        except Exception as error:  # a bug or a pathological page must not stop the crawl
            logger.exception("extraction crashed on %s", item.url)
            self._drop(item, f"extraction error: {type(error).__name__}: {error}"[:500])
        for warning in item.article.warnings:
            logger.warning("%s: %s", item.url, warning)
            self.stats.inc_value("newsarchive/extraction_warnings")
            self._note_missing_thread(item, warning)
        return item

    def _note_missing_thread(self, item: Capture, warning: str) -> None:
        """A thread the page shows but the extraction missed: counted, and kept as a failure when
        its markup was not recognised (a site redesign)."""
        if warning.startswith(THREAD_NOT_EXTRACTED):
            self.stats.inc_value("newsarchive/threads_not_extracted")
        if warning.startswith(MARKUP_NOT_RECOGNISED):
            self.handle.fail(self.stats, item.url, "comments", MARKUP_NOT_RECOGNISED, None, item.site)

    def close_spider(self, spider=None):
        """Before the crawl's stats are written: stop the workers and note their peak memory."""
        self.extractor.close()
        if self.extractor.processes:
            self.stats.set_value("newsarchive/extract_workers", self.extractor.processes)
            self.stats.set_value("newsarchive/extract_workers_peak_rss_mb", round(self.extractor.peak_rss_mb, 1))

    def _drop(self, item: Capture, reason: str):
        self.store_capture(item)  # the raw responses are kept for a later reextract
        status = item.pages[0].status if item.pages else None
        self.handle.fail(self.stats, item.url, "extract", truncation_note(item, reason), status, item.site)
        item.pages = []
        raise DropItem(f"not extracted: {item.url}: {reason}")


class StoreCapturePipeline(_Stage):
    """Keeps every raw response of an extracted capture (a failed one is kept by ExtractPipeline);
    records fetch failures."""

    async def process_item(self, item, spider=None):
        if isinstance(item, FetchFailure):
            self.handle.fail(self.stats, item.url, "fetch", item.reason, item.status, item.site)
            raise DropItem(f"not archived: {item.url}: {item.reason}")
        if isinstance(item, Capture):
            self.store_capture(item)
        return item


class ValidatePipeline(_Stage):
    """Checks what every archived article must have; says why when one is refused."""

    def process_item(self, item, spider=None):
        if not isinstance(item, Capture):
            return item
        problem = validation_problem(item.article)
        if problem:
            self.handle.fail(self.stats, item.url, "validate", truncation_note(item, problem),
                             item.pages[0].status, item.site)
            item.pages = []
            raise DropItem(f"not an article: {item.url}: {problem}")
        return item


def truncation_note(item: Capture, reason: str) -> str:
    """``reason``, saying so when the page was cut short (connection lost) or too deep to parse."""
    page = item.pages[0] if item.pages else None
    if page is not None and not item.comment_pages_complete and b"</html" not in page.body[-4096:].lower():
        return f"{reason} (response truncated: {len(page.body)} bytes received)"
    warnings = item.article.warnings if item.article is not None else []
    deep = [w for w in warnings if w.startswith("tags nested deeper")]
    return f"{reason} ({deep[0]})" if deep else reason


class StoreArticlePipeline(_Stage):
    """Stores the article, its byline and thread in one transaction, keeping history."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.policy = RevisitPolicy.from_settings(crawler.settings)

    async def process_item(self, item, spider=None):
        if not isinstance(item, Capture):
            return item
        article = item.article
        result = await self.handle.write(store_article_of, item.capture_write, article, item.pages[0].fetched_at,
                                         item.spider, self.policy)
        item.capture_ids = written_capture_ids(item.capture_write)
        self._count(result, len(article.comments))
        self.handle.article_written()
        item.pages = []  # the bodies are archived: do not keep them in memory
        return item

    def _count(self, result: store.StoreResult, comments: int) -> None:
        self.stats.inc_value("newsarchive/articles_stored")
        self.stats.inc_value("newsarchive/comments_seen", comments)
        if result.new_article:
            self.stats.inc_value("newsarchive/articles_new")
        if result.new_version:
            self.stats.inc_value("newsarchive/article_versions")
        for name in ("added", "removed", "edited", "restored"):
            count = len(getattr(result, f"comments_{name}"))
            if count:
                self.stats.inc_value(f"newsarchive/comments_{name}", count)
