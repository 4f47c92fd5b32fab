"""Replicas of the Hyvor Talk, Commento, giscus and wpDiscuz endpoints, each beside an article that embeds its widget."""
from __future__ import annotations

import copy
import json
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

from .disqus import THREAD
from .site import Resource, Site, html_page, text_file
from .wpdiscuz_ajax import ROBOTS, WpDiscuzThread

JSON = "application/json; charset=utf-8"
HOST = "http://debats.sahel.example"  # the articles' real host
PATHS = {"hyvor": "/debats/hyvor-forages/", "commento": "/debats/commento-puits/", "giscus": "/debats/giscus-kati/",
         "wpdiscuz": "/2024/03/01/forages-du-village-4021/"}
AJAX = "/wp-admin/admin-ajax.php"
HYVOR_WEBSITE, HYVOR_PAGE_ID, HYVOR_PAGE = 4021, "forages-4021", 77
GISCUS_REPO = "sahel-news/commentaires"
SECOND_REPLY = {"id": "7011", "author": ("Fatou Sow", "", "fatousow"), "at": "2024-03-01T08:50:00",
                "message": "<p>Les forages solaires coûtent moins cher à entretenir.</p>"}


def replica_thread() -> list[dict]:
    """The Disqus replica's thread (nesting three deep, a deleted comment with a reply, an
    anonymous guest, a pending comment) with a second reply to 7001, so that a reply list pages."""
    thread = copy.deepcopy(THREAD)
    thread[0]["replies"].append(copy.deepcopy(SECOND_REPLY))
    return thread


