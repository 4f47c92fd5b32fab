"""Replicas of newsroom comment platforms (Coral, OpenWeb, Viafoura, Facebook's plugin): article pages that embed them and each API's JSON."""
from __future__ import annotations

import copy
import json
import zlib
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

from .disqus import THREAD
from .site import Resource, Site, html_page, text_file

JSON = "application/json; charset=utf-8"
HOST = "http://www.journal-sahel.example"  # the articles' real host
CORAL_ROOT = "https://comments.journal-sahel.example"  # Coral runs on the site's subdomain
CORAL_STORY = "story-4021"
SPOT_ID, POST_ID = "sp_Sahel4021", "article-4021"
FACEBOOK_OBJECT = "9004021"
VIAFOURA_SECTION, VIAFOURA_CONTAINER = "00000000-0000-4000-8000-5a4e1f0c4021", "c0a10000-0000-4000-8000-000000004021"
PATHS = {vendor: f"/debats/{vendor}-forages/" for vendor in ("coral", "openweb", "facebook", "viafoura")}


class NewsWidgetsSite(Site):
    """One article per platform and the platforms' endpoints, all from the same thread (``THREAD``
    of the Disqus replica: nesting three deep, a deleted comment with a reply, a comment awaiting
    moderation, markup to sanitise):

    * Coral ``GET /api/graphql?query=…&variables={"id"|"url", "after"}`` → ``{"data": {"story":
      {"id", "comments": {"edges": [{"node": {id, body, createdAt, status, deleted, author
      {username}, parent {id}, allChildComments {nodes}}, "cursor"}], "pageInfo": {endCursor,
      hasNextPage}}}}}``: top-level comments oldest first, the cursor the last one's ``createdAt``;
      a deleted comment keeps its place with ``body`` and ``author`` null; a comment awaiting
      moderation (``PREMOD``) is not listed.
    * OpenWeb ``POST /v1.0.0/conversation/read`` (headers ``x-spot-id``, ``x-post-id``; JSON body
      ``offset``, ``count``, ``depth``, ``child_count``, ``parent_id``, ``message_id``) →
      ``{"conversation": {"comments": [{id, parent_id, root_comment, depth, user_id, written_at
      (Unix seconds), content [{type: "text", id, text}], deleted, status, replies, replies_count,
      has_next, offset}], "users": {user_id: {display_name, user_name}}, "has_next", "offset",
      "messages_count"}}``: ``depth`` levels given, ``child_count`` replies each (``page_size`` at
      most), a comment with more replies marked ``has_next`` with the ``offset`` to read them from.
    * Viafoura ``GET /v4/livecomments/{section}/contentcontainer/id?container_id=`` →
      ``{"content_container_uuid", "total_visible_content"}``; ``GET …/{section}/{container}/comments
      ?limit&sorted_by=oldest&starting_from={uuid}`` → ``{"contents": [{content_uuid, actor_uuid,
      content, date_created (Unix ms), status, total_replies}], "more_available"}`` (top level);
      ``…/comments/{thread}`` the same for every reply of a thread, each with ``parent_uuid``; IAM
      ``GET /v3/sections/{section}/users/{actor}`` → ``{"uuid", "name"}``. A deleted comment keeps
      its place (``status: deleted``, no content); one awaiting moderation is not listed.
    * Facebook Graph ``GET /v19.0/?id=URL&fields=og_object{id}`` → ``{"og_object": {"id"}, "id"}``;
      ``GET /v19.0/{id}/comments?filter=stream&order=chronological&limit&after`` → ``{"data":
      [{id, message, created_time, from {name, id}, parent {id}}], "paging": {"cursors": {before,
      after}, "next"}}``: published comments only (a deleted one is gone).
    """

    def __init__(self, page_size: int = 100):
        self.thread = copy.deepcopy(THREAD)
        self.page_size = page_size
        self.gone_authors: set[str] = set()
        """Authors whose Viafoura user record is gone (404)."""

    def resolve(self, path_and_query: str, base_url: str) -> Resource | None:
        parts = urlsplit(path_and_query)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        for vendor, path in PATHS.items():
            if parts.path == path:
                return html_page(article_page(vendor))
        if parts.path == "/robots.txt":
            return text_file("User-agent: *\nDisallow: /admin/\n", "text/plain")
        if parts.path == "/api/graphql":
            return self._coral(query)
        if parts.path.startswith(f"/v4/livecomments/{VIAFOURA_SECTION}/"):
            return self._viafoura(parts.path.removeprefix(f"/v4/livecomments/{VIAFOURA_SECTION}/"), query)
        if parts.path.startswith(f"/v3/sections/{VIAFOURA_SECTION}/users/"):
            return self._viafoura_user(parts.path.rsplit("/", 1)[-1])
        if parts.path.startswith("/v19.0/"):
            return self._facebook(parts.path.removeprefix("/v19.0/"), query)
        return None

    def resolve_post(self, path_and_query: str, body: bytes, base_url: str,
                     headers: dict[str, str] | None = None) -> Resource | None:
        if urlsplit(path_and_query).path != "/v1.0.0/conversation/read":
            return None
        headers = headers or {}
        if headers.get("x-spot-id") != SPOT_ID or headers.get("x-post-id") != POST_ID:
            return _json({"success": False, "error": "conversation not found"}, 404)
        return self._openweb(json.loads(body or b"{}"))

    def _openweb(self, read: dict) -> Resource:
        size, offset = min(int(read.get("count") or 15), self.page_size), int(read.get("offset") or 0)
        listed = _public(_find(self.thread, read["parent_id"])["replies"] if read.get("parent_id") else self.thread)
        chunk = listed[offset:offset + size]
        depth, child_count = int(read.get("depth") or 2), min(int(read.get("child_count") or 2), self.page_size)
        parent = read.get("parent_id") or None
        comments = [_spotim_comment(node, parent, depth - 1, child_count) for node in chunk]
        users = {f"u_{n['author'][2] or 'guest'}": {"display_name": n["author"][0],
                                                     "user_name": n["author"][2] or "guest"}
                 for n in _every(self.thread) if n.get("author")}
        return _json({"conversation": {"comments": comments, "users": users, "sort_by": read.get("sort_by"),
                                       "has_next": offset + size < len(listed), "offset": offset + len(chunk),
                                       "messages_count": len(_every(self.thread)), "max_depth": 6}})

    def _viafoura(self, path: str, query: dict) -> Resource | None:
        if path == "contentcontainer/id":
            if query.get("container_id") != "4021":
                return _json({"message": "Not Found"}, 404)
            return _json({"content_container_uuid": VIAFOURA_CONTAINER, "container_id": "4021",
                          "total_visible_content": len(_every(self.thread))})
        container, _, rest = path.partition("/")
        if container != VIAFOURA_CONTAINER or not rest.startswith("comments"):
            return None
        thread = rest.removeprefix("comments").strip("/")
        if thread:
            top = next(node for node in self.thread if _vf_uuid(node) == thread)
            listed = sorted(((node, parent) for node, parent in _descendants(top) if node.get("approved", True)),
                            key=lambda pair: pair[0]["at"])
        else:
            listed = [(node, None) for node in _public(self.thread)]
        start = next((i + 1 for i, (node, _) in enumerate(listed) if _vf_uuid(node) == query.get("starting_from")), 0)
        size = min(int(query.get("limit") or 10), self.page_size)
        chunk = listed[start:start + size]
        return _json({"contents": [_vf_comment(node, parent) for node, parent in chunk],
                      "more_available": start + size < len(listed)})

    def _viafoura_user(self, actor: str) -> Resource | None:
        author = next((n["author"] for n in _every(self.thread) if n.get("author") and _vf_actor(n) == actor), None)
        return _json({"uuid": actor, "name": author[0]}) if author and author[0] not in self.gone_authors else None

    def _facebook(self, path: str, query: dict) -> Resource:
        if path == "" and query.get("id") == HOST + PATHS["facebook"]:
            return _json({"og_object": {"id": FACEBOOK_OBJECT, "type": "article", "title": "Forages"},
                          "id": query["id"]})
        if path != f"{FACEBOOK_OBJECT}/comments" or query.get("filter") != "stream":
            return _json({"error": {"message": "Unsupported get request.", "type": "GraphMethodException",
                                    "code": 100}}, 400)
        stream = sorted((n for n in _every(self.thread) if not n.get("deleted") and n.get("approved", True)),
                        key=lambda n: n["at"])
        start = int(query["after"].removeprefix("c")) if query.get("after") else 0
        size = min(int(query.get("limit") or 25), self.page_size)
        chunk = stream[start:start + size]
        paging = {"cursors": {"before": f"c{start}", "after": f"c{start + len(chunk)}"}}
        if start + size < len(stream):
            paging["next"] = (f"https://graph.facebook.com/v19.0/{FACEBOOK_OBJECT}/comments?filter=stream"
                              f"&limit={size}&after=c{start + len(chunk)}")
        return _json({"data": [_facebook_comment(n, self.thread) for n in chunk], "paging": paging})

    def _coral(self, query: dict) -> Resource:
        if "story(" not in query.get("query", ""):
            return _json({"errors": [{"message": "Must provide query string."}]}, 400)
        variables = json.loads(query.get("variables") or "{}")
        if variables.get("id") != CORAL_STORY and variables.get("url") != HOST + PATHS["coral"]:
            return _json({"data": {"story": None}})
        listed = [node for node in self.thread if node.get("approved", True)]
        after = variables.get("after")
        chunk = [node for node in listed if after is None or node["at"] + "Z" > after][:self.page_size]
        more = bool(chunk) and chunk[-1] is not listed[-1]
        edges = [{"node": {**_coral_node(node, None), "allChildComments": {"nodes": _coral_descendants(node)}},
                  "cursor": node["at"] + "Z"} for node in chunk]
        info = {"endCursor": edges[-1]["cursor"] if edges else None, "hasNextPage": more,
                "hasPreviousPage": False, "startCursor": None}
        return _json({"data": {"story": {"id": CORAL_STORY, "comments": {"edges": edges, "pageInfo": info}}}})


