"""Theme chrome shared by every replica page: head, header, menus, sidebar, footer."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from typing import Any

from .frdate import date_fr, w3c
from .model import Article

LIVE = "https://www.maliweb.net"
"""The live site's origin: only a few deliberate sidebar / related links use it."""
THEME = "/wp-content/themes/Newspaper"


def esc(text: str) -> str:
    """Escape text for an HTML text node."""
    return escape(text, quote=False)


def attr(text: str) -> str:
    """Escape text for a double-quoted HTML attribute."""
    return escape(text, quote=True)


@dataclass
class Ctx:
    """What a template needs: where links are rooted and the store to ask for neighbours."""

    base: str
    store: Any
    """A ``wp.Store``."""

    def u(self, path: str) -> str:
        return self.base + path

    def permalink(self, a: Article) -> str:
        return self.base + a.path


def avatar(key: str, size: int) -> str:
    """A gravatar ``img`` as WordPress prints it (single-quoted attributes)."""
    h = hashlib.md5(key.lower().encode("utf-8")).hexdigest()
    src = f"https://secure.gravatar.com/avatar/{h}?s={size}&#038;d=mm&#038;r=g"
    return (f"<img alt='' src='{src}' srcset='{src.replace(f's={size}', f's={size * 2}')} 2x' "
            f"class='avatar avatar-{size} photo' height='{size}' width='{size}' loading='lazy' decoding='async'/>")


def image_url(ctx: Ctx, image: dict, size: str = "") -> str:
    """An upload's URL; ``size`` like ``696x392`` gives WordPress's resized copy."""
    file = image["file"]
    if size:
        stem, dot, ext = file.rpartition(".")
        file = f"{stem}-{size}.{ext}"
    return ctx.u(f"/wp-content/uploads/{file}")


@lru_cache(maxsize=8)
def theme_css(weight: int) -> str:
    """The inline ``td-theme-settings`` CSS, padded deterministically to about ``weight`` bytes."""
    sels = (".td-module-title a", ".td-post-content p", ".block-title span", ".td-excerpt",
            ".td-post-date", ".td-category a", ".td-header-menu-wrap", ".td-footer-wrapper a")
    props = ("color:#111111", "font-family:Roboto,sans-serif", "margin-bottom:26px",
             "line-height:21px", "font-size:15px", "background-color:#c70000", "padding:0 20px")
    out, size, n = [], 0, 0
    while size < weight:
        rule = f".tdi_{n} {sels[n % len(sels)]}{{{props[n % 7]};{props[(n * 3) % 7]}}}\n"
        out.append(rule)
        size += len(rule)
        n += 1
    return "".join(out)


def head(ctx: Ctx, title: str, *, canonical: str | None, extra: str = "", robots: str = "") -> str:
    store = ctx.store
    robots = robots or "index, follow, max-image-preview:large, max-snippet:-1, max-video-preview:-1"
    canon = f'<link rel="canonical" href="{attr(canonical)}" />\n' if canonical else ""
    return f"""<!doctype html >
<!--[if IE 8]>    <html class="ie8" lang="en"> <![endif]-->
<!--[if IE 9]>    <html class="ie9" lang="en"> <![endif]-->
<!--[if gt IE 8]><!--> <html lang="fr-FR"> <!--<![endif]-->
<head>
    <title>{esc(title)}</title>
    <meta charset="UTF-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <link rel="pingback" href="{ctx.u('/xmlrpc.php')}" />
    <meta name='robots' content='{robots}' />
<link rel="icon" type="image/png" href="{ctx.u('/wp-content/uploads/2019/05/favicon-maliweb.png')}">{canon}
{extra}<link rel='dns-prefetch' href='//fonts.googleapis.com' />
<link rel="alternate" type="application/rss+xml" title="{store.site_name} &raquo; Flux" href="{ctx.u('/feed/')}" />
<link rel="alternate" type="application/rss+xml" title="{store.site_name} &raquo; Flux des commentaires" href="{ctx.u('/comments/feed/')}" />
<link rel='stylesheet' id='wp-block-library-css' href='{ctx.u('/wp-includes/css/dist/block-library/style.min.css?ver=6.4.3')}' type='text/css' media='all' />
<link rel='stylesheet' id='google-fonts-style-css' href='https://fonts.googleapis.com/css?family=Roboto%3A400%2C500%2C700%7COpen+Sans%3A400%2C600%2C700&#038;display=swap&#038;ver=9.7.1' type='text/css' media='all' />
<link rel='stylesheet' id='td-theme-css' href='{ctx.u(THEME + '/style.css?ver=9.7.1')}' type='text/css' media='all' />
<script type='text/javascript' src='{ctx.u('/wp-includes/js/jquery/jquery.min.js?ver=3.7.1')}' id='jquery-core-js'></script>
<link rel="https://api.w.org/" href="{ctx.u('/wp-json/')}" />
<link rel="EditURI" type="application/rsd+xml" title="RSD" href="{ctx.u('/xmlrpc.php?rsd')}" />
<meta name="generator" content="WordPress 6.4.3" />
{_td_vars(ctx)}
<style id="td-theme-settings-css">
{theme_css(store.css_weight)}</style>
<script async src="https://pagead2.googlesyndication.com/pagead/js/adsbygoogle.js?client=ca-pub-4829112745320177" crossorigin="anonymous"></script>
</head>
"""


