"""WARC export of the stored captures (request + response records) and import back into an archive."""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .db import queries, store
from .export import ExportResult
from .items import FetchedPage

ARTICLE_URL = "X-Newsarchive-Article-URL"
"""WARC header naming the article a response belongs to (comment pages are regrouped by it)."""
SPIDER = "X-Newsarchive-Spider"
SITE = "X-Newsarchive-Site"
PAGE_TYPE = "X-Newsarchive-Page-Type"
LAST_FETCHED = "X-Newsarchive-Last-Fetched-At"
REQUEST_URL = "X-Newsarchive-Request-URL"
ADDED = "X-Newsarchive-Added-Headers"
"""HTTP headers written for replay that the server did not send (dropped again on import)."""
ORIGINAL = "X-Archive-Orig-"
"""Prefix of a server header renamed because the stored body no longer matches it
(the body is kept de-chunked and decompressed, as it was handed to extraction)."""
RENAMED = ("content-length", "transfer-encoding", "content-encoding")


def write_warc(conn: sqlite3.Connection, path: Path, site: str | None, since: str | None,
               progress: Callable[[int], None]) -> ExportResult:
    """A WARC (gzipped per record when ``path`` ends in .gz): warcinfo, then per capture a
    response record and its request record."""
    path.parent.mkdir(parents=True, exist_ok=True)
    result = ExportResult(paths=[path])
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=path.suffix == ".gz")
        writer.write_record(_warcinfo(writer, path))
        for capture in queries.iter_captures(conn, site, since):
            response = _response_record(writer, capture)
            writer.write_record(response)
            writer.write_record(_request_record(writer, capture, response))
            result.records += 2
            progress(1)
    return result


def _warcinfo(writer: WARCWriter, path: Path):
    from importlib.metadata import version

    return writer.create_warcinfo_record(path.name, {
        "software": f"newsarchive/{version('newsarchive')}",
        "format": "WARC File Format 1.1",
        "description": "captures kept by newsarchive; bodies as handed to extraction"
                       " (transfer and content encodings removed)",
    })


def _response_record(writer: WARCWriter, capture: dict):
    body = store.capture_body(capture)
    headers, added = replay_headers(json.loads(capture["headers"]), len(body))
    http = StatusAndHeaders(f"{capture['status']} {_reason(capture['status'])}".strip(), headers,
                            protocol="HTTP/1.1")
    warc_headers = {"WARC-Date": capture["fetched_at"], LAST_FETCHED: capture["last_fetched_at"]}
    for name, key in ((ARTICLE_URL, "article_url"), (SPIDER, "spider"), (SITE, "site"),
                      (REQUEST_URL, "request_url"), (PAGE_TYPE, "page_type")):
        if capture[key]:
            warc_headers[name] = capture[key]
    if added:
        warc_headers[ADDED] = ", ".join(added)
    return writer.create_warc_record(capture["url"], "response", payload=BytesIO(body),
                                     length=len(body), http_headers=http,
                                     warc_headers_dict=warc_headers)


def _request_record(writer: WARCWriter, capture: dict, response):
    url = capture["request_url"] or capture["url"]
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    http = StatusAndHeaders(f"GET {target} HTTP/1.1", [("Host", parts.netloc)],
                            is_http_request=True)
    return writer.create_warc_record(url, "request", http_headers=http, warc_headers_dict={
        "WARC-Date": capture["fetched_at"],
        "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID")})


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def replay_headers(headers: list[list[str]], body_length: int) -> tuple[list[tuple[str, str]], list[str]]:
    """The stored headers made true of the stored body: encodings and a stale length renamed
    ``X-Archive-Orig-*``, the real Content-Length added. Returns the headers and what was added."""
    out, added = [], []
    for name, value in headers:
        stale = name.lower() in RENAMED and not (
            name.lower() == "content-length" and value.strip() == str(body_length))
        out.append((ORIGINAL + name if stale else name, value))
    if not any(name.lower() == "content-length" for name, _ in out):
        out.append(("Content-Length", str(body_length)))
        added.append("Content-Length")
    return out, added


