"""A Disqus replica: the public API's threaded post listing (cursor paging) and an article that embeds a thread."""
from __future__ import annotations

import copy
import json
from html import escape
from urllib.parse import parse_qs, urlsplit

from .site import Resource, Site, html_page, text_file

JSON = "application/json; charset=utf-8"
ARTICLE_PATH = "/debats/forum-citoyen-sur-l-eau-4021.html"
FORUM, IDENTIFIER = "sahelnews", "article-4021"

# A thread of the demo forum: nested replies three levels deep, a deleted post with a reply, an
# anonymous guest, a post held for moderation (not public), markup to sanitise.
THREAD = [
    {"id": "7001", "author": ("Awa Diarra", "https://awa.example.org/", "awadiarra"), "at": "2024-03-01T08:05:00",
     "message": "<p>Enfin un vrai débat sur l'eau potable.</p><p>Merci pour cet article.</p>", "replies": [
         {"id": "7002", "author": ("Moussa Keita", "", "moussak"), "at": "2024-03-01T08:40:12",
          "message": "<p>D'accord, mais qui paiera les forages ?</p>", "replies": [
              {"id": "7003", "author": ("Awa Diarra", "https://awa.example.org/", "awadiarra"),
               "at": "2024-03-01T09:02:00", "message": "<p>L'État et les communes, <b>ensemble</b>.</p>"}]}]},
    {"id": "7004", "deleted": True, "at": "2024-03-01T09:15:00", "replies": [
        {"id": "7005", "author": ("Fatou Sow", "", "fatousow"), "at": "2024-03-01T09:20:30",
         "message": "<p>Pourquoi ce message a-t-il été supprimé ?</p>"}]},
    {"id": "7006", "author": ("Invité", "", None), "at": "2024-03-01T10:00:00",
     "message": "<p>Les pompes solaires marchent bien <a href=\"https://example.org/pompes\" onclick=\"x()\">ici</a>."
                "<script>alert(1)</script></p>"},
    {"id": "7007", "author": ("Ibrahim Traoré", "", "ibtraore"), "at": "2024-03-01T11:30:00",
     "message": "<p>Et la qualité de l'eau des puits ?</p>", "approved": False},
    {"id": "7008", "author": ("Binta Coulibaly", "", "bintac"), "at": "2024-03-01T12:45:00",
     "message": "<p>Notre village attend depuis dix ans.</p>", "replies": [
         {"id": "7009", "author": ("Moussa Keita", "", "moussak"), "at": "2024-03-01T13:00:00",
          "message": "<p>Courage, la saison sèche arrive.</p>"}]},
]


class DisqusApi(Site):
    """``/api/3.0/threads/listPostsThreaded.json`` (and ``posts/list.json``) as the public
    documentation describes them: ``forum``, ``thread:ident=`` or ``thread:link=``, ``limit`` (at
    most 100), ``cursor``; answers ``{"code": 0, "cursor": {...}, "response": [post…]}``, posts in
    thread order (a reply right after its parent's subtree). ``page_size`` caps a page below
    ``limit`` so that a small thread spans several pages."""

    def __init__(self, threads: dict[tuple[str, str], list[dict]], links: dict[str, tuple[str, str]] | None = None,
                 page_size: int = 100):
        self.threads = threads
        self.links = links or {}
        self.page_size = page_size

    def resolve(self, path_and_query: str, base_url: str) -> Resource | None:
        parts = urlsplit(path_and_query)
        if parts.path == "/robots.txt":
            return text_file("User-agent: *\nDisallow: /admin/\n", "text/plain")
        if parts.path not in ("/api/3.0/threads/listPostsThreaded.json", "/api/3.0/posts/list.json"):
            return None
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        if not query.get("api_key"):
            return _error(5, "Invalid API key", 400)
        key = self._thread_key(query)
        if key not in self.threads:
            return _error(2, "Invalid argument, 'thread': Unable to find thread", 400)
        posts = flatten(self.threads[key], key[1])
        return _page(posts, query, min(int(query.get("limit") or 25), 100, self.page_size))

    def _thread_key(self, query: dict) -> tuple[str, str] | None:
        forum = query.get("forum", "")
        if "thread:ident" in query:
            return forum, query["thread:ident"]
        link = self.links.get(query.get("thread:link", ""))
        return link if link and link[0] == forum else None


def _page(posts: list[dict], query: dict, size: int) -> Resource:
    offset = int((query.get("cursor") or "0:0:0").split(":")[0])
    chunk, following = posts[offset:offset + size], offset + size
    has_next = following < len(posts)
    cursor = {"prev": f"{max(offset - size, 0)}:0:1" if offset else None, "hasNext": has_next,
              "next": f"{following}:0:0" if has_next else None, "hasPrev": offset > 0, "total": None,
              "id": f"{offset}:0:0", "more": has_next}
    return Resource(200, json.dumps({"cursor": cursor, "code": 0, "response": chunk}).encode(), JSON)


