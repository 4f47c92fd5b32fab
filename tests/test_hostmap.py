"""NEWSARCHIVE_HOST_MAP on its own: a site's real host served from 127.0.0.1, the archive keeping the real URLs."""
from __future__ import annotations

import json
import sqlite3

import pytest

from conftest import FAST_CRAWL, run_cli
from newsarchive.hostmap import HostMap, parse_host_map
from newsarchive.replica import serve
from newsarchive.replica.disqus import ARTICLE_PATH, DisqusArticleSite, disqus_api
from newsarchive.replica.site import redirect

REAL = "http://news.sahel.example"


class MovedArticleSite(DisqusArticleSite):
    """The Disqus article, an old address that redirects to it (an absolute Location on the
    server's own base, as servers write it) and a page that is gone."""

    def resolve(self, path_and_query, base_url):
        if path_and_query == "/ancien-lien.html":
            return redirect(base_url.rstrip("/") + ARTICLE_PATH)
        return super().resolve(path_and_query, base_url)


@pytest.fixture
def news():
    with serve(MovedArticleSite(disqus_api())) as served:
        yield served


def test_a_mapped_site_is_archived_under_its_real_urls(tmp_path, news):
    db = tmp_path / "a.db"
    host_map = json.dumps({"news.sahel.example": news.base_url, "disqus.com": news.base_url})
    run_cli("crawl", "generic", "-a", f"urls={REAL}/ancien-lien.html,{REAL}/disparu-9.html", *FAST_CRAWL,
            "-s", f"NEWSARCHIVE_HOST_MAP={host_map}", db=db, timeout=180)
    conn = sqlite3.connect(db)
    captured = [row[0] for row in conn.execute("SELECT url FROM captures ORDER BY id")]
    assert captured[0] == REAL + ARTICLE_PATH  # the redirect's target, on the real host
    assert all(url.startswith((REAL, "https://disqus.com/api/3.0/")) for url in captured)
    assert len(captured) == 2  # the article page and one page of its Disqus thread
    assert [row[0] for row in conn.execute("SELECT url FROM failures")] == [REAL + "/disparu-9.html"]
    assert not [url for (url,) in conn.execute("SELECT url FROM articles") if "127.0.0.1" in url]
    asked = news.requested_paths()
    assert asked.count("/robots.txt") == 2  # robots.txt of each real host, asked of the mapped base
    assert "/ancien-lien.html" in asked and ARTICLE_PATH in asked


def test_the_setting_reads_json_and_refuses_what_is_not_a_base_url():
    mapping = parse_host_map('{"Disqus.com": "http://127.0.0.1:9001/"}')
    assert mapping == {"disqus.com": "http://127.0.0.1:9001"}
    host_map = HostMap(mapping)
    assert host_map.wire_url("https://disqus.com/api/3.0/x.json?a=1") == "http://127.0.0.1:9001/api/3.0/x.json?a=1"
    assert host_map.wire_url("https://other.example/") is None
    assert host_map.real_url("http://127.0.0.1:9001/y", "https://disqus.com") == "https://disqus.com/y"
    assert parse_host_map("") == {}
    for bad in ('["disqus.com"]', '{"disqus.com": "ftp://x"}', '{"disqus.com": "127.0.0.1:9001"}'):
        with pytest.raises(ValueError):
            parse_host_map(bad)


def test_a_crawl_with_a_bad_map_stops_before_fetching_anything(tmp_path, news):
    result = run_cli("crawl", "generic", "-a", f"urls={REAL}{ARTICLE_PATH}", *FAST_CRAWL,
                     "-s", 'NEWSARCHIVE_HOST_MAP={"news.sahel.example": "127.0.0.1:1"}', db=tmp_path / "a.db",
                     check=False)
    assert result.returncode != 0 and "not an http(s) base URL" in result.stderr
    assert news.requested_paths() == []
