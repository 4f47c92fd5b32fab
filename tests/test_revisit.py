"""The revisit planner: ages and thread activity in, next visit times out."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from newsarchive.incremental import parse_lastmod
from newsarchive.revisit import (DEFAULT_POLICY, RevisitPolicy, format_duration, is_due, next_visit,
                                 next_visit_at, parse_duration)

PUBLISHED = datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)
H, D = timedelta(hours=1), timedelta(days=1)


def visit_after(age: timedelta, growth: int = 0, complete: bool = True) -> timedelta | None:
    """How long after a visit at ``age`` the default policy comes back (None: settled)."""
    visited = PUBLISHED + age
    moment = next_visit(PUBLISHED, visited, growth, DEFAULT_POLICY, complete)
    return None if moment is None else moment - visited


@pytest.mark.parametrize("age, wait", [
    (timedelta(0), H), (5 * H, H),                 # first hours: hourly
    (6 * H, 4 * H), (36 * H, 4 * H),               # up to 2 days: every 4 hours
    (2 * D, D), (6 * D, D),                        # up to a week: daily
    (7 * D, 7 * D), (20 * D, 7 * D),               # then weekly
])
def test_quiet_thread_is_revisited_less_often_as_it_ages(age, wait):
    assert visit_after(age) == wait


@pytest.mark.parametrize("age, wait", [(2 * H, 30 * 60), (1 * D, 2 * H), (3 * D, 12 * H),
                                       (10 * D, 84 * H)])
def test_growing_thread_is_revisited_twice_as_soon(age, wait):
    expected = wait if isinstance(wait, timedelta) else timedelta(seconds=wait)
    assert visit_after(age, growth=3) == expected


def test_incomplete_thread_is_retried_sooner():
    assert visit_after(3 * D, complete=False) == 12 * H


def test_last_visit_lands_on_the_horizon_then_the_article_is_settled():
    assert visit_after(27 * D) == 3 * D            # not 7 days: the horizon is at 30 days
    assert visit_after(30 * D) is None
    assert visit_after(45 * D, growth=10) is None  # settled even if comments still arrive


def test_a_new_article_gets_about_25_visits_before_it_settles():
    visited, visits = PUBLISHED, 1
    while (moment := next_visit(PUBLISHED, visited, 0)) is not None:
        visited, visits = moment, visits + 1
    assert visited == PUBLISHED + 30 * D
    assert 20 <= visits <= 30


def test_policy_from_settings_data():
    policy = RevisitPolicy.from_settings({"NEWSARCHIVE_REVISIT_STEPS": '[["1d", "2h"]]',
                                          "NEWSARCHIVE_REVISIT_HORIZON": "3d",
                                          "NEWSARCHIVE_REVISIT_GROWING_FACTOR": 0.25})
    assert next_visit(PUBLISHED, PUBLISHED + 2 * D, 0, policy) == PUBLISHED + 2 * D + 2 * H
    assert next_visit(PUBLISHED, PUBLISHED, 1, policy) == PUBLISHED + 30 * timedelta(minutes=1)
    assert next_visit(PUBLISHED, PUBLISHED + 3 * D, 0, policy) is None
    assert RevisitPolicy.from_settings({}) == DEFAULT_POLICY


def test_archive_timestamps_in_and_out():
    assert next_visit_at("2026-03-01T08:00:00Z", "2026-03-01T09:00:00Z", "2026-03-01T10:00:00Z",
                         0) == "2026-03-01T11:00:00Z"
    # no publication date: the age counts from when the archive first saw it
    assert next_visit_at(None, "2026-03-01T09:00:00Z", "2026-03-05T09:00:00Z", 0) == "2026-03-06T09:00:00Z"
    assert next_visit_at("2020-01-01T00:00:00Z", "2026-03-01T09:00:00Z", "2026-03-01T09:00:00Z", 5) is None
    now = datetime(2026, 3, 1, 11, tzinfo=timezone.utc)
    assert is_due("2026-03-01T11:00:00Z", now) and not is_due("2026-03-01T11:00:01Z", now)
    assert not is_due(None, now)


@pytest.mark.parametrize("text, seconds", [("1h", 3600), ("90m", 5400), ("1d12h", 129600),
                                           ("2w", 1209600), ("45", 45), ("1.5h", 5400)])
def test_durations(text, seconds):
    assert parse_duration(text) == timedelta(seconds=seconds)
    assert parse_duration(format_duration(timedelta(seconds=seconds))) == timedelta(seconds=seconds)


@pytest.mark.parametrize("bad", ["", "h", "1x", "1h 3", "soon"])
def test_bad_durations(bad):
    with pytest.raises(ValueError):
        parse_duration(bad)


def test_lastmod_and_pubdate_are_normalised_to_utc():
    assert parse_lastmod("2026-03-01T10:00:00+02:00") == "2026-03-01T08:00:00Z"
    assert parse_lastmod("2026-03-01") == "2026-03-01T23:59:59Z"
    assert parse_lastmod("Sun, 01 Mar 2026 10:00:00 +0000") == "2026-03-01T10:00:00Z"
    assert parse_lastmod("yesterday") is None and parse_lastmod(None) is None


# -- the crawl's plan: what discovery fetches, what is revisited ----------------------------------

BASE = "http://127.0.0.1:9"


@pytest.fixture
def archive(tmp_path):
    from newsarchive import db
    from newsarchive.ingest import store_article
    from newsarchive.items import Article

    conn = db.open_archive(tmp_path / "a.db").conn
    for slug, published, seen in (("young", "2026-03-01T08:00:00Z", "2026-03-01T09:00:00Z"),
                                  ("old", "2025-01-01T08:00:00Z", "2026-03-01T09:00:00Z")):
        store_article(conn, Article(url=f"{BASE}/s/{slug}-1.html", site="maliweb.net",
                                    headline=slug, article_body="x", date_published=published), seen)
    return conn


def _plan(conn, revisit="due", discover="new", now="2026-03-01T12:00:00Z"):
    from newsarchive.incremental import CrawlPlan

    return CrawlPlan(conn, "maliweb.net", "maliweb", BASE, revisit, discover,
                     datetime.fromisoformat(now.replace("Z", "+00:00")))


def test_discovery_skips_archived_articles_unless_unsettled_and_changed(archive):
    plan = _plan(archive)
    assert plan.wants(f"{BASE}/s/new-2.html")
    assert not plan.wants(f"{BASE}/s/young-1.html")
    assert plan.wants(f"{BASE}/s/young-1.html", lastmod="2026-03-01T10:00:00+00:00")
    assert not plan.wants(f"{BASE}/s/old-1.html", lastmod="2026-03-01T10:00:00Z")  # settled


def test_a_whole_listing_is_checked_in_one_query(archive):
    plan = _plan(archive)
    discovered = [(f"{BASE}/s/young-1.html", None), (f"{BASE}/s/new-2.html", None),
                  (f"{BASE}/s/old-1.html", "2026-03-01T10:00:00Z"),
                  (f"{BASE}/s/young-1.html", "2026-03-01T10:00:00+00:00"), (f"{BASE}/s/new-3.html", None)]
    statements = []
    archive.set_trace_callback(statements.append)
    try:
        wanted = plan.wanted(discovered)
    finally:
        archive.set_trace_callback(None)
    assert wanted == [f"{BASE}/s/new-2.html", f"{BASE}/s/young-1.html", f"{BASE}/s/new-3.html"]
    assert wanted == [url for url, lastmod in discovered if plan.wants(url, lastmod)]
    assert len(statements) == 1


def test_revisits_due_all_or_none(archive):
    assert _plan(archive).revisit_urls() == [f"{BASE}/s/young-1.html"]  # due 10:00
    assert _plan(archive, now="2026-03-01T09:30:00Z").revisit_urls() == []
    assert len(_plan(archive, revisit="all").revisit_urls()) == 2
    assert _plan(archive, revisit="none").revisit_urls() == []
    with pytest.raises(ValueError):
        _plan(archive, revisit="sometimes")


def test_sitemaps_read_after_the_first_finished_crawl(archive):
    from newsarchive.db import store

    children = [(f"{BASE}/wp-sitemap-posts-post-{n}.xml", None) for n in (1, 2, 3)]
    children += [(f"{BASE}/wp-sitemap-posts-page-1.xml", None),
                 (f"{BASE}/news-a.xml", "2026-02-01T00:00:00Z"), (f"{BASE}/news-b.xml", "2026-03-01")]
    assert len(_plan(archive).sitemaps_to_read(children)) == 6  # no finished crawl yet: all
    crawl = store.start_crawl(archive, "maliweb", {"base_url": BASE}, "2026-02-15T00:00:00Z")
    store.finish_crawl(archive, crawl, "2026-02-15T01:00:00Z", "finished", {})
    plan = _plan(archive)
    assert plan.since == "2026-02-15T00:00:00Z" and not plan.full_discovery
    assert plan.sitemaps_to_read(children) == [
        f"{BASE}/news-b.xml", f"{BASE}/wp-sitemap-posts-post-3.xml", f"{BASE}/wp-sitemap-posts-page-1.xml"]
    assert len(_plan(archive, discover="all").sitemaps_to_read(children)) == 6
