"""Spider bases: discovery (feeds, sitemaps, listing pages) and fetching an article with its comment pages."""
from __future__ import annotations

import codecs
import html
import re
import time
from functools import cached_property
from typing import Iterator
from urllib.parse import urljoin, urlsplit, urlunsplit

import scrapy
from scrapy.http import Response
from scrapy.utils.sitemap import Sitemap

from . import db
from .browser import RenderingSpider, check_render_mode
from .hostmap import parse_host_map
from .incremental import CrawlPlan, check_modes
from .items import Capture, FetchedPage, FetchFailure
from .limits import Refused, comment_cap
from .widgets import WIDGET_HOSTS, adapter_of, first_widget_url

COMMENT_PAGE_HREF = re.compile(
    rb"""href\s*=\s*["']([^"'<>]*?(?:comment-page-\d+|[?&](?:amp;)?cpage=\d+)[^"'<>]*)["']""", re.I)
A_HREF = re.compile(rb"""<[aA]\s[^>]*?\b[hH][rR][eE][fF]\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""")
COMMENT_PAGE_SUFFIX = re.compile(r"/comment-page-\d+/?$")
URL_PATH = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*([^?#]*)")
PAGINATION_PATH = re.compile(r"/page/\d+/?$")
# Links that rebase() must parse: a fragment to drop, whitespace, an empty query.
NEEDS_PARSING = re.compile(r"[#\s]|\?$")
NEVER_FOLLOW = re.compile(r"replytocom=|/wp-admin/|/wp-login\.php|wp-comments-post\.php|/feed/?$|#respond")
HTML_TYPES = (b"text/html", b"application/xhtml+xml")


_formatted_now: list = [None, ""]  # utc_now's second and its text


def utc_now() -> str:
    """The current time as ISO 8601 UTC with seconds (formatted once a second: every page asks)."""
    second = int(time.time())
    if second != _formatted_now[0]:
        _formatted_now[:] = [second, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(second))]
    return _formatted_now[1]


def fetched_page(response: Response) -> FetchedPage:
    """A Scrapy response as the archive keeps it."""
    headers = [(k.decode("latin-1"), v.decode("latin-1"))
               for k, values in response.headers.items() for v in values]
    request_url = response.request.url if response.request is not None else response.url
    return FetchedPage(url=response.url, status=response.status, headers=headers,
                       body=response.body, fetched_at=utc_now(), request_url=request_url)


def link_hrefs(body: bytes, encoding: str = "utf-8") -> list[str]:
    """The href of every ``<a>`` in ``body``, entities decoded, in page order.

    A scan of the bytes: a listing page is only read for its links, and parsing it into a tree
    costs twenty times as much time and holds a megabyte per page in flight.
    """
    try:
        codecs.lookup(encoding)
    except LookupError:
        encoding = "utf-8"
    return [html.unescape((double or single or bare).decode(encoding, "replace"))
            for double, single, bare in A_HREF.findall(body)]


def comment_page_hrefs(body: bytes) -> list[bytes]:
    """The href values in ``body`` that name a comment page, in page order.

    Looks only around each ``comment-page-``/``cpage=`` mark, as WordPress writes them (lower
    case): a regex over all of a 100 KB page costs a millisecond per page on the crawl's hot path,
    and even lower-casing the page first cost a third of this scan.
    """
    starts = set()
    at = body.find(b"page")  # both marks hold it: one pass over the page instead of two
    while at >= 0:
        if at >= 8 and body.startswith(b"comment-", at - 8) and body.startswith(b"-", at + 4) or \
                at >= 1 and body.startswith(b"c", at - 1) and body.startswith(b"=", at + 4):
            start = body.rfind(b"href", max(0, at - 2048), at)
            if start >= 0:
                starts.add(start)
        at = body.find(b"page", at + 4)
    hits = (COMMENT_PAGE_HREF.match(body, start) for start in sorted(starts))
    return [hit.group(1) for hit in hits if hit]


def strip_url(url: str) -> str:
    """``url`` without query string and fragment."""
    return url.partition("#")[0].partition("?")[0]


def url_path(url: str) -> str:
    """The path of an absolute URL, without query string and fragment (``urlsplit(url).path``).

    Spiders classify every link of every listing page by its path: a regex reads it in a tenth of
    the time of a full URL parse.
    """
    match = URL_PATH.match(url)
    return match.group(1) if match else urlsplit(url).path


class ArchiveSpider(RenderingSpider, scrapy.Spider):
    """A spider whose items are Captures: an article page plus all of its comment pages.

    Subclasses set ``site``, ``page_type``, ``default_base_url`` and ``live_hosts`` and say which
    URLs are articles (``is_article_url``) and which are listings (``is_listing_url``).

    Crawls are incremental: discovery fetches only articles the archive lacks (or unsettled ones a
    sitemap says changed), listing pagination stops at a page with nothing new, and archived
    articles are revisited when the revisit planner says so. Spider arguments ``-a revisit=due|all|none``
    and ``-a discover=new|all`` change that (see newsarchive/incremental.py); ``-a render=never|auto|always``
    says which article pages are rendered in headless Chromium (see newsarchive/browser.py).
    """

    site = ""
    page_type = "generic"
    default_base_url = ""
    live_hosts: tuple[str, ...] = ()
    revisit = "due"
    discover = "new"

    def __init__(self, base_url: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.base_url = (base_url or self.default_base_url).rstrip("/")
        base = urlsplit(self.base_url)
        if base.scheme not in ("http", "https") or not base.hostname:
            raise ValueError(f"base_url must be an http(s) URL, got {self.base_url!r}")
        self.base_scheme, self.base_netloc = base.scheme, base.netloc
        self.allowed_domains = [base.hostname, *WIDGET_HOSTS]  # widget data pages and their robots.txt
        self.revisit, self.discover = self.revisit, self.discover  # recorded with the crawl's args
        check_modes(self.revisit, self.discover)
        self.render = self.render  # recorded with the crawl's args
        check_render_mode(self.render)
        self._root = self.base_url + "/"
        self._discovered: set[str] = set()  # article URLs this crawl already asked for
        self._listings_asked: set[str] = set()  # listing URLs this crawl already asked for

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        parse_host_map(crawler.settings.get("NEWSARCHIVE_HOST_MAP"))  # a bad map stops the crawl before it starts
        return super().from_crawler(crawler, *args, **kwargs)

    # -- URLs ---------------------------------------------------------------------------------
    def rebase(self, url: str, relative_to: str | None = None) -> str | None:
        """``url`` made absolute and rooted at base_url; None if it leaves the site."""
        if url.startswith(self._root) and not NEEDS_PARSING.search(url):
            return url  # already absolute on this site, nothing to drop: most links of a page
        absolute = urljoin(relative_to or self.base_url + "/", url.strip())
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https"):
            return None
        host = (parts.hostname or "").lower()
        if parts.netloc != self.base_netloc and host not in self.live_hosts:
            return None
        return urlunsplit((self.base_scheme, self.base_netloc, parts.path or "/", parts.query, ""))

    def site_for(self, url: str) -> str:
        """The site key an article URL is archived under (one per spider; the generic spider: per host)."""
        return self.site

    def article_permalink(self, url: str) -> str:
        """The article URL a comment-page URL belongs to."""
        return COMMENT_PAGE_SUFFIX.sub("", strip_url(url))

    def is_article_url(self, url: str) -> bool:
        raise NotImplementedError

    def is_listing_url(self, url: str) -> bool:
        return False

    # -- what to fetch: discovery and revisits ------------------------------------------------
    async def start(self):
        for request in self.start_requests_list():  # discovery first: a few feed/listing pages
            yield request
        for request in self.revisit_requests():
            yield request

    def start_requests_list(self) -> list[scrapy.Request]:
        """Discovery requests (feeds, sitemaps, listings); each site lists its own."""
        return []

    @cached_property
    def crawl_plan(self) -> CrawlPlan:
        """This crawl's view of the archive (known articles, due revisits, the last run)."""
        conn = db.open_archive(self.settings.get("NEWSARCHIVE_DB")).conn
        return CrawlPlan(conn, self.site, self.name, self.base_url, self.revisit, self.discover)

    def revisit_requests(self) -> Iterator[scrapy.Request]:
        """Archived articles of this site (at base_url) to fetch again, made as Scrapy asks."""
        urls = [u for u in self.crawl_plan.revisit_urls() if u.startswith(self.base_url + "/")]
        self.logger.info("revisiting %d archived articles (revisit=%s)", len(urls), self.revisit)
        self.crawler.stats.set_value("newsarchive/revisits_planned", len(urls))
        return (self.article_request(url, revisit=True) for url in urls)

    def discover_articles(self, discovered: list[tuple[str, str | None]]) -> list[scrapy.Request]:
        """Requests for the discovered ``(url, lastmod)`` articles the archive lacks (see
        CrawlPlan.wants), asked of the archive in one query."""
        pairs = list(dict.fromkeys((self.article_permalink(url), lastmod) for url, lastmod in discovered))
        pairs = [(url, lastmod) for url, lastmod in pairs if url not in self._discovered]
        wanted = self.crawl_plan.wanted(pairs) if pairs else []
        self._discovered.update(wanted)  # a listing links what the sitemap gave: asked once
        return [self.article_request(url) for url in dict.fromkeys(wanted)]

    def is_pagination_url(self, url: str) -> bool:
        """A listing's second and later pages (``…/page/N``)."""
        return bool(PAGINATION_PATH.search(strip_url(url)))

    # -- articles and their comment pages -----------------------------------------------------
    def article_request(self, url: str, **meta) -> scrapy.Request:
        """A request for an article page; its callback follows the comment pages."""
        return scrapy.Request(url, callback=self.parse_article, errback=self.article_failed,
                              meta={"article_url": url, **meta}, priority=10)

    def parse_article(self, response: Response):
        article_url = response.meta["article_url"]
        if response.status >= 400:
            attempts = response.meta.get("retry_times", 0) + 1
            tries = f" (after {attempts} attempts)" if attempts > 1 else ""
            yield self.failure(article_url, f"HTTP {response.status}{tries}", response.status)
            return
        capture = Capture(url=article_url, site=self.site_for(article_url), spider=self.name,
                          pages=[fetched_page(response)], page_type=self.page_type)
        if "dataloss" in response.flags:
            capture.comment_pages_complete = False
            self.crawler.stats.inc_value("newsarchive/pages_truncated")
        if not self._is_html(response):
            yield capture  # kept as a capture; extraction records why it is not an article
            return
        yield from self._next_comment_page(capture, response, seen={strip_url(response.url)})

    def _is_html(self, response: Response) -> bool:
        content_type = (response.headers.get(b"Content-Type") or b"text/html").lower()
        return any(kind in content_type for kind in HTML_TYPES)

    def comment_page_urls(self, response: Response, article_url: str) -> list[str]:
        """Comment pages of this article linked from ``response`` (never reply or admin links)."""
        found = []
        for raw in comment_page_hrefs(response.body):
            href = raw.decode("utf-8", "replace").replace("&amp;", "&")
            if NEVER_FOLLOW.search(href):
                continue
            url = self.rebase(href, response.url)
            if url and self.article_permalink(url).rstrip("/") == strip_url(article_url).rstrip("/"):
                found.append(url)
        return list(dict.fromkeys(found))

    def _next_comment_page(self, capture: Capture, response, seen: set[str], pending=()):
        """Request the next unfetched comment page, or yield the finished capture."""
        queue = list(pending) + self.comment_page_urls(response, capture.url)
        queue = [u for u in dict.fromkeys(queue) if strip_url(u) not in seen]
        held = sum(len(page.body) for page in capture.pages)
        capped = comment_cap(self.settings, len(seen) - 1, held) if queue else None
        if capped:
            yield self.comments_capped(capture, *capped)
        if not queue or capped:
            yield from self._next_widget_page(capture, first_widget_url(capture.pages[0].body, capture.url))
            return
        seen.add(strip_url(queue[0]))
        yield scrapy.Request(queue[0], callback=self.parse_comment_page,
                             errback=self.comment_page_failed, dont_filter=True, priority=20,
                             meta={"capture": capture, "seen": seen, "pending": queue[1:]})

    def comments_capped(self, capture: Capture, stat: str, setting: str) -> FetchFailure:
        """The failure that records a thread cut short by a cap (the thread is kept, partial)."""
        capture.comment_pages_complete = False
        self.crawler.stats.inc_value(f"newsarchive/capped/{stat}")
        reason = f"cap reached: {setting}; thread kept partial"
        self.logger.warning("comment pages of %s: %s", capture.url, reason)
        return FetchFailure(url=capture.url, reason=reason, spider=self.name, site=capture.site)

    def parse_comment_page(self, response: Response):
        meta = response.meta
        capture = meta["capture"]
        if response.status >= 400 or not self._is_html(response):
            self.logger.warning("comment page %s: HTTP %s; thread kept partial", response.url,
                                response.status)
            capture.comment_pages_complete = False
        else:
            capture.pages.append(fetched_page(response))
        yield from self._next_comment_page(capture, response, meta["seen"], meta["pending"])

    def _next_widget_page(self, capture: Capture, url: str | None, fetched: int = 0):
        """Request the next data page of the article's widget thread (``newsarchive.widgets``), or
        yield the finished capture. Allowed off the site's domains: the vendor's host serves it."""
        capped = comment_cap(self.settings, fetched, sum(len(page.body) for page in capture.pages)) if url else None
        if capped:
            yield self.comments_capped(capture, *capped)
        if url is None or capped:
            yield from self.render_or_finish(capture)
            return
        yield scrapy.Request(url, callback=self.parse_widget_page, errback=self.widget_page_failed,
                             dont_filter=True, priority=20,
                             meta={"capture": capture, "widget_pages": fetched, "allow_offsite": True})

    def parse_widget_page(self, response: Response):
        """A widget data page joins the capture; its adapter names the next one. A first page the
        vendor refuses (4xx) leaves the capture as its HTML had it; any later failure marks the
        thread partial."""
        capture, fetched = response.meta["capture"], response.meta["widget_pages"]
        adapter = adapter_of(response.url)
        if response.status >= 400 or adapter is None:
            self.logger.warning("widget data page %s: HTTP %s", response.url, response.status)
            if fetched or response.status >= 500 or adapter is None:
                capture.comment_pages_complete = False
            yield capture
            return
        page = fetched_page(response)
        capture.pages.append(page)
        try:
            following = adapter.next_url(page)
        except ValueError as error:
            self.logger.warning("widget data page %s unreadable (%s); thread kept partial", response.url, error)
            capture.comment_pages_complete, following = False, None
        yield from self._next_widget_page(capture, following, fetched + 1)

    def widget_page_failed(self, failure):
        capture = failure.request.meta["capture"]
        self.logger.warning("widget data page %s failed (%s); thread kept partial", failure.request.url,
                            failure.getErrorMessage())
        capture.comment_pages_complete = False
        yield capture

    def comment_page_failed(self, failure):
        meta = failure.request.meta
        capture = meta["capture"]
        self.logger.warning("comment page %s failed (%s); thread kept partial", failure.request.url,
                            failure.getErrorMessage())
        capture.comment_pages_complete = False
        yield from self._next_comment_page(capture, _EmptyResponse(failure.request.url),
                                           meta["seen"], meta["pending"])

    def article_failed(self, failure):
        if failure.check(Refused):
            return  # recorded where it was refused
        request = failure.request
        maxsize = self.settings.getint("DOWNLOAD_MAXSIZE") if self.settings else 0
        yield self.failure(request.meta.get("article_url", request.url),
                           fetch_failure_reason(failure, maxsize))

    def failure(self, url: str, reason: str, status: int | None = None) -> FetchFailure:
        self.logger.warning("not archived: %s (%s)", url, reason)
        return FetchFailure(url=url, reason=reason, spider=self.name, status=status, site=self.site_for(url))

    # -- discovery ----------------------------------------------------------------------------
    def parse_listing(self, response: Response):
        """A home, section or pagination page: articles and further listing pages."""
        if response.status >= 400 or not self._is_html(response):
            self.logger.warning("listing %s: HTTP %s", response.url, response.status)
            return
        articles, listings = self._listing_links(response)
        new = self.discover_articles([(url, None) for url in articles])
        yield from new
        more_pages = bool(new) or self.crawl_plan.full_discovery  # incremental: stop paging
        for url in self.new_listings(listings, more_pages):
            yield scrapy.Request(url, callback=self.parse_listing)

    def new_listings(self, listings: list[str], more_pages: bool) -> list[str]:
        """The listing URLs not asked for yet (pagination only when ``more_pages``).

        Every listing page links the menu's sections and its neighbours' pagination: about eleven
        links a page that Scrapy's duplicate filter would refuse, each at the cost of a request
        through the middlewares and the scheduler.
        """
        wanted = [url for url in listings if url not in self._listings_asked
                  and (more_pages or not self.is_pagination_url(url))]
        self._listings_asked.update(wanted)
        return wanted

    def _listing_links(self, response: Response) -> tuple[list[str], list[str]]:
        """The article and listing URLs a listing page links to, in page order."""
        articles, listings = [], []
        hrefs = link_hrefs(response.body, getattr(response, "encoding", None) or "utf-8")
        for href in dict.fromkeys(hrefs):  # menus and teasers link the same pages many times
            url = self.rebase(href, response.url)
            if not url or NEVER_FOLLOW.search(url):
                continue
            if self.is_article_url(url):
                articles.append(self.article_permalink(url))
            elif self.is_listing_url(url):
                listings.append(url)
        return list(dict.fromkeys(articles)), list(dict.fromkeys(listings))

    def parse_feed(self, response: Response):
        """An RSS or Atom feed: its item links are articles (``updated``/``pubDate`` as lastmod)."""
        response.selector.remove_namespaces()
        discovered = []
        for item in response.xpath("//item | //entry"):
            lastmod = item.xpath("normalize-space(updated | pubDate)").get() or None
            for link in item.xpath("link/text() | link/@href").getall():
                url = self.rebase(link, response.url)
                if url and self.is_article_url(url):
                    discovered.append((url, lastmod))
        yield from self.discover_articles(discovered)

    def parse_sitemap(self, response: Response):
        """A sitemap or sitemap index (WordPress core, Yoast, news sitemaps)."""
        try:
            sitemap = Sitemap(response.body)
        except Exception as error:  # malformed XML: report and go on
            self.logger.warning("sitemap %s unreadable: %s", response.url, error)
            return
        if sitemap.type == "sitemapindex":
            children = [(self.rebase(e.get("loc", ""), response.url), e.get("lastmod")) for e in sitemap]
            for url in self.crawl_plan.sitemaps_to_read([c for c in children if c[0]]):
                yield scrapy.Request(url, callback=self.parse_sitemap)
            return
        discovered = []
        for entry in sitemap:
            url = self.rebase(entry.get("loc", ""), response.url)
            if url and self.is_article_url(url):
                discovered.append((url, entry.get("lastmod")))
        yield from self.discover_articles(discovered)


def fetch_failure_reason(failure, maxsize: int = 0) -> str:
    """Why a download failed, in words a user reads in ``failures`` (size limits named as such)."""
    name, message = failure.type.__name__, failure.getErrorMessage()
    if name == "DownloadCancelledError" or "DOWNLOAD_MAXSIZE" in message:
        where = "once decompressed " if "decompress" in message else ""
        return f"response too large {where}(over DOWNLOAD_MAXSIZE = {maxsize} bytes): {message}"[:500]
    if name in ("DownloadTimeoutError", "TimeoutError"):
        return f"timed out: {message}"[:500]
    return f"{name}: {message}"[:500]


class _EmptyResponse:
    """Stands in for a failed comment page: no body, so no new links."""

    def __init__(self, url: str):
        self.url = url
        self.body = b""
