"""A single-article page in both Newspaper layouts: classic ``td-post-*`` and template ``tdb_*``."""
from __future__ import annotations

from urllib.parse import quote

from .chrome import LIVE, Ctx, attr, avatar, breadcrumbs, esc, image_url, module_item, page, sidebar
from .frdate import date_fr, time_ago_fr, w3c
from .model import Article, slugify
from .thread_html import comments_area, facebook_box, page_url

TEMPLATE_ID = 2050001
"""The tdb single template's own post id (printed as ``article#template-id-…``)."""


def article_page(ctx: Ctx, a: Article, page_no: int, reply_to: int | None = None) -> str:
    """The article at comment page ``page_no`` (the last page is the bare permalink)."""
    canonical = page_url(ctx, a, page_no)
    crumbs, crumbs_ld = breadcrumbs(ctx, _trail(ctx, a), a.headline)
    comments = facebook_box(ctx, a) + comments_area(ctx, a, page_no, reply_to)
    layout = _tdb if a.layout == "tdb" else _classic
    body_class = (f"post-template-default single single-post postid-{a.id} single-format-standard "
                  + (f"tdb_template_{TEMPLATE_ID} tdb-template td-standard-pack" if a.layout == "tdb" else "td-standard-pack"))
    return page(ctx, title=f"Mali : {a.headline} - {ctx.store.site_name}", body_class=body_class,
                canonical=canonical, head_extra=_head_meta(ctx, a, canonical) + crumbs_ld + "\n",
                content=layout(ctx, a, crumbs, comments), facebook=a.facebook,
                robots="noindex, follow" if reply_to else "")


def _cats(ctx: Ctx, a: Article) -> list:
    chain, path = [], ""
    for part in a.category.split("/"):
        path = f"{path}/{part}" if path else part
        chain.append(ctx.store.categories[path])
    return chain


def _trail(ctx: Ctx, a: Article) -> list[tuple[str, str]]:
    return [(c.name, f"/category/{c.path}/") for c in _cats(ctx, a)]


def _head_meta(ctx: Ctx, a: Article, canonical: str) -> str:
    cats, account = _cats(ctx, a), ctx.store.accounts[a.account]
    image = (f'<meta property="og:image" content="{image_url(ctx, a.image)}" />\n'
             '<meta property="og:image:width" content="1024" />\n<meta property="og:image:height" content="577" />\n'
             '<meta property="og:image:type" content="image/jpeg" />\n') if a.image else ""
    tags = "".join(f'<meta property="article:tag" content="{attr(t)}" />\n' for t in a.tags)
    return f"""<meta name="description" content="{attr(a.excerpt)}" />
<meta property="og:locale" content="fr_FR" />
<meta property="og:type" content="article" />
<meta property="og:title" content="{attr(a.headline)}" />
<meta property="og:description" content="{attr(a.excerpt)}" />
<meta property="og:url" content="{canonical}" />
<meta property="og:site_name" content="{ctx.store.site_name}" />
<meta property="article:publisher" content="https://www.facebook.com/maliweb.example" />
<meta property="article:section" content="{attr(cats[0].name)}" />
{tags}<meta property="article:published_time" content="{w3c(a.published)}" />
<meta property="article:modified_time" content="{w3c(a.modified)}" />
{image}<meta name="author" content="{attr(account.name)}" />
<meta name="twitter:card" content="summary_large_image" />
<link rel="alternate" type="application/rss+xml" title="{ctx.store.site_name} &raquo; {attr(a.headline)} Flux des commentaires" href="{ctx.permalink(a)}/feed" />
<link rel="alternate" type="application/json" href="{ctx.u(f'/wp-json/wp/v2/posts/{a.id}')}" />
<link rel='shortlink' href='{ctx.u(f'/?p={a.id}')}' />
"""


def _post_class(ctx: Ctx, a: Article, pid: int) -> str:
    thumb = " has-post-thumbnail" if a.image else ""
    cats = "".join(f" category-{c.slug}" for c in _cats(ctx, a)[-1:])
    tags = "".join(f" tag-{slugify(t)}" for t in a.tags)
    return f"post-{pid} post type-post status-publish format-standard{thumb} hentry{cats}{tags}"


