"""Facebook's comments plugin: the plugin's ``data-href``, its comments read through the Graph API's comment stream."""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..items import Comment, FetchedPage
from .base import WidgetAdapter, embed_attributes, json_of, plain_paragraphs, utc_time

API = "https://graph.facebook.com/v19.0"
PLUGIN = re.compile(rb"""<(?:div\b[^>]*\bclass\s*=\s*["'][^"']*\bfb-comments\b[^>]*|fb:comments\b[^>]*)>""", re.I)
PAGE_SIZE = 100
FIELDS = "id,message,created_time,from{name,link},parent{id}"
TOKEN_SETTING = "NEWSARCHIVE_FACEBOOK_TOKEN"
# The page's own comment list (WordPress and most CMSs): the plugin beside it is not the page's thread.
HTML_THREAD = re.compile(rb"""class\s*=\s*["'][^"']*\b(?:comment-list|commentlist)\b""")


class FacebookAdapter(WidgetAdapter):
    """The plugin's URL object (``GET /?id={data-href}&fields=og_object{id}``), then its comments
    as one stream (``GET /{og_object}/comments?filter=stream&order=chronological``: every comment
    and reply oldest first, a reply naming its ``parent``), 100 a page, ``after`` cursor paging.
    The Graph API answers only a request that carries an access token: the adapter runs only when
    the setting ``NEWSARCHIVE_FACEBOOK_TOKEN`` is set, and sends it in the ``Authorization`` header
    (never in the URL, so never in the archive). A page whose HTML holds its own comment list keeps
    that thread: the plugin beside it is not read. The API lists published comments only: one
    deleted or hidden is no longer there."""

    name = "facebook"
    hosts = ("graph.facebook.com",)
    marks = (b"fb-comments", b"fb:comments")

    def enabled(self, settings) -> bool:
        return bool(settings and settings.get(TOKEN_SETTING))

    def first_url(self, body: bytes, page_url: str) -> str | None:
        if (b"fb-comments" not in body and b"fb:comments" not in body) or HTML_THREAD.search(body):
            return None
        attributes = embed_attributes(body, b"comments", PLUGIN, ("data-href", "href"))
        if attributes is None:
            return None
        href = attributes[0] or attributes[1] or page_url.split("#")[0]
        return f"{API}/?{urlencode([('id', href), ('fields', 'og_object{id}')])}"

    def owns(self, url: str) -> bool:
        return url.startswith(API + "/")

    def request_headers(self, url: str, settings) -> dict[str, str]:
        return {"Authorization": f"Bearer {settings.get(TOKEN_SETTING)}"} if self.enabled(settings) else {}

    def next_url(self, page: FetchedPage) -> str | None:
        data = json_of(page)
        if urlsplit(page.url).path.rstrip("/") == urlsplit(API).path:
            og_id = (data.get("og_object") or {}).get("id")
            return _comments_url(f"{API}/{og_id}/comments", None) if og_id else None
        after = ((data.get("paging") or {}).get("cursors") or {}).get("after")
        current = dict(parse_qsl(urlsplit(page.url).query)).get("after")
        if not (data.get("paging") or {}).get("next") or not after or after == current:
            return None
        return _comments_url(urlunsplit(urlsplit(page.url)._replace(query="")), after)

    def page_comments(self, page: FetchedPage) -> list[Comment]:
        data = json_of(page)
        if "error" in data:
            raise ValueError(f"Facebook answered: {str(data['error'])[:200]}")
        if urlsplit(page.url).path.rstrip("/") == urlsplit(API).path:
            return []  # the URL object's lookup: no comment of its own
        if not isinstance(data.get("data"), list):
            raise ValueError(f"not a Facebook comment list: {str(data)[:200]}")
        return [_comment(item) for item in data["data"]]


def _comments_url(endpoint: str, after: str | None) -> str:
    query = [("filter", "stream"), ("order", "chronological"), ("limit", str(PAGE_SIZE)), ("fields", FIELDS)]
    return f"{endpoint}?{urlencode(query + ([('after', after)] if after else []))}"


def _comment(item: dict) -> Comment:
    author = item.get("from") or {}
    parent = (item.get("parent") or {}).get("id")
    text = (item.get("message") or "").replace("\r\n", "\n").strip()
    return Comment(comment_id=str(item["id"]), parent_comment_id=str(parent) if parent else None,
                   author_name=author.get("name") or None, author_url=author.get("link") or None,
                   date_published=utc_time(item.get("created_time")), date_published_raw=item.get("created_time"),
                   text=text, text_html=plain_paragraphs(text))
