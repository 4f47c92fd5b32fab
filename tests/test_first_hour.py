"""A new user's first hour through the real CLI: clear argument errors, discoverable spiders and options."""
from __future__ import annotations

import csv
import json
import os
import pty
import re
import sqlite3
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import FAST_CRAWL, run_cli
from newsarchive.db import open_archive
from archive_fixtures import ARTICLES, BASE, built_archive, crawled_archive, newsarchive, ok  # noqa: F401 (fixtures)


@pytest.mark.parametrize("args, line", [
    (["maliweb", "-a", "base_url=not-a-url"],
     "Error: -a base_url wants an http(s) URL such as https://www.example.org/, got 'not-a-url'"),
    (["generic"], "Error: generic needs -a urls=U1,U2, -a feed=URL or -a sitemap=URL"),
    (["maliweb", "-a", "revisit=bogus"], "Error: -a revisit wants one of due, all, none, got 'bogus'"),
    (["maliweb", "-a", "revist=all"], "Error: -a revist: maliweb takes no such argument"),
    (["nosuchspider"], "Error: no spider named 'nosuchspider'; spiders: generic, maliweb"),
])
def test_spider_arguments_are_checked_before_the_crawl_starts(tmp_path, args, line):
    result = run_cli("crawl", *args, db=tmp_path / "a.db", check=False)
    assert result.returncode == 2
    assert result.stderr.startswith(line) and len(result.stderr.splitlines()) == 1, result.stderr
    assert not (tmp_path / "a.db").exists()


def test_spiders_lists_each_spider_with_its_arguments():
    listed = run_cli("spiders").stdout
    assert listed.startswith("generic: Archive any site")
    for argument in ("urls", "feed", "sitemap", "revisit", "discover"):
        assert f"  -a {argument}=…" in listed.split("maliweb:")[0]
    maliweb = listed.split("maliweb:")[1]
    assert "-a base_url=…" in maliweb and "mirror" in maliweb
    assert "newsarchive spiders" in run_cli("crawl", "--help").stdout


@pytest.mark.parametrize("command", [[], ["crawl"], ["search"], ["schedule"], ["schedule", "add"], ["export"]])
def test_h_is_help_everywhere(command):
    assert run_cli(*command, "-h").stdout.startswith(f"Usage: newsarchive {' '.join(command)}".rstrip())


def test_db_before_or_after_the_command(built_archive, tmp_path):  # noqa: F811
    after = run_cli("search", "riz", "--db", str(built_archive), "--json").stdout
    before = run_cli("--db", str(built_archive), "search", "riz", "--json").stdout
    assert after == before and "le-prix-du-riz-202.html" in after
    overridden = run_cli("--db", str(built_archive), "search", "riz", "--db", str(tmp_path / "none.db"),
                         check=False)
    assert f"no archive at {tmp_path / 'none.db'}" in overridden.stderr


def test_double_dash_ends_the_options(built_archive):  # noqa: F811
    refused = run_cli("search", "-riz", db=built_archive, check=False)
    assert refused.returncode == 2 and "No such option" in refused.stderr
    searched = run_cli("search", "--json", "--", "-riz", db=built_archive)
    assert "le-prix-du-riz-202.html" in searched.stdout


SAHEL = "http://journal.example/politique/la-securite-au-sahel-101.html"


def test_stats_and_history_state_the_same_counts_in_the_same_words(built_archive):  # noqa: F811
    stats = json.loads(run_cli("stats", "--json", db=built_archive).stdout)
    assert stats["sites"][0]["comments"] == 10 and stats["sites"][0]["removed_comments"] == 1
    assert "10 comments archived, of which 1 removed" in run_cli("stats", db=built_archive).stdout
    assert "4 comments archived, of which 1 removed" in run_cli("history", SAHEL, db=built_archive).stdout
    assert "4 comments archived, of which 1 removed" in run_cli("show", SAHEL, db=built_archive).stdout


def test_since_and_until_are_the_publication_date_in_every_command(built_archive, tmp_path):  # noqa: F811
    out = tmp_path / "may.jsonl"
    run_cli("export", "--format", "jsonl", "-o", str(out), "--since", "2024-05-01", "--until", "2024-05-31",
            db=built_archive)
    assert [json.loads(line)["url"] for line in out.read_text().splitlines()] == [
        "http://journal.example/economie/le-prix-du-riz-202.html"]
    for command in (["export", "--format", "csv"], ["search", "riz"], ["reextract"]):
        help_text = " ".join(run_cli(*command[:1], "-h").stdout.split())
        assert "--since DATE Only what was published on or after DATE" in help_text
        assert "--until DATE Only what was published on or before DATE" in help_text
    assert "--fetched-since DATE" in run_cli("reextract", "-h").stdout


