"""Coral (coralproject/talk): the embed's root URL and story id or URL, read through its GraphQL API by GET."""
from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..items import Comment, FetchedPage
from .base import DELETED, WidgetAdapter, body_fields, host_of, json_of, on_site_of, utc_time

EMBED = re.compile(rb"createStreamEmbed\s*\(\s*\{(.{0,3000}?)\}\s*\)", re.S)
_VALUE = rb"""\s*:\s*["']([^"'\\<>]{1,500})["']"""
ROOT_URL, STORY_ID, STORY_URL = (re.compile(rb"\b" + key + _VALUE) for key in (rb"rootURL", rb"storyID", rb"storyURL"))
HOSTED = ".coralproject.net"  # Coral's own hosting: <tenant>.coral.coralproject.net
PAGE_SIZE = 50
DESCENDANTS = 500  # ``allChildComments`` has no cursor: the replies of one comment asked at once
PUBLIC = frozenset({"NONE", "APPROVED"})  # statuses the stream shows
FIELDS = "id body createdAt status deleted author { username } parent { id }"
QUERY = (
    "query StoryComments($id: ID, $url: String, $after: Cursor) {"
    " story(id: $id, url: $url) { id"
    f" comments(first: {PAGE_SIZE}, orderBy: CREATED_AT_ASC, after: $after) {{"
    f" edges {{ node {{ {FIELDS}"
    f" allChildComments(first: {DESCENDANTS}, orderBy: CREATED_AT_ASC) {{ nodes {{ {FIELDS} }} }} }} }}"
    " pageInfo { endCursor hasNextPage } } } }"
)


class CoralAdapter(WidgetAdapter):
    """``GET {rootURL}/api/graphql?query=…&variables=…`` (Coral's server takes a GraphQL query by
    GET as by POST): the story's top-level comments oldest first, 50 a page (``after`` its
    ``pageInfo.endCursor``), each with all its replies (``allChildComments``, each naming its
    ``parent``). The server must be on the article's domain or on Coral's hosting. Comments
    marked ``deleted`` are kept as ``deleted`` placeholders; a comment whose status the stream does
    not show (rejected, awaiting moderation) is left out. A server that accepts persisted queries
    only refuses the request: the page keeps the thread its HTML holds."""

    name = "coral"
    hosts = ("coralproject.net",)
    marks = (b"createStreamEmbed",)

    def first_url(self, body: bytes, page_url: str) -> str | None:
        if b"createStreamEmbed" not in body:
            return None
        embed = EMBED.search(body)
        found = {key: pattern.search(embed.group(1)) if embed else None
                 for key, pattern in (("root", ROOT_URL), ("id", STORY_ID), ("url", STORY_URL))}
        if found["root"] is None:
            return None
        root = found["root"].group(1).decode("utf-8", "replace").rstrip("/")
        story = ({"id": found["id"].group(1).decode("utf-8", "replace")} if found["id"] else
                 {"url": found["url"].group(1).decode("utf-8", "replace") if found["url"] else page_url.split("#")[0]})
        url = _graphql_url(f"{root}/api/graphql", {**story, "after": None})
        return url if on_site_of(url, page_url) or host_of(url).endswith(HOSTED) else None

    def owns(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.path.endswith("/api/graphql") and "StoryComments" in dict(parse_qsl(parts.query)).get("query", "")

    def next_url(self, page: FetchedPage) -> str | None:
        info = _comments(page)["pageInfo"]
        variables = json.loads(dict(parse_qsl(urlsplit(page.url).query)).get("variables") or "{}")
        if not info.get("hasNextPage") or not info.get("endCursor") or info["endCursor"] == variables.get("after"):
            return None
        parts = urlsplit(page.url)
        return _graphql_url(urlunsplit(parts._replace(query="")), {**variables, "after": info["endCursor"]})

    def page_comments(self, page: FetchedPage) -> list[Comment]:
        found: list[Comment] = []
        for edge in _comments(page)["edges"]:
            node = edge["node"]
            for item in [node, *((node.get("allChildComments") or {}).get("nodes") or [])]:
                if item.get("deleted") or item.get("status") in PUBLIC:
                    found.append(_comment(item))
        return found


def _graphql_url(endpoint: str, variables: dict) -> str:
    return f"{endpoint}?{urlencode([('query', QUERY), ('variables', json.dumps(variables, separators=(',', ':')))])}"


def _comments(page: FetchedPage) -> dict:
    data = json_of(page)
    story = (data.get("data") or {}).get("story") if isinstance(data, dict) else None
    if not story:
        raise ValueError(f"not a Coral story: {str(data)[:200]}")
    return story["comments"]


def _comment(item: dict) -> Comment:
    parent = (item.get("parent") or {}).get("id")
    comment = Comment(comment_id=str(item["id"]), parent_comment_id=str(parent) if parent else None,
                      date_published=utc_time(item.get("createdAt")), date_published_raw=item.get("createdAt"))
    if item.get("deleted"):
        comment.type = DELETED
        return comment
    comment.author_name = (item.get("author") or {}).get("username") or None
    comment.text, comment.text_html = body_fields(item.get("body"))
    return comment
