"""Backfill from a web archive: an article's (or a site's) snapshots from a CDX server, imported as captures at their capture times."""
from __future__ import annotations

import json
import re
import sqlite3
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Callable
from urllib.parse import urlencode, urlsplit
from urllib.robotparser import RobotFileParser

from . import frontier
from .db import queries, store
from .ingest import utc_now
from .items import FetchedPage
from .outcome import crawl_status
from .revisit import RetryPolicy
from .settings import DOWNLOAD_MAXSIZE, USER_AGENT

if TYPE_CHECKING:
    from .reextract import ReextractReport

INTERNET_ARCHIVE_CDX = "https://web.archive.org/cdx/search/cdx"
RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_RETRY_AFTER = 60.0
SNAPSHOT_IN_URL = re.compile(r"/(\d{14})id_/")
DROPPED_HEADERS = {"content-encoding", "content-length", "transfer-encoding", "connection"}
"""Headers no longer true of the body once it is decoded as the crawl decodes it."""


class BackfillError(Exception):
    """A web archive that cannot be asked (one line for the user)."""


@dataclass
class Limits:
    """How polite and how bounded one backfill run is."""

    delay: float = 1.0
    """Seconds between two requests to the archive host."""
    retries: int = 3
    """Further tries of a request answered 429/5xx or not answered, with doubling waits."""
    per_article: int = 50
    """Snapshots fetched per article URL (its comment pages included), oldest first."""
    per_run: int = 1000
    """Snapshots fetched in one run."""
    window: timedelta = timedelta(days=1)
    """A comment page snapshot taken within this time after its article's belongs to that capture."""


@dataclass
class Snapshot:
    """One CDX line: a page as the web archive captured it."""

    timestamp: str
    original: str
    digest: str = ""

    @property
    def fetched_at(self) -> str:
        return timestamp_iso(self.timestamp)


@dataclass
class BackfillReport:
    """What a backfill found, fetched and changed."""

    snapshots: int = 0
    """Snapshots the CDX server listed (after filters and caps)."""
    fetched: int = 0
    skipped: int = 0
    """Snapshots already imported by an earlier run."""
    failed: list[tuple[str, str]] = field(default_factory=list)
    """(snapshot URL, reason) of snapshots that could not be fetched."""
    history: "ReextractReport" = field(default_factory=lambda: _reextract().ReextractReport())
    status: str | None = None
    """The run's ``crawls`` status: ``incomplete`` while snapshots stay pending for another run."""
    pending: int = 0


def _reextract():
    """The re-extraction module, loaded when a backfill runs (it brings the parsers and Scrapy)."""
    from . import reextract

    return reextract


def timestamp_iso(timestamp: str) -> str:
    """A CDX timestamp (YYYYMMDDhhmmss, possibly shorter) as the archive's ISO 8601 UTC."""
    padded = (timestamp + "0101000000"[len(timestamp) - 4:])[:14] if len(timestamp) < 14 else timestamp[:14]
    return datetime.strptime(padded, "%Y%m%d%H%M%S").strftime("%Y-%m-%dT%H:%M:%SZ")


def replay_prefix(cdx_url: str) -> str:
    """Where snapshots are replayed, from the CDX endpoint: the Internet Archive's ``/web/``, a
    pywb collection's ``/COLL/`` (its CDX API is ``/COLL/cdx``). ValueError when it cannot tell."""
    parts = urlsplit(cdx_url)
    path = parts.path.rstrip("/")
    if path.endswith("/cdx/search/cdx"):
        path = path[:-len("/cdx/search/cdx")] + "/web"
    elif path.endswith("/cdx"):
        path = path[:-len("/cdx")]
    else:
        raise ValueError(f"cannot tell where {cdx_url} replays its snapshots: give --replay PREFIX")
    return f"{parts.scheme}://{parts.netloc}{path}/"


