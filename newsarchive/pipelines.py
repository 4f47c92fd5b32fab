"""The crawl's pipelines, extract then archive (one writer job per capture); and the crawl record."""
from __future__ import annotations

import asyncio
import atexit
import logging
import os
import resource
import sqlite3
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor

from scrapy import signals
from scrapy.exceptions import DropItem, IgnoreRequest
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.task import LoopingCall

from . import db, frontier
from .crawl import utc_now
from .db import bodies, queries, store
from .ingest import Ingested, ingest, ingest_unextracted
from .items import Article, Capture, FetchFailure, article_json
from .pages.base import MARKUP_NOT_RECOGNISED, THREAD_NOT_EXTRACTED, ExtractionError
from .offload import Extractor, WorkerDied, default_processes
from .outcome import EXIT_CODES, crawl_status
from .revisit import RetryPolicy, RevisitPolicy

logger = logging.getLogger(__name__)


class ArchiveHandle:
    """The crawl's open archive and its ``crawls`` row, shared by the pipelines.

    Every write runs on one writer thread, in the order it was asked for: SQLite, hashing and
    compression release the GIL, so the crawl fetches and parses while the archive writes. Once a
    write fails, no later one runs (``write_error``) and ``on_write_failed`` is called.
    """

    def __init__(self, path: str, batch_articles: int = 0, batch_seconds: float = 1.0,
                 retry: RetryPolicy = RetryPolicy()):
        self.path = path
        self.conn = db.open_archive(path).conn
        self.crawl_id: int | None = None
        self.retry = retry
        self.batch_articles, self.batch_seconds = batch_articles, batch_seconds
        self._batch_opened, self._batch_count = 0.0, 0  # the writer thread's
        self.lent: dict[str, bodies.LentDictionary] = {}
        """Each site's writing dictionary, lent to the extraction workers for packing bodies."""
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="archive-writer")
        self.write_error: BaseException | None = None
        self.on_write_failed = None
        self.closed = False

    @classmethod
    def for_crawler(cls, crawler) -> "ArchiveHandle":
        """The one handle of this crawler (created on first use)."""
        handle = getattr(crawler, "_newsarchive_handle", None)
        if handle is None:
            settings = crawler.settings
            handle = cls(settings.get("NEWSARCHIVE_DB"), settings.getint("NEWSARCHIVE_BATCH_ARTICLES", 0),
                         settings.getfloat("NEWSARCHIVE_BATCH_SECONDS", 1.0), RetryPolicy.from_settings(settings))
            crawler._newsarchive_handle = handle
        return handle

    # -- the writer thread ---------------------------------------------------------------------
    async def write(self, write, *args):
        """``write(conn, *args)`` on the writer thread; its result once done."""
        return await asyncio.wrap_future(self._writer.submit(self._guarded, write, *args))

    def write_now(self, write, *args):
        """``write(conn, *args)`` on the writer thread, waited for (the crawl's start and end)."""
        return self._writer.submit(self._guarded, write, *args).result()

    def write_later(self, write, *args) -> Future:
        """``write(conn, *args)`` queued on the writer thread; a failure is logged."""
        future = self._writer.submit(self._guarded, write, *args)
        future.add_done_callback(_log_write_error)
        return future

    def _guarded(self, write, *args):
        """On the writer thread: ``write``, unless an earlier write failed; the first failure is kept."""
        if self.write_error is not None:
            raise WritesStopped(f"not written: an earlier archive write failed ({self.write_error})")
        try:
            return write(self.conn, *args)
        except Exception as error:
            self.write_error = error
            if self.on_write_failed is not None:
                self.on_write_failed(error)
            raise

    def fail(self, stats, url: str, stage: str, reason: str, status=None, site: str = "",
             permanent: bool = False) -> None:
        """Keep a failure in the archive (its frontier row pending for a later try unless
        ``permanent``) and count it in the crawl's stats."""
        self.write_later(frontier.page_failed, self.crawl_id, url, stage, reason, utc_now(), status, site,
                         permanent, self.retry)
        stats.inc_value(f"newsarchive/failures/{stage}")

    def note_failure(self, stats, url: str, stage: str, reason: str, site: str = "") -> None:
        """A failure row for a page that is archived all the same (its frontier row untouched)."""
        self.write_later(store.record_failure, self.crawl_id, url, stage, reason, utc_now(), None, site)
        stats.inc_value(f"newsarchive/failures/{stage}")

    def give_up(self, url: str, reason: str) -> None:
        """``url`` will not be fetched, by this crawl or a later one (a trap's cap): its frontier
        row fails for good, without a failure row of its own."""
        self.write_later(frontier.url_failed, self.crawl_id, url, reason, utc_now(), None, True, self.retry)

    def done(self, url: str) -> None:
        """``url`` needs no fetch of its own this crawl: its frontier row is done."""
        self.write_later(store.urls_done, self.crawl_id, [url], utc_now())

    def plan(self, rows: list[tuple], done_url: str | None = None) -> None:
        """Record ``(url, site, kind, article_url)`` rows as pending before they are requested, and
        ``done_url`` (the discovery page that linked them) as done, in one write."""
        self.write_later(store.plan_urls, rows, self.crawl_id, utc_now(), done_url)

    def record_end(self, finished_at: str, reason: str, stats: dict) -> str:
        """Write how the crawl ended (after an open batch, or undoing it when a write failed);
        returns its status. Runs even after a failed write, and once only."""
        return self._writer.submit(self._record_end, finished_at, reason, stats).result()

    def _record_end(self, finished_at: str, reason: str, stats: dict) -> str:
        if self.write_error is not None:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")  # what the failed batch held is pending in the frontier
            stats.update(queries.crawl_article_counts(self.conn, self.crawl_id))  # what is committed
        else:
            store.commit_batch(self.conn)
        pending = store.pending_count(self.conn, self.crawl_id)
        error = self.write_error and f"{type(self.write_error).__name__}: {self.write_error}"
        status, why = crawl_status(reason, error, pending, stats.get("newsarchive/pages_reached", 0))
        stats["newsarchive/pages_pending"] = pending
        store.finish_crawl(self.conn, self.crawl_id, finished_at, reason, stats, status, why)
        return status

    # -- one writer job per capture ------------------------------------------------------------
    async def ingest(self, capture: Capture, article: Article, policy: RevisitPolicy) -> Ingested:
        """``ingest.ingest`` the capture and its article with their frontier rows, in one writer job."""
        return await self.write(self._in_batch, ingest, capture, article, self.crawl_id, policy, self.retry)

    def keep_unextracted(self, capture: Capture, reason: str, permanent: bool) -> None:
        """``ingest.ingest_unextracted`` the capture with its frontier rows, in one writer job."""
        self.write_later(self._in_batch, ingest_unextracted, capture, reason, self.crawl_id, self.retry, permanent)

    def _in_batch(self, conn, write, capture: Capture, *args):
        """On the writer thread: ``write(conn, capture, *args)`` in the open batch (several captures
        per transaction: fewer commits, one FTS flush; opened here), committed once full or old;
        then the capture's sites' dictionaries are lent on."""
        if self.batch_articles > 0 and store.begin_batch(conn):
            self._batch_opened, self._batch_count = time.monotonic(), 0
        result = write(conn, capture, *args)
        self._batch_count += 1
        if self.batch_articles > 0 and (self._batch_count >= self.batch_articles or self._batch_stale()):
            store.commit_batch(conn)
        self._lend_dictionaries(conn, capture)
        return result

    def _batch_stale(self) -> bool:
        return time.monotonic() - self._batch_opened >= self.batch_seconds

    def _lend_dictionaries(self, conn, capture: Capture) -> None:
        for site in {bodies.site_of(page.url) for page in capture.pages}:
            writing = bodies.lent_dictionary(conn, site)
            if writing is not None and (site not in self.lent or self.lent[site].hash != writing[0]):
                self.lent[site] = bodies.LentDictionary(writing[0], writing[1].as_bytes())

    def commit_if_stale(self) -> None:
        """Commit the open batch if it is old (the crawl waiting: no capture comes to commit it)."""
        self.write_later(self._commit_if_stale)

    def _commit_if_stale(self, conn) -> None:
        if conn.in_transaction and self._batch_stale():
            store.commit_batch(conn)

    def writer_cpu_seconds(self) -> float:
        """The CPU time the writer thread has used (user and system)."""
        return self._writer.submit(time.thread_time).result()

    def commit(self) -> None:
        self.write_later(store.commit_batch)

    def close(self) -> None:
        """Commit what is open and stop the writer thread once every write is done."""
        self.commit()
        self._writer.shutdown(wait=True)
        self.closed = True


