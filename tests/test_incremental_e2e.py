"""End to end: crawl day 1 of the replica, serve day 2 on the same port; the scheduled run adds exactly day 2."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from newsarchive.crawl import utc_now
from newsarchive.replica import maliweb_site, serve, truth

from conftest import FAST_CRAWL, MALIWEB, run_cli

# Columns a revisit may change on every row without anything having changed on the page.
VISIT_COLUMNS = {"last_seen_at", "last_capture_id", "next_visit_at", "comments_growth"}
COMMENT_VISIT_COLUMNS = {"last_seen_at", "position"}  # a new or removed comment shifts later ones


def _rows(db: Path, table: str, key: str) -> dict:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute(f"SELECT * FROM {table}").fetchall()
    return {row[key] if isinstance(key, str) else key(row): dict(row) for row in rows}


def _comment_key(row) -> tuple:
    return (row["article_id"], row["comment_id"])


def _changed(before: dict, after: dict, ignore: set[str]) -> dict:
    """For rows in both: {key: {column: (old, new)}} of the columns that changed."""
    out = {}
    for key in before.keys() & after.keys():
        diff = {c: (before[key][c], after[key].get(c)) for c in before[key]
                if c not in ignore and before[key][c] != after[key].get(c)}
        if diff:
            out[key] = diff
    return out


@pytest.fixture(scope="module")
def two_days(tmp_path_factory):
    """An archive after the day-1 crawl and after the day-2 scheduled run, with snapshots of both."""
    archive = tmp_path_factory.mktemp("e2e") / "archive.db"
    with serve(maliweb_site("day1")) as served:
        assert run_cli("crawl", "maliweb", "-a", f"base_url={served.base_url}", *FAST_CRAWL, db=archive,
                       check=False).returncode == 3  # the replica's 500 page and truncated thread: pending
        day1 = {t: _rows(archive, t, k) for t, k in (("articles", "url"), ("comments", _comment_key))}
        served.site = maliweb_site("day2")
        run_cli("schedule", "add", "maliweb", "--every", "1h", "-a", f"base_url={served.base_url}",
                "-a", "revisit=all", *FAST_CRAWL, db=archive)
        day1_requests = len(served.requests)
        scheduled = run_cli("schedule", "run", "--once", db=archive, timeout=300, check=False)
        assert scheduled.returncode == 3
        day2 = {t: _rows(archive, t, k) for t, k in (("articles", "url"), ("comments", _comment_key))}
        day2_requests = len(served.requests) - day1_requests
        served.requests.clear()
        assert run_cli("crawl", "maliweb", "-a", f"base_url={served.base_url}", *FAST_CRAWL, db=archive,
                       check=False).returncode == 3
        print(f"requests: day-1 crawl {day1_requests}, day-2 revisit=all {day2_requests},"
              f" then a default incremental run {len(served.requests)}")
        return {"db": archive, "day1": day1, "day2": day2, "base": MALIWEB,  # the site's URLs, as archived
                "changes": truth("day2")["changes"], "scheduled": scheduled,
                "incremental_paths": served.requested_paths()}


def _relative_dates_that_moved(base: str) -> dict[str, tuple[str, str]]:
    before = {a["url"]: a["date_published_raw"] for a in truth("day1", base)["articles"]}
    return {a["url"]: (before[a["url"]], a["date_published_raw"]) for a in truth("day2", base)["articles"]
            if a["url"] in before and before[a["url"]] != a["date_published_raw"]}


def _article_id(state: dict, base: str, path: str) -> int:
    return state["articles"][base + path]["id"]


def test_the_scheduled_run_crawled_once_with_revisits(two_days):
    assert "schedule 1: incomplete (exit 3)" in two_days["scheduled"].stderr
    with sqlite3.connect(two_days["db"]) as conn:
        crawls = conn.execute("SELECT finish_reason, json_extract(args, '$.revisit') FROM crawls").fetchall()
    assert crawls == [("finished", "due"), ("finished", "all"), ("finished", "due")]


def test_exactly_one_new_article(two_days):
    new = set(two_days["day2"]["articles"]) - set(two_days["day1"]["articles"])
    assert new == {two_days["base"] + two_days["changes"]["new_article"]["article"]}
    assert not set(two_days["day1"]["articles"]) - set(two_days["day2"]["articles"])


def test_only_the_edited_article_changed_and_got_one_version(two_days):
    day1, day2, base, changes = two_days["day1"], two_days["day2"], two_days["base"], two_days["changes"]
    changed = _changed(day1["articles"], day2["articles"], VISIT_COLUMNS)
    # A relative date ("il y a 3 heures") reads differently a day later: expected, and nothing else.
    for url, raw in _relative_dates_that_moved(base).items():
        assert changed[url].pop("date_published_raw") == raw
        if not changed[url]:
            del changed[url]
    edited = base + changes["edited_article"]["article"]
    seed = base + changes["new_comment"]["article"]
    tdb = base + changes["removed_comment"]["article"]
    assert set(changed) == {edited, seed, tdb}
    assert set(changed[edited]) <= {"headline", "article_body", "article_body_html", "description",
                                    "date_modified", "last_changed_at"}
    assert changed[edited]["headline"] == (changes["edited_article"]["old_headline"],
                                           changes["edited_article"]["new_headline"])
    assert changed[seed] == {"comment_count_declared": (21, 22)}
    assert set(changed[tdb]) == {"comment_count_declared"}
    with sqlite3.connect(two_days["db"]) as conn:
        versions = conn.execute("SELECT a.url, v.headline, v.article_body FROM article_versions v"
                                " JOIN articles a ON a.id = v.article_id").fetchall()
    assert versions == [(edited, changes["edited_article"]["old_headline"],
                         day1["articles"][edited]["article_body"])]


def test_the_new_reply_is_added_with_its_parent_and_the_removed_comment_is_kept(two_days):
    day1, day2, base, changes = two_days["day1"], two_days["day2"], two_days["base"], two_days["changes"]
    seed_id = _article_id(day2, base, changes["new_comment"]["article"])
    tdb_id = _article_id(day2, base, changes["removed_comment"]["article"])
    new_key = (seed_id, changes["new_comment"]["comment_id"])
    assert set(day2["comments"]) - set(day1["comments"]) == {new_key}
    new = day2["comments"][new_key]
    parent = day2["comments"][(seed_id, changes["new_comment"]["parent_comment_id"])]
    assert new["parent_id"] == parent["id"] and new["depth"] == parent["depth"] + 1
    assert new["first_seen_at"] > day1["articles"][base + changes["new_comment"]["article"]]["last_seen_at"]
    removed_key = (tdb_id, changes["removed_comment"]["comment_id"])
    removed = day2["comments"][removed_key]
    assert removed["removed_at"] is not None and removed["text"] == day1["comments"][removed_key]["text"]
    changed = _changed(day1["comments"], day2["comments"], COMMENT_VISIT_COLUMNS)
    assert changed == {removed_key: {"removed_at": (None, removed["removed_at"])}}
    moved = _changed(day1["comments"], day2["comments"], {"last_seen_at", "removed_at"})
    assert {article for article, _ in moved} <= {seed_id, tdb_id}  # positions shift in those two only
    with sqlite3.connect(two_days["db"]) as conn:
        assert conn.execute("SELECT COUNT(*) FROM comment_versions").fetchone()[0] == 0


def test_history_shows_the_changes(two_days, cli):
    base, changes = two_days["base"], two_days["changes"]
    edited = cli("history", base + changes["edited_article"]["article"], db=two_days["db"]).stdout
    assert "2 versions:" in edited and changes["edited_article"]["new_headline"][:40] in edited
    assert "\n  +" in edited and "\n  -" in edited  # the body diff
    seed = cli("history", base + changes["new_comment"]["article"], db=two_days["db"]).stdout
    assert f"added     #{changes['new_comment']['comment_id']} by " in seed
    assert f"reply to #{changes['new_comment']['parent_comment_id']}" in seed
    tdb = cli("history", base + changes["removed_comment"]["article"], db=two_days["db"]).stdout
    assert f"removed   #{changes['removed_comment']['comment_id']}" in tdb


def test_an_incremental_run_fetches_no_settled_article(two_days):
    """The replica's dates are long past: every archived article is settled but the truncated one
    (its thread incomplete: kept due, and pending in the frontier, waiting out its backoff after two
    failed tries), so a default run fetches discovery pages and only the pages that were never
    archived (404, 500, PDF)."""
    truncated = {e["path"] for e in truth("day2")["edge_cases"] if e["kind"] == "truncated"}
    with sqlite3.connect(two_days["db"]) as conn:
        due = {url[len(two_days["base"]):] for url, in conn.execute(
            "SELECT url FROM articles WHERE next_visit_at IS NOT NULL")}
        waiting = {url[len(two_days["base"]):] for url, in conn.execute(
            "SELECT url FROM frontier WHERE state = 'pending' AND next_try_at > ?", (utc_now(),))}
    assert due == truncated and truncated <= waiting
    archived = {url[len(two_days["base"]):] for url in two_days["day2"]["articles"]}
    fetched = {path.split("/comment-page-")[0] for path in two_days["incremental_paths"]}
    assert not fetched & archived
    never_archived = {e["path"] for e in truth("day2")["edge_cases"] if e["kind"] != "truncated"}
    assert never_archived <= fetched