class ArchiveClient:
    """HTTP to one web archive, politely: its robots.txt obeyed, ``delay`` seconds between
    requests, 429/5xx and lost connections retried with doubling waits (Retry-After honoured)."""

    def __init__(self, limits: Limits, sleep: Callable[[float], None] = time.sleep):
        self.limits, self.sleep = limits, sleep
        self.last_request = 0.0
        self.robots: dict[str, RobotFileParser] = {}

    def get(self, url: str) -> tuple[int, list[tuple[str, str]], bytes, str]:
        """Status, headers, body (decoded as the crawl decodes it) and final URL of ``url``."""
        if not self._allowed(url):
            raise BackfillError(f"{url}: disallowed by the archive's robots.txt")
        return self._fetch(url)

    def _allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self.robots:
            parser = RobotFileParser()
            try:
                status, _, body, _ = self._fetch(origin + "/robots.txt")
            except BackfillError:
                status, body = 404, b""
            if status in (401, 403):
                parser.disallow_all = True
            elif status == 200:
                parser.parse(body.decode("utf-8", "replace").splitlines())
            else:
                parser.allow_all = True
            self.robots[origin] = parser
        return self.robots[origin].can_fetch(USER_AGENT, url)

    def _fetch(self, url: str) -> tuple[int, list[tuple[str, str]], bytes, str]:
        for attempt in range(self.limits.retries + 1):
            self._wait_turn()
            try:
                status, headers, body, final = _request(url)
            except (urllib.error.URLError, OSError) as error:
                if attempt == self.limits.retries:
                    raise BackfillError(f"{url}: {getattr(error, 'reason', error)}") from None
                self.sleep(self._backoff(attempt, None))
                continue
            if status not in RETRY_STATUSES or attempt == self.limits.retries:
                return status, headers, body, final
            self.sleep(self._backoff(attempt, dict((k.lower(), v) for k, v in headers).get("retry-after")))
        raise AssertionError("unreachable")

    def _wait_turn(self) -> None:
        wait = self.last_request + self.limits.delay - time.monotonic()
        if wait > 0:
            self.sleep(wait)
        self.last_request = time.monotonic()

    def _backoff(self, attempt: int, retry_after: str | None) -> float:
        if retry_after and retry_after.strip().isdigit():
            return min(float(retry_after), MAX_RETRY_AFTER)
        return min(max(self.limits.delay, 0.5) * 2 ** attempt, MAX_RETRY_AFTER)


def _request(url: str) -> tuple[int, list[tuple[str, str]], bytes, str]:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"})
    try:
        response = urllib.request.urlopen(request, timeout=60)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        headers = list(response.headers.items())
        body = response.read(DOWNLOAD_MAXSIZE + 1)
        if len(body) > DOWNLOAD_MAXSIZE:
            raise BackfillError(f"{url}: body over {DOWNLOAD_MAXSIZE} bytes (DOWNLOAD_MAXSIZE)")
        return response.status, headers, _decoded(body, headers), response.geturl()


def _decoded(body: bytes, headers: list[tuple[str, str]]) -> bytes:
    encoding = next((v.strip().lower() for k, v in headers if k.lower() == "content-encoding"), "")
    if encoding in ("gzip", "x-gzip", "deflate"):
        try:
            return zlib.decompress(body, 47)  # gzip or zlib, header detected
        except zlib.error:
            return body
    return body


# -- the CDX server --------------------------------------------------------------------------------

def cdx_request_url(cdx_url: str, target: str, since: str | None, until: str | None) -> str:
    """The CDX query for every 200 HTML snapshot of ``target`` (an article URL, or a URL prefix
    ending in ``/``), captured from day ``since`` to day ``until`` (YYYYMMDD)."""
    # no ``fl``: the Internet Archive and pywb name the fields differently, and both send them all
    params = {"url": target, "matchType": "prefix", "output": "json", "filter": "statuscode:200"}
    if since:
        params["from"] = since
    if until:
        params["to"] = until
    return f"{cdx_url}?{urlencode(params)}"


def parse_cdx(body: bytes) -> list[Snapshot]:
    """The snapshots of a CDX JSON answer: the Internet Archive's list of rows (a header row
    first), or pywb's one JSON object a line. Non-200 and non-HTML lines are left out."""
    text = body.decode("utf-8", "replace").strip()
    if not text:
        return []
    if text.startswith("["):
        rows = json.loads(text)
        header = rows[0] if rows else []
        records = [dict(zip(header, row)) for row in rows[1:]]
    else:
        records = [json.loads(line) for line in text.splitlines() if line.strip()]
    snapshots = []
    for record in records:
        status = str(record.get("statuscode", record.get("status", "200")))
        mime = str(record.get("mimetype", record.get("mime", "text/html")))
        if status == "200" and ("html" in mime or mime in ("-", "unk", "warc/revisit")):
            snapshots.append(Snapshot(str(record["timestamp"]), record.get("original") or record["url"],
                                      str(record.get("digest", ""))))
    return snapshots


