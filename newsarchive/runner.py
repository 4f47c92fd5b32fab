"""Running a spider in this process against an archive, as the CLI, the demo and the scheduler do."""
from __future__ import annotations

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from .db import open_for_writing

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
              overrides: dict | None = None) -> None:
    """Run ``spider`` to completion, writing into the archive at ``db_path`` (blocks). Raises
    ``db.ArchiveError`` before any request when the archive cannot be created or written."""
    settings = project_settings(db_path, overrides)
    if spider not in spider_names(settings):
        raise ValueError(f"no spider named {spider!r}; spiders: {', '.join(spider_names(settings))}")
    open_for_writing(db_path, create=True).conn.close()
    process = CrawlerProcess(settings)
    process.crawl(spider, **(spider_args or {}))
    process.start()
