"""What a crawl's frontier rows become: retried after a backoff or given up when a page fails, done once archived."""
from __future__ import annotations

import sqlite3

from .db import store
from .revisit import RetryPolicy, format_time, parse_time


def url_failed(conn: sqlite3.Connection, crawl_id: int | None, url: str, reason: str, at: str,
               status: int | None, permanent: bool, retry: RetryPolicy) -> str:
    """A try of ``url`` failed: for good (``permanent``: the site's answer), or to be tried again
    after a backoff, until ``retry.max_attempts``; returns its new state."""
    attempts = store.frontier_attempts(conn, url) + 1
    next_try = None if permanent else retry.next_try(attempts, parse_time(at))
    state, note = "pending", reason
    if next_try is None:
        state = "failed"
        note = reason if permanent else f"gave up after {attempts} attempts: {reason}"
    store.set_url_tried(conn, crawl_id, url, state, attempts, note, status, next_try and format_time(next_try), at)
    if state == "failed":  # an article given up takes its missing comment pages with it
        store.fail_pending_pages_of(conn, url, f"article failed: {note}")
    return state


def page_failed(conn: sqlite3.Connection, crawl_id: int | None, url: str, stage: str, reason: str,
                at: str, status: int | None, site: str, permanent: bool, retry: RetryPolicy) -> str:
    """``store.record_failure`` and ``url_failed`` in one transaction; the URL's new frontier state."""
    with store.transaction(conn):
        store.record_failure(conn, crawl_id, url, stage, reason, at, status, site)
        return url_failed(conn, crawl_id, url, reason, at, status, permanent, retry)


def thread_fetched(conn: sqlite3.Connection, crawl_id: int | None, article_url: str,
                   page_urls: list[str], complete: bool, at: str, retry: RetryPolicy,
                   capped: str | None = None) -> bool:
    """An article's capture is being committed: its fetched pages are done; so is the article once
    its thread is complete or ``capped`` (its missing pages then failed for good), else it stays
    pending (a bounded number of tries). True once given up."""
    store.urls_done(conn, crawl_id, [url for url in dict.fromkeys([*page_urls, article_url])
                                     if complete or capped or url != article_url], at)
    if capped and not complete:
        store.fail_pending_comment_pages(conn, article_url, capped, at)
        return True
    if complete:
        store.comment_pages_done(conn, article_url, at)
        return False
    missing = store.missing_comment_pages(conn, article_url)
    reason = (f"thread incomplete: {missing} comment pages missing" if missing
              else "thread incomplete: a page was cut short")
    return url_failed(conn, crawl_id, article_url, reason, at, None, False, retry) == "failed"
