"""maliweb.net: discovery from the feed, the sitemaps, the home page and section pages."""
from __future__ import annotations

import re

import scrapy

from newsarchive.crawl import COMMENT_PAGE_SUFFIX, ArchiveSpider, url_path

ARTICLE_PATH = re.compile(r"^/(?:[\w-]+/){1,3}[\w%.-]+-\d+\.html$")
LISTING_PATH = re.compile(r"^/(?:category/[\w/-]+?)(?:/page/\d+)?/?$|^/page/\d+/?$")


class MaliwebSpider(ArchiveSpider):
    """Archive maliweb.net, or a mirror of it given as ``-a base_url=http://127.0.0.1:8000`` (archived
    under maliweb.net's own URLs)."""

    name = "maliweb"
    site = "maliweb.net"
    page_type = "maliweb"
    default_base_url = "https://www.maliweb.net"
    live_hosts = ("maliweb.net", "www.maliweb.net")

    def start_requests_list(self) -> list[scrapy.Request]:
        base = self.site_url
        return [self.discovery_request(f"{base}/feed/", self.parse_feed, priority=5),
                self.discovery_request(f"{base}/wp-sitemap.xml", self.parse_sitemap),
                self.discovery_request(f"{base}/", self.parse_listing)]

    def is_article_url(self, url: str) -> bool:
        return bool(ARTICLE_PATH.match(COMMENT_PAGE_SUFFIX.sub("", url_path(url))))

    def is_listing_url(self, url: str) -> bool:
        return "?" not in url.partition("#")[0] and bool(LISTING_PATH.match(url_path(url)))
