"""Every comment family that paginates has its comment pages fetched by a real crawl on 127.0.0.1."""
from __future__ import annotations

import html
import json
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from lxml import html as lxml_html

from conftest import FAST_CRAWL, run_cli
from newsarchive.crawl import comment_page_hrefs, page_key
from newsarchive.threads import ThreadContext, choose_parser

FIXTURES = Path(__file__).parent / "fixtures"

PER_PAGE = 3
PAGES = 3
HEAD = ('<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{title}</title>'
        '<meta property="og:title" content="{title}"></head><body>'
        '<h1>{title}</h1><div class="texte"><p>Le gouvernement a annoncé de nouvelles mesures pour les'
        ' routes du pays, et les habitants attendent de voir ce qui changera dans les prochains mois.</p></div>')


def spip_page(page: int) -> str:
    """An article of SPIP's squelettes-dist: forum messages 20 a page, ``debut_forums=`` links."""
    messages = "".join(
        f'<li class="forum-fil"><div class="forum-message"><div class="forum-chapo">'
        f'<strong class="forum-titre"><a href="#forum{n}" name="forum{n}" id="forum{n}">Sujet {n}</a></strong>'
        f'<small>12 mai 2016 10:0{page}, par <span>Lecteur {n}</span></small></div>'
        f'<div class="forum-texte"><p>Message numéro {n} du forum.</p></div>'
        f'<div class="forum-repondre"><a href="spip.php?page=forum&amp;id_article=7&amp;id_forum={n}"'
        f' rel="nofollow">Répondre à ce message</a></div></div></li>'
        for n in _numbers(page))
    links = " | ".join(f"<strong class='on'>{p + 1}</strong>" if p == page else
                       f'<a href="spip.php?article7{f"&amp;debut_forums={p * 20}" if p else ""}#forum"'
                       f' class="lien_pagination">{p + 1}</a>' for p in range(PAGES))
    return (HEAD.format(title="Les routes du pays") + '<div class="forum-section"><h2>Vos réactions</h2>'
            f'<ul class="forum" id="navforum">{messages}</ul><p class="pagination">{links}</p></div></body></html>')


def drupal_page(page: int) -> str:
    """A Drupal 7 node: ``a#comment-N`` anchors, the pager's ``?page=N`` links (0 is the node)."""
    comments = "".join(
        f'<a id="comment-{n}"></a><div class="comment comment-published clearfix">'
        f'<div class="submitted">par <span class="username">Lecteur {n}</span> le 7 mai 2020 - 12:3{page}.</div>'
        f'<div class="content"><p>Commentaire numéro {n}.</p></div></div>'
        for n in _numbers(page))
    items = "".join(f'<li class="pager-current">{p + 1}</li>' if p == page else
                    f'<li class="pager-item"><a href="/node/55{f"?page={p}" if p else ""}">{p + 1}</a></li>'
                    for p in range(PAGES))
    return (HEAD.format(title="Libre cours") + '<div id="comments" class="comment-wrapper">'
            f'<h2>Commentaires</h2>{comments}<div class="item-list"><ul class="pager">{items}</ul></div>'
            '</div></body></html>')


def phpbb_page(page: int) -> str:
    """A phpBB topic (prosilver): ``div.post#pN`` posts, the pagination's ``&start=N`` links."""
    posts = "".join(
        f'<div id="p{n}" class="post has-profile bg2"><div class="inner"><dl class="postprofile">'
        f'<dt><a href="./memberlist.php?mode=viewprofile&amp;u={n}" class="username">Lecteur {n}</a></dt></dl>'
        f'<div class="postbody"><div id="post_content{n}"><h3><a href="#p{n}">Re: Les routes</a></h3>'
        f'<p class="author">par <strong><a href="./memberlist.php?mode=viewprofile&amp;u={n}" class="username">'
        f'Lecteur {n}</a></strong> » <time datetime="2024-03-02T08:1{page}:00+00:00">2 mars 2024</time></p>'
        f'<div class="content">Message numéro {n} du sujet.</div></div></div></div></div>'
        for n in _numbers(page))
    links = "".join(f'<li class="active"><span>{p + 1}</span></li>' if p == page else
                    f'<li><a class="button" href="./viewtopic.php?t=2210{f"&amp;start={p * PER_PAGE}" if p else ""}"'
                    f' role="button">{p + 1}</a></li>' for p in range(PAGES))
    return (HEAD.format(title="Les routes du pays") + f'<div class="pagination"><ul>{links}</ul></div>'
            f'{posts}</body></html>')


def vbulletin_page(page: int) -> str:
    """A vBulletin 4 thread: ``li.postcontainer#post_N`` posts, the pagination's ``&page=N`` links."""
    posts = "".join(
        f'<li class="postbitlegacy postbitim postcontainer old" id="post_{n}"><div class="posthead">'
        f'<span class="date">02-03-2024,&nbsp;<span class="time">18:3{page}</span></span></div>'
        f'<div class="userinfo"><div class="username_container"><a class="username" href="member.php?u={n}">'
        f'<strong>Lecteur {n}</strong></a></div></div><div class="postbody"><div class="content">'
        f'<div id="post_message_{n}"><blockquote class="postcontent restore">Message numéro {n}.</blockquote>'
        f'</div></div></div></li>' for n in _numbers(page))
    links = "".join(f'<span class="selected"><a href="javascript://">{p + 1}</a></span>' if p == page else
                    f'<span><a href="showthread.php?t=3301{f"&amp;page={p + 1}" if p else ""}">{p + 1}</a></span>'
                    for p in range(PAGES))
    return (HEAD.format(title="Les routes du pays") + f'<div class="pagination_top"><form class="pagination">'
            f'{links}</form></div><ol id="posts" class="posts">{posts}</ol></body></html>')


