"""Any news site: the articles given as URLs, or found in a feed or a sitemap, inside those URLs' domains."""
from __future__ import annotations

import re
import zlib
from urllib.parse import urljoin, urlsplit, urlunsplit

import scrapy
from scrapy.http import Response

from newsarchive.crawl import ArchiveSpider, SpiderArgumentError, check_http_url, url_path
from newsarchive.limits import GZIP_MAGIC, TooLarge, gunzip_capped
from newsarchive.widgets import WIDGET_HOSTS

NOT_ARTICLE_PATH = re.compile(
    r"^/?$|/(?:tag|tags|category|categories|categorie|rubrique|author|auteur|autor|page|feed|search|"
    r"wp-json|wp-content|wp-admin|wp-includes)(?:/|$)|\.(?:jpe?g|png|gif|webp|svg|pdf|zip|mp3|mp4|xml|"
    r"rss|css|js|json|ico)(?:\.gz)?$", re.I)


def split_urls(value: str | None) -> list[str]:
    """``U1,U2`` (or whitespace-separated) as a list of URLs."""
    return [u for u in re.split(r"[\s,]+", value or "") if u]


def domain_key(host: str) -> str:
    """The domain a crawl stays in for a given host (``www.`` dropped)."""
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


class GenericSpider(ArchiveSpider):
    """Archive any site: ``-a urls=U1,U2`` (articles), ``-a feed=URL`` (RSS/Atom), ``-a sitemap=URL``.

    The crawl never leaves the domains of the URLs given (subdomains included) and never follows
    anything but http(s). Each article is archived under its own host as site key. Articles given
    with ``urls`` are always fetched; those found in feeds and sitemaps only when the archive wants
    them (new, or changed per the sitemap: see newsarchive/incremental.py).
    """

    name = "generic"
    page_type = "generic"
    arguments = {
        "urls": "articles to archive, comma-separated (always fetched)",
        "feed": "RSS/Atom feed URLs, comma-separated: their items are archived",
        "sitemap": "sitemap (or sitemap index) URLs, comma-separated: their pages are archived",
        **{name: help for name, help in ArchiveSpider.arguments.items() if name != "base_url"},
    }

    @classmethod
    def check_values(cls, args: dict[str, str]) -> None:
        """At least one of urls, feed, sitemap; every URL given is http(s)."""
        given = [(name, url) for name in ("urls", "feed", "sitemap") for url in split_urls(args.get(name))]
        if not given:
            raise SpiderArgumentError("generic needs -a urls=U1,U2, -a feed=URL or -a sitemap=URL"
                                      " (see `newsarchive spiders`)")
        for name, url in given:
            check_http_url(name, url)
        super().check_values({**args, "base_url": args.get("base_url") or _root(given[0][1])})

    def __init__(self, urls: str | None = None, feed: str | None = None, sitemap: str | None = None,
                 *args, **kwargs):
        self.check_values({"urls": urls, "feed": feed, "sitemap": sitemap})
        self.article_urls, self.feed_urls = split_urls(urls), split_urls(feed)
        self.sitemap_urls = split_urls(sitemap)
        given = self.article_urls + self.feed_urls + self.sitemap_urls
        kwargs.setdefault("base_url", _root(given[0]))
        super().__init__(*args, **kwargs)
        self.domains = list(dict.fromkeys(domain_key(urlsplit(u).hostname or "") for u in given))
        self.allowed_domains = [*self.domains, *WIDGET_HOSTS]  # widget data pages and their robots.txt
        self.site = self.domains[0]

    def start_requests_list(self) -> list[scrapy.Request]:
        requests = [self.article_request(url) for url in self.article_urls]
        requests += [self.discovery_request(url, self.parse_feed, priority=5) for url in self.feed_urls]
        requests += [self.discovery_request(url, self.parse_sitemap) for url in self.sitemap_urls]
        return requests

    # -- URLs ------------------------------------------------------------------------------------
    def allows(self, host: str | None) -> bool:
        """True when ``host`` is one of the crawl's domains or a subdomain of one."""
        key = domain_key(host or "")
        return any(key == domain or key.endswith("." + domain) for domain in self.domains)

    def rebase(self, url: str, relative_to: str | None = None) -> str | None:
        """``url`` made absolute, without fragment; None when it is not http(s) or leaves the domains."""
        parts = urlsplit(urljoin(relative_to or self.base_url + "/", url.strip()))
        if parts.scheme not in ("http", "https") or not self.allows(parts.hostname):
            return None
        return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))

    def site_for(self, url: str) -> str:
        return domain_key(urlsplit(url).hostname or "") or self.site

    def is_article_url(self, url: str) -> bool:
        """Feed items and sitemap pages are articles, except home, section, tag, author and file URLs."""
        return not NOT_ARTICLE_PATH.search(url_path(url))

    # -- discovery -------------------------------------------------------------------------------
    def parse_sitemap(self, response: Response):
        """A sitemap, index or urlset, news sitemaps included; ``.xml.gz`` files are unpacked."""
        if response.body[:2] == GZIP_MAGIC:
            try:
                body = gunzip_capped(response.body, self.settings.getint("DOWNLOAD_MAXSIZE"))
            except TooLarge as error:
                yield self.failure(response.url, f"sitemap too large {error} (DOWNLOAD_MAXSIZE)", permanent=True)
                return
            except (OSError, zlib.error, EOFError) as error:
                yield self.failure(response.url, f"sitemap: bad gzip ({error})", permanent=True)
                return
            response = response.replace(body=body)
        yield from super().parse_sitemap(response)


def _root(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
