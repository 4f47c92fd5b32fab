"""The Redis names the coordinator and its workers share (one archive's crawl per Redis database)."""
from __future__ import annotations

JOBS = "newsarchive:jobs"
"""scrapy-redis's priority queue of whole-article jobs (an article request with all it needs)."""
RESULTS = "newsarchive:results"
"""The stream workers add results to; the coordinator reads it through ``WRITER_GROUP``."""
WRITER_GROUP = "newsarchive-writer"
WRITER = "coordinator"
"""The one consumer that writes results into the archive (its unacknowledged entries come back on restart)."""
LEASES = "newsarchive:leases"
"""Sorted set: article URL of a job a worker holds -> when it is delivered again if no result came."""
DUPEFILTER = "newsarchive:dupefilter"
"""scrapy-redis's shared request fingerprints (jobs bypass it: the archive's frontier decides what is fetched)."""
JOB_META = "newsarchive_job"
"""The request meta key of a job: the spider that made it and its arguments."""


def connect(url: str):
    """A Redis client for ``url`` (redis://HOST:PORT/DB); redis is imported only here."""
    import redis

    return redis.Redis.from_url(url)


def check_reachable(url: str) -> None:
    """Raise ValueError, in one line, unless a Redis server answers at ``url``."""
    import redis

    try:
        connect(url).ping()
    except (redis.RedisError, ValueError) as error:
        raise ValueError(f"cannot reach Redis at {url}: {error}") from None
