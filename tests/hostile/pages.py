"""Minimal maliweb-like (tagDiv Newspaper, classic layout) pages for the hostile corpus."""
from __future__ import annotations

from html import escape

EPOCH = 1709199000  # 2024-02-29T09:30:00Z


def comment_li(cid: int | str, text: str, author: str = "Lecteur", children: str = "",
               escape_text: bool = True, paragraph: bool = True) -> str:
    """One tagDiv ``li.comment`` (text escaped unless told otherwise, in a ``<p>`` unless told
    otherwise), replies nested in ``ul.children``."""
    body = escape(text) if escape_text else text
    nested = f'<ul class="children">{children}</ul>' if children else ""
    return (f'<li class="comment" id="comment-{cid}"><article><footer>'
            f'<img class="avatar avatar-50 photo" src="/a.png"><cite>{escape(author)}</cite>'
            f'<a class="comment-link" href="#comment-{cid}"><time pubdate="{EPOCH}">'
            f'29 février 2024 à 9 h 30 min</time></a></footer>'
            f'<div class="comment-content">{f"<p>{body}</p>" if paragraph else body}</div>'
            f'<div class="comment-meta" id="comment-{cid}"><a class="comment-reply-link" rel="nofollow"'
            f' href="?replytocom={cid}#respond">REPONDRE</a></div></article>{nested}</li>')


def article_html(post_id: int, headline: str, paragraphs: list[str], comments: str = "",
                 pagination: str = "", head_extra: str = "", body_html: str | None = None) -> str:
    """A classic-layout article page; ``paragraphs`` are escaped, ``body_html`` is used verbatim."""
    body = body_html if body_html is not None else "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    thread = ""
    if comments or pagination:
        thread = (f'<div class="comments" id="comments"><div class="td-comments-title-wrap">'
                  f'<h4 class="td-comments-title block-title"><span>COMMENTAIRES</span></h4></div>'
                  f'<ol class="comment-list">{comments}</ol>'
                  f'<div class="comment-pagination">{pagination}</div></div>')
    return (f'<!doctype html><html lang="fr-FR"><head>{head_extra}<title>{escape(headline)}</title>'
            f'<link rel="shortlink" href="/?p={post_id}"></head>'
            f'<body class="post-template-default single single-post postid-{post_id}">'
            f'<article id="post-{post_id}"><div class="td-post-header"><ul class="td-category">'
            f'<li class="entry-category"><a href="/category/politique/">Politique</a></li></ul>'
            f'<header class="td-post-title"><h1 class="entry-title">{escape(headline)}</h1>'
            f'<div class="td-module-meta-info"><div class="td-post-author-name"><a href="/author/r/">'
            f'Rédaction</a></div><span class="td-post-date"><time class="entry-date updated td-module-date"'
            f' datetime="2024-02-29T09:30:00+00:00">29 février 2024</time></span></div></header></div>'
            f'<div class="td-post-content">{body}</div></article>{thread}</body></html>')