def _ad(spot: str, n: int) -> str:
    return f"""<div class="td-a-rec td-a-rec-id-{spot}  tdi_{n} td_block_template_1"><div class="td-g-rec td-g-rec-id-{spot} tdi_{n + 1} td_block_template_1">
<script type="text/javascript">
var td_screen_width = window.innerWidth;
if ( td_screen_width >= 1140 ) {{
    /* large monitors */
    document.write('<ins class="adsbygoogle" style="display:inline-block;width:468px;height:60px" data-ad-client="ca-pub-4829112745320177" data-ad-slot="2291845530"></ins>');
    (adsbygoogle = window.adsbygoogle || []).push({{}});
}}
</script>
<ins class="adsbygoogle" style="display:block; text-align:center;" data-ad-layout="in-article" data-ad-format="fluid" data-ad-client="ca-pub-4829112745320177" data-ad-slot="9617702911"></ins>
<script>(adsbygoogle = window.adsbygoogle || []).push({{}});</script>
</div></div>"""


def _paragraphs(a: Article) -> str:
    """``the_content`` with the theme's top / inline / bottom ads."""
    out = [_ad("content_top", 20)]
    for i, text in enumerate(a.paragraphs):
        out.append(f"<p><strong>{esc(text)}</strong></p>" if a.lede and i == 0 else f"<p>{esc(text)}</p>")
        if i == 2 and len(a.paragraphs) > 4:
            out.append(_ad("content_inline", 22))
    out += [f"<p>{esc(line)}</p>" for line in a.signature]
    out.append(_ad("content_bottom", 24))
    return "\n".join(out) + "\n"


def _figure(ctx: Ctx, a: Article, caption_cls: str) -> str:
    img = a.image
    return (f'<figure><a href="{image_url(ctx, img)}" data-caption="{attr(img["caption"])}">'
            f'<img width="696" height="392" class="entry-thumb td-modal-image" src="{image_url(ctx, img, "696x392")}" '
            f'srcset="{image_url(ctx, img, "696x392")} 696w, {image_url(ctx, img, "300x169")} 300w, {image_url(ctx, img)} 1024w" '
            f'sizes="(max-width: 696px) 100vw, 696px" alt="{attr(img.get("alt", ""))}" title="{attr(img["caption"])}"/></a>'
            f'<figcaption class="{caption_cls}">{esc(img["caption"])}</figcaption></figure>')


def _tags(ctx: Ctx, a: Article, cls: str) -> str:
    items = "".join(f'<li><a href="{ctx.u(f"/tag/{slugify(t)}/")}">{esc(t)}</a></li>' for t in a.tags)
    return f'<ul class="{cls}"><li><span>TAGS</span></li>{items}</ul>' if a.tags else ""


def _sharing(ctx: Ctx, a: Article, where: str) -> str:
    url, text = quote(ctx.permalink(a), safe=""), quote(a.headline, safe="")
    return (f'<div class="td-post-sharing td-post-sharing-{where} "><div class="td-post-sharing-visible">'
            f'<a class="td-social-sharing-button td-social-sharing-button-js td-social-network td-social-facebook" '
            f'href="https://www.facebook.com/sharer.php?u={url}"><div class="td-social-but-icon"><i class="td-icon-facebook"></i></div>'
            f'<div class="td-social-but-text">Facebook</div></a><a class="td-social-sharing-button td-social-sharing-button-js td-social-network td-social-twitter" '
            f'href="https://twitter.com/intent/tweet?text={text}&amp;url={url}&amp;via=Maliweb"><div class="td-social-but-icon"><i class="td-icon-twitter"></i></div>'
            f'<div class="td-social-but-text">Twitter</div></a><a class="td-social-sharing-button td-social-sharing-button-js td-social-network td-social-whatsapp" '
            f'href="https://api.whatsapp.com/send?text={text}%20%0A%0A%20{url}"><div class="td-social-but-icon"><i class="td-icon-whatsapp"></i></div></a>'
            f'</div></div>')


def _next_prev(ctx: Ctx, a: Article) -> str:
    prev, nxt = ctx.store.adjacent(a)

    def side(cls: str, label: str, other: Article | None) -> str:
        link = f'<span>{label}</span><a href="{ctx.permalink(other)}">{esc(other.headline)}</a>' if other else ""
        return f'<div class="td-block-span6 td-post-{cls}-post"><div class="td-post-next-prev-content">{link}</div></div>'
    return (f'<div class="td-block-row td-post-next-prev">{side("prev", "Article précédent", prev)}'
            f'<div class="td-next-prev-separator"></div>{side("next", "Article suivant", nxt)}</div>')


