"""Widget adapters: a JS comment widget's thread read from the vendor's own data endpoints, one module per vendor."""
from __future__ import annotations

from ..items import Comment, FetchedPage
from ..threads import assign_positions, resolve_thread
from .base import WidgetAdapter
from .coral import CoralAdapter
from .cusdis import CusdisAdapter
from .disqus import DisqusAdapter
from .facebook import FacebookAdapter
from .isso import IssoAdapter
from .openweb import OpenWebAdapter
from .remark42 import Remark42Adapter
from .utterances import UtterancesAdapter
from .viafoura import ViafouraAdapter
from .wordpress import WordPressRestAdapter

# Asked in order; the first that finds what it needs in the article page fetches the thread.
ADAPTERS: list[WidgetAdapter] = [
    DisqusAdapter(),
    WordPressRestAdapter(),
    Remark42Adapter(),
    IssoAdapter(),
    UtterancesAdapter(),
    CusdisAdapter(),
    CoralAdapter(),
    OpenWebAdapter(),
    FacebookAdapter(),
    ViafouraAdapter(),
]
# The vendors' own hosts, allowed to every spider (the offsite filter) for data pages and robots.txt.
WIDGET_HOSTS: tuple[str, ...] = tuple(dict.fromkeys(host for adapter in ADAPTERS for host in adapter.hosts))


def first_widget_url(body: bytes, page_url: str, settings=None) -> str | None:
    """The first data URL of the widget thread an article page embeds, None when no adapter the
    crawl's ``settings`` enable applies."""
    for adapter in ADAPTERS:
        url = adapter.first_url(body, page_url) if adapter.enabled(settings) else None
        if url:
            return url
    return None


def adapter_of(url: str) -> WidgetAdapter | None:
    """The adapter whose data endpoint ``url`` is, if any."""
    return next((adapter for adapter in ADAPTERS if adapter.owns(url)), None)


def widget_request_options(url: str, settings) -> dict:
    """The Scrapy request options of a widget data URL (a POST endpoint's method, body, headers)."""
    adapter = adapter_of(url)
    return adapter.request_options(url, settings) if adapter else {}


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


__all__ = ["ADAPTERS", "WIDGET_HOSTS", "WidgetAdapter", "adapter_of", "first_widget_url", "widget_comments",
           "widget_request_options"]
