"""A WordPress post with a wpDiscuz thread whose HTML shows its first comments, and the REST comments endpoint with all of them."""
from __future__ import annotations

import json
from html import escape
from urllib.parse import parse_qs, urlsplit

from .site import Resource, Site, html_page

JSON = "application/json; charset=UTF-8"
POST_ID = 512
ARTICLE_PATH = f"/2024/03/03/panneaux-solaires-a-bamako-{POST_ID}/"
MAX_PER_PAGE = 100  # WordPress refuses a larger per_page

# (id, parent, author, author URL, date_gmt, text); only approved comments are ever listed.
COMMENTS = [
    (801, 0, "Kadi", "https://kadi.example.org", "2024-03-03T09:12:00", "Le nôtre s'est remboursé en deux ans."),
    (802, 801, "La rédaction", "", "2024-03-03T10:00:00", "Quelle marque ?"),
    (803, 0, "Issa", "", "2024-03-04T18:30:00", "La poussière, voilà le vrai problème."),
    (804, 802, "Kadi", "https://kadi.example.org", "2024-03-04T19:05:10", "Une marque locale, <em>assemblée à Kati</em>."),
    (805, 0, "Mariam", "", "2024-03-05T07:45:00", "Et l'entretien des batteries ?"),
    (806, 805, "Issa", "", "2024-03-05T08:10:00", "Tous les six mois, pas plus."),
]
SHOWN = 2  # wpDiscuz renders this many top-level threads; its script loads the rest


class WordPressRestSite(Site):
    """The post, and ``/wp-json/wp/v2/comments`` as WordPress answers it: a JSON list (``id, post,
    parent, author_name, author_url, date, date_gmt, content.rendered, status, type, link``),
    ``X-WP-Total``/``X-WP-TotalPages`` headers, ``page``/``per_page`` paging (``page_size`` caps a
    page below ``per_page`` so that a small thread spans several); ``rest=False``: the API is
    restricted (401), as many sites have it."""

    def __init__(self, comments: list[tuple] | None = None, page_size: int = MAX_PER_PAGE, rest: bool = True):
        self.comments = list(COMMENTS if comments is None else comments)
        self.page_size, self.rest = page_size, rest

    def resolve(self, path_and_query: str, base_url: str) -> Resource | None:
        parts = urlsplit(path_and_query)
        base = base_url.rstrip("/")
        if parts.path == ARTICLE_PATH:
            return html_page(self.article(base))
        if parts.path == "/wp-json/wp/v2/comments":
            if not self.rest:
                return _error(401, "rest_login_required", "REST API restricted to authenticated users.")
            return self.comment_page({k: v[0] for k, v in parse_qs(parts.query).items()}, base)
        return None

    def comment_page(self, query: dict, base: str) -> Resource:
        per_page, page = int(query.get("per_page") or 10), int(query.get("page") or 1)
        if not 1 <= per_page <= MAX_PER_PAGE:
            return _error(400, "rest_invalid_param", "Invalid parameter(s): per_page")
        listed = sorted((c for c in self.comments if str(c[0]) and str(POST_ID) == query.get("post")),
                        key=lambda c: c[0], reverse=query.get("order") == "desc")
        size = min(per_page, self.page_size)
        pages = max(1, -(-len(listed) // size))
        if page > pages:
            return _error(400, "rest_comment_invalid_page_number", "The page number requested is larger than the number of pages available.")
        chunk = [_rest_comment(c, base) for c in listed[(page - 1) * size:page * size]]
        headers = [("X-WP-Total", str(len(listed))), ("X-WP-TotalPages", str(pages))]
        return Resource(200, json.dumps(chunk).encode(), JSON, headers)

    def article(self, base: str) -> str:
        shown = {c[0] for c in self.comments if c[1] == 0}
        shown = set(sorted(shown)[:SHOWN])
        items = "".join(_wpdiscuz_item(c, self.comments, shown) for c in self.comments if c[0] in shown)
        return f"""<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Panneaux solaires à Bamako</title>
<link rel="https://api.w.org/" href="{base}/wp-json/">
<link rel="alternate" title="JSON" type="application/json" href="{base}/wp-json/wp/v2/posts/{POST_ID}">
<meta property="article:published_time" content="2024-03-03T08:00:00+00:00"></head>
<body class="post-template-default single single-post postid-{POST_ID}"><article id="post-{POST_ID}">
<h1 class="entry-title">Panneaux solaires à Bamako</h1><div class="entry-content">
<p>Les panneaux solaires couvrent désormais les toits de Bamako.</p>
<p>Les ménages y voient une réponse aux délestages répétés.</p></div></article>
<div id="comments" class="comments-area"><div id="wpdcom" class="wpdiscuz_unauth wpd-default">
<div class="wpd-thread-head"><div class="wpd-thread-info" data-comments-count="{len(self.comments)}"><span class="wpdtc">{len(self.comments)}</span> Commentaires</div></div>
<div class="wpd-thread-list">{items}
<div class="wpdiscuz-comment-pagination"><button class="wpd-load-more-submit">Charger plus</button></div></div></div></div>
</body></html>"""


def _wpdiscuz_item(comment: tuple, comments: list[tuple], shown: set) -> str:
    cid, parent, author, url, _, text = comment
    name = f'<a href="{escape(url)}" rel="nofollow">{escape(author)}</a>' if url else escape(author)
    replies = "".join(_wpdiscuz_item(c, comments, shown) for c in comments if c[1] == cid)
    return (f'<div id="wpd-comm-{cid}_{parent}" class="comment wpd-comment"><div class="wpd-comment-wrap">'
            f'<div id="comment-{cid}" class="wpd-comment-right"><div class="wpd-comment-header">'
            f'<div class="wpd-comment-author">{name}</div></div>'
            f'<div class="wpd-comment-text"><p>{text}</p></div></div></div>{replies}</div>')


def _rest_comment(comment: tuple, base: str) -> dict:
    cid, parent, author, url, date_gmt, text = comment
    return {"id": cid, "post": POST_ID, "parent": parent, "author": 0, "author_name": author,
            "author_url": url, "date": date_gmt, "date_gmt": date_gmt,
            "content": {"rendered": f"<p>{text}</p>\n"}, "link": f"{base}{ARTICLE_PATH}#comment-{cid}",
            "status": "approved", "type": "comment", "author_avatar_urls": {}, "meta": [], "_links": {}}


def _error(status: int, code: str, message: str) -> Resource:
    return Resource(status, json.dumps({"code": code, "message": message, "data": {"status": status}}).encode(), JSON)
