"""Page objects register by name, site and URL; a capture keeps the page type it was read with, and
``reextract`` reads with it (else with the page registered for the URL), with no spider."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from conftest import run_cli
from newsarchive.db import open_archive, store
from newsarchive.items import FetchedPage
from newsarchive.pages.registry import PAGE_TYPES, SITES, load_pages, page_type_for
from newsarchive.threads.registry import family_named

SEED = Path(__file__).parent / "fixtures" / "maliweb" / "seed.html"
PATH = "/politique/diplomatie/mali-russie-les-ministres-diop-et-camara-a-moscou-2968048.html"


def test_page_objects_register_themselves():
    assert sorted(load_pages()) == ["generic", "maliweb"]
    assert PAGE_TYPES["maliweb"].page_type == "maliweb" and SITES["maliweb"] == "maliweb.net"
    assert page_type_for("https://www.maliweb.net" + PATH) == "maliweb"
    assert page_type_for("https://example.org" + PATH) == "generic"


def test_a_page_type_names_a_registered_comment_family_or_none():
    named = {name: page.comment_family for name, page in load_pages().items()}
    assert named["maliweb"] == "wordpress" and named["generic"] is None
    for family in filter(None, named.values()):
        assert family_named(family).name == family
    with pytest.raises(KeyError):
        family_named("no-such-family")


@pytest.mark.parametrize("url, page_type, read_as", [
    ("http://127.0.0.1:8000" + PATH, "maliweb", "maliweb"),  # the stored page type wins
    ("https://www.maliweb.net" + PATH, None, "maliweb"),     # none stored: the URL's page type
    ("http://127.0.0.1:8000" + PATH, None, "generic"),
])
def test_reextract_reads_a_capture_with_its_page_type(tmp_path, url, page_type, read_as):
    db = tmp_path / "archive.db"
    conn = open_archive(db).conn
    page = FetchedPage(url=url, status=200, headers=[("Content-Type", "text/html; charset=UTF-8")],
                       body=SEED.read_bytes(), fetched_at="2024-03-01T10:00:00Z")
    store.store_capture(conn, page, url, None, page_type=page_type)  # no crawl, no spider
    conn.close()
    run_cli("reextract", db=db)
    with sqlite3.connect(db) as conn:
        post_id, site = conn.execute("SELECT post_id, site FROM articles").fetchone()
        assert conn.execute("SELECT page_type FROM captures").fetchone()[0] == page_type
    # both read WordPress's post id; only the maliweb page archives under maliweb.net
    assert post_id is not None and site == ("maliweb.net" if read_as == "maliweb" else "")
