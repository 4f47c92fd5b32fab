"""Extraction in a worker process: same archive as in-process, a dead worker is reported, no orphans."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
import zstandard

from conftest import FAST_CRAWL, REPO, run_cli
from newsarchive.extraction import extract
from newsarchive.items import Capture, FetchedPage
from newsarchive.offload import Extractor, WorkerDied
from newsarchive.replica import maliweb_site, serve, synthetic_site

THREAD_SQL = """SELECT a.url, a.headline, a.article_body, a.date_published, a.posted_by, c.comment_id,
                       p.comment_id, c.depth, c.author_name, c.date_published, c.text, c.text_html
                FROM articles a LEFT JOIN comments c ON c.article_id = a.id
                LEFT JOIN comments p ON p.id = c.parent_id ORDER BY a.url, c.comment_id"""


def archived_threads(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(THREAD_SQL).fetchall()
    finally:
        conn.close()


def crawl_stats(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT stats FROM crawls ORDER BY id DESC LIMIT 1").fetchone()[0]
    finally:
        conn.close()


def test_worker_and_in_process_extraction_archive_the_same(tmp_path):
    with serve(maliweb_site()) as served:
        for processes in ("1", "0"):
            crawled = run_cli("crawl", "maliweb", "-a", f"base_url={served.base_url}", *FAST_CRAWL,
                              "-s", f"NEWSARCHIVE_EXTRACT_PROCESSES={processes}", db=tmp_path / f"p{processes}.db",
                              check=False)
            assert crawled.returncode == 3, crawled.stderr[-3000:]  # the replica's 500 page is pending
    in_worker, in_process = archived_threads(tmp_path / "p1.db"), archived_threads(tmp_path / "p0.db")
    assert len(in_worker) > 50 and in_worker == in_process
    assert "extract_workers_peak_rss_mb" in crawl_stats(tmp_path / "p1.db")
    assert "extract_workers_peak_rss_mb" not in crawl_stats(tmp_path / "p0.db")
    # where the CPU went: the extraction worker's share only where one ran
    with_worker, without = json.loads(crawl_stats(tmp_path / "p1.db")), json.loads(crawl_stats(tmp_path / "p0.db"))
    assert with_worker["newsarchive/cpu_s/extract_workers"] > 0.1  # its start and its extractions
    assert "newsarchive/cpu_s/extract_workers" not in without
    assert with_worker["newsarchive/cpu_s/crawl_thread"] > 0 and without["newsarchive/cpu_s/writer"] > 0


def _capture() -> Capture:
    """The first synthetic article with comments, as the crawl hands it to extraction."""
    site, base = synthetic_site(5), "http://127.0.0.1:8000"
    path = site.store.article_path(0)
    resource = site.resolve(path, base)
    page = FetchedPage(url=base + path, status=200, headers=[("Content-Type", resource.content_type)],
                       body=resource.body, fetched_at="2026-01-01T00:00:00Z")
    return Capture(url=base + path, site="maliweb.net", spider="maliweb", pages=[page], page_type="maliweb")


def test_a_dead_worker_is_reported_and_replaced():
    capture = _capture()
    extractor = Extractor(1)

    async def scenario():
        first, _ = await extractor.extract(capture)
        for pid in list(extractor._pool._processes):
            os.kill(pid, signal.SIGKILL)
        with pytest.raises(WorkerDied, match="extraction process died"):
            await extractor.extract(capture)
        return first, (await extractor.extract(capture))[0]

    try:
        first, after_restart = asyncio.run(scenario())
    finally:
        extractor.close()
    expected = extract(capture)
    assert first.headline == after_restart.headline == expected.headline
    assert [c.comment_id for c in after_restart.comments] == [c.comment_id for c in expected.comments]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper counts as gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
def test_killing_the_crawl_leaves_no_worker_behind(tmp_path):
    db = tmp_path / "archive.db"
    with serve(synthetic_site(300)) as served:
        crawl = subprocess.Popen([sys.executable, "-m", "newsarchive", "--db", str(db), "crawl", "maliweb",
                                  "-a", f"base_url={served.base_url}", *FAST_CRAWL],
                                 cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        workers: list[int] = []
        while not workers and time.monotonic() < deadline and crawl.poll() is None:
            time.sleep(0.2)
            workers = [p for p in _children(crawl.pid) if b"spawn_main" in _cmdline(p)]
        assert workers, "the crawl started no extraction worker"
        crawl.send_signal(signal.SIGKILL)
        crawl.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.1)
    assert not [p for p in workers if _alive(p)], "extraction workers outlived the killed crawl"


def test_a_crawl_ends_with_its_article_index_merged(tmp_path):
    """Every batch commit adds an FTS segment; the crawl merges the article index as it ends."""
    db = tmp_path / "merged.db"
    with serve(synthetic_site(40)) as served:
        run_cli("crawl", "maliweb", "-a", f"base_url={served.base_url}", *FAST_CRAWL,
                "-s", "NEWSARCHIVE_BATCH_ARTICLES=3", "-s", "NEWSARCHIVE_EXTRACT_PROCESSES=0", db=db)
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 40
        assert conn.execute("SELECT COUNT(DISTINCT segid) FROM articles_fts_idx").fetchone()[0] == 1
    finally:
        conn.close()
    assert '"newsarchive/article_index_merge_steps": ' in crawl_stats(db)


def _captures(n: int) -> list[Capture]:
    """The first ``n`` synthetic article pages as captures of one site."""
    site, base = synthetic_site(n), "http://127.0.0.1:8000"
    captures = []
    for index in range(n):
        path = site.store.article_path(index)
        resource = site.resolve(path, base)
        page = FetchedPage(url=base + path, status=200, headers=[("Content-Type", resource.content_type)],
                           body=resource.body, fetched_at="2026-01-01T00:00:00Z")
        captures.append(Capture(url=base + path, site="maliweb.net", spider="maliweb", pages=[page],
                                page_type="maliweb"))
    return captures


def test_a_worker_compresses_bodies_with_the_sites_dictionary_and_the_writer_keeps_them(tmp_path):
    from newsarchive import db
    from newsarchive.db import bodies, store

    path = tmp_path / "archive.db"
    conn = db.open_archive(path).conn
    captures = _captures(bodies.SAMPLES + 2)
    for capture in captures[:bodies.SAMPLES]:  # the site's dictionary is trained on these
        store.store_capture(conn, capture.pages[0], capture.url, None)
    dictionary_id, dictionary_hash, data = conn.execute("SELECT id, hash, data FROM capture_dictionaries").fetchone()
    conn.close()
    path.rename(tmp_path / "elsewhere.db")  # the worker is lent the dictionary: it never reads an archive
    lent = {"127.0.0.1": bodies.LentDictionary(dictionary_hash, data)}
    extractor = Extractor(1, lent.get)

    async def scenario():
        return [await extractor.extract(capture) for capture in captures[bodies.SAMPLES:]]

    try:
        results = asyncio.run(scenario())
    finally:
        extractor.close()
    conn = db.open_archive(tmp_path / "elsewhere.db").conn
    dictionary = bodies.reading_dictionary(conn, dictionary_id)
    for capture, (article, packed) in zip(captures[bodies.SAMPLES:], results):
        body = capture.pages[0].body
        assert article.headline and packed[0].dictionary_hash == dictionary_hash
        assert zstandard.ZstdDecompressor(dict_data=dictionary).decompress(packed[0].data) == body
        # The writer keeps what it is given (compressed otherwise than it would: the bytes differ).
        packed = [replace(packed[0], data=zstandard.ZstdCompressor(level=1, dict_data=dictionary).compress(body))]
        capture_id = store.store_capture(conn, capture.pages[0], capture.url, None, packed[0])
        compression, data, stored_with = conn.execute(
            "SELECT b.compression, b.data, b.dictionary_id FROM captures c"
            " JOIN capture_bodies b ON b.hash = c.body_hash WHERE c.id = ?", (capture_id,)).fetchone()
        assert data == packed[0].data
        assert store.decompress_body(compression, data, bodies.reading_dictionary(conn, stored_with)) == body
