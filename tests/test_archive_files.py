"""Archive files: read commands read read-only archives and create nothing, damaged files are one
line, a crawl checks it can write before it fetches, one scheduler lock per real archive."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO
from hostile.server import HostileServer
from archive_fixtures import BASE, built_archive, copy_archive  # noqa: F401
from newsarchive.db.migrations import MIGRATIONS
from newsarchive.schedule import EXIT_LOCKED, archive_lock

SAHEL = BASE + "/politique/la-securite-au-sahel-101.html"
# Root reads and writes whatever the permissions say: the commands run as root without the
# capabilities that let it, so a read-only file or folder is read-only to them.
AS_PLAIN_USER = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner,-linux_immutable", "--"]
READ_COMMANDS = [("stats",), ("show", SAHEL), ("show", SAHEL, "--json"), ("search", "sécurité"),
                 ("history", SAHEL), ("schedule", "list")]


def newsarchive(*args: str, db: Path, plain_user: bool = False, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(REPO)}
    env.pop("NEWSARCHIVE_DB", None)
    command = [sys.executable, "-m", "newsarchive", "--db", str(db), *args]
    return subprocess.run((AS_PLAIN_USER if plain_user else []) + command, capture_output=True, text=True,
                          timeout=300, cwd=cwd or REPO, env=env)


def one_line_error(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def permissions_bite(tmp_path):
    """Skip unless a command run AS_PLAIN_USER really cannot write a read-only file."""
    probe = tmp_path / "probe"
    probe.write_text("x")
    probe.chmod(0o444)
    try:
        denied = subprocess.run(AS_PLAIN_USER + ["sh", "-c", f"echo y >> {probe}"], capture_output=True).returncode
    except FileNotFoundError:
        pytest.skip("setpriv is not installed")
    if denied == 0:
        pytest.skip("cannot drop the capability to override file permissions here")


@pytest.fixture
def read_only_archive(built_archive, tmp_path, request):
    """A copy of the archive, read-only as a file or as a whole folder (restored after)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    db = copy_archive(built_archive, folder / "archive.db")
    db.chmod(0o444)
    if request.param == "folder":
        folder.chmod(0o555)
    yield db
    folder.chmod(0o755)


@pytest.mark.parametrize("read_only_archive", ["file", "folder"], indirect=True)
def test_read_commands_read_a_read_only_archive(permissions_bite, read_only_archive, tmp_path):
    db = read_only_archive
    before, files = digest(db), sorted(os.listdir(db.parent))
    outputs = {}
    for args in READ_COMMANDS:
        result = newsarchive(*args, db=db, plain_user=True)
        assert result.returncode == 0 and "Traceback" not in result.stderr, (args, result.stderr)
        outputs[args[0]] = result.stdout
    exported = newsarchive("export", "--format", "jsonl", "-o", str(tmp_path / "out.jsonl"), db=db, plain_user=True)
    assert exported.returncode == 0, exported.stderr
    assert "Moussa Keïta" in outputs["show"] and "journal.example" in outputs["stats"]
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8").count("\n") >= 3
    assert digest(db) == before
    if db.parent.stat().st_mode & 0o200 == 0:
        assert sorted(os.listdir(db.parent)) == files  # nothing created in a read-only folder


