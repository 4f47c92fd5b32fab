"""Hyvor Talk: the embed's website id and page id, read through its embed API: the first comments, then each list that has more."""
from __future__ import annotations

import html
import json
import re
from datetime import datetime, timezone
from urllib.parse import urlencode, urlsplit

from ..items import Comment, FetchedPage
from .base import DELETED, WidgetAdapter, body_fields, embed_attributes, host_of, json_of, on_site_of, \
    pages_of, query_fields

HOSTED = "https://talk.hyvor.com"
TAG = re.compile(rb"<hyvor-talk-comments\b[^>]*>", re.I)
OLD_WEBSITE = re.compile(rb"HYVOR_TALK_WEBSITE\s*=\s*['\"]?(\d{1,12})")
OLD_PAGE_ID = re.compile(rb"HYVOR_TALK_CONFIG\s*=\s*\{[^}]{0,1000}?\bid\s*:\s*['\"]([^'\"<>]{1,500})['\"]", re.S)
ENDPOINT = re.compile(r"/api/embed/v3/(\d+)/(?:init|page/(\d+)/comments)$")
TOP = "PARENT"
"""The key of the top-level list in the API's ``list`` and ``has_more_ids``."""


class HyvorTalkAdapter(WidgetAdapter):
    """``POST {host}/api/embed/v3/{website}/init`` with the page's id and URL answers the page (its
    numeric id, the website's default sort) and the first comments: ``list`` (ids per parent,
    ``PARENT`` for the top level), ``indexed`` (the comments) and ``has_more_ids`` (the lists that
    hold more). Each list with more is then read with ``GET …/page/{id}/comments?sort=…&offset=N``
    (``parent_comment_id`` for a reply list), N the ids it holds so far, until no list has more.
    The page id is the embed's ``page-id`` (or the older ``HYVOR_TALK_CONFIG.id``), else the
    article's URL. Comments the API marks ``is_hidden`` are kept as ``deleted`` placeholders."""

    name = "hyvor"
    hosts = ("talk.hyvor.com",)
    marks = (b"hyvor-talk-comments", b"HYVOR_TALK_WEBSITE")

    def first_url(self, body: bytes, page_url: str) -> str | None:
        found = embed_attributes(body, b"hyvor-talk-comments", TAG, ("website-id", "page-id", "instance"))
        website, page_id, instance = found if found else (_first(body, OLD_WEBSITE), _first(body, OLD_PAGE_ID), None)
        if not website or not website.isdigit():
            return None
        article = page_url.split("#")[0]
        query = [("page_id", page_id or article), ("url", article)]
        first = f"{(instance or HOSTED).rstrip('/')}/api/embed/v3/{website}/init?{urlencode(query)}"
        return first if host_of(first) in self.hosts or on_site_of(first, page_url) else None

    def owns(self, url: str) -> bool:
        return ENDPOINT.search(urlsplit(url).path) is not None

    def request_body(self, url: str) -> tuple[str, bytes] | None:
        if not urlsplit(url).path.endswith("/init"):
            return None
        fields = dict(query_fields(url))
        page = {"id": fields.get("page_id"), "url": fields.get("url"), "title": None, "language": None, "author": None}
        return "application/json;charset=UTF-8", json.dumps({"page": page, "sso": None}).encode()

    def following_url(self, pages: list[FetchedPage], failed: frozenset[str] = frozenset()) -> str | None:
        data_pages = pages_of(self, pages)
        loaded, more = _lists_so_far(data_pages)  # every page read: ValueError on an unreadable one
        init = json_of(data_pages[0])
        if not isinstance(init.get("page"), dict) or "id" not in init["page"]:
            raise ValueError(f"Hyvor Talk named no page: {str(init)[:200]}")
        asked = {_asked_list(page.url) + (dict(query_fields(page.url)).get("offset"),) for page in data_pages[1:]}
        for key in more:
            offset = str(len(loaded.get(key, ())))
            if (key, offset) not in asked:  # a list whose next read would repeat the last one has ended
                return self._comments_url(data_pages[0].url, init, key, offset)
        return None

    def _comments_url(self, init_url: str, init: dict, key: str, offset: str) -> str:
        base = init_url.split("?")[0].removesuffix("/init")
        sort = (init.get("website") or {}).get("default_sort") or "newest"
        query = [("sort", sort), ("offset", offset), *([("parent_comment_id", key)] if key != TOP else [])]
        return f"{base}/page/{init['page']['id']}/comments?{urlencode(query)}"

    def page_comments(self, page: FetchedPage) -> list[Comment]:
        listed = _listing(page)
        indexed = listed.get("indexed") or {}
        return [_comment(indexed[str(i)]) for ids in (listed.get("list") or {}).values() for i in ids
                if str(i) in indexed and indexed[str(i)].get("status", "published") == "published"]


def _listing(page: FetchedPage) -> dict:
    """A data page's ``{list, indexed, has_more_ids}`` (under ``comments`` in the init answer)."""
    data = json_of(page)
    listed = data.get("comments") if isinstance(data, dict) and urlsplit(page.url).path.endswith("/init") else data
    if not isinstance(listed, dict) or not isinstance(listed.get("list"), dict):
        raise ValueError(f"not a Hyvor Talk comment list: {str(data)[:200]}")
    return listed


def _asked_list(url: str) -> tuple[str]:
    return (dict(query_fields(url)).get("parent_comment_id") or TOP,)


def _lists_so_far(pages: list[FetchedPage]) -> tuple[dict[str, set], list[str]]:
    """The ids each list holds over the pages read so far, and the lists that still have more,
    as the embed keeps them: a list read is no longer "more" unless its answer says so again."""
    loaded: dict[str, set] = {}
    more: list[str] = []
    for index, page in enumerate(pages):
        listed = _listing(page)
        if index:
            more = [key for key in more if key != _asked_list(page.url)[0]]
        for key, ids in listed["list"].items():
            loaded.setdefault(str(key), set()).update(str(i) for i in ids)
        more += [str(key) for key in listed.get("has_more_ids") or [] if str(key) not in more]
    return loaded, more


def _comment(item: dict) -> Comment:
    parent, created = item.get("parent_id"), item.get("created_at")
    when = datetime.fromtimestamp(int(created), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if created else None
    comment = Comment(comment_id=str(item["id"]), parent_comment_id=str(parent) if parent else None,
                      date_published=when, date_published_raw=str(created) if created is not None else None)
    if item.get("is_hidden"):
        comment.type = DELETED
        return comment
    user = item.get("user") or {}
    comment.author_name = user.get("name") or user.get("username") or None
    comment.author_url = user.get("website_url") or None
    comment.text, comment.text_html = body_fields(item.get("content_html"))
    return comment


def _first(body: bytes, pattern: re.Pattern) -> str | None:
    found = pattern.search(body)
    return html.unescape(found.group(1).decode("utf-8", "replace")) if found else None
