"""Isso (self-hosted): the embed's ``data-isso`` server and the thread's ``data-isso-id`` or path, read from its JSON listing."""
from __future__ import annotations

import html
import re
from datetime import datetime, timezone
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from ..items import Comment, FetchedPage
from .base import DELETED, WidgetAdapter, body_fields, json_list, on_site_of

SERVER = re.compile(rb"""data-isso\s*=\s*["']([^"'<>]{1,500})["']""")
THREAD_ID = re.compile(rb"""data-isso-id\s*=\s*["']([^"'<>]{1,500})["']""")
ACCEPTED, DELETED_MODE = 1, 4


class IssoAdapter(WidgetAdapter):
    """``GET {server}/?uri=…&plain=0``: the thread with every reply nested (no ``limit`` asked, so
    nothing is held back). Its server must be on the article's domain. Comments in mode 4 (deleted
    with replies still standing) are kept as ``deleted`` placeholders; pending ones (mode 2) are
    never listed to readers."""

    name = "isso"
    marks = (b"isso-thread",)

    def first_url(self, body: bytes, page_url: str) -> str | None:
        if b"isso-thread" not in body:
            return None
        server = SERVER.search(body)
        if server is None:
            return None
        base = urljoin(page_url, html.unescape(server.group(1).decode("utf-8", "replace")))
        ident = THREAD_ID.search(body)
        uri = html.unescape(ident.group(1).decode("utf-8", "replace")) if ident else urlsplit(page_url).path
        first = f"{base.rstrip('/')}/?{urlencode([('uri', uri), ('plain', '0')])}"
        return first if on_site_of(first, page_url) else None

    def owns(self, url: str) -> bool:
        query = dict(parse_qsl(urlsplit(url).query))
        return "uri" in query and query.get("plain") == "0"

    def page_comments(self, page: FetchedPage) -> list[Comment]:
        found: list[Comment] = []
        _walk(json_list(page, "replies", "Isso"), found)
        return found


def _walk(items: list, found: list[Comment]) -> None:
    for item in items:
        if item.get("mode") in (ACCEPTED, DELETED_MODE):
            found.append(_comment(item))
        _walk(item.get("replies") or [], found)


def _comment(item: dict) -> Comment:
    parent = item.get("parent")
    created = item.get("created")
    when = (datetime.fromtimestamp(float(created), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            if created is not None else None)
    comment = Comment(comment_id=str(item["id"]), parent_comment_id=str(parent) if parent else None,
                      date_published=when, date_published_raw=str(created) if created is not None else None)
    if item.get("mode") == DELETED_MODE:
        comment.type = DELETED
        return comment
    comment.author_name, comment.author_url = item.get("author") or None, item.get("website") or None
    comment.text, comment.text_html = body_fields(item.get("text"))
    return comment