def _author_box(ctx: Ctx, a: Article) -> str:
    acc = ctx.store.accounts[a.account]
    url = ctx.u(f"/author/{acc.nicename}/")
    return (f'<div class="author-box-wrap"><a href="{url}" aria-label="author-photo">{avatar(acc.nicename, 96)}</a>'
            f'<div class="desc"><div class="td-author-name vcard author"><span class="fn"><a href="{url}">{esc(acc.name)}</a></span></div>'
            f'<div class="td-author-url"><a href="{ctx.u("/")}">{ctx.u("/")}</a></div>'
            f'<div class="td-author-description">{esc(acc.description)}</div><div class="clearfix"></div></div></div>')


def _microdata(ctx: Ctx, a: Article) -> str:
    acc = ctx.store.accounts[a.account]
    image = (f'<span class="td-page-meta" itemprop="image" itemscope itemtype="https://schema.org/ImageObject">'
             f'<meta itemprop="url" content="{image_url(ctx, a.image)}"><meta itemprop="width" content="1024">'
             f'<meta itemprop="height" content="577"></span>') if a.image else ""
    return (f'<span class="td-page-meta" itemprop="author" itemscope itemtype="https://schema.org/Person">'
            f'<meta itemprop="name" content="{attr(acc.name)}"><meta itemprop="url" content="{ctx.u(f"/author/{acc.nicename}/")}"></span>'
            f'<meta itemprop="datePublished" content="{w3c(a.published)}"><meta itemprop="dateModified" content="{w3c(a.modified)}">'
            f'<meta itemscope itemprop="mainEntityOfPage" itemType="https://schema.org/WebPage" itemid="{ctx.permalink(a)}"/>'
            f'<span class="td-page-meta" itemprop="publisher" itemscope itemtype="https://schema.org/Organization">'
            f'<span class="td-page-meta" itemprop="logo" itemscope itemtype="https://schema.org/ImageObject">'
            f'<meta itemprop="url" content="{ctx.u("/wp-content/uploads/2019/05/logo-maliweb.png")}"></span>'
            f'<meta itemprop="name" content="{ctx.store.site_name}"></span>'
            f'<meta itemprop="headline " content="{attr(a.headline)}">{image}')


def _related_items(ctx: Ctx, a: Article) -> list[tuple[Article, bool]]:
    """Related posts; the last one deliberately links to the live site."""
    rel = ctx.store.related(a)
    return [(r, i == len(rel) - 1) for i, r in enumerate(rel)]


def _related(ctx: Ctx, a: Article) -> str:
    cells = []
    for r, live in _related_items(ctx, a):
        href = (LIVE if live else ctx.base) + r.path
        cat = _cats(ctx, r)[0]
        img = (f'<div class="td-module-thumb"><a href="{href}" rel="bookmark" class="td-image-wrap" title="{attr(r.headline)}">'
               f'<img class="entry-thumb" src="{image_url(ctx, r.image, "218x150")}" alt="" title="{attr(r.headline)}" width="218" height="150"/></a></div>'
               if r.image else "")
        cells.append(f'<div class="td-related-span4"><div class="td_module_related_posts td-animation-stack td_mod_related_posts">'
                     f'<div class="td-module-image">{img}<a href="{ctx.u(f"/category/{cat.path}/")}" class="td-post-category">{esc(cat.name)}</a></div>'
                     f'<div class="item-details"><h3 class="entry-title td-module-title"><a href="{href}" rel="bookmark" title="{attr(r.headline)}">{esc(r.headline)}</a></h3>'
                     f'<div class="td-module-meta-info"><span class="td-post-date"><time class="entry-date updated td-module-date" datetime="{w3c(r.published)}" >{date_fr(r.published)}</time></span></div>'
                     f'</div></div></div>')
    return (f'<div class="td_block_wrap td_block_related_posts tdi_60 td_with_ajax_pagination td-pb-border-top td_block_template_1" data-td-block-uid="tdi_60">'
            f'<h4 class="td-related-title td-block-title"><a id="tdi_61" class="td-related-left td-cur-simple-item" data-td_filter_value="" data-td_block_id="tdi_60" href="#">ARTICLES CONNEXES</a>'
            f'<a id="tdi_62" class="td-related-right" data-td_filter_value="td_related_more_from_author" data-td_block_id="tdi_60" href="#">PLUS DE L&#039;AUTEUR</a></h4>'
            f'<div id=tdi_60 class="td_block_inner"><div class="td-related-row">{"".join(cells)}</div></div></div>\n')


