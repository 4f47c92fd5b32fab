"""Safe values at the source: no terminal controls or bidi overrides in stored text, URL fields only
http(s), CSV cells no formulas; and what an older archive still holds never reaches a terminal raw."""
from __future__ import annotations

import csv
import json
import shutil
import sqlite3
import subprocess
import sys
import urllib.parse
import urllib.request
from html import escape

import pytest

from conftest import FAST_CRAWL, MALIWEB, REPO, run_cli
from hostile.pages import article_html, comment_li
from hostile.server import HostileServer, send

RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\u2066")
"""What must never be written raw: ESC, BEL, CSI (C1), RIGHT-TO-LEFT OVERRIDE, LEFT-TO-RIGHT ISOLATE."""
PATH = "/politique/controle-1001.html"
HYPERLINK = '=HYPERLINK("http://evil.example/","clic")'
UNSAFE_URLS = ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "file:///etc/passwd"]


def linked_comment(cid: int, text: str, author: str, href: str) -> str:
    """A tagDiv comment whose author name links to ``href``."""
    return comment_li(cid, text, author).replace(
        f"<cite>{escape(author)}</cite>", f'<cite><a class="url" href="{escape(href)}">{escape(author)}</a></cite>')


def hostile_article() -> str:
    comments = "".join(linked_comment(10 + i, f"Bonjour\x1b[2J\x07 le monde \u202eregard{i}\u202c", f"Ali{i}\x1b]0;pwned\x07",
                                      url) for i, url in enumerate(UNSAFE_URLS))
    comments += linked_comment(20, HYPERLINK, "Bintou\u2066", "https://bintou.example/blog")
    comments += comment_li(21, "+33 612 ou -2+3 ou @SUM(A1)", "Chaka\x9b31m")
    return article_html(1001, "Contrôle\x1b[31m du terminal\u202e", ["Le corps\x1b[2J de l'article.", "Suite\x9b1m."],
                        comments, head_extra='<meta property="og:image" content="javascript:alert(1)">')


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """A crawl of a site whose names, headline, body and comments carry controls and unsafe URLs."""
    tmp = tmp_path_factory.mktemp("safe")
    db = tmp / "archive.db"
    with HostileServer() as server:
        server.routes.update({"/robots.txt": lambda h: send(h, 200, b"User-agent: *\nAllow: /\n", "text/plain"),
                              "/": lambda h: send(h, 200, f'<html><body><a href="{PATH}">a</a></body></html>'.encode()),
                              PATH: lambda h: send(h, 200, hostile_article().encode())})
        run_cli("crawl", "maliweb", "-a", f"base_url={server.base_url}", *FAST_CRAWL, db=db)
        url = MALIWEB + PATH  # archived under the site's URL, fetched from the server
    yield db, tmp, url


def assert_no_raw(output: str, where: str) -> None:
    for character in RAW:
        assert character not in output, (where, repr(character), output[:2000])


def text_columns(db) -> list[str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT headline, description, article_body, article_body_html, section, tags, posted_by"
                            " FROM articles").fetchall()
        rows += conn.execute("SELECT author_name, text, text_html, comment_id, date_published_raw FROM comments").fetchall()
        rows += conn.execute("SELECT name FROM authors").fetchall()
    return [value for row in rows for value in row if isinstance(value, str)]


def test_stored_text_has_no_controls_and_urls_are_http(archive):
    db, _, _ = archive
    for value in text_columns(db):
        assert_no_raw(value, "archive")
    with sqlite3.connect(db) as conn:
        headline, image = conn.execute("SELECT headline, main_image_url FROM articles").fetchone()
        urls = dict(conn.execute("SELECT comment_id, author_url FROM comments"))
        names = [name for (name,) in conn.execute("SELECT author_name FROM comments ORDER BY position")]
    assert headline == "Contrôle[31m du terminal" and image is None
    assert urls == {"10": None, "11": None, "12": None, "20": "https://bintou.example/blog", "21": None}
    assert names[:2] == ["Ali0]0;pwned", "Ali1]0;pwned"] and "Bintou" in names and "Chaka31m" in names


def test_extract_warns_about_dropped_urls(archive, tmp_path):
    page = tmp_path / "page.html"
    page.write_text(hostile_article(), encoding="utf-8")
    result = run_cli("extract", str(page), "--url", MALIWEB + PATH, "--page-type", "maliweb", "--json")
    document = json.loads(result.stdout)
    assert "main_image_url dropped: not an http(s) URL (javascript:)" in document["warnings"]
    assert "author_url of comment 11 dropped: not an http(s) URL (data:)" in document["warnings"]
    assert "author_url of comment 12 dropped: not an http(s) URL (file:)" in document["warnings"]
    assert_no_raw(result.stdout, "extract --json")


def test_show_search_history_print_no_controls(archive):
    db, _, url = archive
    outputs = {"show": run_cli("show", url, db=db).stdout, "show --json": run_cli("show", url, "--json", db=db).stdout,
               "search": run_cli("search", "monde", db=db).stdout,
               "search --json": run_cli("search", "monde", "--json", db=db).stdout,
               "history": run_cli("history", url, db=db).stdout, "stats": run_cli("stats", db=db).stdout}
    for where, output in outputs.items():
        assert_no_raw(output, where)
    assert "Contrôle[31m du terminal" in outputs["show"] and "Ali0]0;pwned" in outputs["show"]
    shown = json.loads(outputs["show --json"])
    assert shown["main_image_url"] is None and all(c["author_url"] in (None, "https://bintou.example/blog")
                                                   for c in shown["comments"])


