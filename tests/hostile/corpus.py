"""The hostile corpus: each case is a path, how the server answers it, and what the archive must show."""
from __future__ import annotations

import codecs
import itertools
import os
import struct
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from conftest import MALIWEB

from .pages import article_html, comment_li
from .server import Handler, HostileServer, close_now, reset, send, stream_forever

HEADLINE = "Sécurité à Bamako : la société civile s'inquiète"
TEXT = ["Les élèves reprennent le chemin de l'école après une semaine troublée.",
        "Le ministre a annoncé des mesures « fortes » pour la rentrée."]
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40
MB = 1024 * 1024


@dataclass
class Expect:
    """What the archive must say about one case after the crawl."""

    archived: bool
    comments: int | None = None
    stage: str | tuple[str, ...] | None = None
    """The ``failures.stage`` expected (``fetch``, ``extract``, ``validate``, or one of several when
    the outcome depends on a race, e.g. where a reset lands); None: no failure."""
    reason: str | tuple[str, ...] | None = None
    """A case-insensitive substring of the failure's reason (or one of several)."""
    hits: tuple[int, int] | None = None
    """Bounds on how many times the server saw the article URL."""
    check: Callable | None = None
    """More checks: ``check(conn, article_row, server, path)``."""


@dataclass
class Case:
    name: str
    respond: Callable[[Handler], None]
    expect: Expect
    extra: dict[str, Callable[[Handler], None]] = field(default_factory=dict)
    """Other paths this case serves (comment pages, redirect targets), relative to the article URL."""

    def path(self, number: int) -> str:
        return f"/politique/{self.name}-{900000 + number}.html"


_POST_IDS = itertools.count(1)


def page(post_id: int | None = None, comments: str = "", pagination: str = "", body_html: str | None = None,
         headline: str = HEADLINE, head_extra: str = "") -> str:
    """An article page; each one a post of its own (its own WordPress post id), as on a real site."""
    post_id = next(_POST_IDS) if post_id is None else post_id
    return article_html(post_id, headline, TEXT, comments, pagination, head_extra, body_html)


def html(body: str | bytes, status: int = 200, content_type: str | None = "text/html; charset=UTF-8",
         headers: list[tuple[str, str]] | None = None) -> Callable[[Handler], None]:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return lambda h: send(h, status, data, content_type, headers)


# -- responders with behaviour ----------------------------------------------------------------

@cache
def gzip_bomb() -> bytes:
    """128 MB of zeros gzipped into about 130 KB."""
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(MB)
    return b"".join(squeeze.compress(zeros) for _ in range(128)) + squeeze.flush()


@cache
def gzip_zeros(megabytes: int, prefix: bytes = b"", suffix: bytes = b"") -> bytes:
    """One gzip member of ``prefix``, ``megabytes`` MB of zeros and ``suffix``, made in a second:
    after a full flush every megabyte of zeros deflates to the same bytes (a gigabyte in ~1 MB)."""
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 31)
    head = squeeze.compress(prefix) + squeeze.flush(zlib.Z_FULL_FLUSH)
    block = squeeze.compress(bytes(MB)) + squeeze.flush(zlib.Z_FULL_FLUSH)
    end = (squeeze.compress(suffix) + squeeze.flush())[:-8]  # the trailer is rewritten for the whole
    crc = zlib.crc32(prefix)
    for _ in range(megabytes):
        crc = zlib.crc32(bytes(MB), crc)
    size = len(prefix) + megabytes * MB + len(suffix)
    return head + block * megabytes + end + struct.pack("<II", zlib.crc32(suffix, crc), size & 0xFFFFFFFF)


def truncated(h: Handler) -> None:
    body = page(comments=comment_li(1, "Premier.") + comment_li(2, "Second.")).encode()
    cut = body[:body.index(b'<li class="comment" id="comment-2"')]
    send(h, 200, cut, length=len(body))
    close_now(h)


def reset_mid_body(h: Handler) -> None:
    body = page().encode()
    send(h, 200, body[:300], length=len(body))
    reset(h)


def headers_then_fin(h: Handler) -> None:
    """Headers promising a whole page, then a clean close (a FIN) before any body byte."""
    send(h, 200, b"", length=len(page().encode()))
    close_now(h)