def _td_vars(ctx: Ctx) -> str:
    return f"""<script>
    var tdBlocksArray = []; //here we store all the items for the current page
    var tds_login_sing_in_widget="show";var td_viewport_interval_list=[{{"limitBottom":767,"sidebarWidth":228}},{{"limitBottom":1018,"sidebarWidth":300}},{{"limitBottom":1140,"sidebarWidth":324}}];
    var td_ajax_url="{ctx.u('/wp-admin/admin-ajax.php?td_theme_name=Newspaper&v=9.7.1')}";
    var td_get_template_directory_uri="{ctx.u(THEME)}";var tds_snap_menu="smart_snap_always";var tds_logo_on_sticky="";
    var tds_header_style="";var td_please_wait="Veuillez patienter...";var td_email_user_pass_incorrect="Utilisateur ou mot de passe incorrect !";
    var td_magnific_popup_translation_tPrev="Pr\\u00e9c\\u00e9dent (fl\\u00e8che gauche)";var td_ad_background_click_link="";var td_ad_background_click_target="";
</script>"""


def breadcrumbs(ctx: Ctx, trail: list[tuple[str, str]], last: str | None = None) -> tuple[str, str]:
    """The theme's breadcrumb bar and its BreadcrumbList JSON-LD, for ``(name, path)`` items."""
    items = [("Accueil", "/")] + trail
    links = '<i class="td-icon-right td-bread-sep"></i>'.join(
        f'<span><a title="{attr(n)}" class="entry-crumb" href="{ctx.u(p)}">{esc(n)}</a></span>' for n, p in items)
    if last:
        links += f'<i class="td-icon-right td-bread-sep td-bred-no-url-last"></i><span class="td-bred-no-url-last">{esc(last)}</span>'
    ld = {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": i + 1, "item": {"@type": "WebSite", "@id": ctx.u(p), "name": n}}
        for i, (n, p) in enumerate(items)]}
    script = f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'
    return f'<div class="td-crumb-container"><div class="entry-crumbs">{links}</div></div>', script


def _menu(ctx: Ctx) -> str:
    cats = ctx.store.categories
    items = ['<li id="menu-item-0" class="menu-item menu-item-type-custom menu-item-home menu-item-first td-menu-item td-normal-menu">'
             f'<a href="{ctx.u("/")}">Accueil</a></li>']
    for n, c in enumerate(v for v in cats.values() if v.parent is None):
        subs = "".join(f'<li class="menu-item menu-item-type-taxonomy menu-item-object-category td-menu-item td-normal-menu">'
                       f'<a href="{ctx.u(f"/category/{k.path}/")}">{esc(k.name)}</a></li>'
                       for k in cats.values() if k.parent == c.path)
        sub = f'<ul class="sub-menu">{subs}</ul>' if subs else ""
        items.append(f'<li id="menu-item-{n + 1}" class="menu-item menu-item-type-taxonomy menu-item-object-category td-menu-item td-normal-menu">'
                     f'<a href="{ctx.u(f"/category/{c.path}/")}">{esc(c.name)}</a>{sub}</li>')
    return f'<ul id="menu-main-menu-1" class="sf-menu">{"".join(items)}</ul>'


