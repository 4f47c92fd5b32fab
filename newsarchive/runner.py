"""Running a spider in this process against an archive, as the CLI, the demo and the scheduler do."""
from __future__ import annotations

import signal

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
    if "NEWSARCHIVE_CONTACT" in (overrides or {}) and "USER_AGENT" not in overrides:
        from .settings import user_agent

        settings.set("USER_AGENT", user_agent(overrides["NEWSARCHIVE_CONTACT"]), priority="cmdline")
    return settings


def spider_classes(settings: Settings | None = None) -> dict[str, type]:
    """The spiders this project has, by name, in name order."""
    from scrapy.spiderloader import SpiderLoader

    loader = SpiderLoader.from_settings(settings or project_settings("archive.db"))
    return {name: loader.load(name) for name in sorted(loader.list())}


def spider_names(settings: Settings | None = None) -> list[str]:
    """The names of the spiders this project has."""
    return list(spider_classes(settings))


def check_crawl(spider: str, spider_args: dict, settings: Settings | None = None) -> None:
    """Raise ValueError, in one line, unless ``spider`` exists and takes these ``-a`` arguments."""
    classes = spider_classes(settings)
    if spider not in classes:
        raise ValueError(f"no spider named {spider!r}; spiders: {', '.join(classes)}"
                         " (see `newsarchive spiders`)")
    check = getattr(classes[spider], "check_arguments", None)
    if check is not None:
        check(spider_args)


def ignore_late_stop_signals() -> None:
    """Once the crawl is over, a late Ctrl-C or SIGTERM (Twisted has put back Python's handlers)
    must not cut short the writing of its record and summary."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)


def run_crawl(db_path: str, spider: str, spider_args: dict | None = None,
              overrides: dict | None = None) -> int | None:
    """Run ``spider`` to completion, writing into the archive at ``db_path`` (blocks); the id of its
    ``crawls`` row (None if it never started). A crawl stopped by force (a second Ctrl-C) is
    recorded as interrupted here."""
    settings = project_settings(db_path, overrides)
    check_crawl(spider, spider_args or {}, settings)
    open_for_writing(db_path, create=True).conn.close()
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider)
    process.crawl(crawler, **(spider_args or {}))
    process.start()
    ignore_late_stop_signals()
    recorder = getattr(crawler, "_newsarchive_recorder", None)
    if recorder is None or recorder.handle.crawl_id is None:
        return None
    recorder.finish_stopped()
    return recorder.handle.crawl_id
