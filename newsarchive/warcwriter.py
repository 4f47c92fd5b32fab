"""WARC/1.1 files written while crawling: each response as its bytes arrived, with the request that asked for it."""
from __future__ import annotations

import asyncio
import logging
import os
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from . import __version__
from .db import queries
from .warc import ORIGINAL, _reason

logger = logging.getLogger(__name__)

WARC_META = "newsarchive_warc"
"""Request meta key holding where the response's record was written (``record_location``)."""
DEFAULT_MAX_SIZE = 1_000_000_000
GZIP_LEVEL = 6
"""Each record's gzip member is compressed at zlib's default level (warcio's 9 is slower for files hardly smaller)."""
# Twisted removes the chunked framing of a body, and keeps its connection headers (Transfer-Encoding,
# Content-Length, Connection, Keep-Alive) from Scrapy: the record's own length frames the payload.
# A Transfer-Encoding another download handler passes on is renamed (the pywb convention), as it
# would make warcio and pywb de-chunk a payload that is not chunked.
DECODED_BY_CLIENT = ("transfer-encoding",)


@dataclass
class Exchange:
    """One request and the response it got (redirects are exchanges of their own), ready to be written."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    status: int
    protocol: str
    response_headers: list[tuple[str, str]]
    body: bytes
    warc_date: str
    truncated: bool = False


class NoCrawlWarcs(Exception):
    """The archive names no crawl-time WARC file, or one it names is missing."""


def crawl_time_warcs(conn, site: str | None = None, since: str | None = None,
                     until: str | None = None) -> list[Path]:
    """The crawl-time WARC files the selected captures point to, each checked to exist."""
    warcs = [Path(name) for name in queries.crawl_warc_files(conn, site, since, until)]
    if not warcs:
        raise NoCrawlWarcs("the archive has no crawl-time WARCs: crawl with -s NEWSARCHIVE_WARC_DIR=DIR first")
    missing = [warc for warc in warcs if not warc.is_file()]
    if missing:
        raise NoCrawlWarcs(f"WARC file named by the archive is missing: {missing[0]}")
    return warcs


def record_location(response) -> dict:
    """``warc_file``, ``warc_offset`` and ``warc_length`` of the response's WARC record, if one was written."""
    request = getattr(response, "request", None)
    return request.meta.get(WARC_META, {}) if request is not None else {}


class WarcFiles:
    """Rotating ``.warc.gz`` files in one folder, each opened by a warcinfo record (one thread writes)."""

    def __init__(self, folder: Path, max_size: int, prefix: str, user_agent: str = ""):
        self.folder, self.max_size, self.prefix, self.user_agent = folder, max_size, prefix, user_agent
        self.folder.mkdir(parents=True, exist_ok=True)
        self._out = None
        self._path: Path | None = None
        self._serial = 0
        self._buffer = BytesIO()
        self._writer = WARCWriter(self._buffer, gzip=False, warc_version="1.1")  # gzip: _append

    def write(self, exchange: Exchange) -> dict:
        """Append the response record, then its request record; returns where the response is."""
        if self._out is None or self._out.tell() >= self.max_size:
            self._rotate()
        response = _response_record(self._writer, exchange)
        request = _request_record(self._writer, exchange)
        request.rec_headers.add_header("WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID"))
        offset = self._out.tell()
        length = self._append(response)
        self._append(request)
        self._out.flush()  # in the file before the capture row that points at it can commit
        return {"warc_file": str(self._path), "warc_offset": offset, "warc_length": length}

    def _append(self, record) -> int:
        """Write ``record`` as one gzip member; returns its length."""
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.write_record(record)
        compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        member = compressor.compress(self._buffer.getbuffer()) + compressor.flush()
        self._out.write(member)
        return len(member)

    def _rotate(self) -> None:
        self.close()
        self._serial += 1
        stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime())
        self._path = self.folder / f"{self.prefix}-{stamp}-{os.getpid()}-{self._serial:05d}.warc.gz"
        self._out = open(self._path, "xb")
        self._append(self._writer.create_warcinfo_record(self._path.name, {
            "software": f"newsarchive/{__version__}",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "http-header-user-agent": self.user_agent,
            "description": "responses as received: content encodings kept, chunked framing removed"
                           " by the HTTP client, header names as Scrapy spells them",
        }))

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None