def _json(data, status: int = 200) -> Resource:
    return Resource(status, json.dumps(data).encode(), JSON)


def _every(nodes: list[dict]) -> list[dict]:
    """Every comment of the thread, depth first."""
    found = []
    for node in nodes:
        found.append(node)
        found.extend(_every(node.get("replies", [])))
    return found


def _public(nodes: list[dict]) -> list[dict]:
    return [node for node in nodes if node.get("approved", True)]


def _find(nodes: list[dict], comment_id: str) -> dict:
    return next(node for node in _every(nodes) if f"{SPOT_ID}_{POST_ID}_{node['id']}" == comment_id)


def _epoch(at: str) -> float:
    return datetime.fromisoformat(at).replace(tzinfo=timezone.utc).timestamp()


def _spotim_comment(node: dict, parent: str | None, depth: int, child_count: int) -> dict:
    """One conversation message, its first ``child_count`` replies inline while ``depth`` lasts."""
    replies = _public(node.get("replies", []))
    inline = replies[:child_count] if depth > 0 else []
    own_id = f"{SPOT_ID}_{POST_ID}_{node['id']}"
    deleted = node.get("deleted", False)
    author = node.get("author") or ("", "", None)
    return {"id": own_id, "parent_id": parent or "", "root_comment": own_id if parent is None else parent,
            "user_id": f"u_{author[2] or 'guest'}", "written_at": _epoch(node["at"]),
            "content": [] if deleted else [{"type": "text", "id": "t1", "text": node["message"]}],
            "deleted": deleted, "status": "deleted" if deleted else "approved", "edited": False,
            "replies": [_spotim_comment(reply, own_id, depth - 1, child_count) for reply in inline],
            "replies_count": len(replies), "has_next": len(replies) > len(inline), "offset": len(inline),
            "rank": {"ranks_up": 0, "ranks_down": 0}}


