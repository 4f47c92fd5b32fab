"""Host maps (NEWSARCHIVE_HOST_MAP, a spider's mirror): a mapped host's requests go to another base URL, recorded under the real one."""
from __future__ import annotations

import json
from functools import cached_property, lru_cache
from urllib.parse import quote, urlsplit

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.http import Request, Response


def parse_host_map(value) -> dict[str, str]:
    """The setting as ``{host: base URL}``: a JSON object (text, as ``-s`` gives it) or a dict;
    hosts lower-cased, bases without a trailing slash. Raises ValueError on anything else."""
    if not value:
        return {}
    mapping = json.loads(value) if isinstance(value, str) else dict(value)
    if not isinstance(mapping, dict):
        raise ValueError("NEWSARCHIVE_HOST_MAP must be a JSON object {host: base URL}")
    parsed = {}
    for host, base in mapping.items():
        parts = urlsplit(str(base))
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"NEWSARCHIVE_HOST_MAP: {host!r} maps to {base!r}, not an http(s) base URL")
        parsed[str(host).lower().rstrip(".")] = str(base).rstrip("/")
    return parsed


class HostMap:
    """Rewrites URLs of mapped hosts to their base, and the base's URLs back to the real host."""

    def __init__(self, mapping: dict[str, str]):
        self.mapping = mapping

    def wire_url(self, url: str) -> str | None:
        """Where ``url`` is fetched from: its path and query on the mapped base; None if not mapped."""
        parts = urlsplit(url)
        base = self.mapping.get((parts.hostname or "").lower())
        if base is None:
            return None
        rest = url[len(f"{parts.scheme}://{parts.netloc}"):]
        return base + (rest or "/")

    def base_of(self, url: str) -> str | None:
        """The base ``url``'s host is fetched from; None if not mapped."""
        return self.mapping.get((urlsplit(url).hostname or "").lower())

    def real_url(self, wire_url: str, real_origin: str) -> str:
        """``wire_url`` (an answer's Location, say) with a mapped base put back to ``real_origin``."""
        for base in self.mapping.values():
            if wire_url == base or wire_url.startswith(base + "/"):
                return real_origin + wire_url[len(base):]
        return wire_url


def crawl_host_map(settings, spider) -> HostMap:
    """The hosts a crawl fetches from elsewhere: NEWSARCHIVE_HOST_MAP, and the spider's own site
    when ``-a base_url`` names a mirror of it (its ``mirror_hosts``)."""
    return HostMap({**parse_host_map(settings.get("NEWSARCHIVE_HOST_MAP")), **getattr(spider, "mirror_hosts", {})})


class CrawlHostMap:
    """A crawl's host map as it stands: its spider may learn of mirrors as it goes (a worker's, with
    each job's site spider), so the map follows the spider's ``mirror_hosts``."""

    def __init__(self, crawler):
        self.crawler = crawler
        self._mirrors: dict[str, str] | None = None
        self._current = HostMap({})

    def current(self) -> HostMap:
        spider = getattr(self.crawler, "spider", None)
        mirrors = getattr(spider, "mirror_hosts", None) or {}
        if mirrors != self._mirrors:
            self._mirrors, self._current = mirrors, crawl_host_map(self.crawler.settings, spider)
        return self._current


class HostMapDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler that fetches mapped hosts from their base URL.

    The rewrite happens here, below every downloader middleware, so robots.txt, the offsite filter,
    retries, redirects, per-host politeness and the archive all see the real URL; only the
    connection goes to the mapped base. (A middleware that returned a rewritten request would have
    Scrapy reschedule it through the whole chain under the mapped host.)
    """

    @cached_property
    def host_maps(self) -> CrawlHostMap:
        return CrawlHostMap(self.crawler)

    async def download_request(self, request: Request) -> Response:
        host_map = self.host_maps.current()
        wire_url = host_map.wire_url(request.url) if host_map.mapping else None
        if wire_url is None:
            return await super().download_request(request)
        response = await super().download_request(request.replace(url=wire_url))
        return self._as_real(response, request.url, host_map)

    @staticmethod
    def _as_real(response: Response, real_url: str, host_map: HostMap) -> Response:
        """The answer under the real URL, a redirect to the mapped base pointing at the real host."""
        parts = urlsplit(real_url)
        location = response.headers.get(b"Location")
        if location:
            real = host_map.real_url(location.decode("latin-1"), f"{parts.scheme}://{parts.netloc}")
            response.headers[b"Location"] = real.encode("latin-1")
        return response.replace(url=real_url)


class RealLinksMiddleware:
    """A mapped host's answer as the real host serves it: the base's links in its text and its Link
    headers point at the real host, so captures, extraction and the archive never hold the base.

    Placed below HttpCompression (590): it reads decoded text; the WARC writer (650) above keeps
    the bytes as they arrived.
    """

    def __init__(self, crawler):
        self.host_maps = CrawlHostMap(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response, spider=None):
        host_map = self.host_maps.current()
        base = host_map.base_of(response.url) if host_map.mapping else None
        if base is None:
            return response
        parts = urlsplit(response.url)
        origin = f"{parts.scheme}://{parts.netloc}"
        links = response.headers.getlist(b"Link")
        if links:
            response.headers[b"Link"] = [real_links(link, base, origin) for link in links]
        if not is_plain_text(response.headers):
            return response
        return response.replace(body=real_links(response.body, base, origin))


TEXT_TYPES = (b"text/", b"html", b"xml", b"json", b"javascript")


def is_plain_text(headers) -> bool:
    """True for a decoded text answer (HTML, XML, JSON, script; no Content-Type: HTML)."""
    if (headers.get(b"Content-Encoding") or b"identity").strip().lower() != b"identity":
        return False
    content_type = (headers.get(b"Content-Type") or b"text/html").lower()
    return any(kind in content_type for kind in TEXT_TYPES)


def real_links(text: bytes, base: str, origin: str) -> bytes:
    """``text`` with every URL on ``base`` (as written, JSON-escaped or percent-encoded) on ``origin``."""
    for written, real in zip(_spellings(base), _spellings(origin)):
        text = text.replace(written, real)
    return text


@lru_cache(maxsize=64)
def _spellings(url: str) -> tuple[bytes, ...]:
    return url.encode(), url.replace("/", "\\/").encode(), quote(url, safe="").encode()


__all__ = ["CrawlHostMap", "HostMap", "HostMapDownloadHandler", "RealLinksMiddleware", "crawl_host_map", "parse_host_map"]
