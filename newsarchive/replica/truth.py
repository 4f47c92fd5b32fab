"""What a perfect extractor and crawler should find on the maliweb replica, per state."""
from __future__ import annotations

from .chrome import LIVE
from .frdate import comment_when, date_fr, iso_z, time_ago_fr
from .maliweb import MaliwebStore, _load, maliweb_store
from .model import Article, walk

_EDGE_SERVES = {"gone": (404, "text/html; charset=UTF-8", "a 404 page (the post was deleted)"),
                "error": (500, "text/html; charset=UTF-8", "a 500 WordPress critical-error page"),
                "pdf": (200, "application/pdf", "a one-page PDF at an .html URL"),
                "truncated": (200, "text/html; charset=UTF-8",
                              "HTML cut inside the text of the third top-level comment (Content-Length matches the cut body)")}


def truth(state: str = "day1", base_url: str = "") -> dict:
    """Expected results for ``state``; every ``url`` is ``base_url`` + path (just the path by default)."""
    store = maliweb_store(state)
    base = base_url.rstrip("/")
    articles = sorted(store.articles.values(), key=lambda a: a.id)
    out = {"state": state, "snapshot_time": iso_z(store.now), "live_host": LIVE,
           "articles": [article_truth(store, a, base) for a in articles if a.kind in ("article", "truncated")],
           "edge_cases": [edge_truth(store, a, base) for a in articles if a.kind != "article"],
           "discovery": discovery(store, base),
           "never_fetch": ["/wp-admin/", "?replytocom=", "/wp-login.php"]}
    if state == "day2":
        out["changes"] = changes()
    return out


def authors(store: MaliwebStore, a: Article) -> list[str]:
    """The byline: the signature paragraph's name, else the theme's author (the posting account)."""
    names = [s for s in a.signature if not s.startswith("Source :")]
    return names[:1] or [store.accounts[a.account].name]


def article_truth(store: MaliwebStore, a: Article, base: str = "") -> dict:
    cats = [store.categories["/".join(a.category.split("/")[:i + 1])].name for i in range(a.category.count("/") + 1)]
    age = store.now - a.published
    pages = _page_paths(a)
    source = next((s.split(":", 1)[1].strip() for s in a.signature if s.startswith("Source :")), None)
    image = f"/wp-content/uploads/{a.image['file']}" if a.image else None
    comments = comments_truth(a, base)
    if a.kind == "truncated":
        comments = [c for c in comments if c["comment_id"] in _complete_before_cut(a)]
    return {"name": a.name, "path": a.path, "url": base + a.path, "post_id": str(a.id), "kind": a.kind,
            "layout": a.layout, "headline": a.headline, "authors": authors(store, a),
            "posted_by": store.accounts[a.account].name, "press_source": source,
            "date_published": iso_z(a.published),
            "date_published_raw": time_ago_fr(age) if a.layout == "tdb" and 0 <= age < 7 * 86400 else date_fr(a.published),
            "date_modified": iso_z(a.modified), "section": cats[0], "categories": cats, "tags": list(a.tags),
            "main_image_path": image, "main_image_url": base + image if image else None,
            "main_image_caption": a.image["caption"] if a.image else None, "in_language": "fr",
            "article_body": "\n\n".join(a.paragraphs + a.signature),
            "comment_count_declared": a.comment_count, "comments_widget": "facebook" if a.facebook else None,
            "comments_open": a.comment_status == "open", "comments_block": a.comment_status != "disabled",
            "comment_pages": [base + p for p in pages], "truncated": a.kind == "truncated", "comments": comments}


def _page_paths(a: Article) -> list[str]:
    """Comment pages oldest first; the last (newest) one is the bare permalink."""
    n = len(a.comment_pages())
    return [a.path + (f"/comment-page-{k}" if k < n else "") for k in range(1, n + 1)]


