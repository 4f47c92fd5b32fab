"""The coordinator's writes of worker results, on the crawl's writer thread: each stored once, as a local crawl would."""
from __future__ import annotations

import sqlite3

from .. import frontier
from ..crawl import utc_now
from ..db import queries, store
from ..ingest import ingest, ingest_unextracted
from ..items import Capture
from ..pages.base import MARKUP_NOT_RECOGNISED
from ..revisit import RetryPolicy, RevisitPolicy
from .wire import CAPTURE, FAILURE, GIVE_UP, PLAN, Result

DUPLICATE = "duplicate"


def store_results(conn: sqlite3.Connection, results: list[Result], crawl_id: int, policy: RevisitPolicy,
                  retry: RetryPolicy) -> list:
    """Store ``results`` in one transaction, committed on return; what each did (a StoreResult for
    an article stored, DUPLICATE for one already stored, else None)."""
    store.begin_batch(conn)
    try:
        done = [store_result(conn, result, crawl_id, policy, retry) for result in results]
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    store.commit_batch(conn)
    return done


def store_result(conn: sqlite3.Connection, result: Result, crawl_id: int, policy: RevisitPolicy,
                 retry: RetryPolicy):
    fields, at = result.fields, utc_now()
    if result.kind == PLAN:
        store.plan_urls(conn, [tuple(row) for row in fields["rows"]], crawl_id, at, fields["done_url"])
        return None
    if queries.settled_by_crawl(conn, result.url, crawl_id):
        return DUPLICATE  # a job delivered again: its first result is stored
    if result.kind == CAPTURE:
        return store_capture_result(conn, result.capture, result.outcome, fields, crawl_id, policy, retry)
    if result.kind == GIVE_UP:
        frontier.url_failed(conn, crawl_id, result.url, fields["reason"], at, None, True, retry)
    elif result.kind == FAILURE:
        frontier.page_failed(conn, crawl_id, result.url, fields["stage"], fields["reason"], at, fields["status"],
                             fields["site"], fields["permanent"], retry)
    else:
        raise ValueError(f"unknown result kind {result.kind!r}")
    return None


def store_capture_result(conn: sqlite3.Connection, capture: Capture, outcome, fields: dict, crawl_id: int,
                         policy: RevisitPolicy, retry: RetryPolicy):
    """A worker's capture through the one door, as the crawl's pipelines store it: its comment
    pages planned, then its pages and article (``ingest``), or its pages and why it did not extract."""
    first = capture.pages[0]
    if queries.capture_kept_at(conn, first.url, first.fetched_at):
        return DUPLICATE  # stored, then the coordinator stopped before acknowledging it
    store.plan_urls(conn, [tuple(row) for row in fields["plan"]], crawl_id, utc_now())
    if isinstance(outcome, str):
        ingest_unextracted(conn, capture, outcome, crawl_id, retry, fields.get("permanent", True))
        return None
    if any(w.startswith(MARKUP_NOT_RECOGNISED) for w in outcome.warnings) and not capture.thread_capped:
        store.record_failure(conn, crawl_id, capture.url, "comments", MARKUP_NOT_RECOGNISED, utc_now(), None,
                             capture.site)
    return ingest(conn, capture, outcome, crawl_id, policy, retry).changes
