"""The generic spider end to end: a real crawl of a site on 127.0.0.1 into a real SQLite archive, via the CLI."""
from __future__ import annotations

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import FAST_CRAWL, run_cli

SITE = Path(__file__).parent / "fixtures" / "generic" / "site"
TYPES = {".xml": "application/xml", ".txt": "text/plain", ".gz": "application/x-gzip"}


class FixtureSite:
    """Serves tests/fixtures/generic/site with ``{{BASE}}``/``{{PORT}}`` filled in; records every request."""

    def __init__(self):
        self.hits: list[tuple[str, str]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                site.hits.append((self.headers.get("Host", ""), self.path))
                body, kind = site.page(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", kind)
                self.end_headers()
                self.wfile.write(body or b"not found")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def page(self, path: str) -> tuple[bytes | None, str]:
        """The body and content type served at ``path`` (None when there is no such page)."""
        relative = path.split("?")[0].split("#")[0].strip("/")
        file = SITE / relative
        compressed = relative.endswith(".gz")
        if compressed:
            file = SITE / relative.removesuffix(".gz")
        if file.is_dir():
            file = file / "index.html"
        if not file.is_file() or not file.resolve().is_relative_to(SITE.resolve()):
            return None, "text/plain"
        text = file.read_text(encoding="utf-8").replace("{{BASE}}", self.base).replace("{{PORT}}", str(self.port))
        if compressed:
            return gzip.compress(text.encode()), TYPES[".gz"]
        return text.encode(), TYPES.get(file.suffix, "text/html; charset=utf-8")

    def offsite_hits(self) -> list[tuple[str, str]]:
        return [hit for hit in self.hits if not hit[0].startswith("127.0.0.1")]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site():
    served = FixtureSite()
    yield served
    served.close()


def crawl(db: Path, *arguments: str, check: bool = True):
    spider_args = [part for argument in arguments for part in ("-a", argument)]
    return run_cli("crawl", "generic", *spider_args, *FAST_CRAWL, db=db, timeout=180, check=check)


def shown(db: Path, url: str) -> dict:
    return json.loads(run_cli("show", url, "--json", db=db).stdout)


def flat(comments: list[dict]) -> list[dict]:
    return [item for c in comments for item in [c, *flat(c["replies"])]]


def test_article_urls_are_archived_with_every_comment_page(site, tmp_path):
    db = tmp_path / "archive.db"
    article = f"{site.base}/2024/05/pluies/"
    output = crawl(db, f"urls={article},{site.base}/2024/05/marche/").stdout
    assert "2 articles stored" in output
    document = shown(db, article)
    assert document["site"] == "127.0.0.1"
    assert document["headline"] == "Bamako : la saison des pluies s'annonce précoce"
    assert document["authors"] == ["Awa Traoré", "Moussa Keïta"]
    comments = flat(document["comments"])
    assert [(c["comment_id"], c["parent_comment_id"], c["author_name"]) for c in comments] == [
        ("101", None, "Sidiki Coulibaly"), ("102", "101", "Mariam"), ("103", None, "Oumar"),
        ("104", None, "Fatoumata"), ("105", "104", "Ibrahim")]
    assert "Kayes" not in document["article_body"] and "Ségou, les paysans" in document["article_body"]
    assert ("127.0.0.1:%d" % site.port, "/2024/05/pluies/comment-page-2/") in site.hits
    assert site.offsite_hits() == []


def test_feed_items_inside_the_domain_are_archived_and_nothing_else(site, tmp_path):
    db = tmp_path / "archive.db"
    output = crawl(db, f"feed={site.base}/feed.xml").stdout
    assert "2 articles stored" in output
    assert shown(db, f"{site.base}/2024/05/marche/")["authors"] == ["Seydou Diallo"]
    assert site.offsite_hits() == []
    assert not any(path.startswith("/category/") for _, path in site.hits)


def test_sitemap_index_news_and_gzipped_sitemaps_are_followed(site, tmp_path):
    db = tmp_path / "archive.db"
    output = crawl(db, f"sitemap={site.base}/sitemap_index.xml").stdout
    assert "2 articles stored" in output
    assert shown(db, f"{site.base}/2024/06/ecoles/")["date_published"] == "2024-06-03T09:15:00Z"
    assert shown(db, f"{site.base}/2024/06/sante/")["authors"] == ["Boubacar Cissé"]
    assert site.offsite_hits() == []


@pytest.mark.parametrize("argument, reason", [
    ("urls=ftp://127.0.0.1/a", "Error: -a urls wants an http(s) URL such as https://www.example.org/,"
                               " got 'ftp://127.0.0.1/a'"),
    ("feed=javascript:alert(1)", "Error: -a feed wants an http(s) URL"),
    ("urls=", "Error: generic needs -a urls=U1,U2, -a feed=URL or -a sitemap=URL")])
def test_non_http_or_missing_start_urls_are_refused(tmp_path, argument, reason):
    result = crawl(tmp_path / "archive.db", argument, check=False)
    assert result.returncode == 2
    assert result.stderr.startswith(reason) and len(result.stderr.splitlines()) == 1
    assert "articles stored" not in result.stdout
