"""URL routing of a WordPress + Newspaper site over a data store (maliweb replica or synthetic)."""
from __future__ import annotations

import re
from typing import Protocol
from urllib.parse import parse_qs, urlsplit

from .article_page import article_page
from .binary import TINY_JPEG, tiny_pdf
from .chrome import Ctx
from .feeds import RSS, XML, comments_feed, robots_txt, site_feed, sitemap_index, urlset
from .listing import listing_page, login_page, not_found_page, simple_page
from .model import Account, Article, Category
from .site import Resource, Site, html_page, redirect, text_file

_ARTICLE = re.compile(r"^/(?P<cat>[a-z0-9-]+(?:/[a-z0-9-]+)*)/(?P<slug>[a-z0-9-]+)-(?P<id>\d+)\.html"
                      r"(?:/comment-page-(?P<cpage>\d+)|/(?P<feed>feed))?/?$")
_ARCHIVE = re.compile(r"^/(?:(?P<kind>category|tag|author)/(?P<key>[a-z0-9/-]+?)/)?(?:page/(?P<page>\d+)/)?$")
_SITEMAP = re.compile(r"^/wp-sitemap-posts-post-(\d+)\.xml$")


class Store(Protocol):
    """The data a WordPressSite renders; ``now`` is the snapshot time (Unix seconds)."""

    site_name: str
    now: int
    css_weight: int
    categories: dict[str, Category]
    accounts: dict[str, Account]
    static_pages: dict[str, tuple[str, list[str]]]

    def article(self, post_id: int) -> Article | None: ...
    def listing(self, kind: str, key: str, page: int) -> tuple[list[Article], int] | None: ...
    def latest(self, n: int) -> list[Article]: ...
    def sitemap_pages(self) -> int: ...
    def sitemap_page(self, n: int) -> list[tuple[str, int]]: ...
    def related(self, a: Article) -> list[Article]: ...
    def adjacent(self, a: Article) -> tuple[Article | None, Article | None]: ...
    def popular(self) -> list[Article]: ...
    def live_links(self) -> list[tuple[str, str]]: ...


