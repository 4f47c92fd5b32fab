"""Downloader middleware: retries that wait as long as a 429 or 503 response's Retry-After asks."""
from __future__ import annotations

from email.utils import parsedate_to_datetime
from datetime import datetime, timezone

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.response import response_status_message
from twisted.internet import reactor
from twisted.internet.task import deferLater

RATE_LIMIT_CODES = (429, 503)


def retry_after_seconds(value: bytes | str | None, default: float) -> float:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP-date); ``default`` if absent/bad."""
    if not value:
        return default
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    if text.strip().isdigit():
        return float(text.strip())
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return default
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware, but a 429/503 is retried only after the wait the server asked for.

    NEWSARCHIVE_RETRY_AFTER_DEFAULT: the wait when the header is missing; NEWSARCHIVE_RETRY_AFTER_MAX:
    a longer Retry-After is not waited for: the page is reported at once (and fetched next crawl).
    """

    def __init__(self, settings):
        super().__init__(settings)
        self.default_wait = settings.getfloat("NEWSARCHIVE_RETRY_AFTER_DEFAULT", 5.0)
        self.max_wait = settings.getfloat("NEWSARCHIVE_RETRY_AFTER_MAX", 120.0)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in RATE_LIMIT_CODES or request.meta.get("dont_retry", False):
            return super().process_response(request, response)
        wait = retry_after_seconds(response.headers.get(b"Retry-After"), self.default_wait)
        if wait > self.max_wait:
            self.crawler.stats.inc_value("newsarchive/retry_after_too_long")
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        self.crawler.stats.inc_value("newsarchive/retry_after_waits")
        await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))
        return retry
