"""Spider bases: discovery (feeds, sitemaps, listing pages) and fetching an article with its comment pages."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit, urlunsplit

import scrapy
from scrapy.http import Response
from scrapy.utils.sitemap import Sitemap

from .items import Capture, FetchedPage, FetchFailure

COMMENT_PAGE_HREF = re.compile(
    rb"""href\s*=\s*["']([^"'<>]*?(?:comment-page-\d+|[?&](?:amp;)?cpage=\d+)[^"'<>]*)["']""", re.I)
COMMENT_PAGE_SUFFIX = re.compile(r"/comment-page-\d+/?$")
NEVER_FOLLOW = re.compile(r"replytocom=|/wp-admin/|/wp-login\.php|wp-comments-post\.php|/feed/?$|#respond")
HTML_TYPES = (b"text/html", b"application/xhtml+xml")


def utc_now() -> str:
    """The current time as ISO 8601 UTC with seconds."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def fetched_page(response: Response) -> FetchedPage:
    """A Scrapy response as the archive keeps it."""
    headers = [(k.decode("latin-1"), v.decode("latin-1"))
               for k, values in response.headers.items() for v in values]
    request_url = response.request.url if response.request is not None else response.url
    return FetchedPage(url=response.url, status=response.status, headers=headers,
                       body=response.body, fetched_at=utc_now(), request_url=request_url)


def strip_url(url: str) -> str:
    """``url`` without query string and fragment."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


class ArchiveSpider(scrapy.Spider):
    """A spider whose items are Captures: an article page plus all of its comment pages.

    Subclasses set ``site``, ``page_type``, ``default_base_url`` and ``live_hosts`` and say which
    URLs are articles (``is_article_url``) and which are listings (``is_listing_url``).
    """

    site = ""
    page_type = "generic"
    default_base_url = ""
    live_hosts: tuple[str, ...] = ()
    max_comment_pages = 200

    def __init__(self, base_url: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.base_url = (base_url or self.default_base_url).rstrip("/")
        base = urlsplit(self.base_url)
        if base.scheme not in ("http", "https") or not base.hostname:
            raise ValueError(f"base_url must be an http(s) URL, got {self.base_url!r}")
        self.base_scheme, self.base_netloc = base.scheme, base.netloc
        self.allowed_domains = [base.hostname]

    # -- URLs ---------------------------------------------------------------------------------
    def rebase(self, url: str, relative_to: str | None = None) -> str | None:
        """``url`` made absolute and rooted at base_url; None if it leaves the site."""
        absolute = urljoin(relative_to or self.base_url + "/", url.strip())
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https"):
            return None
        host = (parts.hostname or "").lower()
        if parts.netloc != self.base_netloc and host not in self.live_hosts:
            return None
        return urlunsplit((self.base_scheme, self.base_netloc, parts.path or "/", parts.query, ""))

    def article_permalink(self, url: str) -> str:
        """The article URL a comment-page URL belongs to."""
        return COMMENT_PAGE_SUFFIX.sub("", strip_url(url))

    def is_article_url(self, url: str) -> bool:
        raise NotImplementedError

    def is_listing_url(self, url: str) -> bool:
        return False

    # -- articles and their comment pages -----------------------------------------------------
    def article_request(self, url: str, **meta) -> scrapy.Request:
        """A request for an article page; its callback follows the comment pages."""
        return scrapy.Request(url, callback=self.parse_article, errback=self.article_failed,
                              meta={"article_url": url, **meta}, priority=10)

    def parse_article(self, response: Response):
        article_url = response.meta["article_url"]
        if response.status >= 400:
            yield self.failure(article_url, f"HTTP {response.status}", response.status)
            return
        capture = Capture(url=article_url, site=self.site, spider=self.name,
                          pages=[fetched_page(response)], page_type=self.page_type)
        if "dataloss" in response.flags:
            capture.comment_pages_complete = False
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
        for raw in COMMENT_PAGE_HREF.findall(response.body):
            href = raw.decode("utf-8", "replace").replace("&amp;", "&")
            if NEVER_FOLLOW.search(href):
                continue
            url = self.rebase(href, response.url)
            if url and self.article_permalink(url) == strip_url(article_url):
                found.append(url)
        return list(dict.fromkeys(found))

    def _next_comment_page(self, capture: Capture, response, seen: set[str], pending=()):
        """Request the next unfetched comment page, or yield the finished capture."""
        queue = list(pending) + self.comment_page_urls(response, capture.url)
        queue = [u for u in dict.fromkeys(queue) if strip_url(u) not in seen]
        if not queue or len(seen) > self.max_comment_pages:
            yield capture
            return
        seen.add(strip_url(queue[0]))
        yield scrapy.Request(queue[0], callback=self.parse_comment_page,
                             errback=self.comment_page_failed, dont_filter=True, priority=20,
                             meta={"capture": capture, "seen": seen, "pending": queue[1:]})

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

    def comment_page_failed(self, failure):
        meta = failure.request.meta
        capture = meta["capture"]
        self.logger.warning("comment page %s failed (%s); thread kept partial", failure.request.url,
                            failure.getErrorMessage())
        capture.comment_pages_complete = False
        yield from self._next_comment_page(capture, _EmptyResponse(failure.request.url),
                                           meta["seen"], meta["pending"])

    def article_failed(self, failure):
        request = failure.request
        yield self.failure(request.meta.get("article_url", request.url),
                           f"{failure.type.__name__}: {failure.getErrorMessage()}"[:500])

    def failure(self, url: str, reason: str, status: int | None = None) -> FetchFailure:
        self.logger.warning("not archived: %s (%s)", url, reason)
        return FetchFailure(url=url, reason=reason, spider=self.name, status=status, site=self.site)

    # -- discovery ----------------------------------------------------------------------------
    def parse_listing(self, response: Response):
        """A home, section or pagination page: articles and further listing pages."""
        if response.status >= 400 or not self._is_html(response):
            self.logger.warning("listing %s: HTTP %s", response.url, response.status)
            return
        for href in response.xpath("//a/@href").getall():
            url = self.rebase(href, response.url)
            if not url or NEVER_FOLLOW.search(url):
                continue
            if self.is_article_url(url):
                yield self.article_request(self.article_permalink(url))
            elif self.is_listing_url(url):
                yield scrapy.Request(url, callback=self.parse_listing)

    def parse_feed(self, response: Response):
        """An RSS or Atom feed: its item links are articles."""
        response.selector.remove_namespaces()
        links = response.xpath("//item/link/text() | //entry/link/@href").getall()
        for link in links:
            url = self.rebase(link, response.url)
            if url and self.is_article_url(url):
                yield self.article_request(self.article_permalink(url))

    def parse_sitemap(self, response: Response):
        """A sitemap or sitemap index (WordPress core, Yoast, news sitemaps)."""
        try:
            sitemap = Sitemap(response.body)
        except Exception as error:  # malformed XML: report and go on
            self.logger.warning("sitemap %s unreadable: %s", response.url, error)
            return
        for entry in sitemap:
            url = self.rebase(entry.get("loc", ""), response.url)
            if not url:
                continue
            if sitemap.type == "sitemapindex":
                yield scrapy.Request(url, callback=self.parse_sitemap)
            elif self.is_article_url(url):
                yield self.article_request(self.article_permalink(url))


class _EmptyResponse:
    """Stands in for a failed comment page: no body, so no new links."""

    def __init__(self, url: str):
        self.url = url
        self.body = b""
