"""The coordinator: a crawl whose article requests go to Redis as jobs, and whose workers' results it alone writes."""
from __future__ import annotations

import logging
import time

from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.task import LoopingCall

from ..pipelines import ArchiveHandle, ArchivePipeline
from ..revisit import RevisitPolicy
from ..db.store import StoreResult
from . import keys
from .wire import Result, decode
from .writer import DUPLICATE, store_results

logger = logging.getLogger(__name__)

READ_EVERY = 0.2
"""Seconds between reads of the results stream."""
READ_COUNT = 50
"""Results written in one transaction at most (and acknowledged after its commit)."""
LEASE_CHECK_EVERY = 1.0
"""Seconds between looks for jobs whose worker went silent past NEWSARCHIVE_JOB_TIMEOUT."""
MAX_DELIVERIES = 3
"""Deliveries of one job without any result before its article is recorded as failed (tried again later)."""


class JobDispatch:
    """Spider middleware of a crawl run with NEWSARCHIVE_REDIS_URL: article requests (an article
    with all its comment pages) are pushed to the workers' job queue instead of fetched here;
    discovery and the frontier stay here; results are read from the stream and written by this
    process alone, acknowledged once committed. The spider stays open until every job is settled."""

    def __init__(self, crawler, url: str):
        self.crawler, self.stats, self.url = crawler, crawler.stats, url
        self.policy = RevisitPolicy.from_settings(crawler.settings)
        self.jobs: dict[str, tuple[Request, int]] = {}  # article URL -> (job, deliveries): not settled yet
        self.read_from = "0"  # this consumer's unacknowledged entries first (after a restart), then new ones
        self.loops: list[LoopingCall] = []
        self.server = self.queue = self.handle = None
        self.job_meta: dict = {}
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        url = crawler.settings.get("NEWSARCHIVE_REDIS_URL")
        if not url:
            raise NotConfigured
        return cls(crawler, url)

    def spider_opened(self, spider):
        from redis.exceptions import ResponseError

        from .jobs import JobQueue

        self.server = keys.connect(self.url)
        self.handle = ArchiveHandle.for_crawler(self.crawler)
        try:
            self.server.xgroup_create(keys.RESULTS, keys.WRITER_GROUP, id="0", mkstream=True)
        except ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise
        self.queue = JobQueue(self.server, spider, keys.JOBS)
        self.queue.clear()  # jobs of a stopped coordinator: what they would fetch is pending in the frontier
        self.server.delete(keys.LEASES)
        self._write_backlog()
        self.job_meta = {"spider": spider.name, "args": spider_arguments(spider)}
        self.loops = [self._loop(self._read_results, READ_EVERY), self._loop(self._check_leases, LEASE_CHECK_EVERY)]
        logger.info("coordinating workers through %s", self.url)

    def _loop(self, work, every: float) -> LoopingCall:
        loop = LoopingCall(lambda: deferred_from_coro(self._guarded(work)))
        loop.start(every, now=False)
        return loop

    async def _guarded(self, work) -> None:
        """``work``, a failure logged: Redis away for a moment must not end the crawl."""
        try:
            await work()
        except Exception as error:
            logger.error("coordinator: %s: %s", type(error).__name__, error)

    def spider_idle(self, spider):
        if self.jobs and self.handle.write_error is None:
            raise DontCloseSpider

    def spider_closed(self, spider):
        for loop in self.loops:
            if loop.running:
                loop.stop()
        self.stats.set_value("newsarchive/jobs_unsettled", len(self.jobs))

    # -- article requests become jobs --------------------------------------------------------------
    async def process_start(self, start):
        async for output in start:
            for kept in self.dispatched(output):
                yield kept

    def process_spider_output(self, response, result, spider=None):
        for output in result:
            yield from self.dispatched(output)

    async def process_spider_output_async(self, response, result, spider=None):
        async for output in result:
            for kept in self.dispatched(output):
                yield kept

    def dispatched(self, output) -> list:
        """``output`` unless it is an article request, which is sent to the workers instead."""
        if isinstance(output, Request) and getattr(output.callback, "__name__", "") == "parse_article":
            self.send(output)
            return []
        return [output]

    def send(self, request: Request) -> None:
        """Push the article request as a job. Always sent, even when the shared dupefilter has seen
        it: the frontier (a revisit, a retry) decides what is fetched."""
        job = request.replace(dont_filter=True, meta={**request.meta, keys.JOB_META: self.job_meta})
        self.queue.push(job)
        self.jobs[request.meta["article_url"]] = (job, 1)
        self.stats.inc_value("newsarchive/jobs_sent")

    # -- results --------------------------------------------------------------------------------
    def _next_entries(self) -> list:
        """The next results to write: this consumer's unacknowledged ones first, then new ones."""
        while True:
            answer = self.server.xreadgroup(keys.WRITER_GROUP, keys.WRITER, {keys.RESULTS: self.read_from},
                                            count=READ_COUNT)
            entries = answer[0][1] if answer else []
            if entries or self.read_from == ">":
                return entries
            self.read_from = ">"

    async def _read_results(self) -> None:
        while entries := self._next_entries():
            results, started = decoded(entries), time.perf_counter()
            self._settle(entries, results, await self.handle.write(*self._storing(results)), started)

    def _write_backlog(self) -> None:
        """Write the results a stopped coordinator left before any job is sent: what they settle is
        not sent to the workers again."""
        while entries := self._next_entries():
            results, started = decoded(entries), time.perf_counter()
            self._settle(entries, results, self.handle.write_now(*self._storing(results)), started)

    def _storing(self, results: list[Result]) -> tuple:
        """The writer job that stores ``results`` in one transaction."""
        return store_results, results, self.handle.crawl_id, self.policy, self.handle.retry

    def _settle(self, entries: list, results: list[Result], done: list, started: float) -> None:
        """After the results' commit: acknowledge and delete their entries, count what they did."""
        self.stats.inc_value("newsarchive/results_write_seconds", round(time.perf_counter() - started, 3))
        self.stats.inc_value("newsarchive/results_written", len(results))
        ids = [entry_id for entry_id, _ in entries]
        pipe = self.server.pipeline()
        pipe.xack(keys.RESULTS, keys.WRITER_GROUP, *ids)
        pipe.xdel(keys.RESULTS, *ids)
        pipe.execute()
        for result, outcome in zip(results, done):
            self._account(result, outcome)

    def _account(self, result: Result, outcome) -> None:
        if outcome == DUPLICATE:
            self.stats.inc_value("newsarchive/results_duplicate")
        elif isinstance(outcome, StoreResult):
            ArchivePipeline._count(self, outcome, result.outcome)
        if result.settles_job() and self.jobs.pop(result.url, None) is not None:
            self.server.zrem(keys.LEASES, result.url)

    # -- jobs whose worker went silent ------------------------------------------------------------
    async def _check_leases(self) -> None:
        for member in self.server.zrangebyscore(keys.LEASES, 0, time.time()):
            self.server.zrem(keys.LEASES, member)
            url = member.decode()
            if url in self.jobs:
                self.deliver_again(url)

    def deliver_again(self, url: str) -> None:
        """A job taken by a worker that sent no result in time goes back to the queue (a few times)."""
        job, deliveries = self.jobs[url]
        if deliveries >= MAX_DELIVERIES:
            del self.jobs[url]
            self.handle.fail(self.stats, url, "fetch", f"no result from any worker after {deliveries} deliveries",
                             site=self.crawler.spider.site_for(url))
            return
        logger.warning("no result for %s from its worker: delivered again", url)
        self.queue.push(job)
        self.jobs[url] = (job, deliveries + 1)
        self.stats.inc_value("newsarchive/jobs_redelivered")


def decoded(entries: list) -> list[Result]:
    """The results stream entries hold (an entry deleted once acknowledged holds none)."""
    return [decode(fields) for _, fields in entries if fields]


def spider_arguments(spider) -> dict[str, str]:
    """The ``-a`` arguments a worker needs to make the same spider (those it declares, as set)."""
    values = {name: getattr(spider, name, None) for name in getattr(spider, "arguments", {})}
    return {name: value for name, value in values.items() if isinstance(value, str)}
