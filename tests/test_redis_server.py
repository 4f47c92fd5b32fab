"""The private redis-server the tests of distributed crawls start answers, and is gone afterwards."""
from __future__ import annotations

import pytest

redis = pytest.importorskip("redis", reason="the Redis client comes with the test extras")

from redis_server import REDIS_SERVER, start_redis, stop_redis  # noqa: E402


@pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed (`.ci/run` installs it)")
def test_a_private_redis_server_answers_then_stops(tmp_path):
    process, url = start_redis(tmp_path)
    client = redis.Redis.from_url(url)
    client.set("newsarchive:probe", "1")
    assert client.get("newsarchive:probe") == b"1"
    stop_redis(process)
    with pytest.raises(redis.exceptions.ConnectionError):
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
