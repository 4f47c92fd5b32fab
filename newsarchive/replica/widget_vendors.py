"""Replicas of self-hosted and GitHub-backed comment widgets (Remark42, Isso, utterances): article pages and each API's JSON."""
from __future__ import annotations

import copy
import json
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

from .disqus import THREAD
from .site import Resource, Site, html_page

JSON = "application/json; charset=utf-8"
HOST = "http://blog.sahel.example"  # the articles' real host; Remark42 runs on its subdomain
REMARK_HOST = "http://remark.blog.sahel.example"
REPO = "sahel-news/commentaires"
CUSDIS_APP = "5f1c1d2e-0000-4000-8000-000000000001"
PATHS = {"remark42": "/debats/remark-forages/", "isso": "/debats/isso-puits/", "utterances": "/debats/utterances-kati/",
         "cusdis": "/debats/cusdis-forages/"}


class WidgetVendorsSite(Site):
    """One article per widget and the widgets' endpoints, all from the same thread (``THREAD`` of
    the Disqus replica, so that every vendor has nesting, a deleted comment and a pending one):

    * Remark42 ``/api/v1/find?site=&url=&format=tree`` → ``{"comments": [{"comment": {...},
      "replies": [...]}], "info": {...}}`` (``id``, ``pid``, ``text`` HTML, ``user.name``, ``time``
      RFC 3339, ``delete``);
    * Isso ``/isso/?uri=`` → ``{"total_replies", "hidden_replies", "replies": [{"id", "parent",
      "text", "author", "website", "mode", "created" (Unix seconds), "replies"}]}``;
    * GitHub ``/search/issues?q=`` and ``/repos/{repo}/issues/{n}/comments`` (``Link: rel="next"``
      paging, ``page_size`` a page), comments flat.
    """

    def __init__(self, page_size: int = 100):
        self.thread = copy.deepcopy(THREAD)
        self.page_size = page_size

    def resolve(self, path_and_query: str, base_url: str) -> Resource | None:
        parts = urlsplit(path_and_query)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        for vendor, path in PATHS.items():
            if parts.path == path:
                return html_page(article_page(vendor))
        if parts.path == "/api/v1/find":
            return _json({"comments": _remark_tree(self.thread),
                          "info": {"url": query.get("url"), "count": len(_public(self.thread)), "read_only": False}})
        if parts.path == "/isso/":
            replies = _isso_tree(self.thread)
            return _json({"id": None, "total_replies": len(replies), "hidden_replies": 0, "replies": replies})
        if parts.path == "/search/issues":
            return _json(self._search(query.get("q", "")))
        if parts.path == "/api/open/comments":
            return self._cusdis(query)
        if parts.path == f"/repos/{REPO}/issues/7/comments":
            return self._issue_comments(int(query.get("page") or 1), min(int(query.get("per_page") or 30), 100))
        return None

    def _cusdis(self, query: dict) -> Resource:
        if query.get("appId") != CUSDIS_APP or query.get("pageId") != "forages":
            return _json({"data": {"commentCount": 0, "data": [], "pageCount": 1, "pageSize": 10}})
        return _json({"data": _cusdis_wrapper(self.thread, int(query.get("page") or 1), self.page_size)})

    def _search(self, q: str) -> dict:
        title = "debats/utterances-kati/"
        items = [{"number": 7, "title": title, "state": "open", "comments": len(_public(self.thread)),
                  "comments_url": f"https://api.github.com/repos/{REPO}/issues/7/comments",
                  "html_url": f"https://github.com/{REPO}/issues/7"}] if q.startswith(title + " ") else []
        return {"total_count": len(items), "incomplete_results": False, "items": items}

    def _issue_comments(self, page: int, per_page: int) -> Resource:
        size = min(per_page, self.page_size)
        comments = [_github_comment(node) for node in _public(self.thread)]
        chunk = comments[(page - 1) * size:page * size]
        url = f"https://api.github.com/repos/{REPO}/issues/7/comments?per_page={per_page}&page="
        links = [f'<{url}{page + 1}>; rel="next"'] if page * size < len(comments) else []
        return Resource(200, json.dumps(chunk).encode(), JSON, [("Link", ", ".join(links))] if links else [])


def _json(data) -> Resource:
    return Resource(200, json.dumps(data).encode(), JSON)


def _public(thread: list[dict], out: list | None = None) -> list[dict]:
    """The thread's published comments, depth first (no deleted or pending one)."""
    out = [] if out is None else out
    for node in thread:
        if not node.get("deleted") and node.get("approved", True):
            out.append(node)
        _public(node.get("replies", []), out)
    return out


def _rfc3339(at: str) -> str:
    return at + "Z"


