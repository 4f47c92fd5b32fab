"""Disqus: the embed's forum shortname and thread identifier, read through the public API's threaded listing."""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..items import Comment, FetchedPage
from .base import DELETED, WidgetAdapter, body_fields, host_of, json_of, utc_time

API = "https://disqus.com/api/3.0/threads/listPostsThreaded.json"
# The public key Disqus's own embed sends with its reads of a public thread (no account needed).
EMBED_API_KEY = "E8Uh5l5fHZ6gD8U3KycjAIAk46f68Zw7C6eW8WSjZvCLXebZ7p0r1yrYDrLilk2F"
PAGE_SIZE = 100  # the API's maximum ``limit``
_VALUE = rb"""\s*[=:]\s*["']([^"'\\<>]{1,500})["']"""
EMBED_SCRIPT = re.compile(rb"//([A-Za-z0-9_-]{1,64})\.disqus\.com/(?:embed|count)\.js")
SHORTNAME = re.compile(rb"disqus_shortname" + _VALUE)
IDENTIFIER = re.compile(rb"(?:this\.page\.identifier|disqus_identifier)" + _VALUE)
PAGE_URL = re.compile(rb"(?:this\.page\.url|disqus_url)" + _VALUE)


class DisqusAdapter(WidgetAdapter):
    """``threads/listPostsThreaded`` of the embed's forum and thread (``thread:ident=`` when the page
    gives an identifier, else ``thread:link=`` with its URL), 100 posts a page, ``cursor`` paging.

    Posts the API marks ``isDeleted`` are kept as ``deleted`` placeholders (no author, no text) so
    their replies keep their parent; posts not ``isApproved`` (pending, spam) are not public and are
    left out."""

    name = "disqus"
    hosts = ("disqus.com",)
    marks = (b"disqus",)

    def first_url(self, body: bytes, page_url: str) -> str | None:
        if b"disqus" not in body:
            return None
        forum = _first(body, SHORTNAME, EMBED_SCRIPT)
        if forum is None:
            return None
        identifier, link = _first(body, IDENTIFIER), _first(body, PAGE_URL) or page_url
        thread = ("thread:ident", identifier) if identifier else ("thread:link", link)
        query = [("api_key", EMBED_API_KEY), ("forum", forum), thread, ("limit", str(PAGE_SIZE)),
                 ("order", "asc")]
        return f"{API}?{urlencode(query, safe=':/')}"

    def owns(self, url: str) -> bool:
        return host_of(url) == "disqus.com" and urlsplit(url).path.startswith("/api/3.0/")

    def next_url(self, page: FetchedPage) -> str | None:
        cursor = json_of(page).get("cursor") or {}
        following = cursor.get("next")
        if not cursor.get("hasNext") or not following:
            return None
        parts = urlsplit(page.url)
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "cursor"]
        if dict(parse_qsl(parts.query)).get("cursor") == following:
            return None  # the same page again: the thread ends here
        return urlunsplit(parts._replace(query=urlencode([*query, ("cursor", following)], safe=":/")))

    def page_comments(self, page: FetchedPage) -> list[Comment]:
        data = json_of(page)
        if data.get("code") != 0 or not isinstance(data.get("response"), list):
            raise ValueError(f"Disqus answered code {data.get('code')}: {str(data.get('response'))[:200]}")
        return [_comment(post) for post in data["response"] if post.get("isDeleted") or post.get("isApproved", True)]


def _comment(post: dict) -> Comment:
    parent = post.get("parent")
    comment = Comment(comment_id=str(post["id"]), parent_comment_id=str(parent) if parent else None,
                      date_published=utc_time(post.get("createdAt")),
                      date_published_raw=post.get("createdAt"))
    if post.get("isDeleted"):
        comment.type = DELETED
        return comment
    author = post.get("author") or {}
    comment.author_name = author.get("name") or author.get("username")
    comment.author_url = author.get("url") or (None if author.get("isAnonymous") else author.get("profileUrl")) or None
    comment.text, comment.text_html = body_fields(post.get("message"))
    return comment


def _first(body: bytes, *patterns: re.Pattern) -> str | None:
    for pattern in patterns:
        found = pattern.search(body)
        if found:
            return found.group(1).decode("utf-8", "replace").strip()
    return None