class WritesStopped(Exception):
    """A write not run because an earlier archive write failed."""


SCRAPY_ENTRY_POINTS = (os.path.join("scrapy", "__main__.py"), os.path.join("scrapy", "cmdline.py"))
"""How ``sys.argv[0]`` ends under ``python -m scrapy`` and ``python -m scrapy.cmdline``."""


def _exit_with_status_under_scrapy(status: str) -> None:
    """Under ``scrapy crawl``, whose own exit code says nothing of the archive: exit with the
    crawl's status code (see newsarchive.outcome) once Scrapy is done."""
    if os.path.basename(sys.argv[0]) != "scrapy" and not sys.argv[0].endswith(SCRAPY_ENTRY_POINTS):
        return

    def exit_now() -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(EXIT_CODES[status])

    if EXIT_CODES[status]:
        atexit.register(exit_now)


def _log_write_error(future) -> None:
    error = future.exception()
    if error is not None and not isinstance(error, WritesStopped):
        logger.error("archive write failed: %s: %s", type(error).__name__, error, exc_info=error)


class CrawlRecorder:
    """Writes the ``crawls`` row: spider and arguments at start, finish reason, status and stats at
    the end; stops the crawl at once when an archive write fails."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.handle = ArchiveHandle.for_crawler(crawler)
        self.handle.on_write_failed = self._write_failed
        self.committer: LoopingCall | None = None
        self.status: str | None = None
        crawler._newsarchive_recorder = self
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
        self.crawler.stats.set_value("newsarchive/cpu_s/crawl_thread", round(time.thread_time(), 1))
        self.crawler.stats.set_value("newsarchive/cpu_s/writer", round(self.handle.writer_cpu_seconds(), 1))
        self.handle.commit()
        if self.handle.write_error is None:
            self._merge_article_index()
        self.finish(reason, self.crawler.stats.get_stats())

    def finish(self, reason: str, stats: dict) -> str | None:
        """Record how the crawl ended (once) and stop the writer; the crawl's status."""
        if self.status is None and self.handle.crawl_id is not None and not self.handle.closed:
            try:
                self.status = self.handle.record_end(utc_now(), reason, stats)
            finally:
                self.handle.close()
            logger.log(logging.INFO if self.status == "finished" else logging.WARNING,
                       "crawl %s %s", self.handle.crawl_id, self.status)
            _exit_with_status_under_scrapy(self.status)
        return self.status

    def finish_stopped(self) -> str | None:
        """After a forced stop (the reactor stopped before the spider closed): the crawl is
        interrupted, its article counts read from what the archive committed."""
        if self.status is not None or self.handle.crawl_id is None or self.handle.closed:
            return self.status
        self.handle.commit()
        counts = self.handle.write_now(queries.crawl_article_counts, self.handle.crawl_id)
        return self.finish("shutdown", {**self.crawler.stats.get_stats(), **counts})

    def _write_failed(self, error: BaseException) -> None:
        """On the writer thread, at the first failed write: stop fetching into a void."""
        from twisted.internet import reactor

        logger.error("archive write failed, stopping the crawl: %s: %s", type(error).__name__, error)
        reactor.callFromThread(self._close_spider, "archive_write_failed")

    def _close_spider(self, reason: str) -> None:
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason=reason))

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
        """A redirect Scrapy drops as already asked for: an article's loop is reported, not lost;
        any other leads to a page this crawl asked for, which holds what the first URL serves."""
        chain, article_url = request.meta.get("redirect_urls"), request.meta.get("article_url")
        if not chain:
            return
        if article_url and request.url in chain:
            self._redirect_failed(article_url, f"redirect loop: {' -> '.join([*chain, request.url])}")
        elif request.url not in chain:
            logger.info("%s redirects to %s, which this crawl already asked for", chain[0], request.url)
            self.handle.done(chain[0])

    def _redirect_failed(self, article_url: str, reason: str) -> None:
        self.handle.fail(self.crawler.stats, article_url, "fetch", reason[:500],
                         site=getattr(self.crawler.spider, "site", ""), permanent=True)