def _response_record(writer: WARCWriter, exchange: Exchange):
    headers = [(ORIGINAL + name if name.lower() in DECODED_BY_CLIENT else name, value)
               for name, value in exchange.response_headers]
    http = StatusAndHeaders(f"{exchange.status} {_reason(exchange.status)}".strip(), headers,
                            protocol=exchange.protocol)
    warc_headers = {"WARC-Date": exchange.warc_date}
    if exchange.truncated:
        warc_headers["WARC-Truncated"] = "disconnect"
    return writer.create_warc_record(exchange.url, "response", payload=BytesIO(exchange.body),
                                     length=len(exchange.body), http_headers=http,
                                     warc_headers_dict=warc_headers)


def _request_record(writer: WARCWriter, exchange: Exchange):
    parts = urlsplit(exchange.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = exchange.request_headers
    if not any(name.lower() == "host" for name, _ in headers):
        headers = [("Host", parts.netloc), *headers]  # Twisted adds it when it sends the request
    http = StatusAndHeaders(f"{exchange.method} {target} HTTP/1.1", headers, is_http_request=True)
    return writer.create_warc_record(exchange.url, "request", payload=BytesIO(exchange.request_body),
                                     length=len(exchange.request_body), http_headers=http,
                                     warc_headers_dict={"WARC-Date": exchange.warc_date})


def _header_list(headers) -> list[tuple[str, str]]:
    return [(name.decode("latin-1"), value.decode("latin-1"))
            for name, values in headers.items() for value in values]


def _warc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class WarcWriterMiddleware:
    """Writes every response the crawl receives, with its request, to WARC files in NEWSARCHIVE_WARC_DIR.

    Placed above HttpCompressionMiddleware (590) and RedirectMiddleware (600), it sees each response
    as it arrived: the body still content-encoded, redirects and retried errors included. Requests
    refused before download (robots.txt, offsite) or failed without a response are not written;
    the robots.txt fetches themselves are. Records are compressed and written on a thread of their
    own; the response goes on to the spider once its record is in the file, its place in the meta.
    """

    def __init__(self, files: WarcFiles, stats):
        self.files, self.stats = files, stats
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="warc-writer")

    @classmethod
    def from_crawler(cls, crawler):
        folder = crawler.settings.get("NEWSARCHIVE_WARC_DIR")
        if not folder:
            raise NotConfigured  # no message: Scrapy would warn about a setting left off on purpose
        max_size = crawler.settings.getint("NEWSARCHIVE_WARC_MAX_SIZE", DEFAULT_MAX_SIZE)
        prefix = crawler.spidercls.name or "crawl"
        files = WarcFiles(Path(folder).resolve(), max_size, prefix, crawler.settings.get("USER_AGENT", ""))
        middleware = cls(files, crawler.stats)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    async def process_response(self, request, response, spider):
        exchange = Exchange(
            url=request.url, method=request.method,
            request_headers=_header_list(request.headers), request_body=request.body or b"",
            status=response.status, protocol=getattr(response, "protocol", None) or "HTTP/1.1",
            response_headers=_header_list(response.headers), body=response.body,
            warc_date=_warc_now(), truncated="dataloss" in response.flags)
        try:
            location = await asyncio.wrap_future(self._thread.submit(self.files.write, exchange))
        except OSError as error:
            logger.error("WARC record of %s not written: %s", response.url, error)
            self.stats.inc_value("newsarchive/warc_write_errors")
            request.meta.pop(WARC_META, None)  # a redirect's earlier hop left its own there
            return response
        request.meta[WARC_META] = location
        self.stats.inc_value("newsarchive/warc_records", 2)
        return response

    def spider_closed(self, spider):
        self._thread.submit(self.files.close).result()
        self._thread.shutdown(wait=True)
