"""The one door into the archive for every source: an extracted article validated, then stored with its capture."""
from __future__ import annotations

import re
import sqlite3
import time
from dataclasses import dataclass

from . import frontier
from .db import store
from .items import Article, Capture
from .pages.base import ExtractionError, ends_unclosed
from .revisit import DEFAULT_POLICY, RetryPolicy, RevisitPolicy, next_visit_at

ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def validation_problem(article) -> str | None:
    """Why ``article`` cannot be archived, or None."""
    if not article.headline:
        return "no headline: not an article page"
    if not article.article_body.strip():
        return "empty article body: not an article page"
    for name in ("date_published", "date_modified"):
        value = getattr(article, name)
        if value is not None and not ISO_UTC.match(value):
            return f"{name} is not ISO 8601 UTC: {value!r}"
    ids = {c.comment_id for c in article.comments}
    orphans = [c.comment_id for c in article.comments
               if c.parent_comment_id is not None and c.parent_comment_id not in ids]
    return f"comments with unknown parents: {orphans[:5]}" if orphans else None


@dataclass
class Ingested:
    """What storing one capture did: its pages' ids, and the article's changes or why there is none."""

    capture_ids: list[int]
    changes: store.StoreResult | None = None
    """What storing the article changed; None when no article was stored."""
    refused: str | None = None
    """Why no article was stored (also a row in ``failures``), or None."""
    stage: str | None = None
    """The ``failures`` stage of the refusal: ``extract`` or ``validate``."""


def utc_now() -> str:
    """The current time as the archive writes it (ISO 8601 UTC, seconds)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def ingest(conn: sqlite3.Connection, capture: Capture, article: Article, crawl_id: int | None = None,
           policy: RevisitPolicy = DEFAULT_POLICY, retry: RetryPolicy | None = None) -> Ingested:
    """Store the capture's pages (unless ``capture.capture_ids`` says they are stored) and, if it
    passes validation, its article with byline and thread, in one transaction. A refused article
    is a ``validate`` failure (of ``crawl_id``); the pages are kept either way. ``retry``: the
    capture comes from a crawl, whose frontier rows are settled in the same transaction (see
    ``frontier.thread_fetched``)."""
    with store.article_transaction(conn):
        capture_ids = _stored_pages(conn, capture, crawl_id)
        problem = validation_problem(article)
        if problem:
            return _refuse(conn, capture, capture_ids, "validate", problem, crawl_id, retry, article)
        gave_up = retry is not None and _thread_fetched(conn, capture, article, crawl_id, retry)
        article.url = archived_url(capture, article)
        seen_at = capture.pages[0].fetched_at
        changes = store_article(conn, article, seen_at, capture_ids[0] if capture_ids else None, capture.spider,
                                policy, gave_up)
        if article.url != capture.url:
            store.add_former_url(conn, capture.url, changes.article_id, seen_at)
    return Ingested(capture_ids, changes)


def archived_url(capture: Capture, article: Article) -> str:
    """The URL the article is archived under: the one its request was redirected to when the page
    names its site's post (the site moved that post there: a slug changed), else the one requested.
    A first page under the requested URL is one of its own (a comment page a backfill found alone)."""
    answered_at = capture.pages[0].url
    moved = answered_at != capture.url and not answered_at.startswith(capture.url.rstrip("/"))
    return answered_at if moved and article.post_id else capture.url


def store_article(conn: sqlite3.Connection, article: Article, seen_at: str, capture_id: int | None = None,
                  spider: str = "", policy: RevisitPolicy = DEFAULT_POLICY,
                  settle_incomplete: bool = False) -> store.StoreResult:
    """``store.store_article`` and, for a new visit (re-extracting a stored capture, seen no later
    than the last visit, is not one), when the revisit ``policy`` wants the article fetched again,
    in one transaction. A thread with comment pages missing stays due, unless ``settle_incomplete``
    (its tries were given up)."""
    with store.article_transaction(conn):
        result = store.store_article(conn, article, seen_at, capture_id, spider)
        if result.visit_first_seen is not None:
            growth = 0 if result.new_article else len(result.comments_added)
            due = next_visit_at(article.date_published, result.visit_first_seen, seen_at, growth, policy,
                                article.comments_complete or settle_incomplete)
            store.plan_revisit(conn, result.article_id, due, growth)
    return result


def ingest_unextracted(conn: sqlite3.Connection, capture: Capture, reason: str,
                       crawl_id: int | None = None, retry: RetryPolicy | None = None,
                       permanent: bool = True) -> Ingested:
    """Keep the pages of a capture that did not extract, and why (an ``extract`` failure);
    ``retry``: a crawl's capture, its URL pending again unless ``permanent`` (or tried too often)."""
    with store.article_transaction(conn):
        return _refuse(conn, capture, _stored_pages(conn, capture, crawl_id), "extract", reason, crawl_id,
                       retry, permanent=permanent)


