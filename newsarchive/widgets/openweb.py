"""OpenWeb (Spot.IM): the launcher's spot id and the page's post id, read through the conversation read endpoint."""
from __future__ import annotations

import json
import re

from ..items import Comment, FetchedPage
from ..parsing.dates import from_epoch
from .base import DELETED, WidgetAdapter, body_fields, embed_attributes, json_member, next_or_named, \
    query_fields, with_query

API = "https://api-2-0.spot.im/v1.0.0/conversation/read"
SPOT_ID = re.compile(rb"launcher\.spot\.im/spot/(sp_[A-Za-z0-9_-]{1,64})")
EMBED = re.compile(rb"""<(?:div|script)\b[^>]*\bdata-spotim-module\s*=[^>]*\bdata-post-id\s*=[^>]*>""", re.I)
PAGE_SIZE = 25
CHILD_COUNT = 25  # replies given inline under each comment; the rest are read by ``parent_id``
# Statuses of comments the conversation shows only to their author or to moderators.
HIDDEN = ("reject", "pending", "require_approval", "block")


class OpenWebAdapter(WidgetAdapter):
    """``POST /v1.0.0/conversation/read`` (headers ``x-spot-id``, ``x-post-id``; a JSON body of
    ``sort_by``, ``offset``, ``count``, ``depth``, ``child_count``, ``parent_id``, ``message_id``),
    as OpenWeb's own clients read a conversation: top-level comments oldest first, 25 a page
    (``conversation.has_next`` and ``offset``), each with its first replies inline; a comment
    whose replies go on (its ``has_next``) has them read by its id from its ``offset``. The
    capture's URL carries the request's parameters in its query, so each page is named apart.
    Comments marked ``deleted`` are kept as ``deleted`` placeholders; rejected or pending ones are
    left out. Authors are the conversation's ``users`` (display name)."""

    name = "openweb"
    hosts = ("api-2-0.spot.im",)
    marks = (b"spot.im",)

    def first_url(self, body: bytes, page_url: str) -> str | None:
        if b"spot.im" not in body:
            return None
        spot, attributes = SPOT_ID.search(body), embed_attributes(body, b"data-spotim-module", EMBED, ("data-post-id",))
        if spot is None or not attributes or not attributes[0]:
            return None
        return _read_url({"spot_id": spot.group(1).decode(), "post_id": attributes[0]}, offset=0)

    def owns(self, url: str) -> bool:
        return url.split("?")[0] == API

    def request_body(self, url: str) -> tuple[str, bytes] | None:
        query = dict(query_fields(url))
        body = {"sort_by": query.get("sort_by", "oldest"), "offset": int(query.get("offset") or 0),
                "count": int(query.get("count") or PAGE_SIZE), "parent_id": query.get("parent_id", ""),
                "message_id": query.get("message_id", ""), "extract_data": False,
                "depth": int(query.get("depth") or 2), "child_count": int(query.get("child_count") or CHILD_COUNT)}
        return "application/json", json.dumps(body).encode()

    def request_headers(self, url: str, settings) -> dict[str, str]:
        query = dict(query_fields(url))
        return {"Accept": "application/json", "x-spot-id": query.get("spot_id", ""),
                "x-post-id": query.get("post_id", "")}

    def following_url(self, pages: list[FetchedPage], failed: frozenset[str] = frozenset()) -> str | None:
        return next_or_named(self, pages, failed, _reply_reads)

    def next_url(self, page: FetchedPage) -> str | None:
        conversation = _conversation(page)
        query = dict(query_fields(page.url))
        following = conversation.get("offset")
        if not conversation.get("has_next") or not isinstance(following, int):
            return None
        if following <= int(query.get("offset") or 0):
            return None  # the same page again: the list ends here
        return _read_url(query, offset=following)

    def page_comments(self, page: FetchedPage) -> list[Comment]:
        conversation = _conversation(page)
        users = conversation.get("users") or {}
        return [_comment(item, users) for item in _walk(conversation.get("comments") or [])
                if item.get("deleted") or item.get("status") not in HIDDEN]


def _reply_reads(page: FetchedPage) -> list[str]:
    """The reads of the replies a page's comments hold beyond those given inline (their ``has_next``)."""
    query = dict(query_fields(page.url))
    return [_read_url(query, offset=int(item.get("offset") or 0), parent=str(item["id"]))
            for item in _walk(_conversation(page).get("comments") or []) if item.get("has_next")]


def _read_url(query: dict, offset: int, parent: str | None = None) -> str:
    """A read's URL: the spot and post, and the body's parameters (a reply list's parent when given)."""
    parent = parent if parent is not None else query.get("parent_id", "")
    params = [("spot_id", query["spot_id"]), ("post_id", query["post_id"]), ("sort_by", "oldest"),
              ("offset", str(offset)), ("count", str(PAGE_SIZE)), ("depth", "1" if parent else "2"),
              ("child_count", str(CHILD_COUNT))]
    if parent:
        params += [("parent_id", parent), ("message_id", parent)]
    return with_query(API, params)


def _conversation(page: FetchedPage) -> dict:
    return json_member(page, "conversation", dict, "an OpenWeb conversation")


def _walk(items: list) -> list[dict]:
    """The comments and their inline replies, each parent before its replies."""
    found = []
    for item in items:
        found.append(item)
        found.extend(_walk(item.get("replies") or []))
    return found


def _comment(item: dict, users: dict) -> Comment:
    parent = item.get("parent_id")
    comment = Comment(comment_id=str(item["id"]), parent_comment_id=str(parent) if parent else None,
                      date_published=from_epoch(item.get("written_at")),
                      date_published_raw=str(item["written_at"]) if item.get("written_at") is not None else None)
    if item.get("deleted"):
        comment.type = DELETED
        return comment
    user = users.get(item.get("user_id")) or {}
    comment.author_name = user.get("display_name") or user.get("user_name") or None
    texts = [part.get("text") or "" for part in item.get("content") or [] if part.get("type") == "text"]
    comment.text, comment.text_html = body_fields("".join(texts))
    return comment