def list_snapshots(client: ArchiveClient, cdx_url: str, target: str, since: str | None,
                   until: str | None) -> list[Snapshot]:
    """Every snapshot the CDX server lists for ``target``, oldest first, one per URL and time."""
    url = cdx_request_url(cdx_url, target, since, until)
    status, _, body, _ = client.get(url)
    if status != 200:
        raise BackfillError(f"{url}: the CDX server answered {status}")
    try:
        snapshots = parse_cdx(body)
    except (ValueError, KeyError) as error:
        raise BackfillError(f"{url}: not a CDX JSON answer ({str(error)[:100]})") from None
    unique = {(s.original, s.timestamp): s for s in snapshots}
    return sorted(unique.values(), key=lambda s: (s.timestamp, s.original))


# -- grouping and import ---------------------------------------------------------------------------

def article_of(url: str) -> str:
    """The article a page belongs to: its comment pages (``/comment-page-N/``) are its own."""
    from .crawl import COMMENT_PAGE_SUFFIX

    return COMMENT_PAGE_SUFFIX.sub("", url.partition("#")[0])


def by_article(snapshots: list[Snapshot], is_article: Callable[[str], bool]) -> dict[str, list[Snapshot]]:
    """The snapshots of each article URL (its own and its comment pages'), oldest first."""
    articles: dict[str, list[Snapshot]] = {}
    for snapshot in snapshots:
        url = article_of(snapshot.original)
        if is_article(url):
            articles.setdefault(url, []).append(snapshot)
    return articles


def captures_of(article_url: str, snapshots: list[Snapshot], window: timedelta) -> list[list[Snapshot]]:
    """The snapshots grouped as a crawl's captures: each article page snapshot, then the comment
    page snapshots taken after it within ``window`` (each page once); comment pages taken with no
    article page before them form captures of their own."""
    groups: list[list[Snapshot]] = []
    for snapshot in snapshots:
        current = groups[-1] if groups else None
        joins = (current is not None and snapshot.original != article_url
                 and snapshot.original not in {s.original for s in current}
                 and _time(snapshot) - _time(current[0]) <= window)
        if joins:
            current.append(snapshot)
        else:
            groups.append([snapshot])
    return groups