def extract_and_ingest(conn: sqlite3.Connection, capture: Capture, crawl_id: int | None = None,
                       policy: RevisitPolicy = DEFAULT_POLICY) -> Ingested:
    """``extract()`` the capture here, then ``ingest`` it (or keep it as an ``extract`` failure)."""
    return ingest_outcome(conn, capture, extract_or_reason(capture), crawl_id, policy)


def extract_or_reason(capture: Capture) -> Article | str:
    """The capture's article, or why it does not extract (one line); safe to run in a worker process."""
    from .extraction import extract  # the parsers load only where extraction runs

    try:
        return extract(capture)
    except ExtractionError as error:
        return str(error)
    except Exception as error:  # a bug or a pathological page must not stop the run
        return f"extraction error: {type(error).__name__}: {error}"[:300]


def ingest_outcome(conn: sqlite3.Connection, capture: Capture, outcome: Article | str,
                   crawl_id: int | None = None, policy: RevisitPolicy = DEFAULT_POLICY) -> Ingested:
    """``ingest`` the article of ``extract_or_reason``, or keep the capture as an ``extract`` failure."""
    if isinstance(outcome, str):
        return ingest_unextracted(conn, capture, outcome, crawl_id)
    return ingest(conn, capture, outcome, crawl_id, policy)


def _stored_pages(conn: sqlite3.Connection, capture: Capture, crawl_id: int | None) -> list[int]:
    """The capture's pages stored (their bodies as ``capture.packed_bodies`` packed them, if given)."""
    if capture.capture_ids:
        return capture.capture_ids
    packed = capture.packed_bodies or [None] * len(capture.pages)
    return [store.store_capture(conn, page, capture.url, crawl_id, body, capture.page_type)
            for page, body in zip(capture.pages, packed)]


def _thread_fetched(conn: sqlite3.Connection, capture: Capture, article: Article, crawl_id: int | None,
                    retry: RetryPolicy) -> bool:
    """A crawl's article stored: its pages' frontier rows (as requested, and the URL its own
    redirected to) are done, the article's too once its thread is complete or capped; True once its
    missing comment pages are given up."""
    redirected_to = [page.url for page in capture.pages[:1] if page.url != capture.url]
    requested = redirected_to + [page.request_url or page.url for page in capture.pages[1:]]
    return frontier.thread_fetched(conn, crawl_id, capture.url, requested, article.comments_complete,
                                capture.pages[0].fetched_at, retry, capture.thread_capped)


def _refuse(conn: sqlite3.Connection, capture: Capture, capture_ids: list[int], stage: str, reason: str,
            crawl_id: int | None, retry: RetryPolicy | None = None, article: Article | None = None,
            permanent: bool = True) -> Ingested:
    status = capture.pages[0].status if capture.pages else None
    if retry is None:
        store.record_failure(conn, crawl_id, capture.url, stage, reason, utc_now(), status, capture.site)
    else:
        frontier.page_failed(conn, crawl_id, capture.url, stage, truncation_note(capture, reason, article), utc_now(),
                          status, capture.site, permanent and not was_truncated(capture), retry)
    return Ingested(capture_ids, refused=reason, stage=stage)


def was_truncated(capture: Capture) -> bool:
    """True when the article page was cut short (the connection lost): worth another try."""
    page = capture.pages[0] if capture.pages else None
    return page is not None and not capture.comment_pages_complete and ends_unclosed(page.body)


def truncation_note(capture: Capture, reason: str, article: Article | None = None) -> str:
    """``reason``, saying so when the page was cut short (connection lost) or too deep to parse."""
    if was_truncated(capture):
        return f"{reason} (response truncated: {len(capture.pages[0].body)} bytes received)"
    deep = [w for w in (article.warnings if article is not None else []) if w.startswith("tags nested deeper")]
    return f"{reason} ({deep[0]})" if deep else reason
