"""WARC export of the stored captures (request + response records) and import back into an archive."""
from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .db import queries, store
from .export import ExportResult
from .ingest import utc_now
from .items import FetchedPage
from .settings import DOWNLOAD_MAXSIZE
from .warcfile import WarcError, whole_records

if TYPE_CHECKING:
    from .reextract import ReextractReport

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
MAX_RECORD_BYTES = DOWNLOAD_MAXSIZE
"""A response record whose payload is longer (once the WARC's gzip is undone) is skipped, as a crawl drops it."""

logger = logging.getLogger(__name__)


class RecordTooLarge(ValueError):
    """A WARC record whose payload is over MAX_RECORD_BYTES."""


WARC_VERSION = "1.1"
"""The version every record states, as the warcinfo's ``format`` does."""


def write_warc(conn: sqlite3.Connection, path: Path, site: str | None, since: str | None,
               progress: Callable[[int], None], until: str | None = None) -> ExportResult:
    """A WARC (gzipped per record when ``path`` ends in .gz): warcinfo, then per capture a
    response record and its request record."""
    path.parent.mkdir(parents=True, exist_ok=True)
    result = ExportResult(paths=[path])
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=path.suffix == ".gz", warc_version=WARC_VERSION)
        writer.write_record(_warcinfo(writer, path))
        for capture in queries.iter_captures(conn, site, since, until):
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
        "format": f"WARC File Format {WARC_VERSION}",
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

@dataclass
class RecordFilter:
    """Which response records an import keeps, decided from the WARC headers alone (a record left
    out is never parsed into a page, extracted or stored)."""

    site: str | None = None
    """A site key (X-Newsarchive-Site) or host: the target's host, or a host under it, matches."""
    since: str | None = None
    """WARC-Date on or after this ISO bound."""
    until: str | None = None
    """WARC-Date before this ISO bound."""
    left_out: int = 0
    """Response records left out so far."""

    def keeps(self, headers) -> bool:
        kept = self._site_matches(headers) and self._date_matches(headers)
        self.left_out += not kept
        return kept

    def _site_matches(self, headers) -> bool:
        if not self.site:
            return True
        site = self.site.lower()
        host = (urlsplit(headers.get_header("WARC-Target-URI") or "").hostname or "").lower()
        return site in (host, (headers.get_header(SITE) or "").lower()) or host.endswith("." + site)

    def _date_matches(self, headers) -> bool:
        if not (self.since or self.until):
            return True
        at = _warc_date(headers.get_header("WARC-Date") or "")
        return (not self.since or at >= self.since) and (not self.until or at < self.until)


def read_responses(path: Path, keep: RecordFilter | None = None) -> Iterator[tuple[FetchedPage, dict, int]]:
    """Each response record of a WARC (that ``keep`` keeps) as a FetchedPage, with its newsarchive
    WARC headers and how far into the file reading has got (bytes, for a progress bar)."""
    with open(path, "rb") as stream:
        for record in whole_records(stream, path):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            if keep is not None and not keep.keeps(record.rec_headers):
                continue
            try:
                page = _fetched_page(record)
            except RecordTooLarge as error:
                logger.warning("skipped WARC record %s: %s", record.rec_headers.get_header("WARC-Target-URI"), error)
                continue
            yield page, _meta(record), stream.tell()


def _payload(record) -> bytes:
    """The record's payload; RecordTooLarge past MAX_RECORD_BYTES (nothing more is read)."""
    body = record.raw_stream.read(MAX_RECORD_BYTES + 1)
    if len(body) > MAX_RECORD_BYTES:
        raise RecordTooLarge(f"payload over {MAX_RECORD_BYTES} bytes (DOWNLOAD_MAXSIZE)")
    return body


def _meta(record) -> dict:
    return {name: record.rec_headers.get_header(name)
            for name in (ARTICLE_URL, SPIDER, SITE, LAST_FETCHED, REQUEST_URL, PAGE_TYPE)}


def _fetched_page(record) -> FetchedPage:
    headers = stored_headers(list(record.http_headers.headers),
                             record.rec_headers.get_header(ADDED) or "")
    url = record.rec_headers.get_header("WARC-Target-URI")
    return FetchedPage(url=url, status=int(record.http_headers.get_statuscode()),
                       headers=[list(h) for h in headers], body=_payload(record),
                       fetched_at=_warc_date(record.rec_headers.get_header("WARC-Date")),
                       request_url=record.rec_headers.get_header(REQUEST_URL) or url)


