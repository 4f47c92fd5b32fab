"""A news site whose comment thread only exists after its own script runs: a JSON API, "load more" and collapsed replies."""
from __future__ import annotations

import json
from html import escape
from urllib.parse import parse_qs, urlsplit

from .disqus import THREAD as WIDGET_THREAD
from .site import Resource, Site, html_page, text_file
from .widget_vendors import _remark_tree

JSON = "application/json; charset=utf-8"
ARTICLE_PATH = "/societe/forages-solaires-a-kayes-5120.html"
# A Remark42 widget whose configuration only its script assembles (no adapter can read it from the
# HTML): rendered, the page fetches the thread's JSON itself, which the Remark42 adapter reads.
REMARK_PATH = "/debats/remark-scripte-5121.html"
TOP_PAGE_SIZE = 2  # top-level comments a page of the API gives: "load more" twice for five

# The thread the script builds: top-level comments in pages behind "load more", each one's replies
# behind its own "show replies" button (replies of replies too).
THREAD = [
    {"id": "901", "author": "Awa Diarra", "url": "https://awa.example.org/", "at": "2024-03-01T08:05:00Z",
     "html": "<p>Les forages solaires changent tout au village.</p>", "replies": [
         {"id": "902", "author": "Moussa Keita", "url": "", "at": "2024-03-01T08:40:00Z",
          "html": "<p>Et qui entretient les panneaux ?</p>", "replies": [
              {"id": "903", "author": "Awa Diarra", "url": "https://awa.example.org/", "at": "2024-03-01T09:02:00Z",
               "html": "<p>Le comité de gestion de l'eau.</p>"}]}]},
    {"id": "904", "author": "Fatou Sow", "url": "", "at": "2024-03-01T09:20:00Z",
     "html": "<p>Bravo aux techniciens de Kayes.</p>"},
    {"id": "905", "author": "Binta Coulibaly", "url": "", "at": "2024-03-01T10:00:00Z",
     "html": "<p>Notre commune attend toujours.</p>", "replies": [
         {"id": "906", "author": "Ibrahim Traoré", "url": "", "at": "2024-03-01T10:30:00Z",
          "html": "<p>La nôtre aussi, depuis 2019.</p>"},
         {"id": "907", "author": "Moussa Keita", "url": "", "at": "2024-03-01T11:00:00Z",
          "html": "<p>Écrivez au conseil régional.</p>"}]},
    {"id": "908", "author": "Oumar Cissé", "url": "", "at": "2024-03-01T12:00:00Z",
     "html": "<p>Combien coûte un forage ?</p>"},
    {"id": "909", "author": "Aminata Touré", "url": "", "at": "2024-03-01T12:30:00Z",
     "html": "<p>Environ dix millions de francs CFA.</p>"},
]

ARTICLE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8">
<title>Des forages solaires à Kayes</title>
<link rel="canonical" href="{url}">
<script type="application/ld+json">{ld}</script>
</head><body>
<article class="post"><h1 class="entry-title">Des forages solaires à Kayes</h1>
<div class="entry-content">
<p>Douze villages de la région de Kayes ont désormais l'eau potable grâce à des forages solaires.</p>
<p>Les comités de gestion de l'eau en assurent l'entretien et la vente au bidon.</p>
</div></article>
<section id="comments" class="comments-area" data-thread="{post}">
<h2 class="comments-title">Commentaires</h2>
<ol class="comment-list"></ol>
<button type="button" class="load-more" hidden>Load more comments</button>
</section>
<script src="/static/thread.js"></script>
</body></html>
"""

# The site's own script: fetches the thread page by page from its JSON API, replies on demand.
SCRIPT = r"""
(function () {
  var section = document.getElementById('comments');
  var list = section.querySelector('.comment-list');
  var more = section.querySelector('.load-more');
  var post = section.getAttribute('data-thread');
  var next = 1;
  function esc(s) { var d = document.createElement('div'); d.textContent = s; return d.innerHTML; }
  function item(c, depth) {
    var li = document.createElement('li');
    li.id = 'comment-' + c.id;
    li.className = 'comment depth-' + depth;
    var who = c.url ? '<a href="' + esc(c.url) + '" class="url" rel="ugc">' + esc(c.author) + '</a>' : esc(c.author);
    li.innerHTML = '<article id="div-comment-' + c.id + '" class="comment-body">' +
      '<footer class="comment-meta"><div class="comment-author vcard"><b class="fn">' + who + '</b>' +
      ' <span class="says">a écrit :</span></div><div class="comment-metadata"><a href="#comment-' + c.id + '">' +
      '<time datetime="' + c.at + '">' + c.at.slice(0, 10) + '</time></a></div></footer>' +
      '<div class="comment-content">' + c.html + '</div>' +
      '<div class="reply"><button type="button" class="comment-reply-link">Répondre</button></div></article>';
    li.querySelector('.comment-reply-link').addEventListener('click', function () {
      fetch('/api/reply-form?to=' + c.id);
    });
    if (c.replies) {
      var toggle = document.createElement('button');
      toggle.type = 'button';
      toggle.className = 'show-replies';
      toggle.textContent = 'Show ' + c.replies + (c.replies > 1 ? ' replies' : ' reply');
      toggle.addEventListener('click', function () {
        toggle.disabled = true;
        fetch('/api/replies?parent=' + c.id).then(function (r) { return r.json(); }).then(function (data) {
          setTimeout(function () {
            var children = document.createElement('ol');
            children.className = 'children';
            data.comments.forEach(function (r) { children.appendChild(item(r, depth + 1)); });
            li.appendChild(children);
            toggle.remove();
          }, 150);
        });
      });
      li.appendChild(toggle);
    }
    return li;
  }
  function load() {
    more.hidden = true;
    fetch('/api/thread?post=' + post + '&page=' + next).then(function (r) { return r.json(); }).then(function (data) {
      setTimeout(function () {
        data.comments.forEach(function (c) { list.appendChild(item(c, 1)); });
        next = data.next;
        more.hidden = !next;
      }, 150);
    });
  }
  more.addEventListener('click', load);
  load();
})();
"""


REMARK_ARTICLE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Débat sur les forages</title>
<meta property="article:published_time" content="2024-03-01T07:30:00+00:00"></head>
<body><article><h1>Débat sur les forages</h1><div class="entry-content">
<p>Les habitants se sont réunis samedi pour débattre de l'accès à l'eau potable.</p>
<p>Le conseil communal doit rendre ses arbitrages avant la saison des pluies.</p></div></article>
<div id="remark42"></div>
<script>var remark_config = Object.assign({}, window.siteComments || {site_id: "sahel"});</script>
<script src="/static/remark-embed.js"></script>
</body></html>
"""
REMARK_SCRIPT = r"""
fetch('/api/v1/find?site=' + remark_config.site_id + '&url=' + encodeURIComponent(location.href) + '&format=tree')
  .then(function (r) { return r.json(); }).then(function (data) {
    var box = document.getElementById('remark42');
    (function walk(nodes) {
      nodes.forEach(function (n) {
        var p = document.createElement('p');
        p.textContent = (n.comment.user.name || '?') + ': ' + n.comment.text.replace(/<[^>]+>/g, '');
        box.appendChild(p);
        walk(n.replies || []);
      });
    })(data.comments);
  });
"""


