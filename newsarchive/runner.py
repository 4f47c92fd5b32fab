"""Running a spider in this process against an archive, as the CLI, the demo and the scheduler do."""
from __future__ import annotations

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

# What "fast" means for a local replica: no politeness delays, many requests in flight.
LOCAL_REPLICA_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "RETRY_TIMES": 1, "LOG_LEVEL": "WARNING",
}


def project_settings(db_path: str, overrides: dict | None = None) -> Settings:
    """newsarchive's Scrapy settings with the archive path and the user's overrides."""
    settings = Settings()
    settings.setmodule("newsarchive.settings", priority="project")
    settings.set("NEWSARCHIVE_DB", db_path, priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def spider_names(settings: Settings | None = None) -> list[str]:
    """The names of the spiders this project has."""
    from scrapy.spiderloader import SpiderLoader

    return sorted(SpiderLoader.from_settings(settings or project_settings("archive.db")).list())


def run_crawl(db_path: str, spider: str, spider_args: dict | None = None,
              overrides: dict | None = None) -> int | None:
    """Run ``spider`` to completion, writing into the archive at ``db_path`` (blocks); the id of its
    ``crawls`` row (None if it never started). A crawl stopped by force (a second Ctrl-C) is
    recorded as interrupted here."""
    settings = project_settings(db_path, overrides)
    if spider not in spider_names(settings):
        raise ValueError(f"no spider named {spider!r}; spiders: {', '.join(spider_names(settings))}")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider)
    process.crawl(crawler, **(spider_args or {}))
    process.start()
    recorder = getattr(crawler, "_newsarchive_recorder", None)
    if recorder is None or recorder.handle.crawl_id is None:
        return None
    recorder.finish_stopped()
    return recorder.handle.crawl_id