def _warc_date(value: str) -> str:
    """A WARC-Date (possibly with fractions of a second) as the archive's ISO 8601 UTC."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def import_captures(conn: sqlite3.Connection, path: Path, progress: Callable[[int], None],
                    sites: dict[str, str], crawls: dict[str, int],
                    keep: RecordFilter | None = None) -> tuple[int, str | None]:
    """Store every whole response of the WARC as a capture (one ``crawls`` row per spider, kept in
    ``crawls``); returns how many, and why reading stopped before the end of the file (or None).
    Comment pages keep their article through the X-Newsarchive-Article-URL header; ``sites`` is
    filled with each article URL's site key."""
    count = done = 0
    damage = pending = None
    try:
        for response in _readable_responses(path, keep):
            # a response is stored once the file reads well past it: a record cut short, or longer
            # than it says, is found only when reading goes on
            if pending is not None:
                _import_response(conn, path, *pending, sites, crawls)
                count += 1
            pending = response
            progress(response[2] - done)
            done = response[2]
    except WarcError as error:
        damage = str(error)
        if error.finishing == "response":
            pending = None
    if pending is not None:
        _import_response(conn, path, *pending, sites, crawls)
        count += 1
    for crawl_id in crawls.values():
        store.finish_crawl(conn, crawl_id, utc_now(), "damaged WARC" if damage else "imported",
                           {"newsarchive/pages_imported": count})
    return count, damage


def _import_response(conn: sqlite3.Connection, path: Path, page: FetchedPage, meta: dict, position: int,
                     sites: dict[str, str], crawls: dict[str, int]) -> None:
    article_url = meta[ARTICLE_URL] or page.url
    if meta[SITE]:
        sites[article_url] = meta[SITE]
    spider = meta[SPIDER] or "warc"
    if spider not in crawls:
        crawls[spider] = store.start_crawl(conn, spider, {"import_warc": str(path)}, utc_now())
    _store_response(conn, page, article_url, meta[LAST_FETCHED], crawls[spider], meta[PAGE_TYPE])


def _readable_responses(path: Path, keep: RecordFilter | None = None) -> Iterator[tuple[FetchedPage, dict, int]]:
    """``read_responses``, a record whose fields do not parse (a date, a status) raised as WarcError."""
    read = 0
    try:
        for response in read_responses(path, keep):
            yield response
            read += 1
    except (ValueError, TypeError) as error:
        raise WarcError(f"{path}: response record {read + 1} of the file: a malformed field"
                        f" ({str(error)[:100]})") from None


def _store_response(conn: sqlite3.Connection, page: FetchedPage, article_url: str,
                    last_fetched_at: str | None, crawl_id: int, page_type: str | None = None) -> None:
    """One capture, its last fetch time restored (a second fetch of the same bytes)."""
    store.store_capture(conn, page, article_url, crawl_id, page_type=page_type)
    if last_fetched_at and last_fetched_at != page.fetched_at:
        page.fetched_at = last_fetched_at
        store.store_capture(conn, page, article_url, crawl_id, page_type=page_type)


@dataclass
class WarcImport:
    """What ``import_warc`` stored and found."""

    captures: int
    """Responses stored as captures."""
    report: ReextractReport
    """The articles extracted from them (or refused), and their comments."""
    damage: str | None = None
    """Why reading stopped before the end of a file (one line a file), or None."""
    left_out: int = 0
    """Response records the filters left out."""


def import_warc(conn: sqlite3.Connection, path: Path | list[Path], progress: Callable[[int], None],
                keep: RecordFilter | None = None, workers: int = 0,
                extract_progress: Callable[[int], Callable[[int], None]] | None = None) -> WarcImport:
    """Rebuild an archive from WARCs: store their whole captures (those ``keep`` keeps), then
    extract every article at each fetch they show, oldest first, with the crawl's own code and
    validation (so its history comes back too), in ``workers`` processes. A damaged file is imported
    up to the damage, which the result names, and the next file is read.
    ``extract_progress(articles)``: the step callback of the extraction, once their number is known."""
    from .reextract import reextract, selected_groups

    sites: dict[str, str] = {}
    crawls: dict[str, int] = {}
    count, damages = 0, []
    for one in [path] if isinstance(path, Path) else path:
        crawls_of_file: dict[str, int] = {}
        stored, damage = import_captures(conn, one, progress, sites, crawls_of_file, keep)
        count += stored
        crawls.update(crawls_of_file)
        if damage:
            damages.append(damage)
    step = extract_progress(len(selected_groups(conn, None, None, sites))) if extract_progress else None
    report = reextract(conn, sites=sites, replay=True, crawls=crawls, workers=workers, progress=step)
    return WarcImport(count, report, "; ".join(damages) or None, keep.left_out if keep else 0)
