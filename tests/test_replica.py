"""The offline maliweb replica and the synthetic site, exercised over real HTTP on 127.0.0.1."""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from parsel import Selector

from newsarchive.replica import maliweb_site, serve, synthetic_site, truth

FIXTURES = Path(__file__).parent / "fixtures" / "maliweb"


def fetch(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@pytest.fixture(scope="module")
def served():
    with serve(maliweb_site("day1")) as s:
        yield s


@pytest.fixture(scope="module")
def expected():
    return {a["name"]: a for a in truth("day1")["articles"] if a["name"]}


def test_discovery_endpoints_answer_with_the_right_types(served):
    status, headers, body = fetch(served.url("/robots.txt"))
    assert (status, headers["Content-Type"]) == (200, "text/plain; charset=utf-8")
    assert "Disallow: /wp-admin/" in body.decode() and f"Sitemap: {served.base_url}/wp-sitemap.xml" in body.decode()
    status, headers, body = fetch(served.url("/feed/"))
    assert status == 200 and headers["Content-Type"].startswith("application/rss+xml")
    feed = Selector(text=body.decode(), type="xml")
    assert len(feed.xpath("//item")) == 10
    assert feed.xpath("//item/guid/text()").get().startswith(f"{served.base_url}/?p=")
    assert "+0000" in feed.xpath("//item/pubDate/text()").get()
    feed.register_namespace("slash", "http://purl.org/rss/1.0/modules/slash/")
    assert "21" in feed.xpath("//item/slash:comments/text()").getall()
    for path in ("/wp-sitemap.xml", "/wp-sitemap-posts-post-1.xml"):
        status, headers, body = fetch(served.url(path))
        assert status == 200 and headers["Content-Type"] == "application/xml; charset=UTF-8"
    urls = Selector(text=body.decode(), type="xml").xpath("//*[local-name()='lastmod']")
    assert len(urls) == len(truth("day1")["discovery"]["all_post_urls"])


def test_every_response_has_a_correct_content_length_and_head_has_no_body(served, expected):
    seed = served.url(expected["seed"]["path"])
    status, headers, body = fetch(seed)
    assert status == 200 and headers["Content-Type"] == "text/html; charset=UTF-8"
    assert int(headers["Content-Length"]) == len(body)
    status, head_headers, head_body = fetch(seed, "HEAD")
    assert status == 200 and head_body == b"" and head_headers["Content-Length"] == headers["Content-Length"]


def test_seed_article_shows_13_comments_and_its_first_page_8(served, expected):
    seed = expected["seed"]
    newest = Selector(text=fetch(served.url(seed["path"]))[2].decode())
    oldest = Selector(text=fetch(served.url(seed["path"] + "/comment-page-1"))[2].decode())
    assert len(newest.css("#comments li.comment")) == 13 and len(oldest.css("#comments li.comment")) == 8
    for page in (newest, oldest):
        assert page.css("#comments .td-comments-title span::text").get() == "21 COMMENTAIRES"
        assert page.css("link[rel=shortlink]::attr(href)").get() == served.url(f"/?p={seed['post_id']}")
    assert newest.css(".comment-pagination a::attr(href)").getall() == [served.url(seed["path"] + "/comment-page-1#comments")]
    assert oldest.css(".comment-pagination a::attr(href)").getall() == [served.url(seed["path"] + "#comments")]
    assert oldest.css("link[rel=canonical]::attr(href)").get() == served.url(seed["path"] + "/comment-page-1")
    assert [c["depth"] for c in seed["comments"][8:]] == [1, 1, 1, 1, 1, 2, 1, 1, 2, 1, 2, 2, 3]


def _page_thread(sel: Selector) -> list[tuple[str, str | None, int]]:
    """(comment id, parent id, depth) for every li.comment, rebuilt from DOM nesting."""
    out = []
    for li in sel.css("#comments ol.comment-list li.comment"):
        parents = li.xpath("ancestor::li[contains(@class, 'comment')]/@id").getall()
        out.append((li.attrib["id"].split("-")[1], parents[-1].split("-")[1] if parents else None, len(parents) + 1))
    return out


def test_pages_carry_exactly_the_truth(served):
    for art in truth("day1")["articles"]:
        if art["truncated"]:
            continue
        for page_no, page_path in enumerate(art["comment_pages"], 1):
            sel = Selector(text=fetch(served.url(page_path))[2].decode())
            wanted = [(c["comment_id"], c["parent_comment_id"], c["depth"]) for c in art["comments"] if c["page"] == page_no]
            assert _page_thread(sel) == wanted, page_path
            stamps = sel.css("#comments li.comment > article > footer time::attr(pubdate)").getall()
            assert [time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(s))) for s in stamps] == \
                   [c["date_published"] for c in art["comments"] if c["page"] == page_no]
        headline = sel.css("h1.entry-title::text, h1.tdb-title-text::text").get()
        assert headline == art["headline"] and f"postid-{art['post_id']}" in sel.css("body::attr(class)").get()


