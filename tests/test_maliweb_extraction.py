"""maliweb extraction on saved replica pages, checked field by field against what a careful reader sees."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsarchive.extraction import extract
from newsarchive.items import Capture, FetchedPage
from newsarchive.replica import synthetic_site

FIXTURES = Path(__file__).parent / "fixtures" / "maliweb"
CASES = sorted(p.stem for p in FIXTURES.glob("*.json")
               if json.loads(p.read_text())["article"].get("kind") == "article"
               and not p.stem.endswith("comment-page-1"))
ARTICLE_FIELDS = ("post_id", "headline", "authors", "posted_by", "date_published", "date_published_raw",
                  "date_modified", "section", "tags", "main_image_url", "in_language",
                  "comment_count_declared", "comments_widget", "article_body")
COMMENT_FIELDS = ("comment_id", "parent_comment_id", "depth", "position", "type", "author_name",
                  "author_url", "date_published", "date_published_raw", "text")


def _capture(case: dict) -> Capture:
    pages = [FetchedPage(url=_page_url(case, name), status=200,
                         headers=[("Content-Type", case["content_type"])],
                         body=(FIXTURES / name).read_bytes(), fetched_at="2024-03-01T12:00:00Z")
             for name in case["capture_pages"]]
    return Capture(url=case["url"], site="maliweb.net", spider="test", pages=pages, page_type="maliweb")


def _page_url(case: dict, name: str) -> str:
    if name.endswith("comment-page-1.html"):
        return case["url"] + "/comment-page-1"
    return case["url"]


def _load(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


@pytest.mark.parametrize("name", CASES)
def test_article_fields(name):
    case = _load(name)
    article = extract(_capture(case))
    expected = case["article"]
    for field in ARTICLE_FIELDS:
        assert getattr(article, field) == expected[field], field


@pytest.mark.parametrize("name", CASES)
def test_comment_thread(name):
    case = _load(name)
    article = extract(_capture(case))
    got = [{f: getattr(c, f) for f in COMMENT_FIELDS} for c in article.comments]
    want = [{f: c[f] for f in COMMENT_FIELDS} for c in case["article"]["comments"]]
    assert [c["comment_id"] for c in got] == [c["comment_id"] for c in want]
    for mine, theirs in zip(got, want):
        assert mine == theirs


def test_seed_article_is_the_careful_transcription():
    article = extract(_capture(_load("seed")))
    assert len(article.comments) == 21 == article.comment_count_declared
    assert article.authors == ["Cheick Moctar TRAORE"] and article.posted_by == "Rédaction"
    assert article.article_body.endswith("Cheick Moctar TRAORE")
    assert article.article_body.startswith("Après les succès réalisés")
    assert max(c.depth for c in article.comments) == 3
    assert "Commentaires via Facebook" not in article.article_body
    assert "REPONDRE" not in " ".join(c.text for c in article.comments)


def test_seed_comment_page_alone_has_the_eight_older_comments():
    case = _load("seed")
    capture = _capture(case)
    older = [p for p in capture.pages if p.url.endswith("comment-page-1")]
    capture.pages = older
    capture.url = older[0].url
    assert len(extract(capture).comments) == 8


# A sidebar of readers' reactions marked as schema.org comments: not the article's thread.
REACTIONS_WIDGET = ('<aside class="td_block_widget"><h4 class="block-title">Réactions des lecteurs</h4>' + "".join(
    f'<div itemscope itemtype="https://schema.org/Comment"><span itemprop="author">{who}</span>'
    f'<p itemprop="text">{text}</p></div>'
    for who, text in [("Awa", "Sur la crise du ciment : les grossistes doivent baisser leurs marges."),
                      ("Moussa", "Sur la CAN : bravo aux Aigles, quel match à Yamoussoukro !")]) + "</aside>")


def _synthetic_article(with_comments: bool) -> tuple[Capture, bytes]:
    """The first replica article (from ``synthetic_site``) with or without comments, its page."""
    site = synthetic_site(40)
    base = "https://www.maliweb.net"
    for index in range(40):
        path = site.store.article_path(index)
        body = site.resolve(path, base).body
        if (b'class="comment ' in body) == with_comments:
            page = FetchedPage(url=base + path, status=200, headers=[("Content-Type", "text/html; charset=UTF-8")],
                               body=body, fetched_at="2024-03-01T12:00:00Z")
            return Capture(url=base + path, site="maliweb.net", spider="test", pages=[page], page_type="maliweb"), body
    raise AssertionError("the replica has no such article")


def test_an_empty_comment_area_settles_a_maliweb_page_whatever_the_sidebar_holds():
    capture, body = _synthetic_article(with_comments=False)
    assert b'id="respond"' in body  # comments are open, and none was posted
    capture.pages[0].body = body.replace(b"</body>", REACTIONS_WIDGET.encode() + b"</body>")
    assert extract(capture).comments == []


def test_a_maliweb_page_with_comments_is_read_whatever_the_sidebar_holds():
    capture, body = _synthetic_article(with_comments=True)
    expected = [(c.comment_id, c.parent_comment_id, c.text) for c in extract(capture).comments]
    capture.pages[0].body = body.replace(b"</body>", REACTIONS_WIDGET.encode() + b"</body>")
    found = [(c.comment_id, c.parent_comment_id, c.text) for c in extract(capture).comments]
    assert found == expected and expected  # the thread, and nothing of the sidebar
