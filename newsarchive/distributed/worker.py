"""A worker: takes whole-article jobs from Redis, fetches and extracts them with the site's own spider, sends the results back."""
from __future__ import annotations

import heapq
import itertools
import json
import logging
import time
from functools import cached_property

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

from ..items import Capture, FetchFailure
from . import keys, wire

logger = logging.getLogger(__name__)

POLL_EVERY = 0.5
"""Seconds between looks for new jobs while the worker is idle."""


def worker_settings(redis_url: str) -> dict:
    """What makes a crawl process a worker: scrapy-redis's scheduler on the job queue, results sent
    instead of stored, no archive."""
    return {
        "REDIS_URL": redis_url,
        "SCHEDULER": "newsarchive.distributed.worker.JobScheduler",
        "SCHEDULER_QUEUE_CLASS": "newsarchive.distributed.jobs.JobQueue",
        "SCHEDULER_QUEUE_KEY": keys.JOBS,
        "SCHEDULER_PERSIST": True,  # a worker that stops leaves the queue to the others
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_DUPEFILTER_KEY": keys.DUPEFILTER,
        "ITEM_PIPELINES": {"newsarchive.pipelines.ExtractPipeline": 100,
                           "newsarchive.distributed.worker.ResultPipeline": 400},
        "EXTENSIONS": {"newsarchive.collector.CollectorTuning": 110},
    }


class JobSpider(scrapy.Spider):
    """The worker's spider: it makes no request of its own; each job's request is bound to the site
    spider (name and arguments) the coordinator crawls with, made once per worker."""

    name = "newsarchive-worker"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._site_spiders: dict[str, scrapy.Spider] = {}

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.spider_idle, signal=signals.spider_idle)
        return spider

    async def start(self):
        return
        yield

    def spider_idle(self):
        raise DontCloseSpider  # a worker serves jobs until it is stopped

    def site_spider(self, job: dict) -> scrapy.Spider:
        """The site spider a job's requests belong to."""
        key = json.dumps([job["spider"], job["args"]], sort_keys=True)
        if key not in self._site_spiders:
            spider_class = self.spider_classes[job["spider"]]
            self._site_spiders[key] = spider_class.from_crawler(self.crawler, **job["args"])
        return self._site_spiders[key]

    @property
    def mirror_hosts(self) -> dict[str, str]:
        """The mirrors the site spiders of this worker's jobs fetch from (newsarchive/hostmap.py)."""
        return {host: base for spider in self._site_spiders.values()
                for host, base in getattr(spider, "mirror_hosts", {}).items()}

    @cached_property
    def spider_classes(self) -> dict[str, type]:
        from ..runner import spider_classes

        return spider_classes(self.settings)