def test_every_export_carries_safe_values(archive):
    db, tmp, _ = archive
    run_cli("export", "--format", "jsonl", "-o", str(tmp / "out.jsonl"), db=db)
    document = json.loads((tmp / "out.jsonl").read_text(encoding="utf-8"))
    assert document["main_image_url"] is None
    assert [c["author_url"] for c in document["comments"]] == [None, None, None, "https://bintou.example/blog", None]
    assert_no_raw(json.dumps(document, ensure_ascii=False), "jsonl")

    run_cli("export", "--format", "csv", "-o", str(tmp / "csv"), db=db)
    with (tmp / "csv" / "comments.csv").open(encoding="utf-8", newline="") as handle:
        comments = {row["comment_id"]: row for row in csv.DictReader(handle)}
    assert comments["20"]["text"] == "'" + HYPERLINK
    assert comments["21"]["text"].startswith("'+33")
    assert comments["10"]["author_url"] == "" and comments["20"]["author_url"] == "https://bintou.example/blog"
    assert_no_raw((tmp / "csv" / "comments.csv").read_text(encoding="utf-8")
                  + (tmp / "csv" / "articles.csv").read_text(encoding="utf-8"), "csv")

    pq = pytest.importorskip("pyarrow.parquet")
    run_cli("export", "--format", "parquet", "-o", str(tmp / "parquet"), db=db)
    table = pq.read_table(tmp / "parquet" / "comments.parquet").to_pylist()
    assert sorted(filter(None, (row["author_url"] for row in table))) == ["https://bintou.example/blog"]
    assert pq.read_table(tmp / "parquet" / "articles.parquet").to_pylist()[0]["main_image_url"] is None

    run_cli("export", "--format", "warc", "-o", str(tmp / "out.warc.gz"), db=db)
    rebuilt = tmp / "rebuilt.db"
    run_cli("import-warc", str(tmp / "out.warc.gz"), "--db", str(rebuilt))
    for value in text_columns(rebuilt):
        assert_no_raw(value, "import-warc of the WARC export")
    with sqlite3.connect(rebuilt) as conn:
        assert conn.execute("SELECT count(*) FROM comments WHERE author_url IS NOT NULL"
                            " AND author_url NOT LIKE 'https://%'").fetchone()[0] == 0


def test_formula_cells_are_neutralised():
    from newsarchive.safe import csv_cell

    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert csv_cell(text) == "'" + text
    assert [csv_cell(v) for v in ("Bonjour", "2024-01-01", 5, None, "")] == ["Bonjour", "2024-01-01", 5, None, ""]


@pytest.fixture
def older_archive(archive, tmp_path):
    """The archive as an older version left it: controls and unsafe URLs stored as they came."""
    db = tmp_path / "older.db"
    shutil.copy(archive[0], db)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET headline = 'Titre\x1b]0;pwned\x07\u202e', main_image_url = 'javascript:alert(1)'")
        conn.execute("UPDATE comments SET author_name = 'Ali\x1b[2J\x9b1m', author_url = 'javascript:alert(1)',"
                     " text = 'Bonjour le monde \x1b[2J\x07\u2066 fin' WHERE comment_id = '10'")
    return db, archive[2]


def test_renderers_escape_what_an_older_archive_holds(older_archive):
    db, url = older_archive
    for args in (("show", url), ("show", url, "--json"), ("search", "monde"), ("search", "monde", "--json"),
                 ("history", url), ("history", url, "--json")):
        output = run_cli(*args, db=db).stdout
        assert_no_raw(output, " ".join(args))
        if "--json" in args:
            json.loads(output)  # the escapes keep the JSON valid
    shown = run_cli("show", url, db=db).stdout
    assert "Titre\\u001b]0;pwned\\u0007\\u202e" in shown and "Ali\\u001b[2J\\u009b1m" in shown




def serve_and_fetch(db, paths: list[str]) -> list[str]:
    """Pages of `newsarchive serve` on ``db``, as a browser receives them."""
    pytest.importorskip("datasette", reason="datasette not installed (optional extra)")
    from test_datasette import free_port, wait_for

    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "newsarchive", "--db", str(db), "serve", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/-/versions.json", process)
        pages = []
        for path in paths:
            with urllib.request.urlopen(base + path, timeout=30) as response:
                pages.append(response.read().decode("utf-8"))
        return pages
    finally:
        process.terminate()
        process.wait(timeout=10)


def datasette_paths(db, url: str) -> list[str]:
    name = db.stem
    return [f"/{name}/comments", f"/{name}/articles", f"/{name}/thread?" + urllib.parse.urlencode({"article_url": url}),
            f"/{name}/commenter_history?" + urllib.parse.urlencode({"author_name": "Bintou"})]


def test_datasette_links_only_http_urls(archive, older_archive):
    for db, url in ((archive[0], archive[2]), older_archive):
        for page in serve_and_fetch(db, datasette_paths(db, url)):
            lowered = page.lower()
            assert 'href="javascript:' not in lowered and 'href="data:' not in lowered and 'href="file:' not in lowered
            assert "<script>alert" not in lowered
    fresh = serve_and_fetch(archive[0], [f"/{archive[0].stem}/comments"])[0]
    assert 'href="https://bintou.example/blog"' in fresh
    for character in RAW:
        assert character not in fresh
