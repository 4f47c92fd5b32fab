"""Per-domain concurrency and delay shared through Redis by every process crawling with one Redis URL."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid

from scrapy import signals
from scrapy.core.downloader import Downloader
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.utils.httpobj import urlparse_cached

logger = logging.getLogger(__name__)

KEY_PREFIX = "newsarchive:politeness"
POLL_SECONDS = (0.02, 0.25)  # a waiter asks again after a random pause in this range
REDIS_RETRY_SECONDS = 1.0

# A lease on a domain: KEYS[1] a sorted set of holders scored by the server time (ms) their lease
# lapses at (the key itself lapses with its last lease), KEYS[2] the server time of the domain's
# last start. ARGV: holder, limit (0: none), lease ms, delay ms. Returns -1 when the domain is full,
# the ms until the delay allows a start, or 0: the lease is taken, send now. Taken at the moment of
# sending, so that a process that wakes late cannot bunch its request with the next one; server
# time only, so that the hosts' clocks do not matter.
ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local limit, lease, delay = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
if limit > 0 and redis.call('ZCARD', KEYS[1]) >= limit then return -1 end
if delay > 0 then
  local allowed = tonumber(redis.call('GET', KEYS[2]) or 0) + delay
  if now < allowed then return allowed - now end
  redis.call('SET', KEYS[2], now, 'PX', delay + 1000)
end
redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
redis.call('PEXPIREAT', KEYS[1], redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')[2])
return 0
"""

# Extends the leases still held: KEYS are the holders' sorted sets, ARGV the holders then the lease ms.
RENEW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[#ARGV])
for i, key in ipairs(KEYS) do
  if redis.call('ZADD', key, 'XX', 'GT', 'CH', now + lease, ARGV[i]) == 1 then
    redis.call('PEXPIREAT', key, redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')[2])
  end
end
return #KEYS
"""


def leases_key(domain: str) -> str:
    return f"{KEY_PREFIX}:{domain}:leases"


def last_start_key(domain: str) -> str:
    return f"{KEY_PREFIX}:{domain}:last"


def shared_redis_url(settings) -> str | None:
    """The Redis a process shares politeness through: a crawl's NEWSARCHIVE_REDIS_URL (``crawl
    --redis``), a worker's REDIS_URL (scrapy-redis's, set by ``newsarchive worker --redis``)."""
    return settings.get("NEWSARCHIVE_REDIS_URL") or settings.get("REDIS_URL") or None


class PoliteDownloader(Downloader):
    """Scrapy's downloader; in a process given a Redis (shared_redis_url), each HTTP transfer first
    takes a lease on its domain shared through it (SharedPoliteness).

    The lease is taken where the transfer starts, past Scrapy's own per-domain queue and delay: a
    retry or a redirect takes a lease of its own, a request waiting for robots.txt holds none, and
    the shared spacing is the one the site sees (a local delay taken after it would bunch requests).
    """

    def __init__(self, crawler):
        super().__init__(crawler)
        url = shared_redis_url(self.settings)
        if url:
            self.handlers = GatedHandlers(self.handlers, SharedPoliteness(crawler, url), self.get_slot_key)


class GatedHandlers:
    """Scrapy's download handlers, each HTTP(S) transfer inside a lease on its domain."""

    def __init__(self, handlers, gate: "SharedPoliteness", slot_key):
        self.handlers, self.gate, self.slot_key = handlers, gate, slot_key

    async def download_request_async(self, request: Request):
        if urlparse_cached(request).scheme not in ("http", "https"):
            return await self.handlers.download_request_async(request)
        async with self.gate.lease(self.slot_key(request)):
            return await self.handlers.download_request_async(request)

    def __getattr__(self, name: str):
        return getattr(self.handlers, name)