def header(ctx: Ctx) -> str:
    s = ctx.store
    return f"""<div class="td-scroll-up"><i class="td-icon-menu-up"></i></div>
<div class="td-menu-background"></div>
<div id="td-mobile-nav"><div class="td-mobile-container"><div class="td-mobile-content"><div class="menu-main-menu-container">{_menu(ctx)}</div></div></div></div>
<div class="td-search-background"></div>
<div id="td-outer-wrap" class="td-theme-wrap">
<div class="td-header-wrap td-header-style-1 ">
<div class="td-header-top-menu-full td-container-wrap "><div class="td-container td-header-row td-header-top-menu"><div class="top-bar-style-1">
<div class="td-header-sp-top-menu"><div class="menu-top-container"><ul id="menu-top-menu" class="top-header-menu">
<li class="menu-item menu-item-first td-menu-item td-normal-menu"><a href="{ctx.u('/a-propos/')}">Qui sommes-nous ?</a></li>
<li class="menu-item td-menu-item td-normal-menu"><a href="{ctx.u('/contact/')}">Contact</a></li>
</ul></div></div></div></div></div>
<div class="td-banner-wrap-full td-logo-wrap-full td-container-wrap "><div class="td-container td-header-row td-header-header">
<div class="td-header-sp-logo"><a class="td-main-logo" href="{ctx.u('/')}">
<img class="td-retina-data" data-retina="{ctx.u('/wp-content/uploads/2019/05/logo-maliweb-retina.png')}" src="{ctx.u('/wp-content/uploads/2019/05/logo-maliweb.png')}" alt="{s.site_name}" title="{s.site_name}"/>
<span class="td-visual-hidden">{s.site_name}</span></a></div>
<div class="td-header-sp-recs"><div class="td-header-rec-wrap"><div class="td-a-rec td-a-rec-id-header  td-a-rec-no-translate tdi_1 td_block_template_1">
<ins class="adsbygoogle" style="display:inline-block;width:728px;height:90px" data-ad-client="ca-pub-4829112745320177" data-ad-slot="5512009876"></ins>
<script>(adsbygoogle = window.adsbygoogle || []).push({{}});</script></div></div></div></div></div>
<div class="td-header-menu-wrap-full td-container-wrap "><div class="td-header-menu-wrap td-header-gradient "><div class="td-container td-header-row td-header-main-menu">
<div id="td-header-menu" role="navigation"><div id="td-top-mobile-toggle"><a href="#"><i class="td-icon-font td-icon-mobile"></i></a></div>
<div class="menu-main-menu-container">{_menu(ctx)}</div></div>
<div class="header-search-wrap"><div class="td-search-btns-wrap"><a id="td-header-search-button" href="#" role="button" class="dropdown-toggle " data-toggle="dropdown"><i class="td-icon-search"></i></a></div>
<div class="td-drop-down-search" aria-labelledby="td-header-search-button"><form method="get" class="td-search-form" action="{ctx.u('/')}"><div role="search" class="td-head-form-search-wrap">
<input id="td-header-search" type="text" value="" name="s" autocomplete="off" /><input class="wpb_button wpb_btn-inverse btn" type="submit" id="td-header-search-top" value="Rechercher" /></div></form></div></div>
</div></div></div>
</div>
"""


def module_item(ctx: Ctx, a: Article, cls: str = "td_module_6", live: bool = False) -> str:
    """A ``td_module_wrap`` listing item (thumb, ``h3.entry-title a``, ``time.entry-date``)."""
    href = (LIVE if live else ctx.base) + a.path
    thumb = (f'<div class="td-module-thumb"><a href="{href}" rel="bookmark" class="td-image-wrap" title="{attr(a.headline)}">'
             f'<img width="100" height="70" class="entry-thumb" src="{image_url(ctx, a.image, "100x70")}" alt="" title="{attr(a.headline)}"/></a></div>'
             if a.image else "")
    return (f'<div class="{cls} td_module_wrap td-animation-stack">{thumb}<div class="item-details">'
            f'<h3 class="entry-title td-module-title"><a href="{href}" rel="bookmark" title="{attr(a.headline)}">{esc(a.headline)}</a></h3>'
            f'<div class="td-module-meta-info"><span class="td-post-date"><time class="entry-date updated td-module-date" '
            f'datetime="{w3c(a.published)}" >{date_fr(a.published)}</time></span></div></div></div>')