class WordPressSite(Site):
    """Answers WordPress URLs (articles, comment pages, archives, feeds, sitemaps) from a Store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def resolve(self, path_and_query: str, base_url: str) -> Resource | None:
        ctx = Ctx(base_url.rstrip("/"), self.store)
        parts = urlsplit(path_and_query)
        path, query = parts.path or "/", parse_qs(parts.query)
        for route in (self._special, self._article, self._archive, self._assets):
            res = route(ctx, path, query)
            if res is not None:
                return res
        if not path.endswith("/") and "." not in path.rsplit("/", 1)[-1]:
            slashed = self.resolve(path + "/", base_url)
            return redirect(ctx.u(path + "/")) if slashed and slashed.status == 200 else None
        return None

    def not_found(self, base_url: str) -> Resource:
        return html_page(not_found_page(Ctx(base_url.rstrip("/"), self.store)), 404)

    def _special(self, ctx: Ctx, path: str, query: dict) -> Resource | None:
        s = self.store
        if path == "/" and "p" in query:
            a = s.article(int(query["p"][0])) if query["p"][0].isdigit() else None
            return redirect(ctx.permalink(a)) if a else None
        if path == "/robots.txt":
            return text_file(robots_txt(ctx), "text/plain; charset=utf-8")
        if path == "/feed/":
            return text_file(site_feed(ctx, s.latest(10)), RSS)
        if path == "/wp-sitemap.xml":
            return text_file(sitemap_index(ctx, s.sitemap_pages()), XML)
        if m := _SITEMAP.match(path):
            n = int(m.group(1))
            return text_file(urlset(ctx, s.sitemap_page(n)), XML) if 1 <= n <= s.sitemap_pages() else None
        if path == "/wp-sitemap-posts-page-1.xml":
            return text_file(urlset(ctx, [(p, s.now) for p in s.static_pages]), XML)
        if path == "/wp-sitemap-taxonomies-category-1.xml":
            return text_file(urlset(ctx, [(f"/category/{c}/", None) for c in s.categories]), XML)
        if path in s.static_pages:
            return html_page(simple_page(ctx, *s.static_pages[path]))
        if path.startswith(("/wp-admin", "/wp-login.php")):
            return html_page(login_page(ctx))
        if path.startswith("/wp-json"):
            return Resource(401, b'{"code":"rest_login_required","message":"REST API restricted to authenticated users.","data":{"status":401}}',
                            "application/json; charset=UTF-8")
        return None

    def _article(self, ctx: Ctx, path: str, query: dict) -> Resource | None:
        m = _ARTICLE.match(path)
        a = self.store.article(int(m.group("id"))) if m else None
        if a is None or a.kind == "gone":
            return None
        if f"/{m.group('cat')}/{m.group('slug')}-{a.id}.html" != a.path:
            return redirect(ctx.permalink(a))
        if a.kind != "article":
            return _edge(ctx, a)
        if m.group("feed"):
            return text_file(comments_feed(ctx, a), RSS) if a.comment_status != "disabled" else None
        return _article_answer(ctx, a, m.group("cpage"), query)

    def _archive(self, ctx: Ctx, path: str, query: dict) -> Resource | None:
        m = _ARCHIVE.match(path)
        if not m:
            return None
        kind, key, page_no = m.group("kind") or "home", m.group("key") or "", int(m.group("page") or 1)
        found = self.store.listing(kind, key, page_no)
        if found is None or (page_no > 1 and not found[0]):
            return None
        items, pages = found
        title, trail = self._archive_title(kind, key)
        root = "/" if kind == "home" else f"/{kind}/{key}/"
        body_class = {"home": "home blog", "category": f"archive category category-{key.rsplit('/', 1)[-1]}",
                      "tag": f"archive tag tag-{key}", "author": f"archive author author-{key}"}[kind]
        return html_page(listing_page(ctx, title=title, root=root, trail=trail, items=items,
                                      page_no=page_no, pages=pages, body_class=body_class))

    def _archive_title(self, kind: str, key: str) -> tuple[str, list[tuple[str, str]]]:
        s = self.store
        if kind == "category":
            parts = key.split("/")
            chain = [s.categories["/".join(parts[:i + 1])] for i in range(len(parts))]
            return chain[-1].name, [(c.name, f"/category/{c.path}/") for c in chain[:-1]]
        if kind == "author":
            return s.accounts[key].name, []
        if kind == "tag":
            return key.replace("-", " ").capitalize(), []
        return "Toute l’actualité du Mali", []

    def _assets(self, ctx: Ctx, path: str, query: dict) -> Resource | None:
        if path.startswith("/wp-content/uploads/") and path.endswith((".jpg", ".png")):
            return Resource(200, TINY_JPEG, "image/jpeg")
        if path.startswith(("/wp-content/", "/wp-includes/")) and path.endswith((".css", ".js")):
            kind = "text/css" if path.endswith(".css") else "application/javascript"
            return Resource(200, b"/* replica */\n", f"{kind}; charset=UTF-8")
        return None


def _article_answer(ctx: Ctx, a: Article, cpage: str | None, query: dict) -> Resource | None:
    pages = len(a.comment_pages())
    if "cpage" in query and query["cpage"][0].isdigit():
        n = int(query["cpage"][0])
        return redirect(ctx.permalink(a) + f"/comment-page-{n}") if 1 <= n <= pages else None
    page_no = int(cpage) if cpage else pages
    if not 1 <= page_no <= pages or (cpage and a.comment_status == "disabled"):
        return None
    reply_to = query.get("replytocom", [""])[0]
    html = article_page(ctx, a, page_no, int(reply_to) if reply_to.isdigit() else None)
    return html_page(html, headers=[("Link", f'<{ctx.u("/wp-json/")}>; rel="https://api.w.org/"'),
                                    ("Link", f'<{ctx.u(f"/?p={a.id}")}>; rel=shortlink')])


def _edge(ctx: Ctx, a: Article) -> Resource:
    if a.kind == "error":
        return html_page("<!DOCTYPE html><html><head><title>Erreur WordPress</title></head><body id=\"error-page\">"
                         "<div class=\"wp-die-message\"><p>Il y a eu une erreur critique sur ce site.</p></div></body></html>", 500)
    if a.kind == "pdf":
        return Resource(200, tiny_pdf(a.slug.replace("-", " ").title()), "application/pdf",
                        [("Content-Disposition", f'inline; filename="{a.slug}.pdf"')])
    full = article_page(ctx, a, len(a.comment_pages())).encode("utf-8")
    return Resource(200, full[:truncation_offset(full, a)])


def truncation_offset(full: bytes, a: Article) -> int:
    """Where a ``truncated`` article's HTML is cut: inside the text of its third top-level comment."""
    third = a.comments[2].id
    start = full.index(f'id="comment-{third}"'.encode())
    return full.index(b'<div class="comment-content">', start) + 60
