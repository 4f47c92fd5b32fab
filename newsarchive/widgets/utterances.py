"""utterances: a GitHub issue's comments (the public REST API), the issue named by number or found by the embed's search term."""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from ..items import Comment, FetchedPage
from .base import WidgetAdapter, embed_attributes, json_of, plain_paragraphs, utc_time

API = "https://api.github.com"
SCRIPT = re.compile(rb"""<script\b[^>]*\bsrc=["'][^"']*utteranc\.es/client\.js["'][^>]*>""", re.I)
REPO = re.compile(r"^[\w.-]+/[\w.-]+$")
NEXT_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="next"')
PER_PAGE = 100


class UtterancesAdapter(WidgetAdapter):
    """``repos/{repo}/issues/{n}/comments?per_page=100`` followed by its ``Link: rel="next"``; an
    embed that names its issue by a term (``pathname``, ``url`` or a fixed term) is first looked up
    as utterances does, ``search/issues`` for an issue of that exact title in the repository. The
    comments are flat (GitHub issues have no replies); their Markdown is kept as the text."""

    name = "utterances"
    hosts = ("api.github.com",)
    marks = (b"utteranc.es",)

    def first_url(self, body: bytes, page_url: str) -> str | None:
        attributes = embed_attributes(body, b"utteranc.es", SCRIPT, ("repo", "issue-number", "issue-term"))
        if attributes is None:
            return None
        repo, number, term = attributes
        if not repo or not REPO.match(repo):
            return None
        if number and number.isdigit():
            return _comments_url(f"{API}/repos/{repo}/issues/{number}/comments")
        title = _issue_title(term or "pathname", page_url)
        return f"{API}/search/issues?{urlencode([('q', f'{title} type:issue in:title repo:{repo}')])}"

    def owns(self, url: str) -> bool:
        path = urlsplit(url).path
        return url.startswith(API + "/") and (path == "/search/issues" or path.endswith("/comments"))

    def next_url(self, page: FetchedPage) -> str | None:
        if urlsplit(page.url).path == "/search/issues":
            return self._issue_comments(page)
        found = NEXT_LINK.search(page.header("Link") or "")
        return found.group(1) if found else None

    def _issue_comments(self, page: FetchedPage) -> str | None:
        title = dict(parse_qsl(urlsplit(page.url).query)).get("q", "").split(" type:issue")[0]
        items = json_of(page).get("items") or []
        issue = next((item for item in items if item.get("title") == title), None)
        return _comments_url(issue["comments_url"]) if issue and issue.get("comments_url") else None

    def page_comments(self, page: FetchedPage) -> list[Comment]:
        data = json_of(page)
        if urlsplit(page.url).path == "/search/issues":
            return []  # the lookup of the issue: no comment of its own
        if not isinstance(data, list):
            raise ValueError(f"not a comment list: {str(data)[:200]}")
        return [_comment(item) for item in data]



def _issue_title(term: str, page_url: str) -> str:
    """The issue title utterances looks for: the page's path (without its leading slash and
    extension; ``index`` for the root), its URL, or a fixed term."""
    if term == "pathname":
        path = urlsplit(page_url).path
        return "index" if len(path) < 2 else re.sub(r"\.\w+$", "", path[1:])
    if term == "url":
        return page_url.split("#")[0]
    return term


def _comments_url(url: str) -> str:
    return f"{url}?{urlencode([('per_page', PER_PAGE), ('page', 1)])}"


def _comment(item: dict) -> Comment:
    user = item.get("user") or {}
    text = (item.get("body") or "").replace("\r\n", "\n").strip()
    return Comment(comment_id=str(item["id"]), author_name=user.get("login"), author_url=user.get("html_url"),
                   date_published=utc_time(item.get("created_at")), date_published_raw=item.get("created_at"),
                   text=text, text_html=plain_paragraphs(text))
