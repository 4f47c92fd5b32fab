"""WordPress comment lists: core html5 and xhtml walkers, tagDiv themes, WordPress.com."""
from __future__ import annotations

import re
from copy import deepcopy

from lxml import etree

from ..items import Comment
from ..parsing.dates import from_epoch, parse_date, parse_iso
from ..parsing.text import element_text, normalize_space, sanitize_html, inner_html
from .base import ThreadContext, content_id, strip_fragment

COMMENT_ID = re.compile(r"^(?:li-)?comment-(\d+)$")
COMMENT_ITEMS = etree.XPath(
    "//li[starts-with(@id, 'comment-') or starts-with(@id, 'li-comment-')]")
PAGINATION = etree.XPath(
    "//*[@id='comments' or contains(concat(' ', normalize-space(@class), ' '), ' comments-area ')"
    " or contains(@class, 'comment-pagination') or contains(@class, 'comment-navigation')"
    " or contains(@class, 'comments-pagination') or contains(@class, 'comment-nav')]"
    "//a[@href][contains(@href, 'comment-page-') or contains(@href, 'cpage=')]")
OWN_BODY = etree.XPath(
    "./article | ./div[contains(concat(' ', normalize-space(@class), ' '), ' comment-body ')]"
    " | ./div[starts-with(@id, 'div-comment-')] | ./div[contains(@class, 'comment-wrap')]")
META_CLASSES = ("comment-author", "comment-meta", "commentmetadata", "comment-metadata", "reply",
                "says", "avatar", "comment-awaiting-moderation", "comment-edit-link", "comment-footer")
MODERATION = re.compile(r"awaiting moderation|en attente de mod[ée]ration|wartet auf freischaltung"
                        r"|moderation", re.I)
SAYS = re.compile(r"\s*(?:says|dit|sagt|dice|diz|a dit|schreibt)\s*:?\s*$", re.I)


def _classes(element) -> set[str]:
    return set((element.get("class") or "").split())


class WordPressThread:
    """``li#comment-N`` items nested through ``ul/ol.children``: WP core, tagDiv, most WP themes."""

    name = "wordpress"

    def matches(self, tree) -> bool:
        return any(COMMENT_ID.match(li.get("id", "")) for li in COMMENT_ITEMS(tree))

    def parse(self, tree, ctx: ThreadContext) -> list[Comment]:
        items = [li for li in COMMENT_ITEMS(tree) if COMMENT_ID.match(li.get("id", ""))]
        item_set = set(items)
        return [self._comment(li, item_set, ctx) for li in items]

    def pagination_links(self, tree, ctx: ThreadContext) -> list[str]:
        links = []
        for anchor in PAGINATION(tree):
            href = ctx.absolute(anchor.get("href"))
            if href and "replytocom" not in href:
                links.append(strip_fragment(href))
        return list(dict.fromkeys(links))

    def _comment(self, li, items: set, ctx: ThreadContext) -> Comment:
        own = _own_body(li)
        parent = _parent_item(li, items)
        kind = "pingback" if "pingback" in _classes(li) else (
            "trackback" if "trackback" in _classes(li) else "comment")
        author, author_url = _author(own, ctx)
        published, raw = _published(own, ctx)
        body = _body(own, kind)
        text = element_text(body) if body is not None else ""
        comment = Comment(
            comment_id=COMMENT_ID.match(li.get("id")).group(1),
            parent_comment_id=COMMENT_ID.match(parent.get("id")).group(1) if parent is not None else None,
            type=kind, author_name=author, author_url=author_url, date_published=published,
            date_published_raw=raw, text=text,
            text_html=sanitize_html(inner_html(body)) if body is not None else "")
        if kind != "comment" and text and author and normalize_space(text) == author:
            comment.text, comment.text_html = "", ""
        return comment


def _parent_item(li, items: set):
    for ancestor in li.iterancestors("li"):
        if ancestor in items:
            return ancestor
    return None


def _own_body(li):
    found = OWN_BODY(li)
    return found[0] if found else li


def _author(own, ctx: ThreadContext) -> tuple[str | None, str | None]:
    node = _first(own, ".//*[contains(concat(' ', normalize-space(@class), ' '), ' fn ')]"
                       " | .//cite | .//*[contains(@class, 'comment-author')]")
    if node is None:
        return None, None
    name = SAYS.sub("", normalize_space(_text_without(node, ("says", "avatar"))))
    link = node if node.tag == "a" else _first(node, ".//a[@href]")
    url = ctx.absolute(link.get("href")) if link is not None else None
    return name or None, url


def _published(own, ctx: ThreadContext) -> tuple[str | None, str | None]:
    time = _first(own, ".//time")
    if time is not None:
        raw = normalize_space(time.text_content()) or None
        found = from_epoch(time.get("pubdate")) or parse_iso(time.get("datetime"), ctx.tz)
        return found or parse_date(raw, ctx.tz, ctx.languages, ctx.fetched_at), raw
    meta = _first(own, ".//*[contains(@class, 'comment-meta') or contains(@class, 'commentmetadata')"
                       " or contains(@class, 'comment-metadata') or contains(@class, 'comment-date')]")
    if meta is None:
        return None, None
    link = _first(meta, ".//a") if _first(meta, ".//a") is not None else meta
    raw = normalize_space(link.text_content()) or None
    return parse_date(raw, ctx.tz, ctx.languages, ctx.fetched_at), raw


def _body(own, kind: str):
    content = _first(own, ".//*[contains(concat(' ', normalize-space(@class), ' '), ' comment-content ')"
                          " or contains(concat(' ', normalize-space(@class), ' '), ' comment-text ')"
                          " or contains(concat(' ', normalize-space(@class), ' '), ' comment-entry ')]")
    body = deepcopy(content if content is not None else own)
    for child in list(body.iter()):
        if child is body or not isinstance(child.tag, str):
            continue
        if _is_meta(child) and child.getparent() is not None:
            _drop(child)
    for nested in body.xpath(".//ul[contains(@class,'children')] | .//ol[contains(@class,'children')]"):
        _drop(nested)
    return body


def _is_meta(element) -> bool:
    classes = _classes(element)
    if element.tag in ("footer", "script", "style", "form", "img", "button"):
        return True
    if element.tag == "em" and MODERATION.search(element.text_content() or ""):
        return True
    return any(cls in classes for cls in META_CLASSES) or "comment-reply-link" in classes


def _drop(element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _text_without(node, classes: tuple[str, ...]) -> str:
    copy = deepcopy(node)
    for child in list(copy.iter()):
        if child is not copy and isinstance(child.tag, str) and (_classes(child) & set(classes)):
            _drop(child)
    copy.tail = None
    return copy.text_content()


def _first(node, path: str):
    found = node.xpath(path)
    return found[0] if found else None


__all__ = ["WordPressThread", "content_id"]