def _remark_tree(nodes: list[dict], parent: str = "") -> list[dict]:
    tree = []
    for node in nodes:
        if not node.get("approved", True):
            continue
        deleted = node.get("deleted", False)
        comment = {"id": f"rmk-{node['id']}", "pid": f"rmk-{parent}" if parent else "",
                   "text": "" if deleted else node["message"], "orig": "",
                   "user": {"name": "" if deleted else node["author"][0], "id": f"github_{node['id']}",
                            "picture": "", "admin": False},
                   "locator": {"site": "sahel", "url": HOST + PATHS["remark42"]}, "score": 0, "votes": {},
                   "time": _rfc3339(node["at"]), "delete": deleted, "title": "Forages"}
        tree.append({"comment": comment, "replies": _remark_tree(node.get("replies", []), node["id"])})
    return tree


def _isso_tree(nodes: list[dict], parent: str | None = None) -> list[dict]:
    tree = []
    for node in nodes:
        if not node.get("approved", True):
            continue  # pending (mode 2): shown to its author only
        deleted = node.get("deleted", False)
        name, url, _ = node.get("author") or (None, None, None)
        created = datetime.fromisoformat(node["at"]).replace(tzinfo=timezone.utc).timestamp() + 0.25
        replies = _isso_tree(node.get("replies", []), node["id"])
        tree.append({"id": int(node["id"]), "parent": int(parent) if parent else None,
                     "text": "" if deleted else node["message"], "author": None if deleted else name,
                     "website": None if deleted else (url or None), "mode": 4 if deleted else 1,
                     "created": created, "modified": None, "likes": 0, "dislikes": 0, "hash": "a1b2c3",
                     "total_replies": len(replies), "hidden_replies": 0, "replies": replies})
    return tree


def _cusdis_wrapper(nodes: list[dict], page: int, size: int) -> dict:
    """Cusdis's ``CommentWrapper``: approved, undeleted comments newest first, ``size`` a page (ten
    on the service), each with its replies' wrapper (their first page). A deleted comment's
    replies go with it: they are no longer listed."""
    listed = sorted((n for n in nodes if not n.get("deleted") and n.get("approved", True)),
                    key=lambda n: n["at"], reverse=True)
    return {"data": [_cusdis_item(n, size) for n in listed[(page - 1) * size:page * size]],
            "commentCount": len(listed), "pageSize": size, "pageCount": max(1, -(-len(listed) // size))}


def _cusdis_item(node: dict, size: int) -> dict:
    content = node["message"].replace("</p><p>", "\n\n").replace("<p>", "").replace("</p>", "")
    return {"id": f"c{node['id']}", "createdAt": node["at"] + ".000Z", "content": content,
            "by_nickname": node["author"][0], "moderatorId": None,
            "page": {"slug": "forages", "projectId": CUSDIS_APP}, "parsedContent": node["message"],
            "parsedCreatedAt": node["at"][:16].replace("T", " "), "replies": _cusdis_wrapper(node.get("replies", []), 1, size)}


def _github_comment(node: dict) -> dict:
    name, url, username = node["author"]
    login = username or "ghost"
    body = node["message"].replace("</p><p>", "\r\n\r\n").replace("<p>", "").replace("</p>", "")
    return {"id": int(node["id"]) * 1000, "user": {"login": login, "html_url": f"https://github.com/{login}"},
            "created_at": _rfc3339(node["at"]), "updated_at": _rfc3339(node["at"]),
            "author_association": "NONE", "body": body,
            "html_url": f"https://github.com/{REPO}/issues/7#issuecomment-{int(node['id']) * 1000}"}


EMBEDS = {
    "remark42": f"""<div id="remark42"></div><script>
  var remark_config = {{
    host: "{REMARK_HOST}",
    site_id: "sahel",
    url: "{HOST}{PATHS['remark42']}",
  }};
</script><script src="{REMARK_HOST}/web/embed.js" defer></script>""",
    "isso": """<script data-isso="/isso/" src="/isso/js/embed.min.js"></script>
<section id="isso-thread" data-title="Puits"></section>""",
    "cusdis": f"""<div id="cusdis_thread" data-host="https://cusdis.com" data-app-id="{CUSDIS_APP}"
 data-page-id="forages" data-page-url="{HOST}/debats/cusdis-forages/" data-page-title="Forages"></div>
<script async defer src="https://cusdis.com/js/cusdis.es.js"></script>""",
    "utterances": f"""<script src="https://utteranc.es/client.js" repo="{REPO}" issue-term="pathname"
 theme="github-light" crossorigin="anonymous" async></script>""",
}


def article_page(vendor: str) -> str:
    """An article whose comments the ``vendor`` widget loads."""
    return f"""<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Débat sur l'eau ({vendor})</title>
<meta property="article:published_time" content="2024-03-01T07:30:00+00:00"></head>
<body><article><h1>Débat sur l'eau ({vendor})</h1><div class="entry-content">
<p>Les habitants se sont réunis samedi pour débattre de l'accès à l'eau potable.</p>
<p>Le conseil communal doit rendre ses arbitrages avant la saison des pluies.</p></div></article>
<section class="comments">{EMBEDS[vendor]}</section></body></html>"""
