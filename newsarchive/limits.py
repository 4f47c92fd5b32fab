"""Caps that make every crawl end in bounded memory, and the robots.txt gate every request passes."""
from __future__ import annotations

import logging
import re
import zlib
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from scrapy.utils.misc import build_from_crawler, load_object
from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)

NUMERIC_SEGMENT = re.compile(r"/(?:page/)?\d+(?=/|$)")
GZIP_MAGIC = b"\x1f\x8b"
CHUNK = 64 * 1024
ROBOTS_BYTES = 500 * 1024  # what of a robots.txt is read (the limit Google documents)


class TooLarge(ValueError):
    """A body that would decompress past its cap."""


class Refused(IgnoreRequest):
    """A request the crawl will not send, recorded where it was refused (robots.txt: each one;
    the request cap: the first)."""


def gunzip_capped(data: bytes, limit: int) -> bytes:
    """``data`` (one or more gzip members) decompressed a chunk at a time; TooLarge past ``limit`` bytes."""
    out, total = [], 0
    while data:
        inflater = zlib.decompressobj(31)
        chunk = inflater.decompress(data, CHUNK)
        while chunk:
            total += len(chunk)
            if limit and total > limit:
                raise TooLarge(f"over {limit} bytes once decompressed")
            out.append(chunk)
            chunk = inflater.decompress(inflater.unconsumed_tail, CHUNK)
        if not inflater.eof:
            raise zlib.error("truncated gzip data")
        data = inflater.unused_data if inflater.unused_data[:2] == GZIP_MAGIC else b""
    return b"".join(out)


def listing_section(url: str) -> str:
    """The section a listing URL pages through: its path without page numbers or dates
    (``/category/politique/page/3/`` and ``/category/politique/2024/01/`` are both ``/category/politique``)."""
    return NUMERIC_SEGMENT.sub("", urlsplit(url).path).rstrip("/") or "/"


def comment_cap(settings, pages: int, held: int) -> tuple[str, str] | None:
    """(stat, reason) when an article with ``pages`` comment pages fetched and ``held`` bytes of
    pages in memory may fetch no more comment pages; None while it may."""
    max_pages = settings.getint("NEWSARCHIVE_MAX_COMMENT_PAGES")
    max_bytes = settings.getint("NEWSARCHIVE_MAX_COMMENT_BYTES")
    if max_pages and pages >= max_pages:
        return "comment_pages", f"NEWSARCHIVE_MAX_COMMENT_PAGES = {max_pages}"
    if max_bytes and held >= max_bytes:
        return "comment_bytes", f"NEWSARCHIVE_MAX_COMMENT_BYTES = {max_bytes}"
    return None


def callback_name(request: Request) -> str:
    return getattr(request.callback, "__name__", "")


class DiscoveryCaps:
    """Spider middleware: listing pages per section and listing depth, sitemap nesting and sitemap
    count per crawl. A request past a cap is not sent; the first one of each cap is recorded as a
    failure (with the setting that stopped it) and every one is counted in the crawl's stats.

    Listing depth counts hops from a start page into another section (paging within one does not).
    """

    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler, self.stats = crawler, crawler.stats
        self.max_section_pages = settings.getint("NEWSARCHIVE_MAX_LISTING_PAGES")
        self.max_listing_depth = settings.getint("NEWSARCHIVE_MAX_LISTING_DEPTH")
        self.max_sitemap_depth = settings.getint("NEWSARCHIVE_MAX_SITEMAP_DEPTH")
        self.max_sitemaps = settings.getint("NEWSARCHIVE_MAX_SITEMAPS")
        self.section_pages: dict[str, int] = {}
        self.sitemaps = 0
        self.reported: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_start(self, start):
        async for output in start:
            for checked in self.checked(None, output):
                yield checked

    def process_spider_output(self, response, result, spider=None):
        for output in result:
            yield from self.checked(response, output)

    async def process_spider_output_async(self, response, result, spider=None):
        async for output in result:
            for checked in self.checked(response, output):
                yield checked

    def checked(self, response, output):
        """``output`` if no cap stops it, else a failure the first time a cap is hit."""
        if not isinstance(output, Request):
            return [output]
        kind = callback_name(output)
        if kind == "parse_listing":
            over = self.listing_over(response, output)
        elif kind == "parse_sitemap":
            over = self.sitemap_over(response, output)
        else:
            return [output]
        return [output] if over is None else self.stopped(output, *over)

    def listing_over(self, response, request: Request) -> tuple[str, str] | None:
        section = listing_section(request.url)
        depth = response.meta.get("listing_depth", 0) if response is not None else 0
        if response is not None and callback_name(response.request) == "parse_listing" \
                and listing_section(response.url) != section:
            depth += 1
        request.meta["listing_depth"] = depth
        if self.max_listing_depth and depth > self.max_listing_depth:
            return "listing_depth", f"NEWSARCHIVE_MAX_LISTING_DEPTH = {self.max_listing_depth}"
        pages = self.section_pages[section] = self.section_pages.get(section, 0) + 1
        if self.max_section_pages and pages > self.max_section_pages:
            return f"listing_pages:{section}", (f"NEWSARCHIVE_MAX_LISTING_PAGES = {self.max_section_pages}"
                                                f" in section {section}")
        return None

    def sitemap_over(self, response, request: Request) -> tuple[str, str] | None:
        depth = 0
        if response is not None and callback_name(response.request) == "parse_sitemap":
            depth = response.meta.get("sitemap_depth", 0) + 1
        request.meta["sitemap_depth"] = depth
        if self.max_sitemap_depth and depth > self.max_sitemap_depth:
            return "sitemap_depth", f"NEWSARCHIVE_MAX_SITEMAP_DEPTH = {self.max_sitemap_depth}"
        self.sitemaps += 1
        if self.max_sitemaps and self.sitemaps > self.max_sitemaps:
            return "sitemaps", f"NEWSARCHIVE_MAX_SITEMAPS = {self.max_sitemaps}"
        return None

    def stopped(self, request: Request, cap: str, setting: str) -> list:
        """A trap's page is final, never pending: a later crawl would only walk further into it."""
        from .pipelines import ArchiveHandle

        stat = cap.partition(":")[0]
        self.stats.inc_value(f"newsarchive/capped/{stat}")
        reason = f"cap reached: {setting}; not followed"
        if cap in self.reported:
            ArchiveHandle.for_crawler(self.crawler).give_up(request.url, reason)
            return []
        self.reported.add(cap)
        return [self.crawler.spider.failure(request.url, reason, permanent=True)]