class MoreWidgetsSite(Site):
    """One article per widget and the vendors' endpoints as their public clients call them:

    * Hyvor Talk ``POST /api/embed/v3/{website}/init`` (``{"page": {"id", "url", …}}``) and ``GET
      /api/embed/v3/{website}/page/{page}/comments?sort=&offset=&parent_comment_id=``, each answering
      ``{"list": {"PARENT"|id: [ids]}, "indexed": {id: comment}, "has_more_ids": [...]}``, ``page_size``
      top-level comments and one reply a list (``created_at`` Unix seconds, ``is_hidden`` for a deleted one);
    * Commento ``POST /api/comment/list`` (``{"commenterToken", "domain", "path"}``) → ``{"success",
      "comments": [{"commentHex", "parentHex", "commenterHex", "html", "creationDate", "deleted"}],
      "commenters": {hex: {"name", "link", …}}}``, approved comments only;
    * giscus ``GET /api/discussions?repo=&term=&first=&after=`` → ``{"discussion": {"pageInfo",
      "comments": [{"id", "author", "createdAt", "bodyHTML", "deletedAt", "isMinimized", "replies"}]}}``,
      ``page_size`` top-level comments a page, replies one level deep (GitHub's threads);
    * wpDiscuz's ``admin-ajax.php`` (``replica.wpdiscuz_ajax``) beside a post that shows the first batch
      and links its REST route, which refuses guests (401).
    """

    def __init__(self, page_size: int = 2):
        self.thread = replica_thread()
        self.page_size = page_size
        self.wpdiscuz = WpDiscuzThread(self.thread, page_size)

    def resolve(self, path_and_query: str, base_url: str) -> Resource | None:
        parts = urlsplit(path_and_query)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path == "/robots.txt":
            return text_file(ROBOTS, "text/plain")
        if parts.path == PATHS["wpdiscuz"]:
            return html_page(article_page("wpdiscuz", self.wpdiscuz.page_markup(HOST + AJAX)))
        if parts.path == "/wp-json/wp/v2/comments":  # restricted to signed-in users, as many sites have it
            return Resource(401, b'{"code": "rest_login_required", "data": {"status": 401}}', JSON)
        for vendor, path in PATHS.items():
            if parts.path == path:
                return html_page(article_page(vendor))
        if parts.path == f"/api/embed/v3/{HYVOR_WEBSITE}/page/{HYVOR_PAGE}/comments":
            return _json(self._hyvor_list(query.get("parent_comment_id"), int(query.get("offset") or 0)))
        if parts.path == "/api/discussions":
            return self._giscus(query)
        return None

    def resolve_post(self, path_and_query: str, body: bytes, base_url: str,
                     headers: dict[str, str] | None = None) -> Resource | None:
        path = urlsplit(path_and_query).path
        if path == f"/api/embed/v3/{HYVOR_WEBSITE}/init":
            return self._hyvor_init(json.loads(body))
        if path == "/api/comment/list":
            return self._commento(json.loads(body))
        if path == AJAX:
            return self.wpdiscuz.ajax(body)
        return None

    # -- Hyvor Talk --------------------------------------------------------------------------
    def _hyvor_init(self, asked: dict) -> Resource:
        if (asked.get("page") or {}).get("id") != HYVOR_PAGE_ID:
            return Resource(404, b'{"error": "page not found"}', JSON)
        page = {"id": HYVOR_PAGE, "identifier": HYVOR_PAGE_ID, "url": HOST + PATHS["hyvor"], "title": "Forages",
                "is_closed": False, "is_premoderation_on": False, "comments_count": len(_public(self.thread))}
        return _json({"page": page, "website": {"id": HYVOR_WEBSITE, "default_sort": "oldest"},
                      "user": None, "comments": self._hyvor_list(None, 0)})

    def _hyvor_list(self, parent: str | None, offset: int) -> dict:
        answer = {"list": {}, "indexed": {}, "has_more_ids": []}
        self._hyvor_fill(answer, parent, self._children(parent), offset, 1 if parent is None else 2)
        return answer

    def _hyvor_fill(self, answer: dict, parent: str | None, nodes: list[dict], offset: int, depth: int) -> None:
        listed = [n for n in nodes if n.get("approved", True)]  # pending: shown to its author only
        size = self.page_size if depth == 1 else 1
        chunk = listed[offset:offset + size]
        answer["list"][parent or "PARENT"] = [int(n["id"]) for n in chunk]
        if offset + size < len(listed):
            answer["has_more_ids"].append(int(parent) if parent else "PARENT")
        for node in chunk:
            answer["indexed"][node["id"]] = _hyvor_comment(node, parent, depth)
            self._hyvor_fill(answer, node["id"], node.get("replies", []), 0, depth + 1)

    def _children(self, parent: str | None) -> list[dict]:
        if parent is None:
            return self.thread
        found = _find(self.thread, parent)
        return found.get("replies", []) if found else []

    # -- Commento ----------------------------------------------------------------------------
    def _commento(self, asked: dict) -> Resource:
        if asked.get("commenterToken") is None:
            return Resource(500, b"runtime error: invalid memory address", "text/plain")  # Go's nil pointer
        if asked.get("domain") != urlsplit(HOST).netloc or asked.get("path") != PATHS["commento"]:
            return _json({"success": False, "message": "This domain is not registered with Commento."})
        comments, commenters = [], {"anonymous": {"commenterHex": "anonymous", "name": "Anonymous",
                                                  "link": "undefined", "photo": "undefined", "isModerator": False}}
        for node, parent in _walk(self.thread):
            if not node.get("approved", True):
                continue
            hex_id = _commenter_hex(node)
            if hex_id != "anonymous":
                name, url, _ = node["author"]
                commenters[hex_id] = {"commenterHex": hex_id, "name": name, "link": url or "undefined",
                                      "photo": "undefined", "isModerator": False}
            deleted = node.get("deleted", False)
            comments.append({"commentHex": f"cm{node['id']}", "commenterHex": hex_id, "markdown": "",
                             "html": "[deleted]" if deleted else node["message"],
                             "parentHex": f"cm{parent}" if parent else "root", "score": 0,
                             "creationDate": node["at"] + ".123456Z", "direction": 0, "deleted": deleted})
        return _json({"success": True, "domain": asked["domain"], "comments": comments, "commenters": commenters,
                      "requireModeration": False, "requireIdentification": False, "isFrozen": False,
                      "isModerator": False, "defaultSortPolicy": "score-desc", "attributes": {}})

    # -- giscus ------------------------------------------------------------------------------
    def _giscus(self, query: dict) -> Resource:
        if query.get("repo") != GISCUS_REPO or query.get("term") != PATHS["giscus"][1:]:
            return Resource(404, b'{"error": "Discussion not found"}', JSON)
        offset = int((query.get("after") or "cursor:0").split(":")[1])
        size = min(int(query.get("first") or 20), 100, self.page_size)
        chunk = self.thread[offset:offset + size]
        following = offset + len(chunk)
        info = {"startCursor": f"cursor:{offset}", "endCursor": f"cursor:{following}",
                "hasNextPage": following < len(self.thread), "hasPreviousPage": offset > 0}
        comments = [dict(_giscus_comment(node, None), replies=[_giscus_comment(reply, node["id"])
                                                                for reply, _ in _walk(node.get("replies", []))])
                    for node in chunk]
        discussion = {"id": "D_kwDO1", "url": f"https://github.com/{GISCUS_REPO}/discussions/7", "locked": False,
                      "totalCommentCount": len(self.thread), "pageInfo": info, "comments": comments,
                      "repository": {"nameWithOwner": GISCUS_REPO}}
        return _json({"viewer": None, "discussion": discussion})


