"""Spider bases: discovery (feeds, sitemaps, listing pages) and fetching an article with its comment pages."""
from __future__ import annotations

import codecs
import html
import re
import time
from functools import cached_property
from urllib.parse import urljoin, urlsplit, urlunsplit

import scrapy
from scrapy.http import Response
from scrapy.utils.sitemap import Sitemap

from . import db, warcwriter
from .browser import RenderingSpider, check_render_mode
from .hostmap import parse_host_map
from .incremental import CrawlPlan, check_modes
from .items import Capture, FetchedPage, FetchFailure
from .limits import Refused, comment_cap
from .widgets import WIDGET_HOSTS, adapter_of, first_widget_url, widget_request
from .threads.registry import derived

A_HREF = re.compile(rb"""<[aA]\s[^>]*?\b[hH][rR][eE][fF]\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""")
COMMENT_PAGE_SUFFIX = re.compile(r"/comment-page-\d+/?$")
URL_PATH = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*([^?#]*)")
PAGINATION_PATH = re.compile(r"/page/\d+/?$")
# Links that rebase() must parse: a fragment to drop, whitespace, an empty query.
NEEDS_PARSING = re.compile(r"[#\s]|\?$")
NEVER_FOLLOW = re.compile(r"replytocom=|/wp-admin/|/wp-login\.php|wp-comments-post\.php|/feed/?$|#respond")
HTML_TYPES = (b"text/html", b"application/xhtml+xml")
PERMANENT_STATUSES = (404, 410)
"""HTTP answers that say a page is gone for good: recorded, never tried again by later crawls."""
QUERY_REACH = 256  # how far past a "?" the crawl's scan looks for a family's query mark
REQUISITE_TAG = re.compile(rb"<(img|script|link)\b([^>]*)>", re.I)
TAG_URL = re.compile(rb"""\b(?:src|href)\s*=\s*["']([^"'<>]+)["']""", re.I)
LINK_REQUISITE = re.compile(rb"""\brel\s*=\s*["'][^"']*\b(?:stylesheet|icon)\b""", re.I)


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
                       body=response.body, fetched_at=utc_now(), request_url=request_url,
                       **warcwriter.record_location(response))


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


def requisite_hrefs(body: bytes) -> list[str]:
    """The images, scripts, stylesheets and icons a page loads, entities decoded, in page order."""
    found = []
    for tag, attributes in REQUISITE_TAG.findall(body):
        if tag.lower() == b"link" and not LINK_REQUISITE.search(attributes):
            continue  # canonical, alternate, shortlink…: other pages, not parts of this one
        url = TAG_URL.search(attributes)
        if url:
            found.append(html.unescape(url.group(1).decode("utf-8", "replace")))
    return found


def comment_page_hrefs(body: bytes) -> list[bytes]:
    """The href values in ``body`` that name a comment page of a registered comment family, in
    page order.

    Looks only around the families' fixed marks: one pass for each mark of a path, one pass over
    the query strings ("?", found as fast as a byte can be) for the marks of a query. A regex over
    all of a 100 KB page costs a millisecond per page on the crawl's hot path.
    """
    marks, query_marks, href = comment_page_scan()
    starts = set()
    for mark in marks:
        at = body.find(mark)
        while at >= 0:
            _add_href_start(body, at, starts)
            at = body.find(mark, at + len(mark))
    if query_marks:
        _add_query_hits(body, query_marks, starts)
    hits = (href.match(body, start) for start in sorted(starts))
    return [hit.group(1) for hit in hits if hit]


def _add_query_hits(body: bytes, query_marks: tuple[bytes, ...], starts: set) -> None:
    """The hrefs whose query holds a query mark: the text after each "?" is looked at as one
    string (a page has a few dozen), and one by one only when that holds a mark."""
    positions = []
    at = body.find(b"?")
    while at >= 0:
        positions.append(at)
        at = body.find(b"?", at + 1)
    queries = [body[at:at + QUERY_REACH] for at in positions]
    joined = b"\0".join(queries)
    if not any(mark in joined for mark in query_marks):
        return
    for at, query in zip(positions, queries):
        if any(mark in query for mark in query_marks):
            _add_href_start(body, at, starts)


def _add_href_start(body: bytes, at: int, starts: set) -> None:
    """The start of the ``href`` holding offset ``at``, when one is close before it."""
    start = body.rfind(b"href", max(0, at - 2048), at)
    if start >= 0:
        starts.add(start)


def comment_page_scan() -> tuple[tuple[bytes, ...], tuple[bytes, ...], re.Pattern]:
    """The registered families' marks of a comment-page href (path, query; none holding another,
    whose hits are its own) and one regex reading an href that names a comment page of any of them."""
    return derived("comment page scan", _comment_page_scan)


def _comment_page_scan(families: list) -> tuple[tuple[bytes, ...], tuple[bytes, ...], re.Pattern]:
    names = b"|".join(b"(?:" + family.page_href + b")" for family in families if family.page_href)
    href = re.compile(rb"""href\s*=\s*["']([^"'<>]*?(?:""" + (names or b"(?!)") + rb""")[^"'<>]*)["']""", re.I)
    return (_fewest({mark for family in families for mark in family.page_marks}),
            _fewest({mark for family in families for mark in family.page_query_marks}), href)


def _fewest(marks: set[bytes]) -> tuple[bytes, ...]:
    """``marks`` without those holding another one."""
    return tuple(sorted(m for m in marks if not any(o != m and o in m for o in marks)))


def strip_url(url: str) -> str:
    """``url`` without query string and fragment."""
    return url.partition("#")[0].partition("?")[0]


def page_key(url: str) -> str:
    """What tells one fetched page from another: the URL without its fragment (a comment page
    may differ from its article by the query alone: ``?page=2``, ``&debut_forums=20``)."""
    return url.partition("#")[0]


def url_path(url: str) -> str:
    """The path of an absolute URL, without query string and fragment (``urlsplit(url).path``).

    Spiders classify every link of every listing page by its path: a regex reads it in a tenth of
    the time of a full URL parse.
    """
    match = URL_PATH.match(url)
    return match.group(1) if match else urlsplit(url).path


class SpiderArgumentError(ValueError):
    """A spider argument a crawl cannot start with; the message names it and what it wants."""


def check_http_url(name: str, url: str) -> None:
    """Raise SpiderArgumentError unless ``url`` (given as ``-a name=…``) is an http(s) URL with a host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SpiderArgumentError(f"-a {name} wants an http(s) URL such as https://www.example.org/,"
                                  f" got {url!r}")


def check_crawl_arguments(base_url: str, revisit: str, discover: str) -> None:
    """The rules every archive spider's ``base_url``, ``revisit`` and ``discover`` obey."""
    check_http_url("base_url", base_url)
    try:
        check_modes(revisit, discover)
    except ValueError as error:
        raise SpiderArgumentError(str(error)) from None


class ArchiveSpider(RenderingSpider, scrapy.Spider):
    """A spider whose items are Captures: an article page plus all of its comment pages.

    Subclasses set ``site``, ``page_type``, ``default_base_url`` (the site's own root: every URL the
    archive records is on it, whatever ``base_url`` fetches from) and ``live_hosts`` and say which
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
    arguments = {
        "base_url": "where pages are fetched from: a mirror or local replica's root URL"
                    " (default: the live site); the archive keeps the site's own URLs",
        "revisit": "which archived articles are fetched again: due (the revisit policy, default),"
                   " all, none",
        "discover": "new (stop listings and sitemaps at nothing new, default) or all (read them all)",
        "requisites": "1: also fetch the images, scripts and stylesheets of archived articles, for"
                      " replay (kept only in the WARC files: needs NEWSARCHIVE_WARC_DIR)",
        "render": "never, auto (default: pages whose thread scripts build, when a browser is installed)"
                  " or always: render article pages in headless Chromium",
    }
    """The ``-a NAME=VALUE`` arguments the spider takes, each with what it does (``newsarchive spiders``)."""

    @classmethod
    def check_arguments(cls, args: dict[str, str]) -> None:
        """Raise SpiderArgumentError naming the first argument a crawl of this spider cannot start with."""
        for name in args:
            if name not in cls.arguments:
                raise SpiderArgumentError(f"-a {name}: {cls.name} takes no such argument (it takes"
                                          f" {', '.join(cls.arguments)}; see `newsarchive spiders`)")
        cls.check_values(args)

    @classmethod
    def check_values(cls, args: dict[str, str]) -> None:
        """Raise SpiderArgumentError for an argument value the spider cannot run with."""
        check_crawl_arguments((args.get("base_url") or cls.default_base_url).rstrip("/"),
                              args.get("revisit", cls.revisit), args.get("discover", cls.discover))
        try:
            check_render_mode(args.get("render", cls.render))
        except ValueError as error:
            raise SpiderArgumentError(str(error)) from None
    requisites = "0"
    max_requisites = 100

    def __init__(self, base_url: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.base_url = (base_url or self.default_base_url).rstrip("/")
        self.site_url = (self.default_base_url or self.base_url).rstrip("/")
        self.revisit, self.discover = self.revisit, self.discover  # recorded with the crawl's args
        check_crawl_arguments(self.base_url, self.revisit, self.discover)
        site = urlsplit(self.site_url)
        self.site_scheme, self.site_netloc = site.scheme, site.netloc
        self.mirror_netloc = urlsplit(self.base_url).netloc
        self.allowed_domains = [site.hostname, *WIDGET_HOSTS]  # widget data pages and their robots.txt
        self.render = self.render  # recorded with the crawl's args
        check_render_mode(self.render)
        self._root, self._mirror_root = self.site_url + "/", self.base_url + "/"
        self._discovered: set[str] = set()  # article URLs this crawl already asked for
        self._discovery_asked: set[str] = set()  # discovery URLs this crawl already asked for
        self._requisites_asked: set[str] = set()  # page requisites this crawl already asked for

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        parse_host_map(crawler.settings.get("NEWSARCHIVE_HOST_MAP"))  # a bad map stops the crawl before it starts
        return super().from_crawler(crawler, *args, **kwargs)

    @cached_property
    def mirror_hosts(self) -> dict[str, str]:
        """``{host: base_url}`` for the site's hosts when base_url is a mirror: the crawl requests
        the site's own URLs and the host map (newsarchive/hostmap.py) fetches them from the mirror."""
        if self.mirror_netloc == self.site_netloc:
            return {}
        hosts = {urlsplit(self.site_url).hostname, *self.live_hosts}
        return {host.lower(): self.base_url for host in hosts if host}

    # -- URLs ---------------------------------------------------------------------------------
    def rebase(self, url: str, relative_to: str | None = None) -> str | None:
        """``url`` made absolute on the site's own root (a link into the mirror included); None if
        it leaves the site. What the archive records is what the site is, wherever it is fetched from."""
        if not NEEDS_PARSING.search(url):  # already absolute, nothing to drop: most links of a page
            if url.startswith(self._root):
                return url
            if url.startswith(self._mirror_root):
                return self._root + url[len(self._mirror_root):]
        parts = urlsplit(urljoin(relative_to or self._root, url.strip()))
        if parts.scheme not in ("http", "https"):
            return None
        host = (parts.hostname or "").lower()
        if parts.netloc not in (self.site_netloc, self.mirror_netloc) and host not in self.live_hosts:
            return None
        return urlunsplit((self.site_scheme, self.site_netloc, parts.path or "/", parts.query, ""))

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

    # -- what to fetch: discovery, what earlier crawls left pending, and revisits ------------------
    async def start(self):
        self.warn_of_articles_elsewhere()
        starts = self.start_requests_list()
        self.not_asked_yet([request.url for request in starts if self.url_kind(request) != "article"])
        requests = [*starts, *self.pending_requests(), *self.revisit_requests()]
        for request in self.planned(requests):  # discovery first: a few feed/listing pages
            yield request

    def warn_of_articles_elsewhere(self) -> None:
        """Say so when the archive holds articles of this known site under other URLs than its own
        (a mirror's): this crawl archives the site's URLs, so those are not revisited or updated."""
        elsewhere = self.crawl_plan.articles_elsewhere(self._root) if self.default_base_url else 0
        if elsewhere:
            self.logger.warning("%d articles of %s archived under other URLs than %s (a mirror's): this crawl"
                                " neither revisits nor updates them", elsewhere, self.site, self._root)

    def planned(self, requests: list[scrapy.Request], done_url: str | None = None) -> list[scrapy.Request]:
        """``requests``, recorded in the archive's frontier before they are made (in one write, with
        ``done_url``, the page that linked them, marked done)."""
        handle = getattr(getattr(self, "crawler", None), "_newsarchive_handle", None)
        if handle is not None:
            rows = [(r.url, self.site_for(r.url), kind, r.meta["capture"].url if kind == "comment_page" else None)
                    for r, kind in zip(requests, map(self.url_kind, requests))]
            handle.plan(rows, done_url)
        return requests

    def url_kind(self, request: scrapy.Request) -> str:
        """What a request fetches, as the frontier names it."""
        callback = getattr(request.callback, "__func__", None)
        return _KINDS.get(callback.__name__ if callback else "", "article")

    def pending_requests(self) -> list[scrapy.Request]:
        """What earlier crawls of this site left pending and is due again (a missing comment page:
        its article, whose request follows every comment page)."""
        requests = []
        for row in self.crawl_plan.pending(self._root):
            if row["kind"] in ("article", "comment_page"):
                url = row["article_url"] or row["url"]
                if url not in self._discovered:
                    self._discovered.add(url)
                    requests.append(self.article_request(url))
            elif self.not_asked_yet([row["url"]]):
                callbacks = {"feed": self.parse_feed, "sitemap": self.parse_sitemap}
                requests.append(self.discovery_request(row["url"], callbacks.get(row["kind"], self.parse_listing)))
        self.logger.info("retrying %d pages earlier crawls left pending", len(requests))
        self.crawler.stats.set_value("newsarchive/pending_retried", len(requests))
        return requests

    def discovery_request(self, url: str, callback, **kwargs) -> scrapy.Request:
        """A request for a feed, sitemap or listing page; a failure is recorded (and tried again)."""
        return scrapy.Request(url, callback=callback, errback=self.discovery_failed, **kwargs)

    def discovery_failed(self, failure):
        request = failure.request
        maxsize = self.settings.getint("DOWNLOAD_MAXSIZE") if self.settings else 0
        reason = fetch_failure_reason(failure, maxsize)
        yield self.failure(request.url, reason, permanent=is_refusal(reason))

    def discovery_failure(self, response: Response, what: str) -> FetchFailure:
        """A feed, sitemap or listing the site answered with an error (or not with HTML)."""
        if response.status >= 400:
            return self.failure(response.url, f"{what}: HTTP {response.status}", response.status)
        return self.failure(response.url, f"{what} is not HTML", response.status, permanent=True)

    def reached(self, response: Response) -> bool:
        """True (and counted) when the site answered ``response`` with a page, not an error."""
        if response.status >= 400:
            return False
        self.crawler.stats.inc_value("newsarchive/pages_reached")
        return True

    def start_requests_list(self) -> list[scrapy.Request]:
        """Discovery requests (feeds, sitemaps, listings); each site lists its own."""
        return []

    @cached_property
    def crawl_plan(self) -> CrawlPlan:
        """This crawl's view of the archive (known articles, due revisits, the last run)."""
        conn = db.open_archive(self.settings.get("NEWSARCHIVE_DB")).conn
        return CrawlPlan(conn, self.site, self.name, self.base_url, self.revisit, self.discover)

    def revisit_requests(self) -> list[scrapy.Request]:
        """Archived articles of this site to fetch again, made as Scrapy asks."""
        urls = [u for u in self.crawl_plan.revisit_urls() if u.startswith(self._root)]
        urls = [url for url in urls if url not in self._discovered]
        self._discovered.update(urls)
        self.logger.info("revisiting %d archived articles (revisit=%s)", len(urls), self.revisit)
        self.crawler.stats.set_value("newsarchive/revisits_planned", len(urls))
        return [self.article_request(url, revisit=True) for url in urls]

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
        if not self.reached(response):
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
        yield from self.requisite_requests(response)
        yield from self._next_comment_page(capture, response, seen={page_key(response.url)})

    def requisite_requests(self, response: Response) -> list[scrapy.Request]:
        """With ``-a requisites=1`` and NEWSARCHIVE_WARC_DIR: requests for the images, scripts and
        stylesheets of an article page on this site, each once a crawl, at most ``max_requisites``
        a page, for replay: only the WARC keeps them."""
        if self.requisites not in ("1", "true", "yes") or not self.settings.get("NEWSARCHIVE_WARC_DIR"):
            return []
        urls = (self.rebase(href, response.url) for href in requisite_hrefs(response.body))
        wanted = [url for url in dict.fromkeys(urls) if url and url not in self._requisites_asked]
        wanted = wanted[:self.max_requisites]
        self._requisites_asked.update(wanted)
        return [scrapy.Request(url, callback=self.requisite_fetched, priority=-10) for url in wanted]

    def requisite_fetched(self, response: Response) -> None:
        """A page requisite: the WARC writer has kept it; the archive has nothing to extract."""

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
        queue = [u for u in dict.fromkeys(queue) if page_key(u) not in seen]
        held = sum(len(page.body) for page in capture.pages)
        capped = comment_cap(self.settings, len(seen) - 1, held) if queue else None
        if capped:
            yield self.comments_capped(capture, *capped)
        if not queue or capped:
            first = first_widget_url(capture.pages[0].body, capture.url, settings=self.settings)
            yield from self._next_widget_page(capture, first)
            return
        seen.add(page_key(queue[0]))
        yield from self.planned([scrapy.Request(
            queue[0], callback=self.parse_comment_page, errback=self.comment_page_failed, dont_filter=True,
            priority=20, meta={"capture": capture, "seen": seen, "pending": queue[1:]})])

    def comments_capped(self, capture: Capture, stat: str, setting: str) -> FetchFailure:
        """The failure that records a thread cut short by a cap (the thread is kept, partial)."""
        reason = f"cap reached: {setting}; thread kept partial"
        capture.comment_pages_complete, capture.thread_capped = False, reason
        self.crawler.stats.inc_value(f"newsarchive/capped/{stat}")
        self.logger.warning("comment pages of %s: %s", capture.url, reason)
        return FetchFailure(url=capture.url, reason=reason, spider=self.name, site=capture.site, permanent=True)

    def parse_comment_page(self, response: Response):
        meta = response.meta
        capture = meta["capture"]
        if response.status >= 400 or not self._is_html(response):
            self.logger.warning("comment page %s: HTTP %s; thread kept partial", response.url,
                                response.status)
            capture.comment_pages_complete = False
            what = f"HTTP {response.status}" if response.status >= 400 else "comment page is not HTML"
            yield self.failure(response.request.url, f"{what}; thread kept partial", response.status,
                               site=capture.site)
        else:
            capture.pages.append(fetched_page(response))
        yield from self._next_comment_page(capture, response, meta["seen"], meta["pending"])

    def _next_widget_page(self, capture: Capture, url: str | None, fetched: int = 0, failed: frozenset = frozenset()):
        """Request the next data page of the article's widget thread (``newsarchive.widgets``), or
        yield the finished capture. Allowed off the site's domains: the vendor's host serves it.
        ``failed``: the thread's data URLs that gave no answer, never asked again."""
        capped = comment_cap(self.settings, fetched, sum(len(page.body) for page in capture.pages)) if url else None
        if capped:
            yield self.comments_capped(capture, *capped)
        if url is None or capped:
            yield from self.render_or_finish(capture)
            return
        yield scrapy.Request(url, callback=self.parse_widget_page, errback=self.widget_page_failed,
                             dont_filter=True, priority=20, **widget_request(url, self.settings),
                             meta={"capture": capture, "widget_pages": fetched, "allow_offsite": True,
                                   "widget_failed": failed})

    def parse_widget_page(self, response: Response):
        """A widget data page joins the capture; its adapter names the next one. A first page the
        vendor refuses (4xx) hands the thread to the next adapter that applies, else leaves the
        capture as its HTML had it; any later failure marks the thread partial, and the other data
        pages the thread names are still asked."""
        capture, fetched = response.meta["capture"], response.meta["widget_pages"]
        adapter = adapter_of(response.url)
        if response.status >= 400 or adapter is None:
            self.logger.warning("widget data page %s: HTTP %s", response.url, response.status)
            fallback = (first_widget_url(capture.pages[0].body, capture.url, after=adapter, settings=self.settings)
                        if not fetched and adapter is not None and response.status < 500 else None)
            if fallback:
                yield from self._next_widget_page(capture, fallback)
                return
            if fetched or response.status >= 500 or adapter is None:
                capture.comment_pages_complete = False
            yield from self._past_failed_page(response.request) if fetched and adapter else (capture,)
            return
        page = fetched_page(response)
        capture.pages.append(page)
        failed = response.meta.get("widget_failed", frozenset())
        try:
            following = adapter.following_url(capture.pages, failed)
        except ValueError as error:
            self.logger.warning("widget data page %s unreadable (%s); thread kept partial", response.url, error)
            capture.comment_pages_complete, following = False, None
        yield from self._next_widget_page(capture, following, fetched + 1, failed)

    def widget_page_failed(self, failure):
        meta = failure.request.meta
        self.logger.warning("widget data page %s failed (%s); thread kept partial", failure.request.url,
                            failure.getErrorMessage())
        meta["capture"].comment_pages_complete = False
        yield from self._past_failed_page(failure.request) if meta["widget_pages"] else (meta["capture"],)

    def _past_failed_page(self, request: scrapy.Request):
        """The data page the adapter names past one that failed (a later page of the thread), else the
        capture as it stands."""
        capture, fetched = request.meta["capture"], request.meta["widget_pages"]
        failed = request.meta.get("widget_failed", frozenset()) | {request.url}
        try:
            following = adapter_of(request.url).following_url(capture.pages, failed)
        except ValueError:
            following = None
        if following is None or following in failed:
            yield capture
            return
        yield from self._next_widget_page(capture, following, fetched + 1, failed)

    def comment_page_failed(self, failure):
        meta = failure.request.meta
        capture = meta["capture"]
        self.logger.warning("comment page %s failed (%s); thread kept partial", failure.request.url,
                            failure.getErrorMessage())
        capture.comment_pages_complete = False
        maxsize = self.settings.getint("DOWNLOAD_MAXSIZE") if self.settings else 0
        yield self.failure(failure.request.url, f"{fetch_failure_reason(failure, maxsize)}; thread kept partial",
                           site=capture.site)
        yield from self._next_comment_page(capture, _EmptyResponse(failure.request.url),
                                           meta["seen"], meta["pending"])

    def article_failed(self, failure):
        if failure.check(Refused):
            return  # recorded where it was refused
        request = failure.request
        maxsize = self.settings.getint("DOWNLOAD_MAXSIZE") if self.settings else 0
        reason = fetch_failure_reason(failure, maxsize)
        yield self.failure(request.meta.get("article_url", request.url), reason, permanent=is_refusal(reason))

    def failure(self, url: str, reason: str, status: int | None = None, site: str | None = None,
                permanent: bool | None = None) -> FetchFailure:
        """A page not archived; ``permanent`` (by default: a 404 or 410) when the site refused it for good."""
        self.logger.warning("not archived: %s (%s)", url, reason)
        if permanent is None:
            permanent = status in PERMANENT_STATUSES
        return FetchFailure(url=url, reason=reason, spider=self.name, status=status, permanent=permanent,
                            site=self.site_for(url) if site is None else site)

    # -- discovery ----------------------------------------------------------------------------
    def parse_listing(self, response: Response):
        """A home, section or pagination page: articles and further listing pages."""
        if not self.reached(response) or not self._is_html(response):
            yield self.discovery_failure(response, "listing")
            return
        articles, listings = self._listing_links(response)
        new = self.discover_articles([(url, None) for url in articles])
        more_pages = bool(new) or self.crawl_plan.full_discovery  # incremental: stop paging
        yield from self.planned([*new, *(self.discovery_request(url, self.parse_listing)
                                         for url in self.new_listings(listings, more_pages))], response.url)

    def new_listings(self, listings: list[str], more_pages: bool) -> list[str]:
        """The listing URLs not asked for yet (pagination only when ``more_pages``).

        Every listing page links the menu's sections and its neighbours' pagination: about eleven
        links a page that Scrapy's duplicate filter would refuse, each at the cost of a request
        through the middlewares and the scheduler.
        """
        return self.not_asked_yet([url for url in listings if more_pages or not self.is_pagination_url(url)])

    def not_asked_yet(self, urls: list[str]) -> list[str]:
        """The discovery URLs (listings, feeds, sitemaps) of ``urls`` this crawl has not asked for,
        now counted as asked: one asked again would be planned pending in the frontier, then
        dropped by Scrapy's duplicate filter, and the crawl would end with it pending."""
        wanted = [url for url in dict.fromkeys(urls) if url not in self._discovery_asked]
        self._discovery_asked.update(wanted)
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
        if not self.reached(response):
            yield self.discovery_failure(response, "feed")
            return
        response.selector.remove_namespaces()
        discovered = []
        for item in response.xpath("//item | //entry"):
            lastmod = item.xpath("normalize-space(updated | pubDate)").get() or None
            for link in item.xpath("link/text() | link/@href").getall():
                url = self.rebase(link, response.url)
                if url and self.is_article_url(url):
                    discovered.append((url, lastmod))
        yield from self.planned(self.discover_articles(discovered), response.url)

    def parse_sitemap(self, response: Response):
        """A sitemap or sitemap index (WordPress core, Yoast, news sitemaps)."""
        if not self.reached(response):
            yield self.discovery_failure(response, "sitemap")
            return
        try:
            sitemap = Sitemap(response.body)
        except Exception as error:  # malformed XML: report and go on
            yield self.failure(response.url, f"sitemap unreadable: {error}"[:500], permanent=True)
            return
        if sitemap.type == "sitemapindex":
            children = [(self.rebase(e.get("loc", ""), response.url), e.get("lastmod")) for e in sitemap]
            children = self.not_asked_yet(self.crawl_plan.sitemaps_to_read([c for c in children if c[0]]))
            yield from self.planned([self.discovery_request(url, self.parse_sitemap) for url in children],
                                    response.url)
            return
        discovered = []
        for entry in sitemap:
            url = self.rebase(entry.get("loc", ""), response.url)
            if url and self.is_article_url(url):
                discovered.append((url, entry.get("lastmod")))
        yield from self.planned(self.discover_articles(discovered), response.url)


_KINDS = {"parse_article": "article", "parse_comment_page": "comment_page", "parse_listing": "listing",
          "parse_feed": "feed", "parse_sitemap": "sitemap"}


def is_refusal(reason: str) -> bool:
    """True when a failed download is final: refused by our own rules for the site (robots.txt),
    or larger than DOWNLOAD_MAXSIZE allows (the same page would be as large next time)."""
    return "robots.txt" in reason or reason.startswith(TOO_LARGE)


TOO_LARGE = "response too large"


def fetch_failure_reason(failure, maxsize: int = 0) -> str:
    """Why a download failed, in words a user reads in ``failures`` (size limits named as such)."""
    name, message = failure.type.__name__, failure.getErrorMessage()
    if name == "DownloadCancelledError" or "DOWNLOAD_MAXSIZE" in message:
        where = "once decompressed " if "decompress" in message else ""
        return f"{TOO_LARGE} {where}(over DOWNLOAD_MAXSIZE = {maxsize} bytes): {message}"[:500]
    if name in ("DownloadTimeoutError", "TimeoutError"):
        return f"timed out: {message}"[:500]
    return f"{name}: {message}"[:500]


class _EmptyResponse:
    """Stands in for a failed comment page: no body, so no new links."""

    def __init__(self, url: str):
        self.url = url
        self.body = b""