class _Stage:
    def __init__(self, crawler):
        self.stats = crawler.stats
        self.handle = ArchiveHandle.for_crawler(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)


class ExtractPipeline(_Stage):
    """Runs ``extract()`` on the capture (in a worker process: see NEWSARCHIVE_EXTRACT_PROCESSES),
    which also packs its bodies for the writer; a page that cannot be extracted is reported, its
    raw responses kept (one writer job), and dropped."""

    def __init__(self, crawler):
        super().__init__(crawler)
        processes = crawler.settings.get("NEWSARCHIVE_EXTRACT_PROCESSES")
        self.extractor = Extractor(default_processes() if processes in (None, "") else int(processes),
                                   self.handle.lent.get)
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
            self._drop(item, str(error), permanent=False)
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
        if warning.startswith(MARKUP_NOT_RECOGNISED) and not item.thread_capped:  # else its reason is recorded
            self.handle.note_failure(self.stats, item.url, "comments", MARKUP_NOT_RECOGNISED, item.site)

    def close_spider(self, spider=None):
        """Before the crawl's stats are written: stop the workers and note their peak memory."""
        self.extractor.close()
        if self.extractor.processes:
            self.stats.set_value("newsarchive/extract_workers", self.extractor.processes)
            self.stats.set_value("newsarchive/extract_workers_peak_rss_mb", round(self.extractor.peak_rss_mb, 1))
            self.stats.set_value("newsarchive/cpu_s/extract_workers", round(self.extractor.cpu_seconds, 1))

    def _drop(self, item: Capture, reason: str, permanent: bool = True):
        self.stats.inc_value("newsarchive/pages_captured", len(item.pages))
        self.handle.keep_unextracted(item, reason, permanent)  # the raw responses are kept for a later reextract
        self.stats.inc_value("newsarchive/failures/extract")
        raise DropItem(f"not extracted: {item.url}: {reason}")


