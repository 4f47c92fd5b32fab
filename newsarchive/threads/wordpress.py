"""WordPress comment lists: core html5/xhtml walkers, tagDiv, WordPress.com/Jetpack and theme callbacks."""
from __future__ import annotations

import re
from itertools import islice

from lxml import etree

from ..items import Comment
from ..parsing.text import normalize_space
from .base import ThreadContext, strip_fragment
from .fields import PING_LABEL, classes
from .items import ItemThread, Nesting
from .prescan import owners

COMMENT_ID = re.compile(r"^(?:li-)?comment-(?:item-)?(\d+)$")
ITEM_TAGS = frozenset({"li", "div", "article"})
# What an empty comment area may hold besides its reply form: a heading and a notice (two comments
# in any markup hold more elements, one long comment more text).
EMPTY_AREA_ELEMENTS = 4
EMPTY_AREA_CHARACTERS = 400
PAGINATION = etree.XPath(
    "//*[@id='comments' or contains(concat(' ', normalize-space(@class), ' '), ' comments-area ')"
    " or contains(@class, 'comment-pagination') or contains(@class, 'comment-navigation')"
    " or contains(@class, 'comments-pagination') or contains(@class, 'comment-nav')]"
    "//a[@href][contains(@href, 'comment-page-') or contains(@href, 'cpage=')]")


def comment_items(hits) -> list:
    """The thread's comment elements in page order: the outermost element of each id, or the
    id-less ``li`` that holds it (replies nest in that ``li``)."""
    found = list(dict.fromkeys(_box(e) for e in owners(hits, "id", COMMENT_ID.match, ITEM_TAGS)))
    above = Nesting(found).above
    return [e for e in found if not _inner_duplicate(e, above[e])]


def _comments_area(form):
    """The ``#comments`` (or ``.comments-area``) element holding the reply form, or None."""
    for area in form.iterancestors():
        if area.get("id") == "comments" or "comments-area" in classes(area):
            return area
        if area.tag in ("body", "article", "main"):
            return None
    return None


def _box(element):
    parent = element.getparent()
    if element.tag != "li" and parent is not None and parent.tag == "li" \
            and not COMMENT_ID.match(parent.get("id", "")):
        return parent
    return element


def _inner_duplicate(element, owner) -> bool:
    """tagDiv repeats the item's id on an inner ``div.comment-meta``; WP.com nests ``article#comment-N``
    in ``li#li-comment-N``: the inner one (enclosed by ``owner``) is not another comment."""
    return owner is not None and _number(owner) == _number(element)


def _number(element) -> str:
    match = COMMENT_ID.match(element.get("id", ""))
    if match is None:  # an id-less li holding the comment's element
        inner = next(c for c in element if COMMENT_ID.match(c.get("id", "") if isinstance(c.tag, str) else ""))
        match = COMMENT_ID.match(inner.get("id"))
    return match.group(1)


class WordPressThread(ItemThread):
    """``li#comment-N`` (or ``li-comment-N``, ``div#comment-N``) items nested through child lists."""

    name = "wordpress"
    prescan = {"id": ("omm",)}
    item_marks = {b"comment-": (b'="', b"='", b'"li-', b"'li-", b'"div-', b"'div-")}
    item_id_pattern = re.compile(r"^(?:li-)?comment-\d+$")
    section_ids = frozenset({"comments", "respond"})
    section_classes = frozenset({"comments-area", "comment-list", "commentlist", "comment-respond",
                                 "comment-form", "td-comments-title-wrap"})
    page_marks = (b"comment-page-",)
    page_query_marks = (b"cpage=",)
    page_href = rb"comment-page-\d+|[?&](?:amp;)?cpage=\d+"
    page_number_pattern = re.compile(r"(?:comment-page-|[?&]cpage=)(\d+)")

    def items_from(self, hits) -> list:
        return comment_items(hits)

    def item_id(self, item) -> str | None:
        return _number(item)

    def shows_no_thread(self, hits) -> bool:
        """WordPress's reply form in a comments area that holds little else (a heading, a notice):
        WordPress prints the list there when there is one."""
        form = next((value.getparent() for value in hits.attribute("id") if value == "respond"), None)
        area = _comments_area(form) if form is not None else None
        if area is None:
            return False
        inside_form = set(form.iter())
        others = (e for e in area.iter(etree.Element) if e is not area and e not in inside_form)
        if len(list(islice(others, EMPTY_AREA_ELEMENTS + 1))) > EMPTY_AREA_ELEMENTS:
            return False
        return len(area.text_content()) - len(form.text_content()) <= EMPTY_AREA_CHARACTERS

    def comment_type(self, item) -> str:
        names = classes(item)
        return "pingback" if "pingback" in names else "trackback" if "trackback" in names else "comment"

    def pagination_links(self, tree, ctx: ThreadContext) -> list[str]:
        links = []
        for anchor in PAGINATION(tree):
            href = ctx.absolute(anchor.get("href"))
            if href and "replytocom" not in href:
                links.append(strip_fragment(href))
        return list(dict.fromkeys(links))

    def comment(self, item, parts: list, ctx: ThreadContext) -> Comment:
        comment = super().comment(item, parts, ctx)
        if comment.type != "comment":
            bare_ping(comment, parts, ctx)
        return comment


def bare_ping(comment: Comment, parts: list, ctx: ThreadContext) -> None:
    """"Pingback: <a>title</a>": the link is the author and there is no text."""
    if comment.author_name is None or comment.author_url is None:
        links = [a for part in parts for a in part.iter("a") if a.get("href")]
        if links:
            comment.author_name = normalize_space(links[0].text_content()) or comment.author_name
            comment.author_url = ctx.absolute(links[0].get("href"))
    rest = PING_LABEL.sub("", comment.text)
    if comment.author_name:
        rest = rest.replace(comment.author_name, "", 1)
    if not normalize_space(PING_LABEL.sub("", rest)):
        comment.text, comment.text_html = "", ""


__all__ = ["WordPressThread", "bare_ping", "comment_items"]
