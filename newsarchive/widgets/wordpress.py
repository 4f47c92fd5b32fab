"""WordPress's REST comments (``/wp-json/wp/v2/comments?post=ID``), for wpDiscuz threads that load their replies by script."""
from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..items import Comment, FetchedPage
from .base import WidgetAdapter, body_fields, json_of, utc_time

PER_PAGE = 100  # the endpoint's maximum ``per_page``
# The post's own REST link, as WordPress writes it in the head of every post (4.7+).
POST_LINK = re.compile(rb"""<link\b[^>]*\bhref=["']([^"']+/wp-json/wp/v2/posts/(\d+))["']""")
WPDISCUZ = re.compile(rb"""id=["']wpdcom["']""")


class WordPressRestAdapter(WidgetAdapter):
    """The post's approved comments, oldest first, ``per_page=100`` and ``page=N`` up to the
    ``X-WP-TotalPages`` the site answers. Used where the page's thread is a wpDiscuz one (whose
    further replies its script loads) and the page links its REST post: a site that refuses the
    API (401/403/404) keeps the thread its HTML holds. The endpoint lists approved comments only,
    so nothing deleted or held for moderation appears."""

    name = "wordpress-rest"
    marks = (b"wpdcom",)

    def first_url(self, body: bytes, page_url: str) -> str | None:
        if b"wpdcom" not in body or not WPDISCUZ.search(body):
            return None
        found = POST_LINK.search(body)
        if found is None:
            return None
        # On the article's own host, whatever host the link names: a page cannot send the crawl elsewhere.
        link_path = urlsplit(html.unescape(found.group(1).decode("utf-8", "replace"))).path
        page = urlsplit(page_url)
        api_root = f"{page.scheme}://{page.netloc}" + link_path.rsplit("/wp/v2/posts/", 1)[0]
        query = [("post", found.group(2).decode()), ("per_page", str(PER_PAGE)), ("page", "1"),
                 ("orderby", "id"), ("order", "asc")]
        return f"{api_root}/wp/v2/comments?{urlencode(query)}"

    def owns(self, url: str) -> bool:
        return "/wp-json/wp/v2/comments" in urlsplit(url).path

    def next_url(self, page: FetchedPage) -> str | None:
        parts = urlsplit(page.url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        current = int(dict(query).get("page") or 1)
        total = page.header("X-WP-TotalPages")
        if not total or not total.strip().isdigit() or current >= int(total):
            return None
        query = [(k, str(current + 1) if k == "page" else v) for k, v in query]
        return urlunsplit(parts._replace(query=urlencode(query)))

    def page_comments(self, page: FetchedPage) -> list[Comment]:
        data = json_of(page)
        if not isinstance(data, list):
            raise ValueError(f"not a comment list: {str(data)[:200]}")
        return [_comment(item) for item in data]


def _comment(item: dict) -> Comment:
    parent = item.get("parent")
    text, text_html = body_fields((item.get("content") or {}).get("rendered"))
    kind = item.get("type") or "comment"
    return Comment(comment_id=str(item["id"]), parent_comment_id=str(parent) if parent else None,
                   type=kind, author_name=item.get("author_name") or None,
                   author_url=item.get("author_url") or None,
                   date_published=utc_time(item.get("date_gmt")), date_published_raw=item.get("date"),
                   text=text, text_html=text_html)
