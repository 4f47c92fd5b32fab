"""An article whose URL changes (its slug edited, the old URL answering 301) stays one article: archived
under its new URL with its thread whole, found by the old one too, never stored twice."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FAST_CRAWL, MALIWEB, run_cli
from newsarchive.db import open_archive, store
from newsarchive.ingest import ingest
from newsarchive.items import Article, Capture, FetchedPage
from newsarchive.replica import Resource, Site, serve, synthetic_site
from newsarchive.replica.model import walk
from newsarchive.replica.synthetic import BASE_ID
from test_frontier import crawl, pending, query

INDEX = 3  # an article of synthetic_site(6, seed=3) with two comment pages
OLD = f"/sport/ancien-titre-{BASE_ID + INDEX}.html"


class SlugChange(Site):
    """The replica with one article first published at ``old`` (every link says so) and, once
    ``moved``, at its replica path, the old one (and its comment pages) answering 301 to it."""

    def __init__(self, site: Site, old: str, new: str):
        self.site, self.old, self.new, self.moved = site, old, new, False

    def resolve(self, path_and_query: str, base_url: str) -> Resource | None:
        if path_and_query.startswith(self.old):
            rest = path_and_query[len(self.old):]
            if self.moved:
                return Resource(301, b"", headers=[("Location", base_url + self.new + rest)])
            return self._as_first_published(self.site.resolve(self.new + rest, base_url))
        if path_and_query.startswith(self.new) and not self.moved:
            return self.site.not_found(base_url)
        found = self.site.resolve(path_and_query, base_url)
        return found if self.moved else self._as_first_published(found)

    def _as_first_published(self, found: Resource | None) -> Resource | None:
        if found is None or not found.body:
            return found
        body = found.body.replace(self.new.encode(), self.old.encode())
        return Resource(found.status, body, found.content_type, found.headers)

    def not_found(self, base_url: str) -> Resource:
        return self.site.not_found(base_url)


def thread_of(site, index: int) -> set[tuple[str, str | None]]:
    article = site.store.article(BASE_ID + index)
    return {(str(c.id), str(parent) if parent else None) for c, parent, _ in walk(article.comments)}


def archived_thread(db: Path, url: str) -> set[tuple[str, str | None]]:
    return set(query(db, "SELECT c.comment_id, p.comment_id FROM comments c JOIN articles a ON a.id = c.article_id"
                         " LEFT JOIN comments p ON p.id = c.parent_id WHERE a.url = ?", url))


@pytest.fixture(scope="module")
def slug_changed(tmp_path_factory):
    """Two plain crawls of one archive: before the slug change, and after it."""
    site = synthetic_site(6, seed=3)
    new = site.store.article(BASE_ID + INDEX).path
    changing = SlugChange(site, OLD, new)
    db = tmp_path_factory.mktemp("moved") / "archive.db"
    with serve(changing) as served:
        first = crawl(db, served.base_url)
        before = query(db, "SELECT id, url FROM articles WHERE post_id = ?", str(BASE_ID + INDEX))
        changing.moved = True
        second = crawl(db, served.base_url)
    return {"db": db, "site": site, "new": new, "runs": (first, second), "before": before}


def test_both_crawls_finish_with_nothing_pending(slug_changed):
    for run in slug_changed["runs"]:
        assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    assert pending(slug_changed["db"]) == []


def test_the_second_crawl_says_the_article_moved(slug_changed):
    first, second = slug_changed["runs"]
    assert "moved to a new URL" not in first.stdout
    assert "(0 new, 1 moved to a new URL)" in second.stdout


def test_the_first_crawl_archived_the_article_under_its_first_url(slug_changed):
    assert [url for _, url in slug_changed["before"]] == [MALIWEB + OLD]


def test_after_the_slug_change_it_is_one_article_under_its_new_url(slug_changed):
    db = slug_changed["db"]
    rows = query(db, "SELECT id, url FROM articles WHERE post_id = ?", str(BASE_ID + INDEX))
    assert rows == [(slug_changed["before"][0][0], MALIWEB + slug_changed["new"])]
    assert query(db, "SELECT count(*) FROM articles") == [(6,)]
    assert query(db, "SELECT url FROM article_urls WHERE article_id = ?", rows[0][0]) == [(MALIWEB + OLD,)]


def test_its_thread_is_whole_and_stored_once(slug_changed):
    db, expected = slug_changed["db"], thread_of(slug_changed["site"], INDEX)
    assert expected and archived_thread(db, MALIWEB + slug_changed["new"]) == expected
    assert query(db, "SELECT count(*) FROM comments c JOIN articles a ON a.id = c.article_id WHERE a.post_id = ?",
                 str(BASE_ID + INDEX)) == [(len(expected),)]
    assert query(db, "SELECT count(*) FROM comments WHERE removed_at IS NOT NULL") == [(0,)]


@pytest.mark.parametrize("which", ["old", "new"])
def test_show_finds_it_by_either_url(slug_changed, which):
    url = MALIWEB + (OLD if which == "old" else slug_changed["new"])
    shown = run_cli("show", url, "--json", db=slug_changed["db"]).stdout
    assert f'"url": "{MALIWEB + slug_changed["new"]}"' in shown


def test_its_history_names_its_former_url(slug_changed):
    history = run_cli("history", MALIWEB + OLD, db=slug_changed["db"]).stdout.splitlines()
    assert history[1] == MALIWEB + slug_changed["new"]
    assert history[2].startswith(f"  formerly {MALIWEB + OLD} (until 20")


def _article(url: str, post_id: str, headline: str) -> Article:
    return Article(url=url, site="maliweb.net", post_id=post_id, headline=headline, article_body="Texte.")


def test_a_new_post_given_a_former_slug_is_a_new_article(tmp_path):
    conn = open_archive(tmp_path / "archive.db").conn
    first = store.store_article(conn, _article(MALIWEB + "/a-1.html", "1", "Premier titre"), "2026-01-01T00:00:00Z")
    moved = store.store_article(conn, _article(MALIWEB + "/b-1.html", "1", "Titre corrigé"), "2026-01-02T00:00:00Z")
    other = store.store_article(conn, _article(MALIWEB + "/a-1.html", "2", "Un autre article"), "2026-01-03T00:00:00Z")
    assert (moved.article_id, moved.moved_from, moved.new_version) == (first.article_id, MALIWEB + "/a-1.html", True)
    assert other.new_article and other.article_id != first.article_id
    rows = conn.execute("SELECT post_id, url FROM articles ORDER BY id").fetchall()
    assert rows == [("1", MALIWEB + "/b-1.html"), ("2", MALIWEB + "/a-1.html")]


def test_one_post_id_on_two_posts_published_at_different_times_joins_nothing(tmp_path):
    conn = open_archive(tmp_path / "archive.db").conn
    first, second = (_article(MALIWEB + f"/{name}-1.html", "1", name) for name in ("a", "b"))
    first.date_published, second.date_published = "2026-01-01T08:00:00Z", "2026-02-01T08:00:00Z"
    stored = [store.store_article(conn, article, "2026-02-02T00:00:00Z") for article in (first, second)]
    assert [result.new_article for result in stored] == [True, True]
    assert conn.execute("SELECT url FROM articles ORDER BY id").fetchall() == [(first.url,), (second.url,)]


def test_a_post_id_never_joins_articles_of_two_sites(tmp_path):
    conn = open_archive(tmp_path / "archive.db").conn
    store.store_article(conn, _article(MALIWEB + "/a-1.html", "1", "Titre"), "2026-01-01T00:00:00Z")
    elsewhere = Article(url="https://example.org/a-1.html", site="example.org", post_id="1", headline="Titre",
                        article_body="Texte.")
    assert store.store_article(conn, elsewhere, "2026-01-02T00:00:00Z").new_article
    assert conn.execute("SELECT count(*) FROM article_urls").fetchone() == (0,)


@pytest.mark.parametrize("answered_at, archived_under", [
    ("/b-1.html", "/b-1.html"),  # redirected: the site moved the post
    ("/a-1.html/comment-page-2/", "/a-1.html"),  # one of its own pages (a backfill's lone comment page)
])
def test_a_capture_is_archived_under_the_url_that_answered_only_when_it_moved(tmp_path, answered_at, archived_under):
    conn = open_archive(tmp_path / "archive.db").conn
    page = FetchedPage(url=MALIWEB + answered_at, status=200, headers=[("Content-Type", "text/html")], body=b"<html>",
                       fetched_at="2026-01-01T00:00:00Z")
    capture = Capture(url=MALIWEB + "/a-1.html", site="maliweb.net", spider="maliweb", pages=[page])
    ingested = ingest(conn, capture, _article(capture.url, "1", "Titre"))
    assert conn.execute("SELECT url FROM articles").fetchall() == [(MALIWEB + archived_under,)]
    former = [(MALIWEB + "/a-1.html",)] if archived_under != "/a-1.html" else []
    assert conn.execute("SELECT url FROM article_urls WHERE article_id = ?", (ingested.changes.article_id,)).fetchall() == former


def test_a_generic_crawl_keeps_a_wordpress_post_whose_slug_changed_as_one_article(tmp_path):
    site = synthetic_site(6, seed=3)
    new = site.store.article(BASE_ID + INDEX).path
    changing = SlugChange(site, OLD, new)
    db = tmp_path / "archive.db"
    with serve(changing) as served:
        run_cli("crawl", "generic", "-a", f"urls={served.base_url}{OLD}", *FAST_CRAWL, db=db)
        changing.moved = True
        second = run_cli("crawl", "generic", "-a", f"urls={served.base_url}{new}", *FAST_CRAWL, db=db).stdout
        base = served.base_url
    assert "(0 new, 1 moved to a new URL)" in second
    assert query(db, "SELECT url, post_id FROM articles") == [(base + new, str(BASE_ID + INDEX))]
    assert query(db, "SELECT url FROM article_urls") == [(base + OLD,)]
    assert archived_thread(db, base + new) == thread_of(site, INDEX)