class ScriptedThreadSite(Site):
    """The article (no comment in its HTML; JSON-LD declares them), its script and its API."""

    def __init__(self, thread: list[dict] | None = None, robots_txt: str = "User-agent: *\nDisallow: /wp-admin/\n"):
        self.thread = thread if thread is not None else THREAD
        self.robots_txt = robots_txt

    def resolve(self, path_and_query: str, base_url: str) -> Resource | None:
        parts = urlsplit(path_and_query)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        if parts.path == "/robots.txt":
            return text_file(self.robots_txt, "text/plain")
        if parts.path == ARTICLE_PATH:
            return html_page(self.article(base_url + ARTICLE_PATH))
        if parts.path == REMARK_PATH:
            return html_page(REMARK_ARTICLE)
        if parts.path == "/static/remark-embed.js":
            return text_file(REMARK_SCRIPT, "application/javascript")
        if parts.path == "/api/v1/find":
            return _json({"comments": _remark_tree(WIDGET_THREAD), "info": {"url": query.get("url")}})
        if parts.path == "/static/thread.js":
            return text_file(SCRIPT, "application/javascript")
        if parts.path == "/api/thread":
            return self.thread_page(int(query.get("page") or 1))
        if parts.path == "/api/replies":
            return _json({"comments": [_public(c) for c in self.replies_of(query.get("parent", ""))]})
        if parts.path == "/api/reply-form":
            return _json({"form": "<form></form>"})
        return None

    def article(self, url: str) -> str:
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Des forages solaires à Kayes",
              "datePublished": "2024-02-29T18:00:00Z", "author": {"@type": "Person", "name": "Rokia Sangaré"},
              "commentCount": count(self.thread)}
        return ARTICLE.format(url=escape(url), ld=json.dumps(ld, ensure_ascii=False), post="5120")

    def thread_page(self, number: int) -> Resource:
        start = (number - 1) * TOP_PAGE_SIZE
        chunk = self.thread[start:start + TOP_PAGE_SIZE]
        following = number + 1 if start + TOP_PAGE_SIZE < len(self.thread) else None
        return _json({"comments": [_public(c) for c in chunk], "next": following})

    def replies_of(self, parent: str) -> list[dict]:
        stack = list(self.thread)
        while stack:
            comment = stack.pop()
            if comment["id"] == parent:
                return comment.get("replies", [])
            stack.extend(comment.get("replies", []))
        return []


def count(thread: list[dict]) -> int:
    """Every comment of ``thread``, replies included."""
    return sum(1 + count(c.get("replies", [])) for c in thread)


def _public(comment: dict) -> dict:
    """A comment as the API gives it: its replies as a count, fetched on demand."""
    return {**{k: v for k, v in comment.items() if k != "replies"}, "replies": len(comment.get("replies", []))}


def _json(data: dict) -> Resource:
    return Resource(200, json.dumps(data, ensure_ascii=False).encode("utf-8"), JSON)
