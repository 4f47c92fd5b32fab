"""Widget adapters: a JS comment widget's thread read from the vendor's own data endpoints, one module per vendor."""
from __future__ import annotations

from dataclasses import replace

from ahocorasick_rs import BytesAhoCorasick, MatchKind

from ..items import Comment, FetchedPage
from ..pages.widgets import WIDGETS, embed_marks
from ..threads import assign_positions, resolve_thread
from .base import WidgetAdapter
from .commento import CommentoAdapter
from .coral import CoralAdapter
from .cusdis import CusdisAdapter
from .disqus import DisqusAdapter
from .facebook import FacebookAdapter
from .giscus import GiscusAdapter
from .hyvor import HyvorTalkAdapter
from .isso import IssoAdapter
from .openweb import OpenWebAdapter
from .remark42 import Remark42Adapter
from .utterances import UtterancesAdapter
from .viafoura import ViafouraAdapter
from .wpdiscuz import WpDiscuzLoadMoreAdapter
from .wordpress import WordPressRestAdapter

# Asked in order; the first that finds what it needs in the article page fetches the thread.
ADAPTERS: list[WidgetAdapter] = [
    DisqusAdapter(),
    WordPressRestAdapter(),
    Remark42Adapter(),
    IssoAdapter(),
    UtterancesAdapter(),
    CusdisAdapter(),
    HyvorTalkAdapter(),
    CommentoAdapter(),
    GiscusAdapter(),
    WpDiscuzLoadMoreAdapter(),
    CoralAdapter(),
    OpenWebAdapter(),
    FacebookAdapter(),
    ViafouraAdapter(),
]
# Every adapter's marks and every embedded widget's (``pages.widgets``), looked for in one pass over
# an article page's bytes: the crawl asks both which adapter reads its thread and whether it needs a browser.
MARKS: list[bytes] = list(dict.fromkeys([*(mark for adapter in ADAPTERS for mark in adapter.marks),
                                         *(mark for name in WIDGETS for mark in embed_marks(name))]))
# A leftmost scan skips SIMD-fast over the bytes but reports no match starting inside another; the
# stretch of each match is then scanned for every mark that starts in it.
_LEFTMOST_SCAN = BytesAhoCorasick(MARKS, matchkind=MatchKind.LeftmostFirst)
_EVERY_MARK_SCAN = BytesAhoCorasick(MARKS)
_LONGEST_MARK = max(map(len, MARKS))
_last_scanned: tuple[bytes, frozenset[bytes]] = (b"", frozenset())
# The vendors' own hosts, allowed to every spider (the offsite filter) for data pages and robots.txt.
WIDGET_HOSTS: tuple[str, ...] = tuple(dict.fromkeys(host for adapter in ADAPTERS for host in adapter.hosts))


def widget_marks(body: bytes) -> frozenset[bytes]:
    """The ``MARKS`` ``body`` holds; the last page's answer is kept (the crawl asks twice of a page)."""
    global _last_scanned
    last = _last_scanned  # holds its body: the identity test cannot meet a new object at its address
    if last[0] is not body:
        last = _last_scanned = (body, _marks_in(body))
    return last[1]


def _marks_in(body: bytes) -> frozenset[bytes]:
    """Every mark occurring in ``body``: a mark the leftmost scan skipped starts inside a match it reported."""
    found = set()
    for _, start, end in _LEFTMOST_SCAN.find_matches_as_indexes(body):
        stretch = body[start:end + _LONGEST_MARK - 1]
        found.update(MARKS[index] for index, _, _ in _EVERY_MARK_SCAN.find_matches_as_indexes(stretch, overlapping=True))
    return frozenset(found)


def first_widget_url(body: bytes, page_url: str, after: WidgetAdapter | None = None, settings=None) -> str | None:
    """The first data URL of the widget thread an article page embeds, None when no adapter the
    crawl's ``settings`` enable applies; ``after``: asked of the adapters registered after that one
    only (its endpoint refused)."""
    found = widget_marks(body)
    for adapter in ADAPTERS[ADAPTERS.index(after) + 1 if after else 0:]:
        if adapter.marks and found.isdisjoint(adapter.marks):
            continue
        url = adapter.first_url(body, page_url) if adapter.enabled(settings) else None
        if url:
            return url
    return None


def adapter_of(url: str) -> WidgetAdapter | None:
    """The adapter whose data endpoint ``url`` is, if any."""
    return next((adapter for adapter in ADAPTERS if adapter.owns(url)), None)


def widget_request(url: str, settings=None) -> dict:
    """How a data URL is asked for, as ``scrapy.Request`` keywords: nothing for a plain GET; method,
    body and content type for an adapter's POST; the headers the adapter adds (``request_headers``)."""
    adapter = adapter_of(url)
    posted = adapter.request_body(url) if adapter else None
    headers = adapter.request_headers(url, settings) if adapter else {}
    if posted is None:
        return {"headers": headers} if headers else {}
    content_type, body = posted
    return {"method": "POST", "body": body, "headers": {"Content-Type": content_type, **headers}}


def html_thread_pages(pages: list[FetchedPage], warnings: list[str]) -> list[FetchedPage] | None:
    """The data pages as the comment markup they carry, when their adapters answer the site's own
    markup (``answers_html``: read like comment pages, merged with the article page's thread);
    None when they hold a thread as data. An unreadable page is named in ``warnings``."""
    if not pages or not all(adapter_of(page.url).answers_html for page in pages):
        return None
    found = []
    for page in pages:
        try:
            markup = adapter_of(page.url).html_of(page)
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            warnings.append(f"widget data page {page.url}: {error}")
            continue
        if markup.strip():
            found.append(replace(page, body=markup.encode("utf-8"),
                                 headers=[("Content-Type", "text/html; charset=utf-8")]))
    return found


def widget_comments(pages: list[FetchedPage], warnings: list[str]) -> list[Comment]:
    """The thread of a capture's data pages (fetch order), ids deduplicated, parents checked,
    positions in the vendor's order; an unreadable page is named in ``warnings``."""
    found: list[Comment] = []
    for page in pages:
        try:
            found.extend(adapter_of(page.url).page_comments(page))
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            warnings.append(f"widget data page {page.url}: {error}")
    _complete(found, pages, warnings)
    return assign_positions(resolve_thread(found, warnings))


def _complete(comments: list[Comment], pages: list[FetchedPage], warnings: list[str]) -> None:
    """Each adapter of the capture fills in what its vendor serves apart from the comments."""
    for adapter in filter(None, dict.fromkeys(adapter_of(page.url) for page in pages)):
        try:
            adapter.complete(comments, pages)
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            warnings.append(f"widget {adapter.name}: {error}")


__all__ = ["ADAPTERS", "WIDGET_HOSTS", "WidgetAdapter", "adapter_of", "first_widget_url", "html_thread_pages",
           "widget_comments", "widget_marks", "widget_request"]
