"""Remark42 (self-hosted): ``remark_config`` host, site id and URL, read through ``/api/v1/find`` in tree form."""
from __future__ import annotations

import re
from urllib.parse import urlencode, urlsplit

from ..items import Comment, FetchedPage
from .base import DELETED, WidgetAdapter, body_fields, json_list, on_site_of, utc_time

_VALUE = rb"""\s*:\s*["']([^"'\\<>]{1,500})["']"""
CONFIG = re.compile(rb"remark_config\s*=\s*\{(.{0,2000}?)\}", re.S)
HOST, SITE_ID, URL = (re.compile(rb"\b" + key + _VALUE) for key in (rb"host", rb"site_id", rb"url"))


class Remark42Adapter(WidgetAdapter):
    """``GET {host}/api/v1/find?site=…&url=…&format=tree&sort=+time``: the whole thread in one
    answer (the endpoint has no paging). Its server must be on the article's domain. Comments it
    marks ``delete`` are kept as ``deleted`` placeholders."""

    name = "remark42"
    marks = (b"remark_config",)

    def first_url(self, body: bytes, page_url: str) -> str | None:
        if b"remark_config" not in body:
            return None
        config = CONFIG.search(body)
        found = {key: pattern.search(config.group(1)) if config else None
                 for key, pattern in (("host", HOST), ("site", SITE_ID), ("url", URL))}
        if found["host"] is None:
            return None
        host = found["host"].group(1).decode("utf-8", "replace").rstrip("/")
        site = found["site"].group(1).decode() if found["site"] else "remark"
        url = found["url"].group(1).decode("utf-8", "replace") if found["url"] else page_url.split("#")[0]
        first = f"{host}/api/v1/find?{urlencode([('site', site), ('url', url), ('format', 'tree'), ('sort', '+time')])}"
        return first if on_site_of(first, page_url) else None

    def owns(self, url: str) -> bool:
        return urlsplit(url).path.endswith("/api/v1/find")

    def page_comments(self, page: FetchedPage) -> list[Comment]:
        found: list[Comment] = []
        _walk(json_list(page, "comments", "Remark42"), found)
        return found


def _walk(nodes: list, found: list[Comment]) -> None:
    for node in nodes:
        found.append(_comment(node.get("comment") or {}))
        _walk(node.get("replies") or [], found)


def _comment(item: dict) -> Comment:
    comment = Comment(comment_id=str(item["id"]), parent_comment_id=item.get("pid") or None,
                      date_published=utc_time(item.get("time")), date_published_raw=item.get("time"))
    if item.get("delete"):
        comment.type = DELETED
        return comment
    comment.author_name = (item.get("user") or {}).get("name") or None
    comment.text, comment.text_html = body_fields(item.get("text"))
    return comment
