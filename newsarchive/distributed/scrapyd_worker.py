"""`newsarchive worker` as a spider scrapyd can schedule: ``-d setting=REDIS_URL=redis://HOST:PORT/DB``."""
from __future__ import annotations

import scrapy


class ScrapydWorker(scrapy.Spider):
    """A worker for scrapyd (schedule it with -d setting=REDIS_URL=redis://…; elsewhere: `newsarchive worker`)."""

    name = "newsarchive-worker"

    @classmethod
    def update_settings(cls, settings) -> None:
        super().update_settings(settings)
        url = settings.get("REDIS_URL")
        if url:
            from .worker import worker_settings

            settings.setdict(worker_settings(url), priority="spider")

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        """The worker's own spider, on the job queue of REDIS_URL."""
        from .worker import JobSpider, RemoteHandle

        if not crawler.settings.get("REDIS_URL"):
            raise ValueError("newsarchive-worker needs the coordinator's Redis: -s REDIS_URL=redis://HOST:PORT/DB"
                             " (scrapyd: -d setting=REDIS_URL=…), or run `newsarchive worker --redis URL`")
        crawler._newsarchive_handle = RemoteHandle(crawler)
        return JobSpider.from_crawler(crawler, *args, **kwargs)
