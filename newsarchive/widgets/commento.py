"""Commento and Commento++: the embed script's server and the page's path, read through ``POST /api/comment/list``."""
from __future__ import annotations

import html
import json
import re
from urllib.parse import urlencode, urljoin, urlsplit

from ..items import Comment, FetchedPage
from .base import DELETED, WidgetAdapter, body_fields, host_of, json_of, on_site_of, query_fields, utc_time

HOSTED = "https://commento.io"
CDN = "cdn.commento.io"
SCRIPT = re.compile(rb"""<script\b[^>]*\bsrc=["']([^"'<>]*/js/commento\.js)["'][^>]*>""", re.I)
PAGE_ID = re.compile(r"""\bdata-page-id\s*=\s*["']([^"'<>]{1,500})["']""")
ANONYMOUS = "anonymous"
"""The ``commenterToken`` of a reader without an account, as the embed sends it."""


class CommentoAdapter(WidgetAdapter):
    """``POST {server}/api/comment/list`` with ``{"commenterToken": "anonymous", "domain", "path"}``
    (the page's host and path, or the script's ``data-page-id``): the whole thread in one flat
    answer, each comment naming its ``parentHex`` (``root`` at the top level). The hosted service
    (script on cdn.commento.io) or a server on the article's domain. Comments the answer marks
    ``deleted`` are kept as ``deleted`` placeholders; unapproved ones are never listed to readers."""

    name = "commento"
    hosts = ("commento.io",)
    marks = (b"commento.js",)

    def first_url(self, body: bytes, page_url: str) -> str | None:
        found = SCRIPT.search(body) if b"commento.js" in body else None
        if found is None:
            return None
        tag = html.unescape(found.group(0).decode("utf-8", "replace"))
        script = urljoin(page_url, html.unescape(found.group(1).decode("utf-8", "replace")))
        parts = urlsplit(script)
        server = HOSTED if parts.hostname == CDN else f"{parts.scheme}://{parts.netloc}"
        page_id = PAGE_ID.search(tag)
        page = urlsplit(page_url)
        query = [("domain", page.netloc), ("path", page_id.group(1) if page_id else page.path or "/")]
        first = f"{server}/api/comment/list?{urlencode(query)}"
        return first if host_of(first) in self.hosts or on_site_of(first, page_url) else None

    def owns(self, url: str) -> bool:
        return urlsplit(url).path.endswith("/api/comment/list")

    def request_body(self, url: str) -> tuple[str, bytes] | None:
        fields = dict(query_fields(url))
        asked = {"commenterToken": ANONYMOUS, "domain": fields.get("domain", ""), "path": fields.get("path", "")}
        return "application/x-www-form-urlencoded", json.dumps(asked).encode()  # the embed's own header

    def page_comments(self, page: FetchedPage) -> list[Comment]:
        data = json_of(page)
        if not isinstance(data, dict) or not data.get("success") or not isinstance(data.get("comments"), list):
            raise ValueError(f"Commento answered: {str(data)[:200]}")
        commenters = data.get("commenters") or {}
        return [_comment(item, commenters) for item in data["comments"]]


def _comment(item: dict, commenters: dict) -> Comment:
    parent = item.get("parentHex")
    comment = Comment(comment_id=str(item["commentHex"]),
                      parent_comment_id=None if parent in (None, "", "root") else parent,
                      date_published=utc_time(item.get("creationDate")), date_published_raw=item.get("creationDate"))
    if item.get("deleted"):
        comment.type = DELETED
        return comment
    commenter = commenters.get(item.get("commenterHex")) or {}
    comment.author_name = commenter.get("name") or None
    comment.author_url = _defined(commenter.get("link"))
    comment.text, comment.text_html = body_fields(item.get("html"))
    return comment


def _defined(value: str | None) -> str | None:
    """Commento writes ``undefined`` for a field a commenter left empty."""
    return None if not value or value == "undefined" else value
