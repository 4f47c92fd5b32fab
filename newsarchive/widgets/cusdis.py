"""Cusdis: the embed's ``data-host``, ``data-app-id`` and ``data-page-id``, read from its open comments API page by page."""
from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..items import Comment, FetchedPage
from .base import WidgetAdapter, body_fields, embed_attributes, host_of, json_of, on_site_of, utc_time

HOSTED = "https://cusdis.com"
CONTAINER = re.compile(rb"""<div\b[^>]*\bid=["']cusdis_thread["'][^>]*>""", re.I)


class CusdisAdapter(WidgetAdapter):
    """``GET {host}/api/open/comments?appId=…&pageId=…&page=N`` up to the ``pageCount`` it answers
    (ten top-level comments a page, newest first, each with its replies nested). The hosted service
    or a server on the article's domain. The endpoint lists approved, undeleted comments only."""

    name = "cusdis"
    hosts = ("cusdis.com",)
    marks = (b"cusdis_thread",)

    def first_url(self, body: bytes, page_url: str) -> str | None:
        attributes = embed_attributes(body, b"cusdis_thread", CONTAINER, ("data-host", "data-app-id", "data-page-id"))
        if attributes is None:
            return None
        host, app, page = attributes
        if not app or not page:
            return None
        first = f"{(host or HOSTED).rstrip('/')}/api/open/comments?{urlencode([('appId', app), ('pageId', page), ('page', 1)])}"
        return first if host_of(first) in self.hosts or on_site_of(first, page_url) else None

    def owns(self, url: str) -> bool:
        return urlsplit(url).path.endswith("/api/open/comments")

    def next_url(self, page: FetchedPage) -> str | None:
        parts = urlsplit(page.url)
        query = parse_qsl(parts.query)
        current = int(dict(query).get("page") or 1)
        count = (json_of(page).get("data") or {}).get("pageCount")
        if not isinstance(count, int) or current >= count:
            return None
        query = [(k, str(current + 1) if k == "page" else v) for k, v in query]
        return urlunsplit(parts._replace(query=urlencode(query)))

    def page_comments(self, page: FetchedPage) -> list[Comment]:
        wrapper = json_of(page).get("data")
        if not isinstance(wrapper, dict) or not isinstance(wrapper.get("data"), list):
            raise ValueError(f"not a Cusdis comment page: {page.body[:200]!r}")
        found: list[Comment] = []
        _walk(wrapper, None, found)
        return found


def _walk(wrapper: dict, parent: str | None, found: list[Comment]) -> None:
    for item in wrapper.get("data") or []:
        found.append(_comment(item, parent))
        _walk(item.get("replies") or {}, str(item["id"]), found)


def _comment(item: dict, parent: str | None) -> Comment:
    text, text_html = body_fields(item.get("parsedContent") or html.escape(item.get("content") or ""))
    return Comment(comment_id=str(item["id"]), parent_comment_id=parent, author_name=item.get("by_nickname") or None,
                   date_published=utc_time(item.get("createdAt")), date_published_raw=item.get("createdAt"),
                   text=text, text_html=text_html)