def sidebar(ctx: Ctx) -> str:
    """Right column: an ad, the "most read" block and an archive box with live-site links."""
    popular = "".join(f'<div class="td-block-span12">{module_item(ctx, a)}</div>' for a in ctx.store.popular())
    live = ctx.store.live_links()
    archive = "".join(f'<li><a href="{LIVE}{p}">{esc(t)}</a></li>' for t, p in live)
    return f"""<div class="td-pb-span4 td-main-sidebar" role="complementary"><div class="td-ss-main-sidebar">
<aside class="td_block_template_1 widget widget_text"><div class="textwidget"><div class="td-a-rec td-a-rec-id-sidebar  tdi_2 td_block_template_1">
<ins class="adsbygoogle" style="display:inline-block;width:300px;height:250px" data-ad-client="ca-pub-4829112745320177" data-ad-slot="7730125594"></ins>
<script>(adsbygoogle = window.adsbygoogle || []).push({{}});</script></div></div></aside>
<div class="td_block_wrap td_block_7 tdi_3 td-pb-border-top td_block_template_1 td-column-1" data-td-block-uid="tdi_3">
<div class="td-block-title-wrap"><h4 class="block-title td-block-title"><span class="td-pulldown-size">LES PLUS LUS</span></h4></div>
<div id=tdi_3 class="td_block_inner">{popular}</div></div>
<aside class="td_block_template_1 widget widget_nav_menu"><h4 class="block-title"><span>ARCHIVES MALIWEB</span></h4>
<div class="menu-archives-container"><ul id="menu-archives" class="menu">{archive}</ul></div></aside>
</div></div>
"""


def footer(ctx: Ctx) -> str:
    return f"""<div class="td-footer-wrapper td-footer-container td-container-wrap "><div class="td-container"><div class="td-pb-row"><div class="td-pb-span12">
<div class="td-footer-info"><div class="footer-logo-wrap"><a href="{ctx.u('/')}"><img class="td-retina-data" src="{ctx.u('/wp-content/uploads/2019/05/logo-maliweb-footer.png')}" alt="{ctx.store.site_name}" title="{ctx.store.site_name}" width="272" /></a></div>
<div class="footer-text-wrap">Maliweb.net, le premier portail d&#039;information du Mali : l&#039;actualité politique, économique et sociale, les revues de presse et les débats de nos lecteurs.<div class="footer-email-wrap">Contactez-nous : <a href="mailto:contact@maliweb.example">contact@maliweb.example</a></div></div>
<div class="footer-social-wrap td-social-style-2"><span class="td-social-icon-wrap"><a target="_blank" href="https://www.facebook.com/maliweb.example" title="Facebook"><i class="td-icon-font td-icon-facebook"></i></a></span></div></div>
</div></div></div></div>
<div class="td-sub-footer-container td-container-wrap "><div class="td-container"><div class="td-pb-row">
<div class="td-pb-span td-sub-footer-menu"><div class="menu-footer-container"><ul id="menu-footer" class="td-subfooter-menu">
<li class="menu-item menu-item-first td-menu-item td-normal-menu"><a href="{ctx.u('/a-propos/')}">Qui sommes-nous ?</a></li>
<li class="menu-item td-menu-item td-normal-menu"><a href="{ctx.u('/contact/')}">Contact</a></li></ul></div></div>
<div class="td-pb-span td-sub-footer-copy">&copy; 2024 Maliweb.net - Tous droits réservés</div>
</div></div></div>
</div><!--close td-outer-wrap-->
"""


def scripts(ctx: Ctx, facebook: bool) -> str:
    fb = ('<div id="fb-root"></div>\n<script async defer crossorigin="anonymous" '
          'src="https://connect.facebook.net/fr_FR/sdk.js#xfbml=1&version=v18.0&appId=482905195392714" nonce="Kq3mZ8rT"></script>\n'
          if facebook else "")
    return f"""{fb}<script type='text/javascript' src='{ctx.u(THEME + '/js/tagdiv_theme.min.js?ver=9.7.1')}' id='td-site-min-js'></script>
<script type='text/javascript' src='{ctx.u('/wp-includes/js/comment-reply.min.js?ver=6.4.3')}' id='comment-reply-js' async='async' data-wp-strategy='async'></script>
<script>
    (function(){{var html_jquery_obj=jQuery('html');if(html_jquery_obj.length&&(html_jquery_obj.is('.ie8')||html_jquery_obj.is('.ie9'))){{var path='{ctx.u(THEME + '/style.css')}';jQuery.get(path,function(data){{}});}}}})();
</script>
"""


def page(ctx: Ctx, *, title: str, body_class: str, content: str, canonical: str | None,
         head_extra: str = "", facebook: bool = False, robots: str = "") -> str:
    """A whole HTML document: head, header, ``content``, footer, scripts."""
    return (head(ctx, title, canonical=canonical, extra=head_extra, robots=robots)
            + f'<body class="{body_class} global-block-template-1 td-full-layout" itemscope="itemscope" itemtype="https://schema.org/WebPage">\n'
            + header(ctx) + content + footer(ctx) + scripts(ctx, facebook) + "</body>\n</html>\n")