class SharedPoliteness:
    """Per-domain leases in Redis: at most CONCURRENT_REQUESTS_PER_DOMAIN transfers at once and their
    starts DOWNLOAD_DELAY apart, over every process sharing the Redis URL (DOWNLOAD_SLOTS overrides a
    domain's ``concurrency`` and ``delay``, as in Scrapy).

    A lease is released when its transfer ends, and all of a process's at its close; a holder's
    lease lapses NEWSARCHIVE_POLITENESS_LEASE seconds after its last renewal (every third of that
    while it is held), so a killed process frees its domains.
    """

    def __init__(self, crawler, url: str):
        import redis.asyncio

        settings = crawler.settings
        self.crawler, self.url = crawler, url
        self.redis = redis.asyncio.Redis.from_url(url)
        self.lease_ms = int(settings.getfloat("NEWSARCHIVE_POLITENESS_LEASE") * 1000)
        self.held: dict[str, str] = {}  # holder -> domain
        self.acquire_script = self.redis.register_script(ACQUIRE)
        self.renew_script = self.redis.register_script(RENEW)
        self.renewer: asyncio.Task | None = None
        self.closed = False
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    def limits(self, domain: str) -> tuple[int, float]:
        """(transfers at once, seconds between starts) for ``domain``, as Scrapy's slots read them."""
        settings = self.crawler.settings
        per_slot = settings.getdict("DOWNLOAD_SLOTS").get(domain, {})
        concurrency = (settings.getint("CONCURRENT_REQUESTS_PER_IP")
                       or settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"))
        delay = settings.getfloat("DOWNLOAD_DELAY")
        return int(per_slot.get("concurrency", concurrency)), float(per_slot.get("delay", delay))

    @contextlib.asynccontextmanager
    async def lease(self, domain: str):
        """Held from the moment ``domain`` may be sent a request to the end of its transfer."""
        holder = uuid.uuid4().hex
        await self.acquire(domain, holder)
        self.held[holder] = domain
        self.start_renewing()
        try:
            yield
        finally:
            if self.held.pop(holder, None) is not None:
                asyncio.ensure_future(self.forget({holder: domain}))

    async def acquire(self, domain: str, holder: str) -> None:
        """Returns once ``holder`` holds one of ``domain``'s leases and may send."""
        limit, delay = self.limits(domain)
        keys, args = [leases_key(domain), last_start_key(domain)], [holder, limit, self.lease_ms, int(delay * 1000)]
        while True:
            if self.closed:
                raise IgnoreRequest("the crawl closed while the request waited for its domain")
            answer = await self.redis_call(self.acquire_script, keys, args)
            if answer == 0:
                return
            if answer is not None:
                self.crawler.stats.inc_value(f"newsarchive/politeness/{'full' if answer < 0 else 'delayed'}")
                pause = random.uniform(*POLL_SECONDS) if answer < 0 else answer / 1000
                await asyncio.sleep(pause)

    async def redis_call(self, script, keys: list, args: list):
        """The script's answer; None, after a pause, while Redis cannot be reached."""
        import redis

        try:
            return await script(keys=keys, args=args)
        except (redis.ConnectionError, redis.TimeoutError) as error:
            logger.warning("Redis at %s unreachable (%s): requests wait for it", self.url, error)
            await asyncio.sleep(REDIS_RETRY_SECONDS)
            return None

    async def forget(self, leases: dict[str, str]) -> None:
        """Release ``leases`` (holder -> domain); unreachable, they lapse on their own."""
        import redis

        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for holder, domain in leases.items():
                    pipe.zrem(leases_key(domain), holder)
                await pipe.execute()
        except (redis.ConnectionError, redis.TimeoutError) as error:
            logger.warning("Redis at %s unreachable (%s): leases lapse on their own", self.url, error)

    def start_renewing(self) -> None:
        if self.renewer is None or self.renewer.done():
            self.renewer = asyncio.ensure_future(self.renew_while_held())

    async def renew_while_held(self) -> None:
        while self.held and not self.closed:
            await asyncio.sleep(self.lease_ms / 3000)
            held = dict(self.held)
            if held:
                await self.redis_call(self.renew_script, [leases_key(d) for d in held.values()],
                                      [*held, self.lease_ms])

    async def spider_closed(self, spider=None) -> None:
        self.closed = True
        held, self.held = self.held, {}
        if held:
            await self.forget(held)
        await self.redis.aclose()