def discourse_page(page: int) -> str:
    """A Discourse topic's crawler view: ``div#post_N.crawler-post``, ``rel=next``/``rel=prev`` ``?page=N`` links."""
    posts = "".join(
        f"<div id='post_{n}' itemprop='comment' class='topic-body crawler-post'><div class='crawler-post-meta'>"
        f"<span class='creator' itemprop='author'><a href='/u/reader{n}'><span itemprop='name'>reader{n}</span></a>"
        f"</span><span class='crawler-post-infos'><time datetime='2024-03-04T15:2{page}:00Z' class='post-time'>"
        f"March 4, 2024</time><span itemprop='position'>{n}</span></span></div>"
        f"<div class='post' itemprop='text'><p>Post number {n} of the topic.</p></div></div>"
        for n in _numbers(page))
    links = "".join(f"<a rel='{rel}' href='/t/les-routes/5120{f'?page={p + 1}' if p else ''}'>{rel}</a>"
                    for rel, p in (("prev", page - 1), ("next", page + 1)) if 0 <= p < PAGES)
    return (HEAD.format(title="Les routes du pays") + f"<div id='main-outlet'>{posts}"
            f"<div role='navigation' class='topic-body crawler-post'>{links}</div></div></body></html>")


def _numbers(page: int) -> range:
    return range(1000 + page * PER_PAGE, 1000 + (page + 1) * PER_PAGE)


SITES = {  # family: (article path, the page served for a request)
    "spip": ("/spip.php?article7", lambda query: spip_page(int(query.get("debut_forums", ["0"])[0]) // 20)),
    "drupal": ("/node/55", lambda query: drupal_page(int(query.get("page", ["0"])[0]))),
    "phpbb": ("/viewtopic.php?t=2210", lambda query: phpbb_page(int(query.get("start", ["0"])[0]) // PER_PAGE)),
    "discourse": ("/t/les-routes/5120", lambda query: discourse_page(int(query.get("page", ["1"])[0]) - 1)),
    "vbulletin": ("/showthread.php?t=3301", lambda query: vbulletin_page(int(query.get("page", ["1"])[0]) - 1)),
}


class ForumSite:
    """Serves one family's article and its comment pages; records the paths asked for."""

    def __init__(self, family: str):
        self.paths: list[str] = []
        render = SITES[family][1]
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                site.paths.append(self.path)
                body = render(parse_qs(urlsplit(self.path).query)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize("family", sorted(SITES))
def test_a_crawl_archives_every_comment_page(tmp_path, family):
    site = ForumSite(family)
    try:
        url = site.base + SITES[family][0]
        db = tmp_path / "archive.db"
        run_cli("crawl", "generic", "-a", f"urls={url}", *FAST_CRAWL, db=db, timeout=180)
        document = json.loads(run_cli("show", url, "--json", db=db).stdout)
    finally:
        site.close()
    ids = [comment["comment_id"] for comment in document["comments"]]
    assert ids == [str(n) for page in range(PAGES) for n in _numbers(page)]
    assert document["comments_archived"] == PAGES * PER_PAGE
    with sqlite3.connect(db) as conn:  # the crawl records which page object read each capture
        assert conn.execute("SELECT COUNT(*), MIN(page_type), MAX(page_type) FROM captures").fetchone() == (
            PAGES, "generic", "generic")


def _pages() -> list[tuple[str, bytes]]:
    files = sorted((FIXTURES / "threads").glob("*.html")) + sorted((FIXTURES / "maliweb").glob("*.html")) \
        + sorted((FIXTURES / "families" / "html").glob("*.html"))
    pages = [(file.name, file.read_bytes()) for file in files]
    pages += [("spip page 2", spip_page(1).encode()), ("drupal page 2", drupal_page(1).encode()),
              ("phpbb page 2", phpbb_page(1).encode()), ("vbulletin page 2", vbulletin_page(1).encode()),
              ("discourse page 2", discourse_page(1).encode())]
    return pages


@pytest.mark.parametrize("name, body", _pages(), ids=[name for name, _ in _pages()])
def test_the_crawl_scan_finds_every_comment_page_the_family_links(name, body):
    url = "https://example.org/node/55"
    parser = choose_parser(lxml_html.fromstring(body))
    on_tree = parser.pagination_links(lxml_html.fromstring(body), ThreadContext(page_url=url)) if parser else []
    on_bytes = {page_key(urljoin(url, html.unescape(href.decode()))) for href in comment_page_hrefs(body)}
    assert set(on_tree) <= on_bytes
    if name.endswith("page 2"):
        assert on_tree  # the page links the next one
