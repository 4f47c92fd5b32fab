"""Any URL a reader has for an archived article (a fragment, a comment page, a reply link) to its article."""
from __future__ import annotations

import re
import sqlite3
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .db import queries

COMMENT_PAGE_SUFFIX = re.compile(r"/comment-page-\d+/?$")
COMMENT_PARAMETERS = frozenset({"replytocom", "cpage", "unapproved", "moderation-hash"})
"""Query parameters WordPress adds to an article's URL for a comment, a comment page or a reply."""


def article_url_candidates(url: str) -> list[str]:
    """``url`` and the article URLs it may stand for, most literal first: without its fragment,
    without comment query parameters, without a ``/comment-page-N/`` suffix (with and without the
    permalink's closing slash)."""
    parts = urlsplit(url.strip())
    query = urlencode([(name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True)
                       if name not in COMMENT_PARAMETERS])
    without_fragment = urlunsplit(parts._replace(fragment=""))
    without_comment_query = urlunsplit(parts._replace(query=query, fragment=""))
    path = COMMENT_PAGE_SUFFIX.sub("", parts.path)
    article = urlunsplit(parts._replace(path=path, query=query, fragment=""))
    slashed = urlunsplit(parts._replace(path=path.rstrip("/") + "/", query=query, fragment=""))
    return list(dict.fromkeys([url, without_fragment, without_comment_query, article, slashed]))


def find_archived_article(conn: sqlite3.Connection, url_or_id: str) -> dict | None:
    """The archived article ``url_or_id`` names (an id, a path, or any URL of the article), or None."""
    for candidate in article_url_candidates(url_or_id):
        article = queries.find_article(conn, candidate)
        if article is not None:
            return article
    return None
