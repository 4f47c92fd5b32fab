"""wpDiscuz load-more: the replies and further comments its script fetches from admin-ajax, merged with the thread the page shows."""
from __future__ import annotations

import json
import re
from urllib.parse import urlencode, urljoin, urlsplit

from ..items import Comment, FetchedPage
from .base import WidgetAdapter, json_of, on_site_of, pages_of, query_fields

SETTINGS = re.compile(rb"wpdiscuzAjaxObj\s*=\s*\{")
HIDDEN_REPLIES = re.compile(r"""<div\b[^>]*\bid=["']wpd-comm-(\d+)_\d+["'][^>]*>""")
LOAD_MORE = re.compile(r"""<[^>]*\bclass=["'][^"']*\bwpd-load-more-submit(?=[\s"'])[^>]*>""")
HAS_MORE = re.compile(r"""\bid=["']wpdiscuzHasMoreComments["'][^>]*\bdata-is_show_load_more=["'](\w*)["']""")
ACTIONS = ("wpdGetNonce", "wpdLoadMoreComments", "wpdShowReplies")
FORM = "application/x-www-form-urlencoded; charset=UTF-8"


class WpDiscuzLoadMoreAdapter(WidgetAdapter):
    """What wpDiscuz's script asks of ``admin-ajax.php`` (or its own ``wpdiscuz-ajax.php``), by
    POST with the post id its settings (``wpdiscuzAjaxObj``) give: a guest nonce first where the
    settings name one (``wpdGetNonce``); ``wpdLoadMoreComments`` from the load-more button's
    ``data-lastparentid`` (the first batch too where the page leaves it to the script,
    ``firstLoadWithAjax``), ``offset`` counting up, while the answer's ``is_show_load_more`` holds;
    then ``wpdShowReplies`` for each comment whose replies are collapsed (``wpd-hidden-replies``),
    in the page or in a loaded batch. The answers carry the thread's own HTML (``comment_list``),
    read with the wpDiscuz thread parser and merged with the comments the article page shows.
    Only what wpDiscuz lists to a guest is there: nothing deleted or held for moderation."""

    name = "wpdiscuz"
    marks = (b"wpdiscuzAjaxObj",)
    answers_html = True

    def first_url(self, body: bytes, page_url: str) -> str | None:
        settings = _settings(body) if b"wpdiscuzAjaxObj" in body else None
        if not settings or not str(settings.get("wc_post_id") or "").isdigit():
            return None
        native = str(settings.get("isNativeAjaxEnabled", "1")) not in ("0", "")
        endpoint = urljoin(page_url, str(settings.get("url" if native else "customAjaxUrl") or ""))
        if not endpoint.startswith(("http://", "https://")) or not on_site_of(endpoint, page_url):
            return None
        post = [("postId", str(settings["wc_post_id"]))]
        todo = _next(endpoint, post, [], body.decode("utf-8", "replace"), [], _loads_first(settings))
        if todo and settings.get("nonceName"):
            return _ask(endpoint, [("action", "wpdGetNonce"), *post, ("nonceName", str(settings["nonceName"]))])
        return todo

    def owns(self, url: str) -> bool:
        path = urlsplit(url).path
        action = dict(query_fields(url)).get("action")
        return path.endswith(("/admin-ajax.php", "/wpdiscuz-ajax.php")) and action in ACTIONS

    def request_body(self, url: str) -> tuple[str, bytes] | None:
        return FORM, urlencode([(k, v) for k, v in query_fields(url) if k != "nonceName"]).encode()

    def following_url(self, pages: list[FetchedPage], failed: frozenset[str] = frozenset()) -> str | None:
        data_pages = pages_of(self, pages)
        first = query_fields(data_pages[0].url)
        endpoint = data_pages[0].url.split("?")[0]
        post = [(k, v) for k, v in first if k == "postId"] + _nonce(data_pages[0], dict(first))
        fragments = [pages[0].body.decode("utf-8", "replace")] + [self.html_of(page) for page in data_pages]
        return _next(endpoint, post, [_action(page) for page in data_pages], "".join(fragments), data_pages,
                     _loads_first(_settings(pages[0].body) or {}))

    def html_of(self, page: FetchedPage) -> str:
        """The comment HTML a data page carries ("" for the nonce); ValueError when unreadable."""
        if _action(page)[0] == "wpdGetNonce":
            return ""
        data = json_of(page)
        if not isinstance(data, dict) or not data.get("success") or not isinstance(data.get("data"), dict):
            raise ValueError(f"wpDiscuz answered: {str(data)[:200]}")
        return str(data["data"].get("comment_list") or "")

    def page_comments(self, page: FetchedPage) -> list[Comment]:
        return []  # the answers are HTML: read by the thread parsers (``answers_html``)