def _error(code: int, message: str, status: int) -> Resource:
    return Resource(status, json.dumps({"code": code, "response": message}).encode(), JSON)


def flatten(thread: list[dict], thread_id: str, parent: str | None = None, depth: int = 0) -> list[dict]:
    """The thread's posts in the API's shape, each parent before its replies."""
    posts = []
    for node in thread:
        posts.append(api_post(node, thread_id, parent, depth))
        posts.extend(flatten(node.get("replies", []), thread_id, node["id"], depth + 1))
    return posts


def api_post(node: dict, thread_id: str, parent: str | None, depth: int) -> dict:
    """One post as the API returns it (a deleted post keeps its place, without author or message)."""
    deleted = node.get("deleted", False)
    name, url, username = node.get("author") or ("", "", None)
    author = {"name": name, "url": url, "username": username, "isAnonymous": username is None,
              "profileUrl": f"https://disqus.com/by/{username}/" if username else "", "about": "",
              "avatar": {"permalink": "https://disqus.com/api/users/avatars/anon.jpg"}}
    message = "" if deleted else node["message"]
    return {"id": node["id"], "parent": int(parent) if parent else None, "thread": thread_id,
            "forum": FORUM, "depth": depth, "author": author, "createdAt": node["at"],
            "message": message, "raw_message": _raw(message), "isDeleted": deleted,
            "isApproved": node.get("approved", True), "isSpam": False, "isEdited": node.get("edited", False),
            "likes": 0, "dislikes": 0, "points": 0, "media": []}


def _raw(message: str) -> str:
    return message.replace("</p><p>", "\n\n").replace("<p>", "").replace("</p>", "")


def article_page(base_url: str, forum: str = FORUM, identifier: str = IDENTIFIER) -> str:
    """A news article whose comments only a Disqus embed shows (``disqus_config`` + ``embed.js``)."""
    url = base_url + ARTICLE_PATH
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Forum citoyen sur l'eau potable à Ségou",
          "datePublished": "2024-03-01T07:30:00+00:00", "author": {"@type": "Person", "name": "Aminata Touré"},
          "articleSection": "Débats", "mainEntityOfPage": url}
    paragraphs = ["Les habitants de Ségou se sont réunis samedi pour débattre de l'accès à l'eau potable.",
                  "Élus, associations et usagers ont confronté leurs propositions pendant trois heures.",
                  "Le conseil communal doit rendre ses arbitrages avant la saison des pluies."]
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"""<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>Forum citoyen sur l'eau potable à Ségou - Sahel News</title><link rel="canonical" href="{url}">
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script></head>
<body><article><h1>Forum citoyen sur l'eau potable à Ségou</h1><p class="byline">Par Aminata Touré</p>
<div class="entry-content">{body}</div></article>
<section id="comments"><h2>Commentaires</h2><div id="disqus_thread"></div>
<script>
var disqus_config = function () {{
  this.page.url = '{url}';
  this.page.identifier = '{identifier}';
}};
(function() {{ var d = document, s = d.createElement('script');
  s.src = 'https://{forum}.disqus.com/embed.js'; s.setAttribute('data-timestamp', +new Date());
  (d.head || d.body).appendChild(s); }})();
</script><noscript>Activez JavaScript pour voir les commentaires.</noscript></section>
</body></html>"""


class DisqusArticleSite(Site):
    """The article that embeds the thread, and the Disqus API beside it on the same server (the
    demo maps ``disqus.com`` to it); ``fallback`` answers every other path."""

    def __init__(self, api: DisqusApi, fallback: Site | None = None):
        self.api, self.fallback = api, fallback

    def resolve(self, path_and_query: str, base_url: str) -> Resource | None:
        if urlsplit(path_and_query).path == ARTICLE_PATH:
            return html_page(article_page(base_url.rstrip("/")))
        if path_and_query.startswith("/api/3.0/"):
            return self.api.resolve(path_and_query, base_url)
        return self.fallback.resolve(path_and_query, base_url) if self.fallback else None

    def not_found(self, base_url: str) -> Resource:
        return self.fallback.not_found(base_url) if self.fallback else super().not_found(base_url)


def disqus_api(page_size: int = 100) -> DisqusApi:
    """The replica API holding the demo forum's thread (a fresh copy)."""
    return DisqusApi({(FORUM, IDENTIFIER): copy.deepcopy(THREAD)}, page_size=page_size)
