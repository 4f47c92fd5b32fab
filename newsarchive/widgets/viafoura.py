"""Viafoura: the page's section uuid and ``vf:container_id``, read through the livecomments REST API, authors by the IAM users API."""
from __future__ import annotations

import re
from urllib.parse import urlencode, urlsplit, urlunsplit

from ..items import Comment, FetchedPage
from ..parsing.dates import from_epoch
from .base import DELETED, WidgetAdapter, body_fields, host_of, json_of, next_or_named

API = "https://livecomments.viafoura.co/v4/livecomments"
USERS = "https://iam.viafoura.co/v3/sections"
CONTAINER_ID = re.compile(rb"""<meta\b[^>]*\bname\s*=\s*["']vf:container_id["'][^>]*"""
                          rb"""\bcontent\s*=\s*["']([^"'<>]{1,200})["']""")
SECTION = re.compile(rb"\b(00000000-0000-4000-8000-[0-9a-f]{12})\b")  # the form of Viafoura's section uuids
PAGE_SIZE = 100
VISIBLE = "visible"


class ViafouraAdapter(WidgetAdapter):
    """The container's uuid (``{section}/contentcontainer/id?container_id=``), then its top-level
    comments oldest first (``{section}/{container}/comments``, 100 a page, ``starting_from`` the
    last one's uuid while ``more_available``), each thread's replies (``…/comments/{thread}``,
    each naming its ``parent_uuid``) and each author's name (IAM ``users/{actor_uuid}``, asked
    once per author). Comments are kept while ``visible``; a ``deleted`` one stays as a
    ``deleted`` placeholder so that its replies keep their place; others (awaiting moderation,
    disabled) are left out. The page must give its section uuid (the site's Viafoura
    configuration) and ``vf:container_id``."""

    name = "viafoura"
    hosts = ("livecomments.viafoura.co", "iam.viafoura.co")
    marks = (b"vf:container_id",)

    def first_url(self, body: bytes, page_url: str) -> str | None:
        if b"vf:container_id" not in body:
            return None
        container, section = CONTAINER_ID.search(body), SECTION.search(body)
        if container is None or section is None:
            return None
        query = urlencode([("container_id", container.group(1).decode("utf-8", "replace"))])
        return f"{API}/{section.group(1).decode()}/contentcontainer/id?{query}"

    def owns(self, url: str) -> bool:
        return url.startswith(API + "/") or url.startswith(USERS + "/")

    def next_url(self, page: FetchedPage) -> str | None:
        kind, parts = _kind(page.url), urlsplit(page.url)
        if kind == "user":
            return None
        data = json_of(page)
        if kind == "container":
            uuid = data.get("content_container_uuid")
            return _list_url(f"{parts.path.rsplit('/contentcontainer/', 1)[0]}/{uuid}/comments") if uuid else None
        contents = data.get("contents") or []
        more = data.get("more_available", len(contents) >= PAGE_SIZE)
        if not contents or not more:
            return None
        return _list_url(parts.path, starting_from=contents[-1]["content_uuid"])

    def following_url(self, pages: list[FetchedPage], failed: frozenset[str] = frozenset()) -> str | None:
        return next_or_named(self, pages, failed, _replies_and_authors)

    def page_comments(self, page: FetchedPage) -> list[Comment]:
        if _kind(page.url) != "comments":
            return []  # the container lookup and the authors: no comment of their own
        contents = json_of(page).get("contents")
        if not isinstance(contents, list):
            raise ValueError(f"not a Viafoura comment list: {page.body[:200]!r}")
        thread = _thread_of(page.url)
        return [_comment(item, thread) for item in contents if item.get("status", VISIBLE) in (VISIBLE, "deleted")]

    def complete(self, comments: list[Comment], pages: list[FetchedPage]) -> None:
        names = {_actor(page.url): _name(json_of(page)) for page in pages if _kind(page.url) == "user"}
        actors = {str(item["content_uuid"]): item.get("actor_uuid") for page in pages if _kind(page.url) == "comments"
                  for item in json_of(page).get("contents") or []}
        for comment in comments:
            if comment.type != DELETED and comment.comment_id in actors:
                comment.author_name = names.get(actors[comment.comment_id]) or comment.author_name


def _replies_and_authors(page: FetchedPage) -> list[str]:
    """The reply lists of a top-level list's threads and the records of its comments' authors."""
    if _kind(page.url) != "comments":
        return []
    path, section = urlsplit(page.url).path, _section(page.url)
    contents = json_of(page).get("contents") or []
    threads = [_list_url(f"{path}/{item['content_uuid']}") for item in contents
               if item.get("total_replies") and path.endswith("/comments")]
    actors = dict.fromkeys(item["actor_uuid"] for item in contents if item.get("actor_uuid"))
    return threads + [f"{USERS}/{section}/users/{actor}" for actor in actors]


def _kind(url: str) -> str:
    """``container`` (the uuid lookup), ``comments`` (a list) or ``user`` (an author)."""
    if host_of(url) == host_of(USERS):
        return "user"
    return "container" if "/contentcontainer/" in urlsplit(url).path else "comments"


def _section(url: str) -> str:
    return urlsplit(url).path.split("/")[3]  # /v4/livecomments/{section}/…


def _actor(url: str) -> str:
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]


def _thread_of(url: str) -> str | None:
    """The top-level comment whose replies a list holds (None for the container's own list)."""
    path = urlsplit(url).path
    return None if path.endswith("/comments") else path.rsplit("/", 1)[-1]


def _list_url(path: str, starting_from: str | None = None) -> str:
    query = [("limit", str(PAGE_SIZE)), ("reply_limit", "0"), ("sorted_by", "oldest")]
    parts = urlsplit(API)
    return urlunsplit(parts._replace(path=path, query=urlencode(query + ([("starting_from", starting_from)]
                                                                        if starting_from else []))))


def _name(user: dict) -> str | None:
    return user.get("name") or user.get("display_name") or user.get("username") or None


def _comment(item: dict, thread: str | None) -> Comment:
    parent = item.get("parent_uuid") or thread
    created = item.get("date_created")
    comment = Comment(comment_id=str(item["content_uuid"]), parent_comment_id=str(parent) if parent else None,
                      date_published=from_epoch(created / 1000) if isinstance(created, (int, float)) else None,
                      date_published_raw=str(created) if created is not None else None)
    if item.get("status") == "deleted":
        comment.type = DELETED
        return comment
    comment.text, comment.text_html = body_fields(item.get("content"))
    return comment