def _settings(body: bytes) -> dict | None:
    """The ``wpdiscuzAjaxObj`` object WordPress prints for the script."""
    found = SETTINGS.search(body)
    try:
        text = body[found.end() - 1:found.end() + 100_000].decode("utf-8", "replace")
        settings, _ = json.JSONDecoder().raw_decode(text)
    except (AttributeError, ValueError):
        return None
    return settings if isinstance(settings, dict) else None


def _loads_first(settings: dict) -> bool:
    """True when the page holds no comment and the script loads the first batch itself
    (``firstLoadWithAjax``: on load or on a click), as cached pages are often set up."""
    return str(settings.get("firstLoadWithAjax") or "0") in ("1", "2") and \
        str(settings.get("wordpressIsPaginate") or "0") in ("0", "")


def _action(page: FetchedPage) -> tuple[str, str]:
    fields = dict(query_fields(page.url))
    return fields.get("action", ""), fields.get("commentId") or fields.get("lastParentId") or ""


def _nonce(page: FetchedPage, fields: dict) -> list[tuple[str, str]]:
    """The guest nonce the first answer gave, as the field its settings name."""
    if fields.get("action") != "wpdGetNonce":
        return []
    data = json_of(page)
    if not isinstance(data, dict) or not isinstance(data.get("data"), dict):
        raise ValueError(f"wpDiscuz answered no nonce: {str(data)[:200]}")
    value = data["data"].get(fields.get("nonceName", ""))
    return [(fields["nonceName"], str(value))] if value else []


def _next(endpoint: str, post: list, asked: list[tuple[str, str]], thread_html: str, pages: list,
          loads_first: bool) -> str | None:
    """The next request: the next batch while there is more, then each collapsed reply list (the
    script's ``offset`` counts its batches: from 0 where it loads the first one itself)."""
    loads = sum(1 for action, _ in asked if action == "wpdLoadMoreComments")
    more, last_parent = _load_more_state(thread_html, pages) if loads or not loads_first else (True, "0")
    if more and last_parent and ("wpdLoadMoreComments", last_parent) not in asked:
        first = loads_first and not loads
        return _ask(endpoint, [("action", "wpdLoadMoreComments"), ("offset", str(loads if loads_first else loads + 1)),
                               ("lastParentId", last_parent), ("isFirstLoad", str(int(first))), ("wpdType", ""),
                               *post])
    shown = {comment for action, comment in asked if action == "wpdShowReplies"}
    for tag in HIDDEN_REPLIES.finditer(thread_html):
        comment = tag.group(1)
        if "wpd-hidden-replies" in tag.group(0) and comment not in shown:
            return _ask(endpoint, [("action", "wpdShowReplies"), ("commentId", comment), *post])
    return None


def _load_more_state(thread_html: str, pages: list[FetchedPage]) -> tuple[bool, str | None]:
    """Whether more top-level comments wait, and the last one shown: from the last batch's answer,
    else from the page's load-more button."""
    batches = [page for page in pages if _action(page)[0] == "wpdLoadMoreComments"]
    if batches:
        data = json_of(batches[-1]).get("data") or {}
        return bool(data.get("is_show_load_more")), str(data.get("last_parent_id") or "") or None
    has_more, button = HAS_MORE.search(thread_html), LOAD_MORE.search(thread_html)
    last = re.search(r"""\bdata-lastparentid=["'](\d+)["']""", button.group(0)) if button else None
    return bool(has_more and has_more.group(1) == "1"), last.group(1) if last else None


def _ask(endpoint: str, fields: list[tuple[str, str]]) -> str:
    return f"{endpoint}?{urlencode(fields)}"