def test_markup_traps_are_present(served, expected):
    tdb = Selector(text=fetch(served.url(expected["tdb"]["path"]))[2].decode())
    assert tdb.css("article::attr(id)").get() == "template-id-2050001"
    assert tdb.css("#tdb-autoload-article::attr(data-autoload-org-post-id)").get() == expected["tdb"]["post_id"]
    assert tdb.css(".tdb_single_date time::text").get() == "il y a 2 jours"
    raw = fetch(served.url(expected["seed"]["path"] + "/comment-page-1"))[2].decode()
    assert "je dis &lt;b&gt;non&lt;/b&gt;" in raw and "r&#233;sultats" not in raw and "C&#8217;est l&#8217;avis" in raw
    seed = Selector(text=raw)
    assert seed.css('meta[itemprop="headline "]::attr(content)').get() == expected["seed"]["headline"]
    assert any(h.startswith("https://www.maliweb.net/") for h in seed.css(".td_block_related_posts a::attr(href)").getall())
    depth5 = Selector(text=fetch(served.url(expected["depth5"]["path"]))[2].decode())
    deepest = depth5.css("li.comment li.comment li.comment li.comment li.comment")
    assert len(deepest) == 1 and not deepest.css("a.comment-reply-link")
    closed = Selector(text=fetch(served.url(expected["closed"]["path"]))[2].decode())
    assert not closed.css("a.comment-reply-link, #respond")
    assert closed.css("#comments > p.td-pb-padding-side::text").get() == "Les commentaires sont fermés."
    assert Selector(text=fetch(served.url(expected["pingback"]["path"]))[2].decode()).css("li.comment.pingback cite a")
    fb_only = Selector(text=fetch(served.url(expected["facebook-only"]["path"]))[2].decode())
    assert fb_only.css("div.fb-comments") and not fb_only.css("ol.comment-list")
    bare = Selector(text=fetch(served.url(expected["no-comments"]["path"]))[2].decode())
    assert not bare.css("#comments, div.fb-comments")


def test_edge_cases_serve_what_truth_says(served):
    for edge in truth("day1")["edge_cases"]:
        status, headers, body = fetch(served.url(edge["path"]))
        assert status == edge["status"] and headers["Content-Type"] == edge["content_type"], edge["name"]
        assert int(headers["Content-Length"]) == len(body)
    truncated = next(e for e in truth("day1")["edge_cases"] if e["kind"] == "truncated")
    body = fetch(served.url(truncated["path"]))[2]
    assert not body.rstrip().endswith(b"</html>") and f'id="comment-{truncated["partial_comment_id"]}"'.encode() in body
    assert fetch(served.url("/pdf-nowhere-1.html"))[0] == 404


def test_requests_are_recorded_and_forbidden_areas_answer(served, expected):
    reply = expected["seed"]["path"] + f"?replytocom={expected['seed']['comments'][9]['comment_id']}"
    assert fetch(served.url(reply))[0] == 200 and fetch(served.url("/wp-admin/"))[0] == 200
    assert ("GET", reply) in served.requests and ("GET", "/wp-admin/") in served.requests
    status, headers, _ = fetch(served.url(f"/?p={expected['seed']['post_id']}"), "HEAD")
    assert status == 200  # urllib followed the shortlink's 301 to the permalink


def test_concurrent_requests(served, expected):
    urls = [served.url(a["path"]) for a in expected.values()] * 3
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(lambda u: fetch(u)[0], urls))
    assert statuses == [200] * len(urls)
    assert not served.errors


def _body(site, path: str) -> bytes | None:
    res = site.resolve(path, "http://h")
    return res and res.body


def test_day2_differs_only_as_specified():
    day1, day2 = maliweb_site("day1"), maliweb_site("day2")
    changes = truth("day2")["changes"]
    pages = set(truth("day1")["discovery"]["all_post_urls"])
    pages |= {page for a in truth("day1")["articles"] for page in a["comment_pages"]}
    differing = {p for p in pages if _body(day1, p) != _body(day2, p)}
    assert differing == set(changes["changed_article_pages"])
    seed2 = next(a for a in truth("day2")["articles"] if a["name"] == "seed")
    assert seed2["comment_count_declared"] == 22
    assert changes["new_comment"]["comment_id"] in {c["comment_id"] for c in seed2["comments"] if c["page"] == 2}
    tdb2 = next(a for a in truth("day2")["articles"] if a["name"] == "tdb")
    assert changes["removed_comment"]["comment_id"] not in {c["comment_id"] for c in tdb2["comments"]}
    assert tdb2["comment_count_declared"] == 3
    new = changes["new_article"]["article"]
    for listing in ("/feed/", "/wp-sitemap-posts-post-1.xml", "/", "/category/societe/"):
        assert new.encode() in _body(day2, listing) and new.encode() not in _body(day1, listing)
    edited = _body(day2, changes["edited_article"]["article"]).decode()
    assert changes["edited_article"]["new_headline"] in edited


def test_swapping_the_site_keeps_the_port(expected):
    with serve(maliweb_site("day1")) as s:
        base = s.base_url
        assert b"21 COMMENTAIRES" in fetch(s.url(expected["seed"]["path"]))[2]
        s.site = maliweb_site("day2")
        assert s.base_url == base and b"22 COMMENTAIRES" in fetch(s.url(expected["seed"]["path"]))[2]


def test_synthetic_site_scales_lazily():
    site = synthetic_site(10_000)
    started = time.perf_counter()
    with serve(site) as s:
        status, _, body = fetch(s.url(site.store.article_path(9999)))
        assert status == 200 and len(body) > 60_000
        assert body == fetch(s.url(site.store.article_path(9999)))[2]
        index = fetch(s.url("/wp-sitemap.xml"))[2].decode()
        assert index.count("wp-sitemap-posts-post-") == 5
        assert fetch(s.url("/category/sport/page/2/"))[0] == 200
    assert time.perf_counter() - started < 2


def test_fixtures_match_a_fresh_render():
    import importlib.util
    spec = importlib.util.spec_from_file_location("save", Path(__file__).parent.parent / "tools" / "save_replica_fixtures.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    for name, (body, meta) in tool.fixture_files().items():
        assert (FIXTURES / f"{name}.html").read_bytes() == body, f"re-run tools/save_replica_fixtures.py ({name})"
        assert json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8")) == meta
