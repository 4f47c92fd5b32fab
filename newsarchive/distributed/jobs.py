"""Whole-article jobs in scrapy-redis's priority queue, each decoded against the spider that made it."""
from __future__ import annotations

from scrapy.utils.request import request_from_dict
from scrapy_redis.queue import PriorityQueue

from .keys import JOB_META


class JobQueue(PriorityQueue):
    """scrapy-redis's priority queue (Scrapy's request serialization) whose requests are bound to
    the site spider named in their job: the coordinator's own spider, or on a worker the one its
    ``site_spider(job)`` makes."""

    def _owner(self, job: dict):
        site_spider = getattr(self.spider, "site_spider", None)
        return site_spider(job) if site_spider is not None else self.spider

    def _encode_request(self, request):
        return self.serializer.dumps(request.to_dict(spider=self._owner(request.meta[JOB_META])))

    def _decode_request(self, encoded_request):
        obj = self.serializer.loads(encoded_request)
        return request_from_dict(obj, spider=self._owner(obj["meta"][JOB_META]))