def stored_headers(headers: list[tuple[str, str]], added: str) -> list[tuple[str, str]]:
    """The inverse of ``replay_headers``: the headers as the archive stored them."""
    dropped = {name.strip().lower() for name in added.split(",") if name.strip()}
    out = []
    for name, value in headers:
        if name.lower() in dropped:
            continue
        if name.lower().startswith(ORIGINAL.lower()) and name[len(ORIGINAL):].lower() in RENAMED:
            name = name[len(ORIGINAL):]
        out.append((name, value))
    return out


# -- import ----------------------------------------------------------------------------------

def read_responses(path: Path) -> Iterator[tuple[FetchedPage, dict, int]]:
    """Each response record of a WARC as a FetchedPage, with its newsarchive WARC headers and
    how far into the file reading has got (bytes, for a progress bar)."""
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            yield _fetched_page(record), _meta(record), stream.tell()


def _meta(record) -> dict:
    return {name: record.rec_headers.get_header(name)
            for name in (ARTICLE_URL, SPIDER, SITE, LAST_FETCHED, REQUEST_URL, PAGE_TYPE)}


def _fetched_page(record) -> FetchedPage:
    headers = stored_headers(list(record.http_headers.headers),
                             record.rec_headers.get_header(ADDED) or "")
    url = record.rec_headers.get_header("WARC-Target-URI")
    return FetchedPage(url=url, status=int(record.http_headers.get_statuscode()),
                       headers=[list(h) for h in headers], body=record.raw_stream.read(),
                       fetched_at=_warc_date(record.rec_headers.get_header("WARC-Date")),
                       request_url=record.rec_headers.get_header(REQUEST_URL) or url)


def _warc_date(value: str) -> str:
    """A WARC-Date (possibly with fractions of a second) as the archive's ISO 8601 UTC."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def import_captures(conn: sqlite3.Connection, path: Path, progress: Callable[[int], None],
                    sites: dict[str, str]) -> int:
    """Store every response of the WARC as a capture (one ``crawls`` row per spider); returns
    how many. Comment pages keep their article through the X-Newsarchive-Article-URL header;
    ``sites`` is filled with each article URL's site key."""
    crawls: dict[str, int] = {}
    count = done = 0
    for page, meta, position in read_responses(path):
        article_url = meta[ARTICLE_URL] or page.url
        if meta[SITE]:
            sites[article_url] = meta[SITE]
        spider = meta[SPIDER] or "warc"
        if spider not in crawls:
            crawls[spider] = store.start_crawl(conn, spider, {"import_warc": str(path)}, _now())
        _store_response(conn, page, article_url, meta[LAST_FETCHED], crawls[spider], meta[PAGE_TYPE])
        count += 1
        progress(position - done)
        done = position
    for crawl_id in crawls.values():
        store.finish_crawl(conn, crawl_id, _now(), "imported", {"newsarchive/pages_imported": count})
    return count


def _store_response(conn: sqlite3.Connection, page: FetchedPage, article_url: str,
                    last_fetched_at: str | None, crawl_id: int, page_type: str | None = None) -> None:
    """One capture, its last fetch time restored (a second fetch of the same bytes)."""
    store.store_capture(conn, page, article_url, crawl_id, page_type=page_type)
    if last_fetched_at and last_fetched_at != page.fetched_at:
        page.fetched_at = last_fetched_at
        store.store_capture(conn, page, article_url, crawl_id, page_type=page_type)


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def import_warc(conn: sqlite3.Connection, path: Path, progress: Callable[[int], None]):
    """Rebuild an archive from a WARC: store its captures, then extract every article at each
    fetch they show, oldest first, with the crawl's own code (so its history comes back too).
    Returns (captures stored, ReextractReport)."""
    from .reextract import reextract

    sites: dict[str, str] = {}
    count = import_captures(conn, path, progress, sites)
    return count, reextract(conn, sites=sites, replay=True)
