"""Replicas of newsroom comment platforms (Coral, Viafoura): article pages that embed them and each API's JSON."""
from __future__ import annotations

import copy
import json
from urllib.parse import parse_qs, urlsplit

from .disqus import THREAD
from .site import Resource, Site, html_page, text_file

JSON = "application/json; charset=utf-8"
HOST = "http://www.journal-sahel.example"  # the articles' real host
CORAL_ROOT = "https://comments.journal-sahel.example"  # Coral runs on the site's subdomain
CORAL_STORY = "story-4021"
PATHS = {"coral": "/debats/coral-forages/"}


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
        if parts.path == "/robots.txt":
            return text_file("User-agent: *\nDisallow: /admin/\n", "text/plain")
        if parts.path == "/api/graphql":
            return self._coral(query)
        return None

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
}


def article_page(vendor: str) -> str:
    """An article whose comments the ``vendor`` platform loads."""
    return f"""<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Forages à Ségou ({vendor})</title>
<meta property="article:published_time" content="2024-03-01T07:30:00+00:00"></head>
<body><article><h1>Forages à Ségou ({vendor})</h1><div class="entry-content">
<p>Les habitants se sont réunis samedi pour débattre de l'accès à l'eau potable.</p>
<p>Le conseil communal doit rendre ses arbitrages avant la saison des pluies.</p></div></article>
<section class="comments">{EMBEDS[vendor]}</section></body></html>"""