class RequestCap:
    """Downloader middleware: at most NEWSARCHIVE_MAX_REQUESTS requests per crawl (retries,
    redirects and robots.txt included); the rest are refused, the first recorded as a failure."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.limit = crawler.settings.getint("NEWSARCHIVE_MAX_REQUESTS")
        if not self.limit:
            raise NotConfigured
        self.sent = 0

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request: Request, spider=None):
        self.sent += 1
        if self.sent <= self.limit:
            return None
        self.crawler.stats.inc_value("newsarchive/capped/requests")
        if self.sent == self.limit + 1:
            reason = f"cap reached: NEWSARCHIVE_MAX_REQUESTS = {self.limit}; the crawl sends no more requests"
            logger.warning("%s: %s", request.url, reason)
            record_failure(self.crawler, request.url, reason)
        raise Refused(f"cap reached: NEWSARCHIVE_MAX_REQUESTS = {self.limit}")


def record_failure(crawler, url: str, reason: str, permanent: bool = False) -> None:
    """A ``fetch`` failure row for ``url`` and its count in the crawl's stats (``permanent``: the
    site's answer for good, so the frontier does not try it again)."""
    from .pipelines import ArchiveHandle

    site = crawler.spider.site_for(url) if hasattr(crawler.spider, "site_for") else ""
    ArchiveHandle.for_crawler(crawler).fail(crawler.stats, url, "fetch", reason, site=site, permanent=permanent)


class RobotsGate:
    """Downloader middleware: with ROBOTSTXT_OBEY, every request (start URLs, discovery, revisits,
    requests queued while robots.txt is fetched) waits for its host's robots.txt, and one it
    disallows is refused: not sent, recorded as a failure "refused by robots.txt".

    Each waiter gets a Deferred of its own, fired with the host's parser once it is read (Scrapy's
    RobotsTxtMiddleware shares one Deferred, and a waiter after the first receives None: allowed).
    A robots.txt that cannot be fetched allows everything, as in Scrapy.
    """

    ROBOTS_META = "newsarchive_robots_txt"

    def __init__(self, crawler):
        settings = crawler.settings
        if not settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured
        self.crawler = crawler
        self.useragent = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT")
        self.parser_class = load_object(settings.get("ROBOTSTXT_PARSER"))
        self.parsers: dict[str, object] = {}
        self.waiting: dict[str, list[Deferred]] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request: Request, spider=None):
        if request.meta.get(self.ROBOTS_META):
            return None
        if not await self.allows(request.url):
            self.crawler.stats.inc_value("newsarchive/robots_refused")
            logger.warning("%s: refused by robots.txt", request.url)
            record_failure(self.crawler, request.meta.get("article_url", request.url), "refused by robots.txt",
                           permanent=True)
            raise Refused("refused by robots.txt")
        return None

    async def allows(self, url: str) -> bool:
        """True unless the robots.txt of ``url``'s host disallows it (read once per host)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return True
        parser = await self.parser_for(parts.scheme, parts.netloc)
        return parser is None or parser.allowed(url, self.useragent)

    async def parser_for(self, scheme: str, netloc: str):
        """The robots.txt parser of ``netloc`` (None: everything allowed), fetched once per host."""
        if netloc in self.parsers:
            return self.parsers[netloc]
        waiter: Deferred = Deferred()
        first = netloc not in self.waiting
        self.waiting.setdefault(netloc, []).append(waiter)
        if first:
            self._fetch(scheme, netloc)
        return await maybe_deferred_to_future(waiter)

    def _fetch(self, scheme: str, netloc: str) -> None:
        request = Request(f"{scheme}://{netloc}/robots.txt", priority=1000,
                          meta={self.ROBOTS_META: True, "dont_obey_robotstxt": True})
        fetched = deferred_from_coro(self.crawler.engine.download_async(request))
        fetched.addCallback(lambda response: self._parsed(netloc, response))
        fetched.addErrback(lambda failure: self._unreadable(netloc, failure))

    def _parsed(self, netloc: str, response) -> None:
        self.crawler.stats.inc_value(f"robotstxt/response_status_count/{response.status}")
        parser = None
        if response.status < 400:
            parser = build_from_crawler(self.parser_class, self.crawler, response.body[:ROBOTS_BYTES])
        self._settle(netloc, parser)

    def _unreadable(self, netloc: str, failure) -> None:
        logger.warning("robots.txt of %s unreadable (%s): every path allowed", netloc,
                       failure.getErrorMessage())
        self._settle(netloc, None)

    def _settle(self, netloc: str, parser) -> None:
        self.parsers[netloc] = parser
        for waiter in self.waiting.pop(netloc, []):
            waiter.callback(parser)
