"""A live crawl line on a terminal: pages/s, articles, comments, failures and pending requests."""
from __future__ import annotations

import sys
import time
from typing import TextIO

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall

INTERVAL = 1.0
"""Seconds between two refreshes of the line."""
TERMINAL_SETTINGS = {"NEWSARCHIVE_PROGRESS": True, "LOG_LEVEL": "WARNING"}
"""What a crawl started from a terminal runs with: the live line instead of Scrapy's INFO log
(``-s LOG_LEVEL=INFO`` brings the log back)."""


def terminal_settings(on_terminal: bool) -> dict:
    """The settings a crawl gets when a person watches its stderr (none otherwise)."""
    return dict(TERMINAL_SETTINGS) if on_terminal else {}


class CrawlProgress:
    """Redraws one status line on stderr about once a second while the spider runs (setting
    ``NEWSARCHIVE_PROGRESS``; the CLI turns it on when stderr is a terminal)."""

    def __init__(self, crawler, stream: TextIO | None = None):
        self.crawler, self.stream = crawler, stream or sys.stderr
        self.task: LoopingCall | None = None
        self.last = (time.monotonic(), 0)

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("NEWSARCHIVE_PROGRESS"):
            raise NotConfigured
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider) -> None:
        self.task = LoopingCall(self.draw)
        self.task.start(INTERVAL, now=True)

    def spider_closed(self, spider) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        self.draw()
        self.stream.write("\n")
        self.stream.flush()

    def draw(self) -> None:
        """Overwrite the terminal's current line with the crawl's counts."""
        self.stream.write("\r\x1b[K" + self.line())
        self.stream.flush()

    def line(self) -> str:
        stats = self.crawler.stats
        pages = stats.get_value("response_received_count", 0)
        now = time.monotonic()
        then, pages_then = self.last
        rate = (pages - pages_then) / (now - then) if now > then else 0.0
        self.last = (now, pages)
        failures = sum(value for key, value in stats.get_stats().items()
                       if key.startswith("newsarchive/failures/"))
        return (f"{rate:5.1f} pages/s, {pages} pages, {stats.get_value('newsarchive/articles_stored', 0)}"
                f" articles, {stats.get_value('newsarchive/comments_added', 0)} comments,"
                f" {failures} failures, {self.pending()} pending")

    def pending(self) -> int:
        """Requests waiting in the scheduler."""
        engine = self.crawler.engine
        scheduler = getattr(engine, "scheduler", None) or getattr(
            getattr(engine, "_slot", None) or getattr(engine, "slot", None), "scheduler", None)
        try:
            return len(scheduler) if scheduler is not None else 0
        except TypeError:  # a scheduler that cannot count
            return 0
