"""The shape every item-based family shares: find comment elements, read each one's fields."""
from __future__ import annotations

import re

from lxml import etree

from ..items import Comment
from ..parsing.text import normalize_space
from .base import ThreadContext, content_id, strip_fragment
from .prescan import attribute_hits
from .structural import THREAD_MARK
from .fields import (AUTHOR_RULES, CONTENT_RULES, DATE_RULES, Scan, author_of, body_fields, is_meta,
                     own_parts, time_of)

# Sidebars ("recent comments" widgets) re-use comment markup for comments of other posts.
ELSEWHERE = etree.XPath(
    "ancestor-or-self::*[@id='sidebar' or @id='secondary' or contains(@id, 'recentcomments')"
    " or contains(@id, 'recent-comments') or contains(@class, 'recentcomments')"
    " or contains(@class, 'recent-comments') or contains(@class, 'recent_comments')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' widget ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' sidebar ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' widget-area ')][1]")


class Nesting:
    """Which comment element encloses which, with one walk up per distinct ancestor."""

    def __init__(self, items: list):
        self.items = set(items)
        self.containers: set = set()
        self._memo: dict = {}
        self.above = {item: self.owner(item) for item in items}
        """Each item's nearest enclosing item (None: it is at the top level)."""

    def owner(self, element):
        """The nearest comment element strictly above ``element``, or None."""
        return self._at_or_above(element.getparent())

    def _at_or_above(self, node):
        path = []
        while node is not None and node not in self._memo:
            if node in self.items:
                self._memo[node] = node
                break
            path.append(node)
            node = node.getparent()
        found = self._memo.get(node) if node is not None else None
        for step in path:
            self._memo[step] = found
        if node is not None:
            self.containers.update(path)
            self.containers.add(node)
        else:
            self.containers.update(path)
        return found


class ItemThread:
    """A family whose comments are elements; subclasses say which, and how ids and parents read."""

    name = "items"
    author_rules: list = AUTHOR_RULES
    content_rules: list = CONTENT_RULES
    date_rules: list = DATE_RULES

    # -- the family's markup as the registry's readers see it (see docs/comment-families.md) --
    prescan: dict[str, tuple[str, ...]] = {}
    """Attribute name -> substrings: a value holding one may mark an item (``prescan``'s filter)."""
    item_marks: dict[bytes, tuple[bytes, ...]] = {}
    """Word -> the bytes that may precede it: an item's markup in raw bytes (``parsing.sections``)."""
    item_id_pattern: re.Pattern | None = None
    """The id attribute of an item (the generic page keeps such elements out of the body)."""
    section_ids: frozenset = frozenset()
    """Ids of the element holding the thread (the generic page keeps it out of the body)."""
    section_classes: frozenset = frozenset()
    """Class names of the element holding the thread (likewise)."""
    page_marks: tuple[bytes, ...] = ()
    """Fixed bytes the path of a link to another comment page holds (the crawl's scan finds them)."""
    page_query_marks: tuple[bytes, ...] = ()
    """Fixed bytes the query string of such a link holds (a family whose pages are ``?name=N``)."""
    page_href: bytes = b""
    """A regex (bytes) for the part of such a link's href naming the comment page."""
    page_number_pattern: re.Pattern | None = None
    """A comment-page URL's number (group 1), as ``page_number`` reads it."""
    first_page_number = 1
    """The number ``page_number_pattern`` gives the article's own comment page."""
    pager: etree.XPath | None = None
    """The links to the thread's other comment pages, on the tree (``pagination_links``)."""
    title_rules: list = []
    """Field rules for a comment's title (none: the family's comments have no title)."""
    marks_items = False
    """True: each item is marked for the body reader to leave out (a thread with no container to name)."""
    item_attributes: dict[str, frozenset] = {}
    """Attribute name -> the tags of the items carrying it (empty: any tag): every item carries one
    of them, so the parser choice passes the family by on a page where none occurs, unsearched
    (for a family whose search scans class values)."""

    def shows_no_thread(self, hits) -> bool:
        """True when the family's own markup says the page holds no comments (an empty comment
        area): the page is then not searched for unmarked ones. Said only when sure."""
        return False

    def opening_post(self, hits):
        """The topic's opening post, when the family leaves it out of its items as the page's
        article (a forum topic); None when the page's article is elsewhere."""
        return None

    def items(self, tree) -> list:
        """The thread's comment elements in page order."""
        return self.items_from(attribute_hits(tree))

    def items_from(self, hits) -> list:
        """The comment elements among the page's attribute hits (see ``prescan``)."""
        raise NotImplementedError

    def item_id(self, item) -> str | None:
        """The site's id of a comment element (None: make one from the content)."""
        return None

    def parent_of(self, item, nesting: Nesting, ids: dict) -> str | None:
        """The id of the comment ``item`` answers: its nearest enclosing comment, or the comment
        just before the ``div.indented`` holding it (Drupal's reply lists)."""
        owner = nesting.owner(item)
        if owner is None:
            owner = _before_indented(item, nesting.items)
        if owner is None:  # an element without children is false: test for None, never truth
            owner = _before_reply_list(item, nesting.items)
        return ids.get(owner) if owner is not None else None

    # True for markup inside a comment that is not its text; families may add their own markup.
    # A plain function here (not a method calling it): the body walk calls it for every element.
    skip = staticmethod(is_meta)

    def comment_type(self, item) -> str:
        return "comment"

    def title(self, scan: Scan) -> str | None:
        node = scan.find(self.title_rules) if self.title_rules else None
        return (normalize_space(node.text_content()) or None) if node is not None else None

    def matches(self, tree) -> bool:
        return bool(self.items(tree))

    def pagination_links(self, tree, ctx: ThreadContext) -> list[str]:
        """The thread's other comment pages linked from this page (on the tree)."""
        if self.pager is None:
            return []
        links = [ctx.absolute(a.get("href")) for a in self.pager(tree)]
        return list(dict.fromkeys(strip_fragment(link) for link in links if link))

    def page_number(self, url: str) -> int | None:
        """The place of a comment page of this family in the thread (1: the article's own page),
        or None when ``url`` is not one."""
        match = self.page_number_pattern.search(url) if self.page_number_pattern else None
        return int(match.group(1)) + 1 - self.first_page_number if match else None

    def parse(self, tree, ctx: ThreadContext, items: list | None = None) -> list[Comment]:
        """The comments of ``items`` (found here when not given), sidebars left out."""
        items = self.items(tree) if items is None else items
        nesting = Nesting(items)
        comments, ids, elsewhere, depths = [], {}, {}, {}
        for item in items:
            owner = nesting.owner(item)
            if self.elsewhere(item, elsewhere) if owner is None else owner not in ids:
                continue  # a sidebar's comment, or a reply to one
            comment = self.comment(item, own_parts(item, nesting.items, nesting.containers), ctx)
            ids[item] = comment.comment_id
            comment.parent_comment_id = self.parent_of(item, nesting, ids)
            comment.depth = depths.get(comment.parent_comment_id, 0) + 1
            depths.setdefault(comment.comment_id, comment.depth)
            comments.append(comment)
            if self.marks_items:
                item.set(THREAD_MARK, "")
        return comments

    def elsewhere(self, item, cache: dict) -> bool:
        """True when a top-level comment sits in a sidebar widget (``cache``: per list)."""
        return _elsewhere(item, cache)

    def comment(self, item, parts: list, ctx: ThreadContext) -> Comment:
        """One comment's fields read from its own markup."""
        scan = Scan(parts)
        author, author_url = author_of(scan, ctx, self.author_rules)
        published, raw = time_of(scan, ctx, self.date_rules)
        text, text_html = body_fields(scan, self.content_rules, self.skip)
        comment_id = self.item_id(item) or content_id(author, published or raw, text)
        return Comment(comment_id=comment_id, type=self.comment_type(item), author_name=author,
                       author_url=author_url, date_published=published, date_published_raw=raw,
                       text=text, text_html=text_html, title=self.title(scan))


