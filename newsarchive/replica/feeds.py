"""Machine-readable discovery: robots.txt, RSS2 feeds (site and per-post comments), core sitemaps."""
from __future__ import annotations

from html import escape

from .chrome import Ctx, esc
from .frdate import rfc822, w3c
from .model import Article, walk
from .thread_html import comment_text_html, page_url

RSS = "application/rss+xml; charset=UTF-8"
XML = "application/xml; charset=UTF-8"
_NS = """<rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
	xmlns:slash="http://purl.org/rss/1.0/modules/slash/"
	>"""


def robots_txt(ctx: Ctx) -> str:
    return f"User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\nSitemap: {ctx.u('/wp-sitemap.xml')}\n"


def _channel(title: str, self_url: str, link: str, description: str, built: int) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>{_NS}

<channel>
	<title>{escape(title)}</title>
	<atom:link href="{self_url}" rel="self" type="application/rss+xml" />
	<link>{link}</link>
	<description>{escape(description)}</description>
	<lastBuildDate>{rfc822(built)}</lastBuildDate>
	<language>fr-FR</language>
	<sy:updatePeriod>
	hourly	</sy:updatePeriod>
	<sy:updateFrequency>
	1	</sy:updateFrequency>
	<generator>https://wordpress.org/?v=6.4.3</generator>
"""


def _post_item(ctx: Ctx, a: Article) -> str:
    cats = [c.name for c in (ctx.store.categories[p] for p in _cat_paths(a))] + a.tags
    count = a.comment_count
    body = "".join(f"<p>{esc(p)}</p>\n" for p in a.paragraphs + a.signature)
    return f"""	<item>
		<title>{escape(a.headline)}</title>
		<link>{ctx.permalink(a)}</link>
		<comments>{ctx.permalink(a)}#{'comments' if count else 'respond'}</comments>
		<dc:creator><![CDATA[{ctx.store.accounts[a.account].name}]]></dc:creator>
		<pubDate>{rfc822(a.published)}</pubDate>
		{''.join(f'<category><![CDATA[{c}]]></category>' for c in cats)}
		<guid isPermaLink="false">{ctx.u(f'/?p={a.id}')}</guid>
		<description><![CDATA[{esc(a.excerpt)} [&#8230;]]]></description>
		<content:encoded><![CDATA[{body}]]></content:encoded>
		<wfw:commentRss>{ctx.permalink(a)}/feed</wfw:commentRss>
		<slash:comments>{count}</slash:comments>
	</item>
"""


def _cat_paths(a: Article) -> list[str]:
    parts = a.category.split("/")
    return ["/".join(parts[:i + 1]) for i in range(len(parts))]


def site_feed(ctx: Ctx, items: list[Article]) -> str:
    built = max((a.modified for a in items), default=ctx.store.now)
    head = _channel(ctx.store.site_name, ctx.u("/feed/"), ctx.base, "L'actualité du Mali sur le web", built)
    return head + "".join(_post_item(ctx, a) for a in items) + "</channel>\n</rss>\n"


def comments_feed(ctx: Ctx, a: Article) -> str:
    """``<permalink>/feed``: the post's 10 newest comments (no parent ids, as in WordPress)."""
    pages = a.comment_pages()
    where = {c.id: n for n, p in enumerate(pages, 1) for top in p for c, _, _ in walk([top])}
    newest = sorted((c for c, _, _ in walk(a.comments)), key=lambda c: c.date, reverse=True)[:10]
    built = newest[0].date if newest else a.modified
    out = [_channel(f"Commentaires sur : {a.headline}", f"{ctx.permalink(a)}/feed", ctx.permalink(a), "", built)]
    for c in newest:
        out.append(f"""	<item>
		<title>Par : {escape(c.author)}</title>
		<link>{page_url(ctx, a, where[c.id])}#comment-{c.id}</link>
		<dc:creator><![CDATA[{c.author}]]></dc:creator>
		<pubDate>{rfc822(c.date)}</pubDate>
		<guid isPermaLink="false">{ctx.u(f'/?p={a.id}')}#comment-{c.id}</guid>
		<description><![CDATA[{esc(c.text[:200])}]]></description>
		<content:encoded><![CDATA[{comment_text_html(c)}]]></content:encoded>
	</item>
""")
    return "".join(out) + "</channel>\n</rss>\n"


def sitemap_index(ctx: Ctx, post_pages: int) -> str:
    names = [f"/wp-sitemap-posts-post-{n}.xml" for n in range(1, post_pages + 1)]
    names += ["/wp-sitemap-posts-page-1.xml", "/wp-sitemap-taxonomies-category-1.xml"]
    locs = "".join(f"<sitemap><loc>{ctx.u(n)}</loc></sitemap>" for n in names)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</sitemapindex>\n'


def urlset(ctx: Ctx, entries: list[tuple[str, int | None]]) -> str:
    """A ``urlset`` of ``(path, lastmod)``; lastmod None is left out (as for taxonomies)."""
    urls = "".join(f"<url><loc>{ctx.u(p)}</loc>" + (f"<lastmod>{w3c(m)}</lastmod>" if m else "") + "</url>"
                   for p, m in entries)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n'