def _descendants(node: dict) -> list[tuple[dict, dict]]:
    """Every reply under ``node`` with its parent, depth first."""
    found = []
    for reply in node.get("replies", []):
        found.append((reply, node))
        found.extend(_descendants(reply))
    return found


def _vf_uuid(node: dict) -> str:
    return f"c0ffee00-0000-4000-8000-0000{int(node['id']):08d}"


def _vf_actor(node: dict) -> str:
    return f"a0000000-0000-4000-8000-{zlib.crc32(node['author'][0].encode()):012d}"


def _vf_comment(node: dict, parent: dict | None) -> dict:
    deleted = node.get("deleted", False)
    return {"content_uuid": _vf_uuid(node), "content_container_uuid": VIAFOURA_CONTAINER,
            "actor_uuid": None if deleted else _vf_actor(node), "content": "" if deleted else node["message"],
            "date_created": int(_epoch(node["at"]) * 1000), "status": "deleted" if deleted else "visible",
            "parent_uuid": _vf_uuid(parent) if parent else None,
            "total_replies": len(_descendants(node)) if parent is None else 0, "total_likes": 0, "total_dislikes": 0}


def _facebook_comment(node: dict, thread: list[dict]) -> dict:
    parent = next((p for p in _every(thread) if node in p.get("replies", [])), None)
    name, _, username = node["author"]
    item = {"id": f"{FACEBOOK_OBJECT}_{node['id']}", "created_time": node["at"] + "+0000",
            "message": node["message"].replace("</p><p>", "\n\n").replace("<p>", "").replace("</p>", ""),
            "from": {"name": name, "id": f"10{node['id']}"}}
    if parent:
        item["parent"] = {"id": f"{FACEBOOK_OBJECT}_{parent['id']}"}
    return item