def _before_indented(item, items: set):
    """The comment preceding the ``div.indented`` that holds ``item`` (two levels up at most)."""
    for box in (item.getparent(), item.getparent().getparent() if item.getparent() is not None else None):
        if box is not None and "indented" in (box.get("class") or "").split():
            for sibling in box.itersiblings(preceding=True):
                if sibling in items:
                    return sibling
                if sibling.tag != "a" and "indented" not in (sibling.get("class") or "").split():
                    return None
    return None


REPLY_LIST_LEVELS = 3


def _before_reply_list(item, items: set):
    """The comment just before the list holding ``item``, when replies sit in a sibling list after
    the comment they answer (``<div.node/><div.replies><div.wrap><div.node/>``): the first
    element before one of the item's three nearest ancestors, when that one is a comment."""
    node = item
    for _ in range(REPLY_LIST_LEVELS):
        node = node.getparent()
        if node is None:
            return None
        before = node.getprevious()
        while before is not None and not isinstance(before.tag, str):
            before = before.getprevious()
        if before is not None and before in items:
            return before
    return None


def _elsewhere(item, cache: dict) -> bool:
    """True when a top-level comment sits in a sidebar widget (checked once per list)."""
    parent = item.getparent()
    if parent not in cache:
        cache[parent] = _in_sidebar(parent) if parent is not None else False
    return cache[parent]


_XPATH_SPACE = str.maketrans("\t\n\r", "   ")
_SIDEBAR_TOKENS = frozenset({"widget", "sidebar", "widget-area"})


def _in_sidebar(element) -> bool:
    """``bool(ELSEWHERE(element))``, tested in Python (libxml2's contains() is slow)."""
    node = element
    while node is not None:
        ident = node.get("id")
        if ident is not None and (ident in ("sidebar", "secondary") or "recentcomments" in ident
                                  or "recent-comments" in ident):
            return True
        names = node.get("class")
        if names is not None and ("recentcomments" in names or "recent-comments" in names
                                  or "recent_comments" in names
                                  or not _SIDEBAR_TOKENS.isdisjoint(
                                      names.translate(_XPATH_SPACE).split(" "))):
            return True
        node = node.getparent()
    return False


__all__ = ["ELSEWHERE", "ItemThread", "Nesting"]
