"""A wpDiscuz thread as WordPress serves it to guests: parents only in the page, the rest over admin-ajax (load more, show replies)."""
from __future__ import annotations

import json
from datetime import datetime
from html import escape
from urllib.parse import parse_qsl

from .site import Resource

JSON = "application/json; charset=UTF-8"
POST_ID = 4021
NONCE = "5f1c1d2e3a"
ROBOTS = "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n"  # WordPress's own


class WpDiscuzThread:
    """The thread under wpDiscuz 7 with "load only parent comments" on and ``page_size`` comments a
    batch, oldest first: the page shows the first batch of top-level comments (their replies behind
    a "show replies" toggle, ``wpd-hidden-replies``) and the load-more button; ``admin-ajax.php``
    answers ``wpdGetNonce``, ``wpdLoadMoreComments`` (``lastParentId``, ``offset``) and
    ``wpdShowReplies`` (``commentId``) with ``{"success": true, "data": {"comment_list": HTML, …}}``;
    a batch or reply list asked without the guest nonce is refused, as ``validateNonce`` does.
    Guests see approved comments only: a trashed comment and its replies are gone."""

    def __init__(self, thread: list[dict], page_size: int):
        self.thread, self.page_size = thread, page_size
        self.posted: list[dict] = []
        """Every form posted to admin-ajax, in arrival order."""

    def top_level(self) -> list[dict]:
        return [node for node in self.thread if _listed(node)]

    def page_markup(self, ajax_url: str) -> str:
        """The settings, the first batch and the load-more button, as the post's HTML has them."""
        first = self.top_level()[:self.page_size]
        settings = {"wc_post_id": str(POST_ID), "isNativeAjaxEnabled": "1", "url": ajax_url,
                    "customAjaxUrl": ajax_url.replace("wp-admin/admin-ajax.php",
                                                      "wp-content/plugins/wpdiscuz/utils/ajax/wpdiscuz-ajax.php"),
                    "isLoadOnlyParentComments": "1", "commentListLoadType": "0", "firstLoadWithAjax": "0",
                    "wc_show_replies_text": "Voir les réponses", "nonceName": "wpdiscuz_nonce"}
        more = len(self.top_level()) > len(first)
        rest = ajax_url.replace("wp-admin/admin-ajax.php", f"wp-json/wp/v2/posts/{POST_ID}")
        return f"""<link rel="alternate" title="JSON" type="application/json" href="{rest}">
<script id="wpdiscuz-combo-js-js-extra">
var wpdiscuzAjaxObj = {json.dumps(settings)};
</script><div id="comments" class="comments-area"><div id="wpdcom" class="wpdiscuz_unauth wpd-default wpd-layout-2">
<div class="wpd-thread-list">{"".join(_item(node, None, 1, False) for node in first)}
<div class="wpdiscuz-comment-pagination"><div class="wpd-load-more-submit-wrap"><button name="submit"
 data-lastparentid="{first[-1]['id'] if first else 0}" class="wpd-load-more-submit wpd-loaded wpd-prim-button">Charger plus</button>
</div><span id="wpdiscuzHasMoreComments" data-is_show_load_more="{int(more)}"></span></div></div></div></div>"""

    def ajax(self, body: bytes) -> Resource:
        form = dict(parse_qsl(body.decode("utf-8")))
        self.posted.append(form)
        action = form.get("action")
        if form.get("postId") != str(POST_ID):
            return Resource(200, b"0", "text/html; charset=UTF-8")  # admin-ajax's answer to an unknown request
        if action == "wpdGetNonce":
            return _success({"wpdiscuz_nonce": NONCE})
        if form.get("wpdiscuz_nonce") != NONCE:
            return Resource(403, b"Nonce is invalid.", "text/html; charset=UTF-8")
        if action == "wpdLoadMoreComments":
            return self._batch(form.get("lastParentId", "0"))
        if action == "wpdShowReplies":
            node = next((n for n in self.top_level() if n["id"] == form.get("commentId")), None)
            return _success({"comment_list": _item(node, None, 1, True) if node else "", "callbackFunctions": []})
        return Resource(400, b"0", "text/html; charset=UTF-8")

    def _batch(self, last_parent: str) -> Resource:
        later = [node for node in self.top_level() if int(node["id"]) > int(last_parent)]
        batch = later[:self.page_size]
        return _success({"comment_list": "".join(_item(node, None, 1, False) for node in batch),
                         "is_show_load_more": len(later) > len(batch),
                         "last_parent_id": batch[-1]["id"] if batch else 0, "comments_count": len(batch),
                         "callbackFunctions": []})


def _listed(node: dict) -> bool:
    return not node.get("deleted") and node.get("approved", True)


def _success(data: dict) -> Resource:
    return Resource(200, json.dumps({"success": True, "data": data}).encode(), JSON)


def _item(node: dict, parent: str | None, depth: int, with_replies: bool) -> str:
    """One comment as wpDiscuz's walker writes it; its replies nested, or collapsed behind the toggle."""
    replies = [reply for reply in node.get("replies", []) if _listed(reply)]
    collapsed = bool(replies) and not with_replies and depth == 1
    name, url, _ = node["author"]
    author = f'<a href="{escape(url)}" rel="nofollow">{escape(name)}</a>' if url else escape(name)
    when = datetime.fromisoformat(node["at"]).strftime("%B %-d, %Y %-I:%M %p").replace("AM", "am").replace("PM", "pm")
    classes = f"comment depth-{depth} wpd-comment wpd_comment_level-{depth}" + (" wpd-reply" if parent else "")
    toggle = (f'<div class="wpd-toggle wpd-hidden wpd_not_clicked" wpd-tooltip="Voir les réponses">'
              f'<span class="wpd-view-replies"><span class="wpd-view-replies-text">Voir les réponses</span>'
              f' ({len(replies)})</span></div>') if collapsed else ""
    nested = "".join(_item(reply, node["id"], depth + 1, True) for reply in replies) if not collapsed else ""
    classes += " wpd-hidden-replies" if collapsed else ""
    return (f'<div id="wpd-comm-{node["id"]}_{parent or 0}" class="{classes}">'
            f'<div class="wpd-comment-wrap wpd-blog-guest"><div id="comment-{node["id"]}" class="wpd-comment-right">'
            f'<div class="wpd-comment-header"><div class="wpd-comment-author">{author}</div>'
            f'<div class="wpd-comment-date" title="{when}">il y a 9 mois</div></div>'
            f'<div class="wpd-comment-text">{node["message"]}</div>'
            f'<div class="wpd-comment-footer">{toggle}</div></div></div>{nested}</div>')