def stalled(h: Handler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", "5000")
    h.end_headers()
    h.wfile.write(b"<html><head>")
    h.wfile.flush()
    time.sleep(12)
    reset(h)


def once_then(first: Callable, then: Callable) -> Callable[[Handler], None]:
    served = []

    def respond(h: Handler) -> None:
        (then if served else first)(h)
        served.append(1)
    return respond


def entity_storm() -> str:
    storm = "&amp;&eacute;&#233;&#x00E9;&nbsp;&lt;b&gt;" * 40_000
    return page(body_html=f"<p>Début {storm} fin.</p><p>{TEXT[1]}</p>")


def deep_divs(depth: int) -> str:
    return page(body_html="<div>" * depth + f"<p>{TEXT[0]}</p>" + "</div>" * depth + f"<p>{TEXT[1]}</p>")


def deep_thread(depth: int) -> str:
    inner = ""
    for cid in range(depth, 0, -1):
        inner = comment_li(cid, f"Niveau {cid}", children=inner)
    return page(comments=inner)


def many_comments(count: int) -> str:
    return page(comments="".join(comment_li(i, f"Commentaire numéro {i}.") for i in range(1, count + 1)))


def malformed() -> str:
    body = ("<p>Les élèves <b><i>reprennent</b></i> le chemin <div>de l'école<p>après une semaine"
            "</td></tr></table><span class=x y=>troublée.<p>Le ministre a annoncé <a href='/x'>des"
            " mesures<p>« fortes » pour la rentrée.</span></div></div></div>")
    return page(body_html=body).replace("</body></html>", "<table><tr><td>")


def endless_comment_page(path: str, n: int) -> Callable[[Handler], None]:
    link = f'<a href="{path}/comment-page-{n + 1}#comments">« Commentaires plus anciens</a>'
    return html(page(comments=comment_li(5000 + n, f"Page {n}."), pagination=link))


# -- expected-outcome checks ------------------------------------------------------------------

def headline_is(expected: str) -> Callable:
    def check(conn, row, server, path: str) -> None:
        assert row["headline"] == expected, row["headline"]
        assert "Sécurité" in row["headline"] and "\ufeff" not in row["article_body"]
        assert "élèves" in row["article_body"], row["article_body"][:200]
    return check


def retried_after(seconds: float) -> Callable:
    def check(conn, row, server, path: str) -> None:
        times = server.hit_times(path)
        gaps = [b - a for a, b in zip(times, times[1:])]
        assert gaps and min(gaps) >= seconds * 0.9, gaps
    return check


def body_contains(*needles: str) -> Callable:
    def check(conn, row, server, path: str) -> None:
        for needle in needles:
            assert needle in row["article_body"], (needle, row["article_body"][:300])
    return check


def thread_is(expected: list[tuple[str, str | None, int]]) -> Callable:
    """(comment_id, parent comment_id, depth) in thread order."""
    def check(conn, row, server, path: str) -> None:
        found = conn.execute(
            "SELECT c.comment_id, p.comment_id, c.depth FROM comments c"
            " LEFT JOIN comments p ON p.id = c.parent_id WHERE c.article_id = ? ORDER BY c.position",
            (row["id"],)).fetchall()
        assert [tuple(r) for r in found] == expected, found
    return check


def longest_comment_at_least(chars: int) -> Callable:
    def check(conn, row, server, path: str) -> None:
        longest = conn.execute("SELECT max(length(text)) FROM comments WHERE article_id = ?",
                               (row["id"],)).fetchone()[0]
        assert longest >= chars, longest
    return check


def comment_pages_capped(limit: int) -> Callable:
    def check(conn, row, server, path: str) -> None:
        pages = sum(1 for p, _ in server.hits if p.startswith(path + "/comment-page"))
        assert 1 <= pages <= limit + 1, pages
    return check


def frontier_is(state: str, attempts: int) -> Callable:
    """The article URL's frontier row: ``pending`` is tried again by the next crawl."""
    def check(conn, row, server, path: str) -> None:
        found = conn.execute("SELECT state, attempts, last_error FROM frontier WHERE url = ?",
                             (MALIWEB + path,)).fetchone()
        assert found is not None and tuple(found)[:2] == (state, attempts), found and tuple(found)
    return check


def cases(offsite: HostileServer | None) -> list[Case]:
    """Every hostile case (and two controls), in the order the feed lists them."""
    def utf8() -> bytes:
        return page().encode("utf-8")

    def cp1252() -> bytes:
        return page().encode("cp1252")

    big_comment = ("Un très long commentaire. " * 42_000)[:1_050_000]
    dup = comment_li(7, "Premier.") + comment_li(7, "Doublon.") + comment_li(8, "Autre.")
    cycle = comment_li(1, "Un", children=comment_li(2, "Deux", children=comment_li(1, "Un encore")))
    return [
        Case("controle-un", html(page(comments=comment_li(1, "Bien.", children=comment_li(2, "Oui.")))),
             Expect(True, 2, check=thread_is([("1", None, 1), ("2", "1", 2)]))),
        Case("cp1252-sous-entete-utf8", html(cp1252()), Expect(True, check=headline_is(HEADLINE))),
        Case("utf8-sous-entete-latin1", html(utf8(), content_type="text/html; charset=ISO-8859-1"),
             Expect(True, check=headline_is(HEADLINE))),
        Case("utf8-sans-charset", html(utf8(), content_type="text/html"),
             Expect(True, check=headline_is(HEADLINE))),
        Case("cp1252-sans-charset", html(cp1252(), content_type="text/html"),
             Expect(True, check=headline_is(HEADLINE))),
        Case("meta-utf8-octets-cp1252", html(page(head_extra='<meta charset="utf-8">').encode("cp1252"),
                                             content_type="text/html"),
             Expect(True, check=headline_is(HEADLINE))),
        Case("bom-utf8", html(codecs.BOM_UTF8 + utf8()), Expect(True, check=headline_is(HEADLINE))),
        Case("bom-utf16", html(codecs.BOM_UTF16_LE + page().encode("utf-16-le"), content_type="text/html"),
             Expect(True, check=headline_is(HEADLINE))),
        Case("pdf", html(PDF, content_type="application/pdf"),
             Expect(False, stage="extract", reason="non-HTML response: application/pdf")),
        Case("image", html(PNG, content_type="image/png"),
             Expect(False, stage="extract", reason="non-HTML response: image/png")),
        Case("binaire-en-html", html(os.urandom(64 * 1024)), Expect(False, stage="validate", reason="no headline")),
        Case("vide-200", html(b""), Expect(False, stage="extract", reason="empty response body")),
        Case("page-50-mo-annoncee", lambda h: send(h, 200, b"", length=50 * MB),
             Expect(False, stage="fetch", reason="response too large (over DOWNLOAD_MAXSIZE")),
        Case("page-50-mo-sans-longueur", lambda h: stream_forever(h, b"<p>" + b"x" * 65533, 50 * MB),
             Expect(False, stage="fetch", reason="response too large (over DOWNLOAD_MAXSIZE")),
        Case("bombe-gzip", html(gzip_bomb(), headers=[("Content-Encoding", "gzip")]),
             Expect(False, stage="fetch", reason="response too large once decompressed")),
        Case("corps-tronque", truncated, Expect(True, 1, check=thread_is([("1", None, 1)]))),
        Case("connexion-reinitialisee", reset_mid_body,
             Expect(False, stage=("fetch", "extract", "validate"), reason=("response truncated", "connection"))),
        Case("corps-vide-coupe", headers_then_fin,
             Expect(False, stage="extract", reason="empty response body (response truncated: 0 bytes received)",
                    hits=(1, 1), check=frontier_is("pending", 1))),
        Case("reponse-bloquee", stalled,
             Expect(False, stage=("fetch", "extract", "validate"), reason=("timed out", "response truncated"))),
        Case("http-404", html(b"<h1>404</h1>", 404), Expect(False, stage="fetch", reason="HTTP 404", hits=(1, 1))),
        Case("http-410", html(b"<h1>Gone</h1>", 410), Expect(False, stage="fetch", reason="HTTP 410", hits=(1, 1))),
        Case("http-500", html(b"<h1>Erreur</h1>", 500), Expect(False, stage="fetch", reason="HTTP 500 (after 4 attempts)", hits=(4, 4))),
        Case("http-503-retry-after", html(b"busy", 503, headers=[("Retry-After", "1")]),
             Expect(False, stage="fetch", reason="HTTP 503 (after 4 attempts)", hits=(4, 4), check=retried_after(1))),
        Case("http-429-retry-after", html(b"slow down", 429, headers=[("Retry-After", "1")]),
             Expect(False, stage="fetch", reason="HTTP 429 (after 4 attempts)", hits=(4, 4), check=retried_after(1))),
        Case("http-429-puis-ok", once_then(html(b"", 429, headers=[("Retry-After", "1")]), html(utf8())),
             Expect(True, hits=(2, 2), check=retried_after(1))),
        Case("boucle-de-redirection", None, Expect(False, stage="fetch", reason="redirect")),
        Case("redirection-hors-site", lambda h: send(h, 301, b"", headers=[
            ("Location", f"http://localhost:{offsite.port}/politique/ailleurs-1.html")]),
             Expect(False, stage="fetch", reason="redirected off-site to http://localhost:")),
        Case("balisage-malforme", html(malformed()),
             Expect(True, check=body_contains("reprennent", "« fortes »"))),
        Case("ids-de-commentaires-en-double", html(page(comments=dup)),
             Expect(True, 2, check=thread_is([("7", None, 1), ("8", None, 1)]))),
        Case("cycle-de-parents", html(page(comments=cycle)),
             Expect(True, 2, check=thread_is([("1", None, 1), ("2", "1", 2)]))),
        Case("parent-sur-une-autre-page", None, Expect(True, 2, check=thread_is([("10", None, 1), ("11", "10", 2)]))),
        Case("dix-mille-commentaires", html(many_comments(10_000)), Expect(True, 10_000)),
        Case("commentaire-de-1-mo", html(page(comments=comment_li(1, big_comment))),
             Expect(True, 1, check=longest_comment_at_least(1_000_000))),
        Case("tempete-d-entites", html(entity_storm()), Expect(True, check=body_contains("&ééé <b>&ééé", "fin."))),
        Case("balises-imbriquees-1500", html(deep_divs(1500)), Expect(True, check=body_contains(*TEXT))),
        Case("balises-imbriquees-100000", html(deep_divs(100_000)),
             Expect(False, stage="validate", reason="nested deeper than 2048")),
        Case("fil-profond-300", html(deep_thread(300)), Expect(True, 300)),
        Case("pas-un-article", html("<html><head><title>Archives</title></head><body><ul><li>"
                                    "<a href='/'>Accueil</a></li></ul></body></html>"),
             Expect(False, stage="validate", reason="not an article page")),
        Case("page-de-commentaires-en-erreur", None, Expect(True, 1)),
        Case("pagination-sans-fin", None, Expect(True, stage="fetch", check=comment_pages_capped(200),
                                                 reason="cap reached: NEWSARCHIVE_MAX_COMMENT_PAGES = 200")),
        Case("controle-deux", html(page(comments=comment_li(3, "Fin."))), Expect(True, 1)),
    ]


def paged_cases(case: Case, path: str) -> dict[str, Callable[[Handler], None]]:
    """Routes of the cases whose thread spans several comment pages."""
    older = f'<a href="{path}/comment-page-1#comments">« Commentaires plus anciens</a>'
    if case.name == "parent-sur-une-autre-page":
        return {path: html(page(comments=comment_li(10, "Parent", children=comment_li(11, "Réponse")),
                                pagination=older)),
                f"{path}/comment-page-1": html(page(comments=comment_li(10, "Parent")))}
    if case.name == "page-de-commentaires-en-erreur":
        return {path: html(page(comments=comment_li(1, "Seul."), pagination=older)),
                f"{path}/comment-page-1": html(b"<h1>Erreur</h1>", 500)}
    if case.name == "boucle-de-redirection":
        return {path: lambda h: send(h, 302, b"", headers=[("Location", f"{path}?boucle=1")]),
                f"{path}?boucle=1": lambda h: send(h, 302, b"", headers=[("Location", path)])}
    if case.name == "pagination-sans-fin":
        routes = {path: endless_comment_page(path, 0)}
        routes.update({f"{path}/comment-page-{n}": endless_comment_page(path, n) for n in range(1, 400)})
        return routes
    return {path: case.respond}
