"""An article's comments area as Newspaper prints it: td_comment list, pagination, form, Facebook box."""
from __future__ import annotations

import re

from .chrome import Ctx, attr, avatar, esc
from .frdate import comment_when
from .model import Article, Comment

MAX_DEPTH = 5
"""``thread_comments_depth``: no reply link at this depth."""
_TEXTURIZE = {"’": "&#8217;", "‘": "&#8216;", "“": "&#8220;", "”": "&#8221;",
              "–": "&#8211;", "—": "&#8212;", "…": "&#8230;"}
_URL = re.compile(r"https?://[^\s<]+")


def page_url(ctx: Ctx, a: Article, page_no: int) -> str:
    """Comment page ``page_no``; the newest (last) page is the bare permalink."""
    last = len(a.comment_pages())
    return ctx.permalink(a) + ("" if page_no >= last else f"/comment-page-{page_no}")


def comment_text_html(c: Comment) -> str:
    """``comment_text()`` after wpautop / make_clickable (and wptexturize entities if flagged)."""
    paras = ("<br />\n".join(_line(line, c.entities) for line in p.split("\n")) for p in c.text.split("\n\n"))
    return "".join(f"<p>{p}</p>\n" for p in paras)


def _line(text: str, entities: bool) -> str:
    out = _URL.sub(lambda m: f'<a href="{m.group(0)}" rel="nofollow ugc">{m.group(0)}</a>', esc(text))
    for char, entity in _TEXTURIZE.items() if entities else ():
        out = out.replace(char, entity)
    return out


def _cite(c: Comment) -> str:
    if not c.url:
        return esc(c.author)
    return f"<a href='{attr(c.url)}' class='url' rel='external nofollow ugc'>{esc(c.author)}</a>"


def _reply_link(ctx: Ctx, a: Article, c: Comment, depth: int) -> str:
    if a.comment_status != "open" or depth >= MAX_DEPTH:
        return ""
    label = attr(f"Répondre à {c.author}")
    return (f"<a rel='nofollow' class='comment-reply-link' href='{ctx.permalink(a)}?replytocom={c.id}#respond' "
            f'data-commentid="{c.id}" data-postid="{a.id}" data-belowelement="comment-{c.id}" '
            f'data-respondelement="respond" data-replyto="{label}" aria-label=\'{label}\'>REPONDRE</a>')


def comment_li(ctx: Ctx, a: Article, c: Comment, depth: int = 1) -> str:
    """One ``li.comment`` with its replies nested in ``ul.children``."""
    kind = "" if c.type == "comment" else c.type
    children = "".join(comment_li(ctx, a, r, depth + 1) for r in c.replies)
    if children:
        children = f'<ul class="children">\n{children}</ul><!-- .children -->\n'
    return f"""        <li class="comment {kind}" id="comment-{c.id}">
			<article>
	            <footer>
                    {avatar(c.author + '@lecteurs', 50)}                    <cite>{_cite(c)}</cite>

                    <a class="comment-link" href="#comment-{c.id}">
                        <time pubdate="{c.date}">{comment_when(c.date)}</time>
                    </a>

                </footer>

                <div class="comment-content">
                    {comment_text_html(c)}                </div>

	            <div class="comment-meta" id="comment-{c.id}">
                    {_reply_link(ctx, a, c, depth)}
                </div>
            </article>
    {children}</li><!-- #comment-## -->
"""


def _pagination(ctx: Ctx, a: Article, page_no: int) -> str:
    last = len(a.comment_pages())
    links = []
    if page_no > 1:
        links.append(f'<a href="{page_url(ctx, a, page_no - 1)}#comments" >&laquo; Commentaires plus anciens</a>')
    if page_no < last:
        links.append(f'<a href="{page_url(ctx, a, page_no + 1)}#comments" >Commentaires plus récents &raquo;</a>')
    inner = "".join(f"\n                    {link}" for link in links)
    return f'                <div class="comment-pagination">{inner}\n                                    </div>\n'


def _title(count: int) -> str:
    text = f"{count} COMMENTAIRES" if count > 1 else "1 COMMENTAIRE"
    return (f'\n            <div class="td-comments-title-wrap td_block_template_1">\n'
            f'                <h4 class="td-comments-title block-title"><span>{text}</span></h4>\n            </div>\n')


