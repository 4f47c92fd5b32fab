"""Re-extraction: today's ``extract()`` over the stored captures, offline, stored with history."""
from __future__ import annotations

import json
import sqlite3
from collections import deque
from dataclasses import dataclass, field
from typing import Callable

from .db import queries, store
from .ingest import extract_or_reason, ingest_outcome
from .items import Capture, FetchedPage
from .pages.registry import SITES, load_pages, page_type_for


@dataclass
class ReextractReport:
    """What a re-extraction found and changed."""

    articles: int = 0
    """Article URLs with captures that were re-extracted."""
    new: int = 0
    """Articles that were not in the archive before (e.g. extraction failed at crawl time)."""
    changed: int = 0
    """Articles whose stored fields, byline or thread changed."""
    unchanged: int = 0
    comments_added: int = 0
    comments_removed: int = 0
    comments_edited: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    """(article URL, reason) of captures that still do not extract."""
    refused: list[tuple[str, str]] = field(default_factory=list)
    """(article URL, reason) of pages that extract but are not articles (the crawl refuses them too)."""


def page_profile(page_type: str | None, url: str) -> tuple[str, str]:
    """The site key and page type of a capture: the page object it was read with (else the one
    registered for its URL), and the site that page object reads ("" when any)."""
    name = page_type if page_type in load_pages() else page_type_for(url)
    return SITES.get(name, ""), name


def _article_pages(captures: list[dict]) -> list[dict]:
    url = captures[0]["article_url"]
    return [c for c in captures if url in (c["url"], c["request_url"])] or captures[:1]


def latest_pages(captures: list[dict]) -> list[dict]:
    """The capture set of an article's last fetch: its newest article page, then the newest
    capture of each comment page fetched in the same pass (not before that article page)."""
    main = max(_article_pages(captures), key=lambda c: (c["last_fetched_at"], c["id"]))
    newest: dict[str, dict] = {}
    for capture in captures:
        if capture["url"] == main["url"] or capture["last_fetched_at"] < main["last_fetched_at"]:
            continue
        kept = newest.get(capture["url"])
        if kept is None or (capture["last_fetched_at"], capture["id"]) > (kept["last_fetched_at"], kept["id"]):
            newest[capture["url"]] = capture
    return [main, *sorted(newest.values(), key=lambda c: c["id"])]


def fetch_passes(captures: list[dict]) -> list[tuple[str, list[dict]]]:
    """Every fetch of the article the captures still show, oldest first, each with its pages:
    the article page fetched then, and the comment pages fetched before the next pass."""
    mains = _article_pages(captures)
    times = sorted({c["fetched_at"] for c in mains} | {c["last_fetched_at"] for c in mains})
    times = sorted(set(times) | _comment_changes(captures, mains, times))
    passes = []
    for at, until in zip(times, [*times[1:], "\uffff"]):
        current = [c for c in mains if c["fetched_at"] <= at <= c["last_fetched_at"]]
        if current:
            main = max(current, key=lambda c: (c["fetched_at"], c["id"]))
            passes.append((at, [main, *_comment_pages(captures, main, at, until)]))
    return passes


def _comment_changes(captures: list[dict], mains: list[dict], times: list[str]) -> set[str]:
    """Times a comment page changed while its article page did not (a fetch the article page's
    captures do not show): a second new capture of a page between two article-page times."""
    changes = set()
    for at, until in zip(times, [*times[1:], "\uffff"]):
        seen: set[str] = set()
        for c in sorted(captures, key=lambda c: (c["fetched_at"], c["id"])):
            if c in mains or not at <= c["fetched_at"] < until:
                continue
            if c["url"] in seen:
                changes.add(c["fetched_at"])
            seen.add(c["url"])
    return changes


def _comment_pages(captures: list[dict], main: dict, at: str, until: str) -> list[dict]:
    chosen: dict[str, dict] = {}
    for c in captures:
        if c["url"] != main["url"] and c["fetched_at"] < until and c["last_fetched_at"] >= at:
            if c["url"] not in chosen or c["fetched_at"] > chosen[c["url"]]["fetched_at"]:
                chosen[c["url"]] = c
    return sorted(chosen.values(), key=lambda c: c["id"])


def rebuild_capture(group: dict, captures: list[dict], at: str | None = None) -> Capture:
    """The Capture the spider would have yielded, from stored rows (fetched ``at``, or last)."""
    site, page_type = page_profile(captures[0].get("page_type"), group["article_url"])
    pages = [FetchedPage(url=c["url"], status=c["status"],
                         headers=[tuple(h) for h in json.loads(c["headers"])],
                         body=store.capture_body(c),
                         fetched_at=max(at, c["fetched_at"]) if at else c["last_fetched_at"],
                         request_url=c["request_url"] or "")
             for c in captures]
    return Capture(url=group["article_url"], site=group["site"] or site, spider=group["spider"] or "",
                   pages=pages, page_type=page_type, capture_ids=[c["id"] for c in captures])