class JobScheduler(Scheduler):
    """scrapy-redis's scheduler, jobs taken from Redis one at a time, each leased; the requests a
    job's pages lead to (comment pages, widget data) stay in this worker, served first."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.local: list = []
        self._order = itertools.count()
        self.leases: Leases | None = None
        self._poller: LoopingCall | None = None

    def open(self, spider):
        super().open(spider)
        self.leases = Leases.for_crawler(spider.crawler)
        self.leases.start()
        self._poller = LoopingCall(self._wake_engine, spider.crawler)
        self._poller.start(POLL_EVERY, now=False)

    def close(self, reason):
        if self._poller is not None and self._poller.running:
            self._poller.stop()
        return super().close(reason)

    def enqueue_request(self, request):
        if keys.JOB_META in request.meta:
            return super().enqueue_request(request)  # a job's retry or redirect: back to the shared queue
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        heapq.heappush(self.local, (-request.priority, next(self._order), request))
        return True

    def next_request(self):
        if self.local:
            return heapq.heappop(self.local)[2]
        request = super().next_request()
        if request is not None and keys.JOB_META in request.meta:
            self.leases.take(request.meta["article_url"])
        return request

    def has_pending_requests(self):
        return bool(self.local) or super().has_pending_requests()

    def __len__(self):
        return len(self.local) + super().__len__()

    def _wake_engine(self, crawler) -> None:
        """Ask the engine for requests now: idle, it would look at the queue every 5 seconds only."""
        slot = getattr(crawler.engine, "_slot", None)
        if slot is not None and not self.local:
            slot.nextcall.schedule()


class Leases:
    """The jobs this worker holds: each leased in Redis until NEWSARCHIVE_JOB_TIMEOUT seconds after
    it was taken or last renewed (renewed while the worker lives), released when settled."""

    def __init__(self, server, timeout: float):
        self.server, self.timeout = server, timeout
        self.held: dict[str, float] = {}  # article URL -> when taken
        self._renewer: LoopingCall | None = None

    def start(self) -> None:
        """Renew held leases from now on (once the crawl's reactor runs)."""
        if self._renewer is None:
            self._renewer = LoopingCall(self.renew)
            self._renewer.start(max(self.timeout / 3, 0.2), now=False)

    @classmethod
    def for_crawler(cls, crawler) -> "Leases":
        leases = getattr(crawler, "_newsarchive_leases", None)
        if leases is None:
            leases = cls(keys.connect(crawler.settings.get("REDIS_URL")),
                         crawler.settings.getfloat("NEWSARCHIVE_JOB_TIMEOUT"))
            crawler._newsarchive_leases = leases
        return leases

    def take(self, url: str) -> None:
        self.held[url] = time.monotonic()
        self.server.zadd(keys.LEASES, {url: time.time() + self.timeout})

    def release(self, url: str) -> None:
        if self.held.pop(url, None) is not None:
            self.server.zrem(keys.LEASES, url)

    def renew(self) -> None:
        """Keep the leases of jobs in progress; one held ten timeouts long is let go (lost here)."""
        now = time.monotonic()
        for url, taken in list(self.held.items()):
            if now - taken > 10 * self.timeout:
                del self.held[url]
        if self.held:
            self.server.zadd(keys.LEASES, {url: time.time() + self.timeout for url in self.held})


class RemoteHandle:
    """A worker's stand-in for the archive handle: every write the crawl code asks for (a failure,
    a URL given up, frontier rows to plan) is sent to the coordinator as a result."""

    crawl_id = None
    write_error = None
    lent: dict = {}  # no archive, so no dictionaries to lend: the coordinator packs the bodies

    def __init__(self, crawler):
        self.server = keys.connect(crawler.settings.get("REDIS_URL"))
        self.leases = Leases.for_crawler(crawler)
        self.comment_pages: dict[str, list[tuple]] = {}  # article URL -> frontier rows of its comment pages

    def send(self, entry: dict, result: wire.Result) -> None:
        self.server.xadd(keys.RESULTS, entry)
        if result.settles_job():
            self.leases.release(result.url)
            self.comment_pages.pop(result.url, None)

    def fail(self, stats, url: str, stage: str, reason: str, status=None, site: str = "",
             permanent: bool = False) -> None:
        failure = FetchFailure(url=url, reason=reason, status=status, site=site, permanent=permanent)
        self.send_failure(failure, stage)
        stats.inc_value(f"newsarchive/failures/{stage}")

    def send_failure(self, failure: FetchFailure, stage: str = "fetch") -> None:
        entry = wire.failure_entry(failure, stage)
        self.send(entry, wire.Result(wire.FAILURE, failure.url, {"reason": failure.reason}))

    def note_failure(self, stats, url: str, stage: str, reason: str, site: str = "") -> None:
        """A failure of a page archived all the same: the coordinator notes it when it stores the capture."""
        stats.inc_value(f"newsarchive/failures/{stage}")

    def give_up(self, url: str, reason: str) -> None:
        fields = {"url": url, "reason": reason}
        self.send(wire.entry(wire.GIVE_UP, fields), wire.Result(wire.GIVE_UP, url, fields))

    def plan(self, rows: list[tuple], done_url: str | None = None) -> None:
        """Rows of an article's comment pages go with its capture (a job delivered twice must not
        reopen what its first result settled); any other row is sent now."""
        others = [row for row in rows if not row[3]]
        for row in rows:
            if row[3]:
                self.comment_pages.setdefault(row[3], []).append(row)
        if others or done_url:
            fields = {"rows": [list(row) for row in others], "done_url": done_url}
            self.send(wire.entry(wire.PLAN, fields), wire.Result(wire.PLAN, "", fields))

    def send_capture(self, capture: Capture, outcome, permanent: bool = True) -> None:
        plan = self.comment_pages.get(capture.url, [])
        self.send(wire.capture_entry(capture, outcome, plan, permanent), wire.Result(wire.CAPTURE, capture.url))

    def keep_unextracted(self, capture: Capture, reason: str, permanent: bool) -> None:
        """A capture that did not extract: sent with why, its pages kept by the coordinator."""
        self.send_capture(capture, reason, permanent)


class ResultPipeline:
    """A worker's last pipeline, after ExtractPipeline: sends each capture with its article (one
    that did not extract was sent by ExtractPipeline), and each failure."""

    def __init__(self, crawler):
        self.stats = crawler.stats
        self.handle = crawler._newsarchive_handle

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item, spider=None):
        if isinstance(item, FetchFailure):
            self.handle.send_failure(item)
            self.stats.inc_value("newsarchive/failures/fetch")
        elif isinstance(item, Capture):
            self.handle.send_capture(item, item.article)
            self.stats.inc_value("newsarchive/captures_sent")
        return {"url": getattr(item, "url", "")}


def run_worker(redis_url: str, overrides: dict | None = None) -> None:
    """Serve jobs from ``redis_url`` until stopped (blocks)."""
    from scrapy.crawler import CrawlerProcess

    from ..runner import project_settings

    settings = project_settings("", {**worker_settings(redis_url), **(overrides or {})})
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(JobSpider)
    crawler._newsarchive_handle = RemoteHandle(crawler)
    process.crawl(crawler)
    process.start()
