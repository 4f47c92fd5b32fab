"""What every widget adapter does: read the page's ids, name the data URLs, turn the answers into comments."""
from __future__ import annotations

import json
import re
from html import escape, unescape
from typing import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from lxml import html as lxml_html

from ..items import Comment, FetchedPage
from ..parsing.dates import parse_iso
from ..parsing.text import sanitize_html
from ..threads.fields import clean_body

DELETED = "deleted"
"""The ``type`` of a comment the vendor marks deleted: kept, without author or text, so that its
replies keep their place in the thread."""


class WidgetAdapter:
    """One vendor's comment data endpoints; subclasses fill in each step."""

    name = ""
    """The widget's name, as ``pages.widgets`` detects it (``comments_widget``)."""
    hosts: tuple[str, ...] = ()
    """The vendor's hosts its data endpoints are on (none: the site's own host)."""
    marks: tuple[bytes, ...] = ()
    """Bytes of which an article page ``first_url`` reads holds at least one: a page holding none
    is not asked (``widgets.first_widget_url``); none declared: every page is asked."""
    answers_html = False
    """True when the data pages carry the site's own comment markup (``html_of``), which extends
    the thread the article page shows; False when they hold the whole thread as data."""

    def enabled(self, settings) -> bool:
        """True when the crawl's settings let this adapter run (by default always)."""
        return True

    def first_url(self, body: bytes, page_url: str) -> str | None:
        """The first data URL of the thread an article page embeds; None when the page does not
        give the widget what the endpoint needs (read from the bytes: the crawl's hot path)."""
        raise NotImplementedError

    def owns(self, url: str) -> bool:
        """True for a URL of this vendor's data endpoint (a page of the capture it fetched)."""
        raise NotImplementedError

    def next_url(self, page: FetchedPage) -> str | None:
        """The data URL after ``page`` (its cursor or page number), None at the thread's end; by
        default None: the endpoint answers the whole thread at once."""
        return None

    def page_comments(self, page: FetchedPage) -> list[Comment]:
        """The comments of one data page, in the vendor's order; ValueError when unreadable."""
        raise NotImplementedError

    def following_url(self, pages: list[FetchedPage], failed: frozenset[str] = frozenset()) -> str | None:
        """The data URL after the last of a capture's pages (the article page first, then every
        page fetched for its thread): by default read from the last page alone (``next_url``);
        a vendor whose next request depends on the whole thread so far reads all of them.
        ``failed``: data URLs that were asked and gave no answer; an adapter that names one again
        cannot go past it, and the thread ends there."""
        return self.next_url(pages[-1])

    def html_of(self, page: FetchedPage) -> str:
        """The comment markup a data page carries (``answers_html`` adapters); ValueError when unreadable."""
        raise NotImplementedError

    def request_body(self, url: str) -> tuple[str, bytes] | None:
        """Content type and body when the data URL is asked for with a POST, None for a GET (the
        default). A POST's fields are read from its URL's query, so that every data page keeps a
        URL of its own in the archive and the answer can be read again without the request."""
        return None

    def request_headers(self, url: str, settings) -> dict[str, str]:
        """Headers the vendor's endpoint wants besides the body's content type (an id it reads from
        a header, a credential from the crawl's ``settings``); kept out of the URL, so out of the
        archive. By default none."""
        return {}

    def complete(self, comments: list[Comment], pages: list[FetchedPage]) -> None:
        """Fill in what the comments' own pages do not hold (authors a vendor serves apart) from
        the capture's other data ``pages``; by default nothing."""


def json_of(page: FetchedPage):
    """The JSON body of a data page; ValueError when it is none."""
    if page.status >= 400:
        raise ValueError(f"HTTP {page.status}")
    return json.loads(page.body.decode("utf-8"))


def json_list(page: FetchedPage, key: str, vendor: str) -> list:
    """The list under ``key`` of a data page's JSON object; ValueError when the page holds none."""
    return json_member(page, key, list, f"a {vendor} thread")


def json_member(page: FetchedPage, key: str, kind: type, what: str):
    """The value of type ``kind`` under ``key`` of a data page's JSON object; ValueError (not ``what``)
    when the page holds none."""
    data = json_of(page)
    if not isinstance(data, dict) or not isinstance(data.get(key), kind):
        raise ValueError(f"not {what}: {str(data)[:200]}")
    return data[key]


def body_fields(fragment: str | None) -> tuple[str, str]:
    """Plain text and sanitised HTML of a vendor's comment HTML, read as the HTML threads read theirs."""
    if not fragment or not fragment.strip():
        return "", ""
    text, html = clean_body(lxml_html.fragment_fromstring(fragment, create_parent="div"))
    return text, sanitize_html(html)


def utc_time(value: str | None) -> str | None:
    """A vendor's timestamp as ISO 8601 UTC (a time without offset is UTC, as the APIs give it)."""
    return parse_iso(value) if value else None


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def on_site_of(url: str, page_url: str) -> bool:
    """True when ``url``'s host is the article's domain or one of its subdomains: a self-hosted
    widget's server, which a page may name; any other host it names is refused (a page must not
    send the crawl off its site)."""
    host, page_host = host_of(url), host_of(page_url)
    domain = page_host[4:] if page_host.startswith("www.") else page_host
    return bool(domain) and (host == domain or host.endswith("." + domain))


def embed_attributes(body: bytes, marker: bytes, tag_pattern: re.Pattern, names: tuple[str, ...]) -> tuple | None:
    """The values of ``names`` on the page's embed tag (``tag_pattern``, looked for only where
    ``marker`` is in the page), None per missing attribute; None when the page has no such tag."""
    found = tag_pattern.search(body) if marker in body else None
    if found is None:
        return None
    tag = unescape(found.group(0).decode("utf-8", "replace"))
    return tuple(tag_attribute(tag, name) for name in names)


def tag_attribute(tag: str, name: str) -> str | None:
    """The value of attribute ``name`` in an opening tag's text (entities already decoded)."""
    found = re.search(r"""\b{}\s*=\s*["']([^"'<>]{{1,500}})["']""".format(re.escape(name)), tag)
    return found.group(1).strip() if found else None


def plain_paragraphs(text: str) -> str:
    """Plain text as sanitised HTML paragraphs (for vendors that give Markdown or text only)."""
    return sanitize_html("".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>"
                                 for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()))


def query_fields(url: str) -> list[tuple[str, str]]:
    """The fields of a data URL's query, in order."""
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def with_query(url: str, fields: list[tuple[str, str]]) -> str:
    """``url`` with its query replaced by ``fields``."""
    return urlunsplit(urlsplit(url)._replace(query=urlencode(fields)))


def pages_of(adapter: WidgetAdapter, pages: list[FetchedPage]) -> list[FetchedPage]:
    """The pages of a capture that are ``adapter``'s data pages, fetch order."""
    return [page for page in pages[1:] if adapter.owns(page.url)]


def next_or_named(adapter: WidgetAdapter, pages: list[FetchedPage], failed: frozenset[str],
                  named: Callable[[FetchedPage], list[str]]) -> str | None:
    """The data URL after a capture's ``pages`` for a vendor that loads parts of a thread apart: the
    next page of a list read so far (``next_url``), else the first further list or record a page
    names (``named``); never one a page answers already or one that ``failed``."""
    data_pages = pages_of(adapter, pages)
    asked = {page.url for page in data_pages} | failed
    candidates = [adapter.next_url(page) for page in data_pages] + [url for page in data_pages for url in named(page)]
    return next((url for url in candidates if url and url not in asked), None)