def reextract(conn: sqlite3.Connection, site: str | None = None, since: str | None = None,
              progress: Callable[[int], None] | None = None,
              sites: dict[str, str] | None = None, replay: bool = False,
              until: str | None = None, fetched_since: str | None = None,
              crawls: dict[str, int] | None = None, workers: int = 0) -> ReextractReport:
    """Re-extract every article with captures (of ``site``, published in [``since``, ``until``),
    fetched since ``fetched_since``).

    ``sites`` gives the site key of article URLs the archive does not know yet (a WARC import);
    ``replay`` stores every fetch the captures show, oldest first, instead of the latest only;
    ``crawls``: the ``crawls`` row, by spider, that a page refused is a failure of (none: no row);
    ``workers``: extraction processes for ``replay`` (0: here), the stores staying on this thread.
    """
    report = ReextractReport()
    groups = selected_groups(conn, site, since, sites, until, fetched_since)
    if replay and workers:
        replay_in_workers(conn, groups, report, crawls or {}, workers, progress)
    else:
        for group in groups:
            crawl_id = (crawls or {}).get(group["spider"])
            (replay_one if replay else reextract_one)(conn, group, report, crawl_id)
            if progress:
                progress(1)
    store.merge_article_index(conn)  # one segment per article stored: merged, as a crawl does
    return report


def selected_groups(conn: sqlite3.Connection, site: str | None, since: str | None,
                    sites: dict[str, str] | None = None, until: str | None = None,
                    fetched_since: str | None = None) -> list[dict]:
    """Article URLs with captures, narrowed to ``site`` (known from the article or its spider),
    publication and fetch dates."""
    groups = queries.capture_groups(conn, fetched_since, since, until)
    for group in groups:
        group["site"] = (group["site"] or (sites or {}).get(group["article_url"])
                         or page_profile(group.get("page_type"), group["article_url"])[0])
    return [g for g in groups if site is None or g["site"] == site]


def reextract_one(conn: sqlite3.Connection, group: dict, report: ReextractReport,
                  crawl_id: int | None = None) -> None:
    """Extract one article from its latest captures and store it if it extracts and validates."""
    report.articles += 1
    captures = latest_pages(queries.article_captures(conn, group["article_url"]))
    _extract_and_store(conn, rebuild_capture(group, captures), report, crawl_id)


def replay_one(conn: sqlite3.Connection, group: dict, report: ReextractReport,
               crawl_id: int | None = None) -> None:
    """Extract and store the article at every fetch its captures show, oldest first, so the
    archive gets its history back (versions, edits, removals, first/last seen)."""
    report.articles += 1
    failed, refused = len(report.failed), len(report.refused)
    for at, captures in fetch_passes(queries.article_captures(conn, group["article_url"])):
        del report.failed[failed:], report.refused[refused:]  # only the last pass's are reported
        _extract_and_store(conn, rebuild_capture(group, captures, at), report, crawl_id)


IN_FLIGHT_PER_WORKER = 4
"""Articles handed to each extraction worker ahead of the store (bounds the bodies held in memory)."""


def replay_in_workers(conn: sqlite3.Connection, groups: list[dict], report: ReextractReport,
                      crawls: dict[str, int], workers: int, progress: Callable[[int], None] | None) -> None:
    """``replay_one`` for every group, the passes of each article extracted in ``workers``
    processes while this thread reads the next articles' captures and stores the last ones'."""
    from .offload import worker_pool

    pool = worker_pool(workers)
    pending: deque = deque()
    try:
        for group in groups:
            passes = [rebuild_capture(group, captures, at)
                      for at, captures in fetch_passes(queries.article_captures(conn, group["article_url"]))]
            pending.append((group, passes, pool.submit(extract_passes, passes)))
            while len(pending) > workers * IN_FLIGHT_PER_WORKER or (pending and pending[0][2].done()):
                _store_passes(conn, *pending.popleft(), report, crawls, progress)
        while pending:
            _store_passes(conn, *pending.popleft(), report, crawls, progress)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def extract_passes(captures: list[Capture]) -> list:
    """In a worker: ``extract_or_reason`` of each pass of one article."""
    return [extract_or_reason(capture) for capture in captures]


def _store_passes(conn: sqlite3.Connection, group: dict, passes: list[Capture], future, report: ReextractReport,
                  crawls: dict[str, int], progress: Callable[[int], None] | None) -> None:
    try:
        outcomes = future.result()
    except Exception:  # the worker died (a crash in a parser): extracted here instead
        outcomes = extract_passes(passes)
    report.articles += 1
    failed, refused = len(report.failed), len(report.refused)
    for capture, outcome in zip(passes, outcomes):
        del report.failed[failed:], report.refused[refused:]  # only the last pass's are reported
        _extract_and_store(conn, capture, report, crawls.get(group["spider"]), outcome)
    if progress:
        progress(1)


def _extract_and_store(conn: sqlite3.Connection, capture: Capture, report: ReextractReport,
                       crawl_id: int | None = None, outcome=None) -> None:
    """Store the capture's article (``outcome``: its ``extract_or_reason``, extracted here if None)."""
    before = _snapshot(conn, capture.url)
    ingested = ingest_outcome(conn, capture, extract_or_reason(capture) if outcome is None else outcome, crawl_id)
    if ingested.changes is None:
        (report.refused if ingested.stage == "validate" else report.failed).append((capture.url, ingested.refused))
        return
    _count(report, ingested.changes, before, _snapshot(conn, capture.url))


def _snapshot(conn: sqlite3.Connection, url: str) -> dict | None:
    article = queries.find_article(conn, url)
    if article is None:
        return None
    for key in ("last_seen_at", "last_capture_id", "last_changed_at"):
        article.pop(key, None)
    return article


def _count(report: ReextractReport, result: store.StoreResult, before: dict | None,
           after: dict | None) -> None:
    report.comments_added += len(result.comments_added)
    report.comments_removed += len(result.comments_removed)
    report.comments_edited += len(result.comments_edited)
    if before is None:
        report.new += 1
    elif result.changed or before != after:
        report.changed += 1
    else:
        report.unchanged += 1
