"""The coordinator's writes of worker results, on the crawl's writer thread: each stored once, as a local crawl would."""
from __future__ import annotations

import sqlite3

from ..crawl import utc_now
from ..db import queries, store
from ..ingest import validation_problem
from ..items import Capture
from ..pages.generic import MARKUP_NOT_RECOGNISED
from ..pipelines import store_pages, truncation_note, was_truncated
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
        return store_capture_result(conn, result.capture, result.outcome, fields["plan"], crawl_id, policy, retry)
    if result.kind == GIVE_UP:
        store.url_failed(conn, crawl_id, result.url, fields["reason"], at, None, True, retry)
    elif result.kind == FAILURE:
        store.page_failed(conn, crawl_id, result.url, fields["stage"], fields["reason"], at, fields["status"],
                          fields["site"], fields["permanent"], retry)
    else:
        raise ValueError(f"unknown result kind {result.kind!r}")
    return None


def store_capture_result(conn: sqlite3.Connection, capture: Capture, outcome, plan: list, crawl_id: int,
                         policy: RevisitPolicy, retry: RetryPolicy):
    """A worker's capture as the crawl's pipelines store it: its comment pages planned, its pages,
    then its article, or the extract or validate failure that keeps it pending or refused."""
    first = capture.pages[0]
    if queries.capture_kept_at(conn, first.url, first.fetched_at):
        return DUPLICATE  # stored, then the coordinator stopped before acknowledging it
    store.plan_urls(conn, [tuple(row) for row in plan], crawl_id, utc_now())
    capture_ids = store_pages(conn, capture.pages, capture.url, crawl_id, None, capture.page_type)
    capture.article = outcome if not isinstance(outcome, str) else None
    problem = ("extract", outcome) if isinstance(outcome, str) else ("validate", validation_problem(outcome))
    if problem[1]:
        store.page_failed(conn, crawl_id, capture.url, problem[0], truncation_note(capture, problem[1]), utc_now(),
                          first.status, capture.site, not was_truncated(capture), retry)
        return None
    if any(w.startswith(MARKUP_NOT_RECOGNISED) for w in outcome.warnings) and not capture.thread_capped:
        store.record_failure(conn, crawl_id, capture.url, "comments", MARKUP_NOT_RECOGNISED, utc_now(), None,
                             capture.site)
    page_urls = [capture.url, *(page.request_url or page.url for page in capture.pages[1:])]
    return store.store_crawled_article(conn, outcome, first.fetched_at, capture_ids[0], capture.spider, policy,
                                       crawl_id, page_urls, retry, capture.thread_capped)
