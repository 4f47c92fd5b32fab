"""Re-extraction: today's ``extract()`` over the stored captures, offline, stored with history."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from .db import queries, store
from .extraction import ExtractionError, extract
from .items import Capture, FetchedPage


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


@lru_cache(maxsize=None)
def spider_profile(spider: str | None) -> tuple[str, str]:
    """The site key and page type of a spider of this project; ("", "generic") if unknown."""
    from scrapy.spiderloader import SpiderLoader

    from .runner import project_settings

    try:
        spider_class = SpiderLoader.from_settings(project_settings(":memory:")).load(spider or "")
    except KeyError:
        return "", "generic"
    return spider_class.site, spider_class.page_type


def latest_pages(captures: list[dict]) -> list[dict]:
    """The capture set of an article's last fetch: its newest article page, then the newest
    capture of each comment page fetched in the same pass (not before that article page)."""
    url = captures[0]["article_url"]
    mains = [c for c in captures if url in (c["url"], c["request_url"])] or captures[:1]
    main = max(mains, key=lambda c: (c["last_fetched_at"], c["id"]))
    newest: dict[str, dict] = {}
    for capture in captures:
        if capture["url"] == main["url"] or capture["last_fetched_at"] < main["last_fetched_at"]:
            continue
        kept = newest.get(capture["url"])
        if kept is None or (capture["last_fetched_at"], capture["id"]) > (kept["last_fetched_at"], kept["id"]):
            newest[capture["url"]] = capture
    return [main, *sorted(newest.values(), key=lambda c: c["id"])]


def rebuild_capture(group: dict, captures: list[dict]) -> Capture:
    """The Capture the spider would have yielded, from stored rows."""
    site, page_type = spider_profile(group["spider"])
    pages = [FetchedPage(url=c["url"], status=c["status"],
                         headers=[tuple(h) for h in json.loads(c["headers"])],
                         body=store.decompress_body(c["compression"], c["data"]),
                         fetched_at=c["last_fetched_at"], request_url=c["request_url"] or "")
             for c in captures]
    return Capture(url=group["article_url"], site=group["site"] or site, spider=group["spider"] or "",
                   pages=pages, page_type=page_type, capture_ids=[c["id"] for c in captures])


def reextract(conn: sqlite3.Connection, site: str | None = None, since: str | None = None,
              progress: Callable[[int], None] | None = None,
              sites: dict[str, str] | None = None) -> ReextractReport:
    """Re-extract every article with captures (fetched since ``since``, of ``site``).

    ``sites`` gives the site key of article URLs the archive does not know yet (a WARC import).
    """
    report = ReextractReport()
    for group in selected_groups(conn, site, since, sites):
        reextract_one(conn, group, report)
        if progress:
            progress(1)
    return report


def selected_groups(conn: sqlite3.Connection, site: str | None, since: str | None,
                    sites: dict[str, str] | None = None) -> list[dict]:
    """Article URLs with captures, narrowed to ``site`` (known from the article or its spider)."""
    groups = queries.capture_groups(conn, since)
    for group in groups:
        group["site"] = (group["site"] or (sites or {}).get(group["article_url"])
                         or spider_profile(group["spider"])[0])
    return [g for g in groups if site is None or g["site"] == site]


def reextract_one(conn: sqlite3.Connection, group: dict, report: ReextractReport) -> None:
    """Extract one article from its latest captures and store it if it extracts."""
    captures = latest_pages(queries.article_captures(conn, group["article_url"]))
    capture = rebuild_capture(group, captures)
    report.articles += 1
    try:
        article = extract(capture)
    except ExtractionError as error:
        report.failed.append((capture.url, str(error)))
        return
    except Exception as error:  # a bug or a pathological page must not stop the run
        report.failed.append((capture.url, f"extraction error: {type(error).__name__}: {error}"[:300]))
        return
    before = _snapshot(conn, capture.url)
    result = store.store_article(conn, article, capture.pages[0].fetched_at, capture.capture_ids[0],
                                 capture.spider)
    _count(report, result, before, _snapshot(conn, capture.url))


def _snapshot(conn: sqlite3.Connection, url: str) -> dict | None:
    article = queries.find_article(conn, url)
    if article is None:
        return None
    for key in ("last_seen_at", "last_capture_id", "last_changed_at"):
        article.pop(key, None)
    return article


def _count(report: ReextractReport, result: store.StoreResult, before: dict | None,
           after: dict | None) -> None:
    report.comments_added += len(result.comments_added) if before else 0
    report.comments_removed += len(result.comments_removed)
    report.comments_edited += len(result.comments_edited)
    if before is None:
        report.new += 1
    elif result.changed or before != after:
        report.changed += 1
    else:
        report.unchanged += 1