def comments_truth(a: Article, base: str = "") -> list[dict]:
    """The whole thread in page order (oldest comment page first), each thread depth-first."""
    out, paths = [], _page_paths(a)
    for page_no, threads in enumerate(a.comment_pages(), 1):
        for c, parent, depth in walk(threads):
            out.append({"comment_id": str(c.id), "parent_comment_id": str(parent) if parent else None,
                        "depth": depth, "position": len(out), "type": c.type, "author_name": c.author,
                        "author_url": c.url, "date_published": iso_z(c.date), "date_published_raw": comment_when(c.date),
                        "text": c.text, "page": page_no, "page_url": base + paths[page_no - 1],
                        "has_reply_link": a.comment_status == "open" and depth < 5})
    return out


def _complete_before_cut(a: Article) -> set[str]:
    """Comments wholly inside a truncated page: every thread before the third one."""
    return {str(c.id) for c, _, _ in walk(a.comments[:2])}


def edge_truth(store: MaliwebStore, a: Article, base: str = "") -> dict:
    status, ctype, what = _EDGE_SERVES[a.kind]
    listed = ["/wp-sitemap-posts-post-1.xml"] + (["/feed/"] if a in store.latest(10) else []) + _listed_on(store, a)
    out = {"name": a.name, "path": a.path, "url": base + a.path, "post_id": str(a.id), "kind": a.kind,
           "status": status, "content_type": ctype, "serves": what, "listed_in": listed}
    if a.kind == "truncated":
        out["complete_comment_ids"] = sorted(_complete_before_cut(a))
        out["partial_comment_id"] = str(a.comments[2].id)
    return out


def _listed_on(store: MaliwebStore, a: Article) -> list[str]:
    """The home / section listing pages that link to ``a``."""
    roots = [("home", "", "/")] + [("category", c, f"/category/{c}/") for c in store.categories]
    found = []
    for kind, key, root in roots:
        pages = store.listing(kind, key, 1)[1]
        found += [root + (f"page/{n}/" if n > 1 else "") for n in range(1, pages + 1) if a in store.listing(kind, key, n)[0]]
    return found


def discovery(store: MaliwebStore, base: str = "") -> dict:
    """Where a crawler finds articles, and every article URL it should end up with."""
    sections = {}
    for path in store.categories:
        pages = store.listing("category", path, 1)[1]
        sections[path] = [base + f"/category/{path}/" + (f"page/{n}/" if n > 1 else "") for n in range(1, pages + 1)]
    return {"robots": base + "/robots.txt", "feed": base + "/feed/", "sitemap_index": base + "/wp-sitemap.xml",
            "sitemaps": [base + "/wp-sitemap-posts-post-1.xml"], "home": base + "/", "sections": sections,
            "feed_items": [base + a.path for a in store.latest(10)],
            "all_post_urls": [base + a.path for a in sorted(store.articles.values(), key=lambda a: a.id)]}


def changes() -> dict:
    """The day1 -> day2 differences (from day2.json), as paths and ids."""
    ch, day1, day2 = _load("day2.json"), maliweb_store("day1"), maliweb_store("day2")
    seed, tdb, edited, new = (day2.by_name(n) for n in ("seed", "tdb", ch["edit"]["article"], "new"))
    return {"new_comment": {"article": seed.path, "comment_id": str(ch["add_reply"]["comment"]["id"]),
                            "parent_comment_id": str(ch["add_reply"]["parent"])},
            "removed_comment": {"article": tdb.path, "comment_id": str(ch["remove_comment"]["comment"])},
            "edited_article": {"article": edited.path, "fields": ["headline", "article_body", "date_modified"],
                               "old_headline": day1.by_name(edited.name).headline, "new_headline": edited.headline,
                               "paragraph_index": ch["edit"]["paragraph"][0]},
            "new_article": {"article": new.path, "post_id": str(new.id)},
            "changed_article_pages": [seed.path + "/comment-page-1", seed.path, tdb.path, edited.path]}
