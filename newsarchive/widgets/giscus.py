"""giscus: the GitHub Discussion its script tag names, read page by page through giscus.app's public discussions API."""
from __future__ import annotations

import html
import re
from urllib.parse import urlencode, urlsplit

from ..items import Comment, FetchedPage
from .base import DELETED, WidgetAdapter, body_fields, embed_attributes, json_member, query_fields, utc_time, with_query

API = "https://giscus.app/api/discussions"
SCRIPT = re.compile(rb"""<script\b[^>]*\bsrc=["'][^"']*giscus\.app/client\.js["'][^>]*>""", re.I)
REPO = re.compile(r"^[\w.-]+/[\w.-]+$")
TITLE = re.compile(rb"<title[^>]*>([^<]{1,500})</title>", re.I)
OG_TITLE = re.compile(rb"""<meta\b[^>]*\bproperty=["']og:title["'][^>]*\bcontent=["']([^"'<>]{1,500})["']""", re.I)
PAGE_SIZE = 100  # GitHub's largest ``first``
MINIMIZED = "minimized"
"""The ``type`` of a comment the repository's moderators hid (GitHub's ``isMinimized``): kept, text and all."""


class GiscusAdapter(WidgetAdapter):
    """``GET https://giscus.app/api/discussions?repo=…&term=…`` (or ``number=``) with the embed's
    category and ``strict``, ``first=100`` top-level comments a page, then ``after=`` the answer's
    ``pageInfo.endCursor`` while ``hasNextPage``. Each comment carries its replies (GitHub threads
    one level deep; giscus's query asks for the last 100 replies of a comment). Comments GitHub
    marks ``deletedAt`` are kept as ``deleted`` placeholders; ``isMinimized`` ones as ``minimized``."""

    name = "giscus"
    hosts = ("giscus.app",)
    marks = (b"giscus.app",)

    def first_url(self, body: bytes, page_url: str) -> str | None:
        found = embed_attributes(body, b"giscus.app", SCRIPT,
                                 ("data-repo", "data-mapping", "data-term", "data-category", "data-strict"))
        if found is None or not found[0] or not REPO.match(found[0]):
            return None
        repo, mapping, term, category, strict = found
        thread = _thread(mapping or "pathname", term, body, page_url)
        if thread is None:
            return None
        query = [("repo", repo), thread, *([("category", category)] if category else []),
                 ("strict", "true" if strict == "1" else "false"), ("first", str(PAGE_SIZE))]
        return f"{API}?{urlencode(query)}"

    def owns(self, url: str) -> bool:
        return url.startswith(API + "?")

    def next_url(self, page: FetchedPage) -> str | None:
        info = (_discussion(page).get("pageInfo") or {})
        cursor = info.get("endCursor")
        fields = query_fields(page.url)
        if not info.get("hasNextPage") or not cursor or ("after", cursor) in fields:
            return None
        return with_query(page.url, [(k, v) for k, v in fields if k != "after"] + [("after", cursor)])

    def page_comments(self, page: FetchedPage) -> list[Comment]:
        found: list[Comment] = []
        for item in _discussion(page).get("comments") or []:
            found.append(_comment(item, None))
            found.extend(_comment(reply, str(item["id"])) for reply in item.get("replies") or [])
        return found


def _thread(mapping: str, term: str | None, body: bytes, page_url: str) -> tuple[str, str] | None:
    """The ``term`` (or ``number``) giscus's client sends for the embed's mapping."""
    if mapping == "number":
        return ("number", term) if term and term.isdigit() else None
    if mapping == "specific":
        return ("term", term) if term else None
    if mapping in ("title", "og:title"):
        found = (OG_TITLE if mapping == "og:title" else TITLE).search(body)
        return ("term", html.unescape(found.group(1).decode("utf-8", "replace")).strip()) if found else None
    if mapping == "url":
        return "term", page_url.split("#")[0]
    path = urlsplit(page_url).path
    return "term", "index" if len(path) < 2 else re.sub(r"\.\w+$", "", path[1:])


def _discussion(page: FetchedPage) -> dict:
    return json_member(page, "discussion", dict, "a giscus discussion")


def _comment(item: dict, parent: str | None) -> Comment:
    comment = Comment(comment_id=str(item["id"]), parent_comment_id=parent,
                      date_published=utc_time(item.get("createdAt")), date_published_raw=item.get("createdAt"))
    if item.get("deletedAt"):
        comment.type = DELETED
        return comment
    author = item.get("author") or {}
    comment.author_name, comment.author_url = author.get("login") or None, author.get("url") or None
    comment.text, comment.text_html = body_fields(item.get("bodyHTML"))
    if item.get("isMinimized"):
        comment.type = MINIMIZED
    return comment
