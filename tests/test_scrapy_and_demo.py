"""The other two ways in: plain ``scrapy crawl maliweb`` from the project folder, and ``newsarchive demo``."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

from conftest import REPO, run_cli
from newsarchive.items import Article, Comment, document_keys
from newsarchive.replica import maliweb_site, serve


def test_scrapy_crawl_uses_the_project_settings(tmp_path):
    db, feed = tmp_path / "scrapy.db", tmp_path / "items.jsonl"
    scrapy = [sys.executable, "-m", "scrapy.cmdline"]
    with serve(maliweb_site("day1")) as served:
        result = subprocess.run(
            scrapy + ["crawl", "maliweb", "-a", f"base_url={served.base_url}", "-s", f"NEWSARCHIVE_DB={db}",
                      "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-O", str(feed)],
            cwd=REPO, capture_output=True, text=True, timeout=300,
            env={k: v for k, v in os.environ.items() if k != "NEWSARCHIVE_DB"})
    assert result.returncode == 3, result.stderr[-3000:]  # incomplete: the replica's 500 page is pending
    conn = sqlite3.connect(db)
    articles, comments = conn.execute(
        "SELECT COUNT(*), (SELECT COUNT(*) FROM comments) FROM articles").fetchone()
    spider, reason, status = conn.execute("SELECT spider, finish_reason, status FROM crawls").fetchone()
    assert articles >= 30 and comments >= 21 and (spider, reason, status) == ("maliweb", "finished", "incomplete")
    assert "newsarchive/" in result.stderr  # Scrapy logs our USER_AGENT among the project settings
    # Scrapy's own feed export: one object per archived article, its thread with it, as `extract --json`
    documents = [json.loads(line) for line in feed.read_text(encoding="utf-8").splitlines()]
    assert sorted(d["url"] for d in documents) == [row[0] for row in conn.execute("SELECT url FROM articles ORDER BY url")]
    assert all(set(d) == {*document_keys(Article), "comments", "warnings"} for d in documents)
    seed = next(d for d in documents if "Cheick Moctar TRAORE" in d["authors"])
    assert len(seed["comments"]) == 21 and {*document_keys(Comment)} == set(seed["comments"][0])


def test_demo_archives_the_replica_and_shows_the_seed_article(tmp_path):
    db = tmp_path / "demo.db"
    out = run_cli("demo", db=db).stdout
    assert "archived 38 articles" in out
    assert "Cheick Moctar TRAORE" in out and "21 comments archived, of which 0 removed (page declares 21)" in out
    assert "HTTP 404" in out
    # and one article whose thread a Disqus embed loads, read from the replica's Disqus API
    assert "8 comments archived, of which 0 removed (page declares None); disqus widget on the page" in out
    assert "#7003 Awa Diarra" in out and "[deleted]" in out
