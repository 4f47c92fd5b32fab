"""Archive-like pages: home, category / tag / author listings, static pages, 404, login."""
from __future__ import annotations

from .chrome import Ctx, attr, breadcrumbs, esc, image_url, page, sidebar
from .frdate import date_fr, w3c
from .model import Article

PER_PAGE = 8
"""Settings › Reading: posts per archive page."""


def _item(ctx: Ctx, a: Article) -> str:
    acc = ctx.store.accounts[a.account]
    thumb = (f'<div class="td-module-thumb"><a href="{ctx.permalink(a)}" rel="bookmark" class="td-image-wrap" title="{attr(a.headline)}">'
             f'<img width="218" height="150" class="entry-thumb" src="{image_url(ctx, a.image, "218x150")}" alt="" title="{attr(a.headline)}"/></a></div>'
             if a.image else "")
    return (f'<div class="td_module_10 td_module_wrap td-animation-stack">{thumb}<div class="item-details">'
            f'<h3 class="entry-title td-module-title"><a href="{ctx.permalink(a)}" rel="bookmark" title="{attr(a.headline)}">{esc(a.headline)}</a></h3>'
            f'<div class="td-module-meta-info"><span class="td-post-author-name"><a href="{ctx.u(f"/author/{acc.nicename}/")}">{esc(acc.name)}</a> <span>-</span> </span>'
            f'<span class="td-post-date"><time class="entry-date updated td-module-date" datetime="{w3c(a.published)}" >{date_fr(a.published)}</time></span>'
            f'<span class="td-module-comments"><a href="{ctx.permalink(a)}#comments">{a.comment_count}</a></span></div>'
            f'<div class="td-excerpt">{esc(a.excerpt)}</div></div></div>\n')


def _page_nav(ctx: Ctx, root: str, page_no: int, pages: int) -> str:
    if pages <= 1:
        return ""

    def href(n: int) -> str:
        return ctx.u(root if n == 1 else f"{root}page/{n}/")
    nums = "".join(f'<span class="current">{n}</span>' if n == page_no else f'<a href="{href(n)}" class="page" title="{n}">{n}</a>'
                   for n in range(1, pages + 1) if n in (1, pages) or abs(n - page_no) <= 2)
    prev = f'<a href="{href(page_no - 1)}" ><i class="td-icon-menu-left"></i></a>' if page_no > 1 else ""
    nxt = f'<a href="{href(page_no + 1)}" ><i class="td-icon-menu-right"></i></a>' if page_no < pages else ""
    return f'<div class="page-nav td-pb-padding-side">{prev}{nums}{nxt}<span class="pages">Page {page_no} de {pages}</span><div class="clearfix"></div></div>'


def listing_page(ctx: Ctx, *, title: str, root: str, trail: list[tuple[str, str]], items: list[Article],
                 page_no: int, pages: int, body_class: str) -> str:
    """A paginated archive: ``div.td-main-content`` with ``td_module_wrap`` items and ``div.page-nav``."""
    crumbs, ld = breadcrumbs(ctx, trail, None if root == "/" else title)
    canonical = ctx.u(root if page_no == 1 else f"{root}page/{page_no}/")
    nav = "".join(f'<link rel="{rel}" href="{ctx.u(root if n == 1 else f"{root}page/{n}/")}" />\n'
                  for rel, n in (("prev", page_no - 1), ("next", page_no + 1)) if 1 <= n <= pages)
    content = f"""<div class="td-category-header td-container-wrap"><div class="td-container"><div class="td-pb-row"><div class="td-pb-span12">
<div class="td-crumb-container">{crumbs}</div><h1 class="entry-title td-page-title">{esc(title)}</h1></div></div></div></div>
<div class="td-main-content-wrap td-container-wrap"><div class="td-container"><div class="td-pb-row">
<div class="td-pb-span8 td-main-content"><div class="td-ss-main-content">
{"".join(_item(ctx, a) for a in items)}{_page_nav(ctx, root, page_no, pages)}
</div></div>
{sidebar(ctx)}</div></div></div>
"""
    suffix = f" - Page {page_no} sur {pages}" if page_no > 1 else ""
    full = f"{ctx.store.site_name} : {title}{suffix}" if root == "/" else f"{title}{suffix} - {ctx.store.site_name}"
    return page(ctx, title=full, body_class=body_class,
                canonical=canonical, head_extra=nav + ld + "\n", content=content)


def simple_page(ctx: Ctx, title: str, paragraphs: list[str], status_class: str = "page-template-default page") -> str:
    """A WordPress page (``page.php``): title and a few paragraphs."""
    body = "".join(f"<p>{esc(p)}</p>" for p in paragraphs)
    content = f"""<div class="td-main-content-wrap td-container-wrap"><div class="td-container"><div class="td-pb-row">
<div class="td-pb-span8 td-main-content" role="main"><div class="td-ss-main-content">
<div class="td-page-header"><h1 class="entry-title td-page-title"><span>{esc(title)}</span></h1></div>
<div class="td-page-content tagdiv-type">{body}</div></div></div>
{sidebar(ctx)}</div></div></div>
"""
    return page(ctx, title=f"{title} - {ctx.store.site_name}", body_class=status_class, canonical=None, content=content)


def not_found_page(ctx: Ctx) -> str:
    return simple_page(ctx, "Oups ! Erreur 404", ["Désolé, mais la page que vous recherchez n’existe pas.",
                                                  "Consultez notre page d’accueil ou utilisez la recherche."], "error404")


def login_page(ctx: Ctx) -> str:
    """What ``/wp-admin/`` and ``/wp-login.php`` answer: a login form (200)."""
    return f"""<!DOCTYPE html>
<html lang="fr-FR"><head><meta charset="UTF-8" /><title>Se connecter &lsaquo; {ctx.store.site_name} &#8212; WordPress</title>
<meta name='robots' content='noindex, follow' /></head>
<body class="login no-js login-action-login wp-core-ui  locale-fr-fr"><div id="login"><h1><a href="https://fr.wordpress.org/">Propulsé par WordPress</a></h1>
<form name="loginform" id="loginform" action="{ctx.u('/wp-login.php')}" method="post"><p><label for="user_login">Identifiant ou adresse e-mail</label>
<input type="text" name="log" id="user_login" class="input" value="" size="20" autocapitalize="off" autocomplete="username" required="required" /></p>
<div class="user-pass-wrap"><label for="user_pass">Mot de passe</label><input type="password" name="pwd" id="user_pass" class="input password-input" value="" size="20" autocomplete="current-password" required="required" /></div>
<p class="submit"><input type="submit" name="wp-submit" id="wp-submit" class="button button-primary button-large" value="Se connecter" /></p></form>
<p id="backtoblog"><a href="{ctx.u('/')}">&larr; Aller sur {ctx.store.site_name}</a></p></div></body></html>
"""