def _json(data) -> Resource:
    return Resource(200, json.dumps(data, ensure_ascii=False).encode(), JSON)


def _walk(nodes: list[dict], parent: str | None = None):
    """(node, parent id) of the whole thread, depth first."""
    for node in nodes:
        yield node, parent
        yield from _walk(node.get("replies", []), node["id"])


def _find(nodes: list[dict], wanted: str) -> dict | None:
    return next((node for node, _ in _walk(nodes) if node["id"] == wanted), None)


def _public(nodes: list[dict]) -> list[dict]:
    return [node for node, _ in _walk(nodes) if not node.get("deleted") and node.get("approved", True)]


def _unix(at: str) -> int:
    return int(datetime.fromisoformat(at).replace(tzinfo=timezone.utc).timestamp())


def _hyvor_comment(node: dict, parent: str | None, depth: int) -> dict:
    base = {"id": int(node["id"]), "page_id": HYVOR_PAGE, "parent_id": int(parent) if parent else None,
            "depth": depth, "created_at": _unix(node["at"])}
    if node.get("deleted"):
        return dict(base, is_hidden=True)
    name, url, username = node["author"]
    user = {"type": "hyvor" if username else None, "name": name, "username": username or "",
            "picture_url": None, "bio": None, "location": None, "website_url": url or None}
    return dict(base, is_hidden=False, status="published", content=node["message"], content_html=node["message"],
                is_featured=False, is_loved=False, upvotes=0, downvotes=0, user=user)


def _commenter_hex(node: dict) -> str:
    username = (node.get("author") or (None, None, None))[2]
    return f"hex-{username}" if username and not node.get("deleted") else "anonymous"


def _giscus_comment(node: dict, parent: str | None) -> dict:
    deleted = node.get("deleted", False)
    name, url, username = node.get("author") or ("", "", None)
    login = username or "ghost"
    author = None if deleted else {"login": login, "url": f"https://github.com/{login}",
                                   "avatarUrl": f"https://avatars.githubusercontent.com/{login}"}
    comment = {"id": f"DC_{node['id']}", "author": author, "createdAt": node["at"] + "Z",
               "url": f"https://github.com/{GISCUS_REPO}/discussions/7#discussioncomment-{node['id']}",
               "authorAssociation": "NONE", "lastEditedAt": None,
               "deletedAt": "2024-03-02T00:00:00Z" if deleted else None,
               "isMinimized": not node.get("approved", True), "bodyHTML": "" if deleted else node["message"],
               "reactions": {}}
    if parent is None:
        comment.update(upvoteCount=0, replyCount=len(list(_walk(node.get("replies", [])))))
    else:
        comment["replyToId"] = f"DC_{parent}"
    return comment


EMBEDS = {
    "hyvor": f"""<hyvor-talk-comments website-id="{HYVOR_WEBSITE}" page-id="{HYVOR_PAGE_ID}"></hyvor-talk-comments>
<script async type="module" src="https://talk.hyvor.com/embed/embed.js"></script>""",
    "commento": """<div id="commento"></div><script defer src="https://cdn.commento.io/js/commento.js"></script>""",
    "giscus": f"""<script src="https://giscus.app/client.js" data-repo="{GISCUS_REPO}" data-repo-id="R_kgDO1"
 data-category="Débats" data-category-id="DIC_kwDO1" data-mapping="pathname" data-strict="0"
 data-reactions-enabled="1" data-theme="light" crossorigin="anonymous" async></script>""",
}


def article_page(vendor: str, comments: str | None = None) -> str:
    """An article whose comments the ``vendor`` widget loads (``comments``: the markup it shows)."""
    return f"""<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Débat sur les forages ({vendor})</title>
<meta property="article:published_time" content="2024-03-01T07:30:00+00:00"></head>
<body><article><h1>Débat sur les forages ({vendor})</h1><div class="entry-content">
<p>Les habitants se sont réunis samedi pour débattre des forages du village.</p>
<p>Le conseil communal doit rendre ses arbitrages avant la saison des pluies.</p></div></article>
<section class="comments">{EMBEDS[vendor] if comments is None else comments}</section></body></html>"""
