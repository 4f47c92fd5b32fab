"""Widget adapters against the HTML path: the same threads extracted from Disqus API pages and from WordPress comment pages.

Run: .venv/bin/python tests/bench/bench_adapters.py [N_ARTICLES]

Each synthetic article's thread is served twice: as the replica's WordPress comment markup over its
comment pages (the HTML path), and as the Disqus replica's ``listPostsThreaded`` JSON pages (100
posts a page) beside the same article page. ``extract()`` runs over both capture sets; the table
gives comments and pages a second, best of five rounds.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).parent))
from _common import FETCHED_AT, _comment_page_paths, _page, machine, recorded, table  # noqa: E402

from newsarchive.extraction import extract  # noqa: E402
from newsarchive.items import Capture, FetchedPage  # noqa: E402
from newsarchive.replica.disqus import DisqusApi  # noqa: E402
from newsarchive.replica.synthetic import synthetic_site  # noqa: E402
from newsarchive.widgets import DisqusAdapter  # noqa: E402

ROUNDS = 5
FORUM = "bench"


def html_capture(site, index: int) -> Capture:
    """An article page and every comment page reachable from it (links followed page to page, as
    the crawl follows them)."""
    path = site.store.article_path(index)
    pages, queue, seen = [], [path], {path}
    while queue:
        page = _page(site, queue.pop(0))
        pages.append(page)
        fresh = [p for p in _comment_page_paths(page.body, path) if p not in seen]
        seen.update(fresh)
        queue.extend(fresh)
    return Capture(url=pages[0].url, site="maliweb.net", spider="maliweb", pages=pages, page_type="maliweb")


def disqus_nodes(comments) -> list[dict]:
    """A replica thread's comments as Disqus replica posts (same ids, authors, times, text)."""
    return [{"id": str(c.id), "author": (c.author, c.url or "", c.author.lower().replace(" ", "")),
             "at": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(c.date)),
             "message": "".join(f"<p>{p}</p>" for p in c.text.split("\n\n")),
             "replies": disqus_nodes(c.replies)} for c in comments]


def disqus_capture(html_capture: Capture, api: DisqusApi, ident: str) -> Capture:
    """The article page of ``html_capture`` followed by its thread's Disqus API pages."""
    adapter, pages = DisqusAdapter(), [html_capture.pages[0]]
    url = (f"https://disqus.com/api/3.0/threads/listPostsThreaded.json?api_key=k&forum={FORUM}"
           f"&thread:ident={ident}&limit=100&order=asc")
    while url:
        parts = urlsplit(url)
        answer = api.resolve(f"{parts.path}?{parts.query}", "https://disqus.com")
        page = FetchedPage(url=url, status=answer.status, headers=[("Content-Type", answer.content_type)],
                           body=answer.body, fetched_at=FETCHED_AT)
        pages.append(page)
        url = adapter.next_url(page)
    return Capture(url=html_capture.url, site=html_capture.site, spider="generic", pages=pages,
                   page_type=html_capture.page_type)


def best_rate(captures: list[Capture]) -> tuple[float, int, int]:
    """The fastest of ROUNDS passes of extract() over ``captures`` (seconds), comments and pages."""
    best, comments = float("inf"), 0
    for _ in range(ROUNDS):
        start = time.perf_counter()
        comments = sum(len(extract(c).comments) for c in captures)
        best = min(best, time.perf_counter() - start)
    return best, comments, sum(len(c.pages) for c in captures)


def thread_rate(captures: list[Capture]) -> float:
    """Seconds of the thread step alone (Page.comments), fastest of ROUNDS."""
    from newsarchive.extraction import PAGE_TYPES, _collector_paused
    best = float("inf")
    for _ in range(ROUNDS):
        pages = [PAGE_TYPES[c.page_type](c.url, c.pages, c.site) for c in captures]
        with _collector_paused():  # as extract() runs it
            start = time.perf_counter()
            for page in pages:
                page.comments()
            best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    site = synthetic_site(n)
    articles = [(index, site.store.article(int(site.store.article_path(index).rsplit("-", 1)[1].split(".")[0])))
                for index in range(n)]
    html = [html_capture(site, index) for index, article in articles if article.comments]
    threads = {(FORUM, str(article.id)): disqus_nodes(article.comments) for _, article in articles if article.comments}
    api = DisqusApi(threads)
    widget = [disqus_capture(c, api, ident) for c, (_, ident) in zip(html, threads)]
    print(f"bench_adapters: {len(html)} synthetic articles with comments, same threads both ways; {machine()}")
    rows = [["path", "pages", "comments", "extract s", "comments/s", "pages/s", "thread step s"]]
    for name, captures in (("HTML comment pages", html), ("Disqus API pages", widget)):
        seconds, comments, pages = best_rate(captures)
        rows.append([name, pages, comments, f"{seconds:.3f}", f"{comments / seconds:,.0f}",
                     f"{pages / seconds:,.0f}", f"{thread_rate(captures):.3f}"])
    print(table(rows))


if __name__ == "__main__":
    with recorded("bench_adapters"):
        main()
