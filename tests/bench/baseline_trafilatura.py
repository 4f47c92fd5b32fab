"""Baseline (b) of bench_crawl (``scrapy runspider``): trafilatura.extract with metadata and comments, JSON Lines feed."""
from __future__ import annotations

from baseline_spiders import _FromList


class TrafilaturaSpider(_FromList):
    """Baseline (b): what a user would write: trafilatura (metadata and comments) in the callback."""

    name = "trafilatura"

    def parse(self, response):
        import trafilatura

        if b"html" not in (response.headers.get(b"Content-Type") or b""):
            return
        found = trafilatura.extract(response.text, url=response.url, with_metadata=True,
                                    include_comments=True, output_format="json")
        if found:
            yield {"url": response.url, "extracted": found}