def _classic_meta(ctx: Ctx, a: Article) -> str:
    acc = ctx.store.accounts[a.account]
    return (f'<div class="td-module-meta-info"><div class="td-post-author-name"><div class="td-author-by">Par</div> '
            f'<a href="{ctx.u(f"/author/{acc.nicename}/")}">{esc(acc.name)}</a><div class="td-author-line"> - </div> </div>'
            f'<span class="td-post-date"><time class="entry-date updated td-module-date" datetime="{w3c(a.published)}" >{date_fr(a.published)}</time></span>'
            f'<div class="td-post-comments"><a href="{ctx.permalink(a)}#comments"><i class="td-icon-comments"></i>{a.comment_count}</a></div>'
            f'<div class="td-post-views"><i class="td-icon-views"></i><span class="td-nr-views-{a.id}">{a.views}</span></div></div>')


def _classic(ctx: Ctx, a: Article, crumbs: str, comments: str) -> str:
    cats = "".join(f'<li class="entry-category"><a  style="background-color:{c.color}; color:#fff; border-color:{c.color};" '
                   f'href="{ctx.u(f"/category/{c.path}/")}">{esc(c.name)}</a></li>' for c in _cats(ctx, a))
    featured = f'<div class="td-post-featured-image">{_figure(ctx, a, "wp-caption-text")}</div>' if a.image else ""
    return f"""<div class="td-main-content-wrap td-container-wrap">
    <div class="td-container td-post-template-default ">
        {crumbs}
        <div class="td-pb-row">
            <div class="td-pb-span8 td-main-content" role="main">
                <div class="td-ss-main-content">
<article id="post-{a.id}" class="{_post_class(ctx, a, a.id)}" itemscope itemtype="https://schema.org/Article">
    <div class="td-post-header">
        <ul class="td-category">{cats}</ul>
        <header class="td-post-title">
            <h1 class="entry-title">{esc(a.headline)}</h1>
            {_classic_meta(ctx, a)}
        </header>
    </div>
    {_sharing(ctx, a, "top")}
    <div class="td-post-content tagdiv-type">
{featured}
{_paragraphs(a)}    </div>
    <footer>
        <div class="td-post-source-tags">{_tags(ctx, a, "td-tags td-post-small-box clearfix")}</div>
        {_sharing(ctx, a, "bottom")}
        {_next_prev(ctx, a)}
        {_author_box(ctx, a)}
        {_microdata(ctx, a)}
    </footer>
</article>
{_related(ctx, a)}{comments}                </div>
            </div>
{sidebar(ctx)}        </div>
    </div>
</div>
"""


def _block(name: str, n: int, inner: str, extra: str = "") -> str:
    return (f'<div class="td_block_wrap {name} tdi_{n} td-pb-border-top td_block_template_1{extra}" data-td-block-uid="tdi_{n}">'
            f'<div class="tdb-block-inner td-fix-index">{inner}</div></div>\n')


def _tdb_date(ctx: Ctx, a: Article) -> str:
    age = ctx.store.now - a.published
    text = time_ago_fr(age) if 0 <= age < 7 * 86400 else date_fr(a.published)
    return f'<i class="td-icon-clock"></i><time class="entry-date updated td-module-date" datetime="{w3c(a.published)}">{text}</time>'