class ArchivePipeline(_Stage):
    """Archives each item in one writer job: a capture with its raw responses, its article (if it
    passes validation: else why not) with byline and thread, and its frontier rows; a fetch
    failure. The item it passes on is the article as data (``items.article_json``), for Scrapy's
    feed exports."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.policy = RevisitPolicy.from_settings(crawler.settings)

    async def process_item(self, item, spider=None):
        if isinstance(item, FetchFailure):
            self.handle.fail(self.stats, item.url, "fetch", item.reason, item.status, item.site, item.permanent)
            raise DropItem(f"not archived: {item.url}: {item.reason}")
        if not isinstance(item, Capture):
            return item
        self.stats.inc_value("newsarchive/pages_captured", len(item.pages))
        try:
            ingested = await self.handle.ingest(item, item.article, self.policy)
        except Exception as error:
            if self.handle.write_error is None:
                raise
            raise DropItem(f"not archived: {item.url}: {error}") from None
        finally:
            item.pages, item.packed_bodies = [], None  # the bodies are archived: do not keep them in memory
        if ingested.refused is not None:
            self.stats.inc_value("newsarchive/failures/validate")
            raise DropItem(f"not an article: {item.url}: {ingested.refused}")
        self._count(ingested.changes, item.article)
        return article_json(item.article)

    def _count(self, result: store.StoreResult, article: Article) -> None:
        self.stats.inc_value("newsarchive/articles_stored")
        self.stats.inc_value("newsarchive/comments_seen", len(article.comments))
        if result.new_article:
            self.stats.inc_value("newsarchive/articles_new")
        if result.new_version:
            self.stats.inc_value("newsarchive/article_versions")
        if result.moved_from:
            self.stats.inc_value("newsarchive/articles_moved")
            logger.info("article moved: %s is now %s (the same post); its old URL is kept in article_urls",
                        result.moved_from, article.url)
        for name in ("added", "removed", "edited", "restored"):
            count = len(getattr(result, f"comments_{name}"))
            if count:
                self.stats.inc_value(f"newsarchive/comments_{name}", count)