def _time(snapshot: Snapshot) -> datetime:
    return datetime.strptime(snapshot.fetched_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def _kind(snapshot: Snapshot, article_url: str) -> str:
    return "article" if snapshot.original == article_url else "comment_page"


def fetch_snapshot(client: ArchiveClient, prefix: str, snapshot: Snapshot) -> FetchedPage:
    """The snapshot's bytes as the site sent them (``id_`` mode), at the time it was captured."""
    status, headers, body, final = client.get(f"{prefix}{snapshot.timestamp}id_/{snapshot.original}")
    if status != 200:
        raise BackfillError(f"the web archive answered {status}")
    moved = SNAPSHOT_IN_URL.search(final)  # the archive may answer with its nearest other snapshot
    fetched_at = timestamp_iso(moved.group(1)) if moved else snapshot.fetched_at
    kept = [(k, v) for k, v in headers if k.lower() not in DROPPED_HEADERS]
    return FetchedPage(url=snapshot.original, status=200, headers=kept, body=body, fetched_at=fetched_at)


@dataclass
class Backfill:
    """One backfill run against one web archive."""

    conn: sqlite3.Connection
    client: ArchiveClient
    cdx_url: str
    prefix: str
    limits: Limits
    report: BackfillReport = field(default_factory=BackfillReport)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    """How often a snapshot that could not be fetched is tried again, by later runs."""
    site: str = ""

    def run(self, target: str, spider: str, since: str | None, until: str | None,
            is_article: Callable[[str], bool], progress: Callable[[int], None] = lambda n: None) -> BackfillReport:
        """Import every snapshot of ``target`` not imported yet, then replay each touched
        article's history from all its captures, oldest first."""
        snapshots = list_snapshots(self.client, self.cdx_url, target, since, until)
        articles = {url: found[:self.limits.per_article]
                    for url, found in by_article(snapshots, is_article).items()}
        crawl_id = store.start_crawl(self.conn, spider, {"backfill": target, "cdx": self.cdx_url}, utc_now())
        page_type = spider_page_type(spider)
        self.site = _reextract().page_profile(page_type, target)[0] or ""
        budget = self.limits.per_run
        for article_url, found in articles.items():
            found = found[:max(budget, 0)]
            budget -= len(found)
            self.report.snapshots += len(found)
            if self._import(article_url, found, crawl_id, page_type):
                self._replay(article_url, spider, page_type)
            progress(1)
        self._finish(crawl_id)
        return self.report

    def _finish(self, crawl_id: int) -> None:
        """The run's ``crawls`` row: incomplete while snapshots it planned stay pending."""
        pending = store.pending_count(self.conn, crawl_id)
        status, why = crawl_status("finished", None, pending, self.report.fetched + self.report.skipped or 1)
        self.report.status, self.report.pending = status, pending
        store.finish_crawl(self.conn, crawl_id, utc_now(), "backfilled",
                           {"newsarchive/pages_imported": self.report.fetched,
                            "newsarchive/pages_pending": pending}, status, why and why.replace("pages", "snapshots"))
        store.merge_article_index(self.conn)

    def _import(self, article_url: str, snapshots: list[Snapshot], crawl_id: int, page_type: str | None) -> bool:
        """Store the snapshots not imported yet; whether any was."""
        stored = False
        for group in captures_of(article_url, snapshots, self.limits.window):
            wanted = [s for s in group if self._wanted(s)]
            store.plan_urls(self.conn, [(self._address(s), self.site, _kind(s, article_url), article_url)
                                        for s in wanted], crawl_id, utc_now())
            for snapshot in wanted:
                stored |= self._fetch_one(snapshot, article_url, group[0].fetched_at, crawl_id, page_type)
        return stored

    def _wanted(self, snapshot: Snapshot) -> bool:
        """False for a snapshot imported already, or given up by an earlier run (counted as skipped)."""
        if (queries.capture_kept_at(self.conn, snapshot.original, snapshot.fetched_at)
                or queries.frontier_state(self.conn, self._address(snapshot)) == "failed"):
            self.report.skipped += 1
            return False
        return True

    def _fetch_one(self, snapshot: Snapshot, article_url: str, at: str, crawl_id: int,
                   page_type: str | None) -> bool:
        """Fetch and keep one snapshot, its frontier row done; a failure keeps it pending for the
        next run (given up after the retry policy's attempts). Whether it was stored."""
        address = self._address(snapshot)
        try:
            page = fetch_snapshot(self.client, self.prefix, snapshot)
        except BackfillError as error:
            self.report.failed.append((snapshot.original + " @" + snapshot.timestamp, str(error)))
            frontier.page_failed(self.conn, crawl_id, address, "fetch", str(error)[:500], utc_now(), None,
                                 self.site, False, self.retry)
            return False
        # a comment page belongs to the pass of its article page: never earlier than it
        page.fetched_at = max(page.fetched_at, at)
        store.fetched_page_done(self.conn, page, article_url, crawl_id, page_type, address, utc_now())
        self.report.fetched += 1
        return True

    def _address(self, snapshot: Snapshot) -> str:
        """Where the snapshot's raw bytes are fetched from: its frontier URL."""
        return f"{self.prefix}{snapshot.timestamp}id_/{snapshot.original}"

    def _replay(self, article_url: str, spider: str, page_type: str | None) -> None:
        """The article's history rebuilt from every capture, the web archive's included, in time
        order: a snapshot older than the archive's first visit comes before it, not after."""
        site, _ = _reextract().page_profile(page_type, article_url)
        group = {"article_url": article_url, "spider": spider, "site": site or None}
        with store.article_transaction(self.conn):
            store.forget_article(self.conn, article_url)
            _reextract().replay_one(self.conn, group, self.report.history)


def spider_page_type(spider: str) -> str | None:
    """The page object a spider's pages are read with (None: the one registered for the URL)."""
    from .runner import spider_classes

    return getattr(spider_classes().get(spider), "page_type", None)


def snapshot_day(value: str | None, end: bool = False) -> str | None:
    """A YYYY-MM-DD (or YYYYMMDD) option as a CDX day bound; ValueError if it is not a date."""
    if value is None:
        return None
    day = datetime.strptime(value.replace("-", ""), "%Y%m%d")
    return day.strftime("%Y%m%d") + ("235959" if end else "000000")

