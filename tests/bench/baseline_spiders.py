"""What both baselines of bench_crawl share: start from the list of URLs our crawl fetched.

Both read the URL list of the pages our crawl fetched (``-a urls=FILE``), so all three fetch the same pages.
"""
from __future__ import annotations

import scrapy


class _FromList(scrapy.Spider):
    custom_settings = {"LOG_LEVEL": "WARNING"}

    def __init__(self, urls: str = "", *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.url_file = urls

    async def start(self):
        with open(self.url_file, encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    yield scrapy.Request(line.strip(), callback=self.parse, dont_filter=True)