def test_warc_records_state_the_version_the_warcinfo_states(built_archive, tmp_path):  # noqa: F811
    from warcio.archiveiterator import ArchiveIterator

    out = tmp_path / "a.warc.gz"
    run_cli("export", "--format", "warc", "-o", str(out), db=built_archive)
    with open(out, "rb") as stream:
        records = [(record.rec_headers.protocol, record.content_stream().read())
                   for record in ArchiveIterator(stream)]
    assert len(records) > 1 and {version for version, _ in records} == {"WARC/1.1"}
    assert b"format: WARC File Format 1.1" in records[0][1]


class _UserAgents(BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        type(self).seen.append(self.headers.get("User-Agent", ""))
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_the_user_agent_names_the_contact_only_when_given(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _UserAgents)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        run_cli("crawl", "generic", "-a", f"urls=http://127.0.0.1:{server.server_address[1]}/a/",
                "-s", "NEWSARCHIVE_CONTACT=mailto:archive@example.org", *FAST_CRAWL, db=tmp_path / "a.db",
                check=False)  # the page is a 404: how the crawl reports it is not the point here
    finally:
        server.shutdown()
    version = run_cli("--version").stdout.split()[-1]
    assert set(_UserAgents.seen) == {
        f"newsarchive/{version} (archiving news and comments; +mailto:archive@example.org)"}
    default = subprocess.run([sys.executable, "-c", "import newsarchive.settings as s; print(s.USER_AGENT)"],
                             capture_output=True, text=True, env={k: v for k, v in os.environ.items()
                                                                  if k != "NEWSARCHIVE_CONTACT"})
    assert default.stdout.strip() == f"newsarchive/{version} (archiving news and comments)"


def test_search_exports_every_match(crawled_archive, tmp_path):  # noqa: F811
    printed = json.loads(run_cli("search", "de", "--comments-only", "--json", db=crawled_archive).stdout)
    assert len(printed) == 20
    out = tmp_path / "hits.csv"
    said = run_cli("search", "de", "--comments-only", "--format", "csv", "-o", str(out), db=crawled_archive)
    with open(out, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with sqlite3.connect(crawled_archive) as conn:
        matching = conn.execute("SELECT COUNT(*) FROM comments_fts WHERE comments_fts MATCH '\"de\"'").fetchone()[0]
    assert len(rows) == matching > 20 and said.stdout == f"exported {matching} matches to {out}\n"
    assert {row["kind"] for row in rows} == {"comment"} and all(row["url"] for row in rows)
    lines = run_cli("search", "de", "--comments-only", "--format", "jsonl", db=crawled_archive).stdout
    assert [json.loads(line)["url"] for line in lines.splitlines()] == [row["url"] for row in rows]


def test_pseudonymized_exports_are_stable_and_hide_commenters(built_archive, tmp_path):  # noqa: F811
    with sqlite3.connect(built_archive) as conn:
        names = {name for (name,) in conn.execute("SELECT author_name FROM comments WHERE author_name != ''")}
        urls = {url for (url,) in conn.execute("SELECT author_url FROM comments WHERE author_url != ''")}
    run_cli("export", "--format", "csv", "-o", str(tmp_path / "csv"), "--pseudonymize", db=built_archive)
    run_cli("export", "--format", "jsonl", "-o", str(tmp_path / "a.jsonl"), "--pseudonymize", db=built_archive)
    run_cli("export", "--format", "csv", "-o", str(tmp_path / "plain"), db=built_archive)
    searched = run_cli("search", "riz", "--comments-only", "--format", "jsonl", "--pseudonymize",
                       db=built_archive).stdout
    exported = (tmp_path / "csv" / "comments.csv").read_text() + (tmp_path / "a.jsonl").read_text() + searched
    for secret in names | urls:
        assert secret not in exported, secret
    by_id = lambda folder: {row["id"]: row for row in csv.DictReader(open(folder / "comments.csv"))}  # noqa: E731
    plain, pseudonymous = by_id(tmp_path / "plain"), by_id(tmp_path / "csv")
    pseudonym_of = {}
    for comment_id, row in plain.items():
        pseudonym = pseudonymous[comment_id]["author_name"]
        assert pseudonym.startswith("commenter-")
        assert pseudonym_of.setdefault(row["author_name"], pseudonym) == pseudonym  # one person, one pseudonym
    assert len(set(pseudonym_of.values())) == len(pseudonym_of)  # two people, two pseudonyms
    in_jsonl = {c["comment_id"]: c["author_name"] for line in (tmp_path / "a.jsonl").read_text().splitlines()
                for c in _flat(json.loads(line)["comments"])}
    assert in_jsonl == {row["comment_id"]: pseudonymous[i]["author_name"] for i, row in plain.items()}
    for hit in map(json.loads, searched.splitlines()):
        author = next(row["author_name"] for row in plain.values() if hit["url"].endswith("#comment-" + row["comment_id"]))
        assert hit["author"] == pseudonym_of[author]
    other = tmp_path / "other.db"
    open_archive(other).conn.close()
    with sqlite3.connect(built_archive) as conn, sqlite3.connect(other) as other_conn:
        assert conn.execute("SELECT value FROM archive_secrets").fetchone() != \
            other_conn.execute("SELECT value FROM archive_secrets").fetchone()  # a key per archive
    refused = run_cli("export", "--format", "warc", "--pseudonymize", db=built_archive, check=False)
    assert refused.returncode == 1 and "pseudonymised exports are jsonl, csv or parquet" in refused.stderr


def _flat(comments: list[dict]) -> list[dict]:
    return [c for comment in comments for c in [comment, *_flat(comment.get("replies", []))]]


def _crawl_replica(db, stderr_tty: bool) -> tuple[str, str]:
    """Crawl the replica with the real CLI, stderr a pseudo-terminal or a pipe; (stdout, stderr)."""
    from newsarchive.replica import maliweb_site, serve

    command = [sys.executable, "-m", "newsarchive", "--db", str(db), "crawl", "maliweb",
               "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]
    env = {k: v for k, v in os.environ.items() if k != "NEWSARCHIVE_DB"}
    with serve(maliweb_site("day1")) as served:
        command += ["-a", f"base_url={served.base_url}"]
        if not stderr_tty:
            result = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
            assert result.returncode == 3, result.stderr[-3000:]  # the replica's 500 page stays pending
            return result.stdout, result.stderr
        main, child = pty.openpty()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=child, env=env)
        os.close(child)
        terminal = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            terminal += chunk
        stdout = process.stdout.read().decode()
        assert process.wait(timeout=300) == 3, terminal[-3000:]
        os.close(main)
        return stdout, terminal.decode("utf-8", "replace")


LIVE_LINE = re.compile(r"\r\x1b\[K *\d+\.\d pages/s, (\d+) pages, (\d+) articles, (\d+) comments,"
                       r" (\d+) failures, (\d+) pending")


def test_a_crawl_on_a_terminal_shows_a_live_line_and_a_pipe_gets_none(tmp_path):
    stdout, terminal = _crawl_replica(tmp_path / "tty.db", stderr_tty=True)
    lines = LIVE_LINE.findall(terminal)
    assert len(lines) >= 2, terminal[-2000:]
    articles = re.search(r"(\d+) articles stored", stdout).group(1)
    assert lines[-1][1] == articles and int(articles) > 0 and lines[-1][4] == "0"  # nothing pending at the end
    assert " INFO: " not in terminal
    stdout, stderr = _crawl_replica(tmp_path / "pipe.db", stderr_tty=False)
    assert "pages/s" not in stderr and "\x1b[K" not in stderr
    assert f"{articles} articles stored" in stdout  # the one summary line


def test_show_and_history_take_any_url_of_an_article(built_archive):
    """A reader pastes what the browser shows: a #fragment, a comment page, a reply link."""
    url = BASE + ARTICLES[0]["path"]
    plain = json.loads(ok(newsarchive("show", url, "--json", db=built_archive)))
    history = ok(newsarchive("history", url, db=built_archive))
    for variant in (url + "#comments", url + "/comment-page-2/", url + "?replytocom=7#respond",
                    url + "/comment-page-1/#comment-12"):
        assert json.loads(ok(newsarchive("show", variant, "--json", db=built_archive))) == plain, variant
        assert ok(newsarchive("history", variant, db=built_archive)) == history, variant
    missing = newsarchive("show", BASE + "/politique/nothing-here-1.html#comments", db=built_archive)
    assert missing.returncode == 1 and "no archived article" in missing.stderr
