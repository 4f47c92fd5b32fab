"""NEWSARCHIVE_HOST_MAP: requests to a mapped host go over the wire to another base URL, recorded under the real one."""
from __future__ import annotations

import json
from urllib.parse import urlsplit

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

    def real_url(self, wire_url: str, real_origin: str) -> str:
        """``wire_url`` (an answer's Location, say) with a mapped base put back to ``real_origin``."""
        for base in self.mapping.values():
            if wire_url == base or wire_url.startswith(base + "/"):
                return real_origin + wire_url[len(base):]
        return wire_url


class HostMapDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler that fetches mapped hosts from their base URL.

    The rewrite happens here, below every downloader middleware, so robots.txt, the offsite filter,
    retries, redirects, per-host politeness and the archive all see the real URL; only the
    connection goes to the mapped base. (A middleware that returned a rewritten request would have
    Scrapy reschedule it through the whole chain under the mapped host.)
    """

    def __init__(self, crawler):
        super().__init__(crawler)
        self.host_map = HostMap(parse_host_map(crawler.settings.get("NEWSARCHIVE_HOST_MAP")))

    async def download_request(self, request: Request) -> Response:
        wire_url = self.host_map.wire_url(request.url) if self.host_map.mapping else None
        if wire_url is None:
            return await super().download_request(request)
        response = await super().download_request(request.replace(url=wire_url))
        return self._as_real(response, request.url)

    def _as_real(self, response: Response, real_url: str) -> Response:
        """The answer under the real URL, a redirect to the mapped base pointing at the real host."""
        parts = urlsplit(real_url)
        location = response.headers.get(b"Location")
        if location:
            real = self.host_map.real_url(location.decode("latin-1"), f"{parts.scheme}://{parts.netloc}")
            response.headers[b"Location"] = real.encode("latin-1")
        return response.replace(url=real_url)


__all__ = ["HostMap", "HostMapDownloadHandler", "parse_host_map"]
