"""Datasette: the shipped metadata's canned queries on a real archive, and `newsarchive serve` in
a real headless Chromium."""
from __future__ import annotations

import html
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from conftest import free_port
from archive_fixtures import REPO, BASE, built_archive, copy_archive, crawled_archive, newsarchive, ok  # noqa: F401
from newsarchive.serve import metadata_for, metadata_path

CHROMIUM = Path("/usr/bin/chromium")
SAHEL = BASE + "/politique/la-securite-au-sahel-101.html"


def canned(db: Path, name: str, **params) -> list[dict]:
    sql = metadata_for(db)["databases"][db.stem]["queries"][name]["sql"]
    with sqlite3.connect(db) as conn:
        cursor = conn.execute(sql, params)
        return [dict(zip([d[0] for d in cursor.description], row)) for row in cursor]


def test_metadata_describes_the_public_tables():
    metadata = json.loads(metadata_path().read_text(encoding="utf-8"))
    database = metadata["databases"]["archive"]
    assert set(database["queries"]) == {"thread", "most_discussed", "commenter_history", "recent_comments"}
    assert all(query["hide_sql"] for query in database["queries"].values())
    assert "github.com" not in metadata_path().read_text(encoding="utf-8")
    for table in ("articles", "comments", "authors", "article_authors", "captures", "crawls"):
        assert database["tables"][table]["description"]
    assert "site" in database["tables"]["articles"]["facets"]
    assert "parent_id" in database["tables"]["comments"]["columns"]


def test_thread_query_reads_replies_under_their_parent(built_archive):
    rows = canned(built_archive, "thread", article_url=SAHEL)
    assert [(r["comment_id"], r["depth"], r["in_reply_to"]) for r in rows] == [
        ("11", 1, None), ("12", 2, "11"), ("13", 3, "12"), ("14", 1, None)]
    assert rows[2]["author"] == "> > Oumar" and rows[3]["removed_at"]
    two_pages = canned(built_archive, "thread", article_url=BASE + "/societe/un-long-fil-303.html")
    assert [r["comment_id"] for r in two_pages] == ["31", "32", "33", "34"]


def test_most_discussed_and_commenter_history(built_archive):
    top = canned(built_archive, "most_discussed")
    assert [r["comments"] for r in top] == sorted((r["comments"] for r in top), reverse=True)
    assert top[0]["url"] == BASE + "/societe/un-long-fil-303.html" and top[0]["comments"] == 4
    history = canned(built_archive, "commenter_history", author_name="Oumar")
    assert [r["link"] for r in history] == [SAHEL + "#comment-13"]


def test_print_metadata_is_keyed_by_the_archive_name(built_archive, tmp_path):
    db = copy_archive(built_archive, tmp_path / "mali.db")
    metadata = json.loads(ok(newsarchive("serve", "--print-metadata", db=db)))
    assert list(metadata["databases"]) == ["mali"]


def test_serve_without_datasette_says_what_to_install(built_archive, tmp_path):
    blocker = tmp_path / "block" / "datasette"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('no datasette here')\n")
    result = newsarchive("serve", db=built_archive, env={"PYTHONPATH": f"{blocker.parent}:{REPO}"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "pip install 'newsarchive[datasette]'" in result.stderr


def wait_for(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"datasette exited: {process.stderr.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"datasette did not answer at {url}")


@pytest.fixture
def served(request, tmp_path):
    """`newsarchive serve` on a copy of the archive, bound to 127.0.0.1; yields (base URL, db)."""
    pytest.importorskip("datasette", reason="datasette not installed (optional extra)")
    db = copy_archive(request.getfixturevalue(request.param), tmp_path / "archive.db")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "newsarchive", "--db", str(db), "serve",
                                "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/-/versions.json", process)
        yield base, db
    finally:
        process.terminate()
        process.wait(timeout=10)


def dump_dom(url: str) -> str:
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        result = subprocess.run(
            [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", f"--user-data-dir={profile}", "--dump-dom", url],
            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def thread_url(base: str, db: Path, article_url: str) -> str:
    return f"{base}/{db.stem}/thread?" + urllib.parse.urlencode({"article_url": article_url})


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium absent: apt-get install -y chromium")
@pytest.mark.parametrize("served", ["built_archive"], indirect=True)
def test_chromium_shows_a_thread_through_newsarchive_serve(served):
    base, db = served
    dom = dump_dom(thread_url(base, db, SAHEL))
    for text in ("Moussa Keïta", "La sécurité d&#39;abord ! (message modifié)", "&gt; &gt; Oumar",
                 "Réponse imbriquée : l&#39;État doit agir."):
        assert text in dom or text.replace("&#39;", "'").replace("&gt;", ">") in dom, text
    assert dom.index("Moussa Keïta") < dom.index("Fatoumata Traoré") < dom.index("Oumar")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium absent: apt-get install -y chromium")
@pytest.mark.parametrize("served", ["crawled_archive"], indirect=True)
def test_chromium_shows_the_most_discussed_replica_thread(served):
    base, db = served
    with sqlite3.connect(db) as conn:
        url, author = conn.execute(
            "SELECT a.url, c.author_name FROM comments c JOIN articles a ON a.id = c.article_id"
            " GROUP BY a.id ORDER BY COUNT(*) DESC LIMIT 1").fetchone()
        count = conn.execute("SELECT COUNT(*) FROM comments c JOIN articles a ON a.id = c.article_id"
                             " WHERE a.url = ?", (url,)).fetchone()[0]
    dom = dump_dom(thread_url(base, db, url))
    assert author in dom.replace("&#39;", "'")
    assert f"{count} row" in dom


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8")


@pytest.mark.parametrize("served", ["built_archive"], indirect=True)
def test_canned_queries_hide_their_sql_and_comments_open_readable(served):
    base, db = served
    thread = fetch(thread_url(base, db, SAHEL))
    body = thread.split("</head>", 1)[1]
    assert "Moussa Ke" in body and "WITH RECURSIVE" not in body and '_show_sql=1">show</a>' in body
    table_url = f"{base}/{db.stem}/comments"
    table = fetch(table_url)
    assert 'data-column="text_html"' in table
    href = re.search(r'<a href="(\?_col=[^"]+)">Show the readable columns only</a>', table).group(1)
    readable = fetch(urllib.parse.urljoin(table_url, html.unescape(href)))
    assert 'data-column="text"' in readable and 'data-column="text_html"' not in readable
    assert "Moussa Ke" in readable