@pytest.mark.parametrize("read_only_archive", ["file", "folder"], indirect=True)
def test_serve_serves_a_read_only_archive(permissions_bite, read_only_archive):
    pytest.importorskip("datasette", reason="datasette not installed (optional extra)")
    from test_datasette import free_port, wait_for

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("NEWSARCHIVE_DB", None)
    process = subprocess.Popen(AS_PLAIN_USER + [sys.executable, "-m", "newsarchive", "--db", str(read_only_archive),
                                                "serve", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/-/versions.json", process)
        with urllib.request.urlopen(f"{base}/archive/articles.json?_shape=array&_col=url", timeout=30) as response:
            urls = [row["url"] for row in json.load(response)]
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert SAHEL in urls


@pytest.mark.parametrize("read_only_archive", ["file", "folder"], indirect=True)
def test_a_crawl_on_a_read_only_archive_fetches_nothing(permissions_bite, read_only_archive):
    with HostileServer() as server:
        result = newsarchive("crawl", "generic", "-a", f"urls={server.base_url}/a.html", db=read_only_archive,
                             plain_user=True)
        hits = list(server.hits)
    one_line_error(result, "cannot write to the archive at")
    assert hits == []


def test_a_crawl_into_a_read_only_folder_fetches_nothing(permissions_bite, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o555)
    try:
        with HostileServer() as server:
            result = newsarchive("crawl", "generic", "-a", f"urls={server.base_url}/a.html",
                                 db=folder / "new.db", plain_user=True)
            hits = list(server.hits)
    finally:
        folder.chmod(0o755)
    one_line_error(result, "new.db")
    assert hits == [] and os.listdir(folder) == []


MISSING_COMMANDS = READ_COMMANDS + [("export", "--format", "csv"), ("reextract",), ("schedule", "remove", "1"),
                                    ("schedule", "run", "--once"), ("serve",)]


@pytest.mark.parametrize("args", MISSING_COMMANDS, ids=lambda args: " ".join(args[:2]))
def test_a_mistyped_path_creates_nothing(tmp_path, args):
    db = tmp_path / "mistyped" / "archive.db"
    result = newsarchive(*args, db=db, cwd=tmp_path)
    one_line_error(result, f"no archive at {db}")
    assert os.listdir(tmp_path) == []


def damaged_files(source: Path, folder: Path) -> dict[str, Path]:
    """A text file, random bytes, and the archive cut in half."""
    text, noise, cut = folder / "notes.db", folder / "noise.db", folder / "cut.db"
    text.write_text("these are my notes, not an archive\n" * 20)
    noise.write_bytes(os.urandom(8192))
    whole = copy_archive(source, folder / "whole.db").read_bytes()
    cut.write_bytes(whole[:len(whole) // 2])
    return {"text": text, "random": noise, "truncated": cut}


DAMAGED_COMMANDS = READ_COMMANDS + [("export", "--format", "jsonl", "-o", "out.jsonl"), ("reextract",),
                                    ("schedule", "add", "generic", "--every", "1h", "-a", "urls=http://127.0.0.1:9/"),
                                    ("schedule", "run", "--once"),
                                    ("serve",)]


@pytest.mark.parametrize("kind", ["text", "random", "truncated"])
def test_a_damaged_file_is_one_line_for_every_command(built_archive, tmp_path, kind):
    db = damaged_files(built_archive, tmp_path)[kind]
    before = digest(db)
    with HostileServer() as server:
        for args in DAMAGED_COMMANDS + [("crawl", "generic", "-a", f"urls={server.base_url}/a.html")]:
            result = newsarchive(*args, db=db, cwd=tmp_path)
            one_line_error(result, str(db.name))
            assert digest(db) == before, args
        assert server.hits == []
    warc = one_page_warc(tmp_path / "one.warc.gz")
    one_line_error(newsarchive("import-warc", str(warc), "--db", str(db), db=db, cwd=tmp_path), str(db.name))


def one_page_warc(path: Path) -> Path:
    """A whole WARC of one response, so that only the archive it goes into is at fault."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as out:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warc_record("http://127.0.0.1:9/a.html", "response",
                                                      payload=BytesIO(b"<html></html>"), http_headers=headers))
    return path


def older_archive(path: Path) -> Path:
    """An archive as the release before the newest migration made it."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    for number, statements in enumerate(MIGRATIONS[:-1], start=1):
        for statement in statements:
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {number}")
    conn.close()
    return path


def test_an_older_archive_is_upgraded_when_writable_and_explained_when_not(permissions_bite, tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    db = older_archive(folder / "archive.db")
    read_only = shutil.copy(db, tmp_path / "old-ro.db")
    Path(read_only).chmod(0o444)
    refused = newsarchive("stats", db=read_only, plain_user=True)
    one_line_error(refused, "must be upgraded")
    assert newsarchive("stats", db=db, plain_user=True).returncode == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_one_scheduler_per_archive_whatever_path_names_it(tmp_path):
    db = tmp_path / "archive.db"
    assert newsarchive("schedule", "add", "generic", "--every", "1h", "-a", "urls=http://127.0.0.1:9/", db=db).returncode == 0
    link = tmp_path / "link.db"
    link.symlink_to(db)
    with archive_lock(str(db)):
        refused = newsarchive("schedule", "run", "--once", db=link)
    assert refused.returncode == EXIT_LOCKED and "another scheduler holds" in refused.stderr


def test_a_dead_schedulers_running_is_cleared(tmp_path):
    from newsarchive.db import open_archive, store

    db = tmp_path / "archive.db"
    assert newsarchive("schedule", "add", "generic", "--every", "1h", "-a", "urls=http://127.0.0.1:9/", db=db).returncode == 0
    conn = open_archive(db).conn
    store.schedule_started(conn, 1, "2024-06-20T12:00:00Z", "2099-01-01T00:00:00Z")  # then the scheduler died
    with archive_lock(str(db)):  # a live scheduler (or the crawl it started) holds the lock: running
        assert "(running)" in newsarchive("schedule", "list", db=db).stdout
    listed = newsarchive("schedule", "list", db=db).stdout
    assert "(running)" not in listed and "(interrupted)" in listed
    assert newsarchive("schedule", "run", "--once", db=db).returncode == 0
    assert conn.execute("SELECT last_status FROM schedules").fetchone()[0] == "interrupted"