def comments_area(ctx: Ctx, a: Article, page_no: int, reply_to: int | None = None) -> str:
    """``div.comments#comments`` for comment page ``page_no`` ("" when comments are disabled)."""
    if a.comment_status == "disabled":
        return ""
    shown = a.comment_pages()[page_no - 1]
    parts = ['\t<div class="comments" id="comments">\n']
    if shown:
        items = "".join(comment_li(ctx, a, c) for c in shown)
        parts += [_title(a.comment_count), f'\n\t\t        <ol class="comment-list ">\n{items}                </ol>\n',
                  _pagination(ctx, a, page_no)]
    if a.comment_status == "closed" and a.comment_count > 0:
        parts.append('\t            <p class="td-pb-padding-side">Les commentaires sont fermés.</p>\n')
    if a.comment_status == "open":
        parts.append(respond_form(ctx, a, reply_to))
    parts.append("    </div> <!-- /.content -->\n")
    return "".join(parts)


def respond_form(ctx: Ctx, a: Article, reply_to: int | None = None) -> str:
    hidden = "" if reply_to else ' style="display:none;"'
    return f"""	<div id="respond" class="comment-respond">
		<h3 id="reply-title" class="comment-reply-title">REPONDRE <small><a rel="nofollow" id="cancel-comment-reply-link" href="{ctx.permalink(a)}#respond"{hidden}>Annuler la réponse</a></small></h3><form action="{ctx.u('/wp-comments-post.php')}" method="post" id="commentform" class="comment-form" novalidate><div class="clearfix"></div>
				<div class="comment-form-input-wrap td-form-comment">
					<textarea placeholder="Commentaire:" id="comment" name="comment" cols="45" rows="8" aria-required="true"></textarea>
					<div class="td-warning-comment">Please enter your comment!</div>
				</div>
		        <div class="comment-form-input-wrap td-form-author">
			            <input class="" id="author" name="author" placeholder="Nom:*" type="text" value="" size="30"  aria-required='true' />
			            <div class="td-warning-author">Please enter your name here</div>
			         </div>
<div class="comment-form-input-wrap td-form-email">
			            <input class="" id="email" name="email" placeholder="Email:*" type="text" value="" size="30"  aria-required='true' />
			            <div class="td-warning-email-error">You have entered an incorrect email address!</div>
			            <div class="td-warning-email">Please enter your email address here</div>
			         </div>
<div class="comment-form-input-wrap td-form-url">
			            <input class="" id="url" name="url" placeholder="Site web:" type="text" value="" size="30" />
                     </div>
<p class="comment-form-cookies-consent"><input id="wp-comment-cookies-consent" name="wp-comment-cookies-consent" type="checkbox" value="yes" /><label for="wp-comment-cookies-consent">Enregistrer mon nom, email et site web dans ce navigateur pour la prochaine fois que je commenterai.</label></p>
<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Publier le commentaire" /> <input type='hidden' name='comment_post_ID' value='{a.id}' id='comment_post_ID' />
<input type='hidden' name='comment_parent' id='comment_parent' value='{reply_to or 0}' />
</p><p class="comment-form-hp" style="display:none !important;"><label for="hp-field">Leave the field below empty!</label><input type="text" id="hp-field" name="hp_field" value="" autocomplete="off" tabindex="-1" /></p></form>	</div><!-- #respond -->
	"""


def facebook_box(ctx: Ctx, a: Article) -> str:
    """The "Commentaires via Facebook" block: an empty ``div.fb-comments`` the SDK fills in."""
    if not a.facebook:
        return ""
    return f"""<div class="td_block_wrap td_block_text_with_title tdi_70 td-fb-comments td-pb-border-top td_block_template_1" data-td-block-uid="tdi_70">
<div class="td-block-title-wrap"><h4 class="block-title td-block-title"><span class="td-pulldown-size">Commentaires via Facebook :</span></h4></div>
<div class="td_mod_wrap td-fix-index"><div class="fb-comments" data-href="{ctx.permalink(a)}" data-numposts="10" data-width="100%" data-order-by="reverse_time"></div></div></div>
"""
