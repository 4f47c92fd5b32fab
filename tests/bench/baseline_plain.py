"""Baseline (a) of bench_crawl (``scrapy runspider``): a plain Scrapy spider that fetches the pages and discards them."""
from __future__ import annotations

from baseline_spiders import _FromList


class PlainSpider(_FromList):
    """Baseline (a): fetch every page, keep nothing."""

    name = "plain"

    def parse(self, response):
        return None