def _tdb_top(ctx: Ctx, a: Article, crumbs: str) -> str:
    acc = ctx.store.accounts[a.account]
    author_url = ctx.u(f"/author/{acc.nicename}/")
    cats = '<i class="tdb-cat-sep td-icon-right"></i>'.join(
        f'<a class="tdb-entry-category" href="{ctx.u(f"/category/{c.path}/")}" ><span class="tdb-cat-bg"></span>{esc(c.name)}</a>'
        for c in _cats(ctx, a))
    return (_block("tdb_breadcrumbs", 8, crumbs.replace("entry-crumb", "tdb-entry-crumb"), " tdb-breadcrumbs")
            + f'<div class="td_block_wrap tdb_single_categories tdi_9 td-pb-border-top td_block_template_1 " data-td-block-uid="tdi_9">'
              f'<div class="tdb-category td-fix-index">{cats}</div></div>\n'
            + _block("tdb_title", 10, f'<h1 class="tdb-title-text">{esc(a.headline)}</h1><div></div><div class="tdb-title-line"></div>', " tdb-single-title")
            + _block("tdb_single_author", 11, f'<a class="tdb-author-photo" href="{author_url}" title="{attr(acc.name)}">{avatar(acc.nicename, 96)}</a>'
                     f'<div class="tdb-author-name-wrap"><span class="tdb-author-by">Par</span> <a class="tdb-author-name" href="{author_url}">{esc(acc.name)}</a></div>', " tdb-post-meta")
            + _block("tdb_single_date", 12, _tdb_date(ctx, a), " tdb-post-meta")
            + _block("tdb_single_comments_count", 13, f'<a href="{ctx.permalink(a)}#comments"><i class="td-icon-comments"></i><span>{a.comment_count}</span></a>', " tdb-post-meta")
            + _block("tdb_single_post_views", 14, f'<i class="td-icon-views"></i><span class="td-nr-views-{a.id}">{a.views}</span>', " tdb-post-meta"))


def _tdb_flex(ctx: Ctx, title: str, n: int, items: list[tuple[Article, bool]]) -> str:
    mods = "".join(module_item(ctx, r, "td_module_flex td_module_flex_1", live) for r, live in items)
    return (f'<div class="td_block_wrap td_flex_block_1 tdi_{n} td-pb-border-top td_block_template_1 td_flex_block" data-td-block-uid="tdi_{n}">'
            f'<div class="td-block-title-wrap"><h4 class="block-title td-block-title"><span>{title}</span></h4></div>'
            f'<div id=tdi_{n} class="td_block_inner td-mc1-wrap">{mods}</div></div>\n')


def _tdb(ctx: Ctx, a: Article, crumbs: str, comments: str) -> str:
    featured = (_block("tdb_single_featured_image", 15, _figure(ctx, a, "tdb-caption-text"), " tdb-content-horiz-left") if a.image
                else _block("tdb_single_featured_image", 15, '<div class="tdb-no-featured-img"></div>'))
    content = (f'<div class="td_block_wrap tdb_single_content tdi_16 td-pb-border-top td_block_template_1 td-post-content tagdiv-type" data-td-block-uid="tdi_16">'
               f'<div class="tdb-block-inner td-fix-index">{_paragraphs(a)}</div></div>\n')
    popular = [(p, False) for p in ctx.store.popular()]
    return f"""<div id="tdb-autoload-article" data-autoload="off" data-autoload-org-post-id="{a.id}" data-autoload-type="" data-autoload-count="0">
<div class="td-main-content-wrap td-container-wrap">
    <div class="tdc-content-wrap">
<article id="template-id-{TEMPLATE_ID}" class="{_post_class(ctx, a, TEMPLATE_ID).replace(" type-post", " tdb_templates type-tdb_templates")}" itemscope itemtype="https://schema.org/Article">
<div id="tdi_1" class="tdc-zone"><div class="tdc_zone tdi_2  wpb_row td-pb-row"  >
<div id="tdi_3" class="tdc-row"><div class="vc_row tdi_4  wpb_row td-pb-row" >
<div class="vc_column tdi_5  wpb_column vc_column_container tdc-column td-pb-span12"><div class="wpb_wrapper">
{_tdb_top(ctx, a, crumbs)}</div></div></div></div>
<div id="tdi_6" class="tdc-row"><div class="vc_row tdi_7  wpb_row td-pb-row" >
<div class="vc_column tdi_17  wpb_column vc_column_container tdc-column td-pb-span8"><div class="wpb_wrapper">
{featured}{content}{_block("tdb_single_tags", 18, _tags(ctx, a, "tdb-tags"))}{_sharing(ctx, a, "bottom")}
{_tdb_flex(ctx, "ARTICLES CONNEXES", 19, _related_items(ctx, a))}{_block("tdb_single_comments", 21, comments, " tdb-comm-layout1")}</div></div>
<div class="vc_column tdi_22  wpb_column vc_column_container tdc-column td-pb-span4"><div class="wpb_wrapper">
{_tdb_flex(ctx, "LES PLUS LUS", 23, popular)}</div></div></div></div>
</div></div>
{_microdata(ctx, a)}
</article>
    </div>
</div>
</div>
"""