def _coral_node(node: dict, parent: str | None) -> dict:
    deleted = node.get("deleted", False)
    return {"id": f"cmt-{node['id']}", "body": None if deleted else node["message"],
            "createdAt": node["at"] + ".000Z", "status": "APPROVED" if node.get("approved", True) else "PREMOD",
            "deleted": deleted or None, "author": None if deleted else {"username": node["author"][0]},
            "parent": {"id": f"cmt-{parent}"} if parent else None}


def _coral_descendants(node: dict) -> list[dict]:
    """Every published reply under ``node``, oldest first, each naming its parent."""
    found = []

    def walk(parent: dict) -> None:
        for reply in parent.get("replies", []):
            if reply.get("approved", True):
                found.append(_coral_node(reply, parent["id"]))
                walk(reply)

    walk(node)
    return sorted(found, key=lambda item: item["createdAt"])


EMBEDS = {
    "coral": f"""<div id="coral_thread"></div>
<script type="text/javascript">
  (function() {{
    var d = document, s = d.createElement('script');
    s.src = '{CORAL_ROOT}/assets/js/embed.js';
    s.async = false; s.defer = true;
    s.onload = function() {{
      Coral.createStreamEmbed({{
        id: "coral_thread",
        autoRender: true,
        rootURL: '{CORAL_ROOT}',
        storyID: '{CORAL_STORY}',
        storyURL: '{HOST}{PATHS["coral"]}',
      }});
    }};
    (d.head || d.body).appendChild(s);
  }})();
</script>""",
    "openweb": f"""<div data-spotim-module="conversation" data-post-id="{POST_ID}"
 data-post-url="{HOST}{PATHS['openweb']}" data-article-tags="eau, forages"></div>
<script async src="https://launcher.spot.im/spot/{SPOT_ID}" data-spotim-module="spotim-launcher"
 data-post-id="{POST_ID}"></script>""",
    "viafoura": f"""<div class="viafoura"><vf-conversations></vf-conversations></div>
<script async src="https://cdn.viafoura.net/entry/index.js"></script>
<script>window.vfConfig = {{ sectionUuid: "{VIAFOURA_SECTION}" }};</script>""",
    "facebook": f"""<div id="fb-root"></div>
<script async defer src="https://connect.facebook.net/fr_FR/sdk.js#xfbml=1&version=v19.0"></script>
<div class="fb-comments" data-href="{HOST}{PATHS['facebook']}" data-width="100%" data-numposts="10"></div>""",
}


HEADS = {"viafoura": '<meta name="vf:container_id" content="4021">'}


def article_page(vendor: str) -> str:
    """An article whose comments the ``vendor`` platform loads."""
    return f"""<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Forages à Ségou ({vendor})</title>
<meta property="article:published_time" content="2024-03-01T07:30:00+00:00">{HEADS.get(vendor, "")}</head>
<body><article><h1>Forages à Ségou ({vendor})</h1><div class="entry-content">
<p>Les habitants se sont réunis samedi pour débattre de l'accès à l'eau potable.</p>
<p>Le conseil communal doit rendre ses arbitrages avant la saison des pluies.</p></div></article>
<section class="comments">{EMBEDS[vendor]}</section></body></html>"""
