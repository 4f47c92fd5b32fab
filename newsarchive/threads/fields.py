"""Reading one comment's fields (author, time, body) from its own markup, shared by every family."""
from __future__ import annotations

import re
from copy import deepcopy
from functools import cached_property
from typing import Callable, Iterable

from lxml import etree

from ..parsing.dates import date_text, parse_date, parse_iso, time_element_moment
from ..parsing.text import (_PARAGRAPH, BLOCK_TAGS, DROP_TAGS, SAFE_TAGS, _finish, element_text, escape_text,
                             inner_html, normalize_space, read_end, read_start, text_of)
from .base import ThreadContext


def has_class(*names: str) -> str:
    """An XPath predicate body: the element has one of the class tokens ``names``."""
    return " or ".join(f"contains(concat(' ', normalize-space(@class), ' '), ' {n} ')" for n in names)


def paths(*expressions: str) -> list[etree.XPath]:
    """Compiled XPaths, tried in order."""
    return [etree.XPath(e) for e in expressions]


# A rule finds an element in a comment's own markup; rules are tried in order. A rule is
# ("class", tokens) | ("tag", names) | ("itemprop", values) | ("contains", class fragments)
# | ("within", (outer rule, inner rule)) | ("child", (container rule, first-child tags))
# | ("xpath", compiled) (the last for rare shapes only: it costs a walk per comment).
Rule = tuple


def cls(*tokens: str) -> Rule:
    return ("class", frozenset(tokens))


AUTHOR_RULES: list[Rule] = [
    cls("fn"),
    ("within", (("itemprop", frozenset({"author"})), ("itemprop", frozenset({"name"})))),
    cls("comment-author-name", "comment_author", "comment-author-link", "author-name", "commenter",
        "username", "user-name", "comment__author", "wpd-comment-author", "wc-comment-author",
        "epoch-author-link", "nickname"),
    cls("author"),
    ("child", (cls("comment-author", "comment-meta", "meta"), frozenset({"strong", "b", "cite"}))),
    cls("comment-author", "vcard", "epoch-comment-author"),
    ("tag", frozenset({"cite"})),
    # no name marked by class: the first link to a user's profile page (a name or an @handle)
    ("xpath", etree.XPath("(.//a[contains(@href, '/u/') or contains(@href, '/user/')"
                          " or contains(@href, '/users/') or contains(@href, '/member/')"
                          " or contains(@href, '/members/') or contains(@href, '/profile/')"
                          " or contains(@href, '/~') or contains(@href, 'showuser=')])[1]")),
]
DATE_RULES: list[Rule] = [
    cls("comment-metadata", "commentmetadata", "comment-date", "comment_date", "comment-time",
        "wpd-comment-date", "date", "comment__time", "submitted", "datetime", "timestamp",
        "comment-timestamp", "published"),
    cls("comment-meta"),
]
ITEMPROP_TIMES = frozenset({"datePublished", "dateCreated", "commentTime"})
META_CLASSES = frozenset({
    "comment-author", "comment-meta", "commentmetadata", "comment-metadata", "reply", "says",
    "avatar", "comment-awaiting-moderation", "edit-link", "comment-edit-link", "comment-reply-link",
    "comment-reply", "comment-likes", "sharedaddy", "comment-footer", "links", "comment-reply-login",
    "comment-date", "comment_date", "comment-author-container", "comment-date-container",
    "wpd-comment-footer", "wpd-comment-header", "wpd-comment-left", "wc-footer-left",
    "comment-like", "comment-abuse", "signaler", "more", "report", "permalink", "vote",
    "comment-header", "comment-infos", "forum-chapo", "comment-actions",
    "epoch-comment-author-avatar", "epoch-divide", "epoch-comment-actions",
    "epoch-moderation-actions", "epoch-comment-meta",
})
# A class ending in "menu" is a comment's action menu unless it says the element has or shows one.
MENU_STATE_PREFIXES = ("has-", "is-", "with-", "no-")
SKIP_TAGS = frozenset({"script", "style", "form", "img", "button", "footer", "header", "noscript",
                       "svg", "nav", "input", "textarea", "select", "iframe", "picture"})
MODERATION = re.compile(r"awaiting moderation|en attente de mod[ée]ration|freischaltung|moderat",
                        re.I)
# Every MODERATION match holds one of these, whatever the case: a cheap test before the slow search.
MODERATION_HINTS = ("mod", "chaltung")
SAYS = re.compile(r"(?:^|\s)(?:says|dit|sagt|dice|diz|a dit|schreibt|meint|scrive)\s*:?$", re.I)
TRAILING = " ,:;|-–—\u00a0"
BY_LABEL = re.compile(r"^[\s,;:|\-–—]*(?:par|by|von|por|posted by|écrit par|geschrieben von)\s+", re.I)
SAFE_LINK = re.compile(r"^\s*(?:https?:|mailto:|/|#|\?|[\w.-]+(?:/|$))", re.I)
PING_LABEL = re.compile(r"^\s*(?:pingback|trackback|ping)\s*:?\s*", re.I)


def classes(element) -> set[str]:
    """The element's class tokens."""
    return set((element.get("class") or "").split())


def first(parts: Iterable, compiled: list[etree.XPath]):
    """The first element any path finds, trying each path over every part before the next path."""
    parts = list(parts)
    for path in compiled:
        for part in parts:
            found = path(part)
            if found:
                return found[0]
    return None


class Scan:
    """One walk over a comment's own markup, indexing elements by class, tag and itemprop."""

    def __init__(self, parts: list):
        self.parts = parts
        self.by_class: dict[str, list] = {}
        self.by_tag: dict[str, list] = {}
        self.by_itemprop: dict[str, list] = {}
        self._indexes = {"class": self.by_class, "tag": self.by_tag, "itemprop": self.by_itemprop}
        by_tag, by_class, by_itemprop = self.by_tag, self.by_class, self.by_itemprop
        reply_label = None
        for part in parts:
            for element in part.iter(etree.Element):
                tag = element.tag
                listed = by_tag.get(tag)
                if listed is None:
                    by_tag[tag] = [element]
                else:
                    listed.append(element)
                names = element.get("class")
                if names:
                    for name in names.split():
                        listed = by_class.get(name)
                        if listed is None:
                            by_class[name] = [element]
                        else:
                            listed.append(element)
                    if reply_label is None and "comment-reply-link" in names:
                        reply_label = element.get("aria-label") or element.get("data-replyto")
                prop = element.get("itemprop")
                if prop:
                    by_itemprop.setdefault(prop, []).append(element)
        self.reply_label: str | None = reply_label

    @cached_property
    def order(self) -> dict:
        """Each element's rank in page order (walked again only when some rule finds several)."""
        elements = (element for part in self.parts for element in part.iter(etree.Element))
        return {element: rank for rank, element in enumerate(elements)}

    def all(self, rule: Rule) -> list:
        """Every element one rule finds, in page order."""
        kind, value = rule
        index = self._indexes.get(kind)
        if index is not None:  # the same elements whichever side is walked: the smaller one
            if index.keys().isdisjoint(value):
                return []
            if len(value) <= len(index) or not isinstance(value, (set, frozenset)):
                found = [e for name in value if name in index for e in index[name]]
            else:
                found = [e for name in index if name in value for e in index[name]]
        elif kind == "xpath":
            return [e for part in self.parts for e in value(part) if isinstance(e.tag, str)]
        elif kind == "within":
            outer = self.all(value[0])
            if not outer:
                return []
            return [e for e in self.all(value[1]) if any(_inside(e, o) for o in outer)]
        elif kind == "child":
            found = (_named_child(container, value[1]) for container in self.all(value[0]))
            return [child for child in found if child is not None]
        elif kind == "contains":
            found = [e for name, elements in self.by_class.items() if any(f in name for f in value)
                     for e in elements]
        else:
            raise KeyError(kind)
        if len(found) < 2:
            return found
        return sorted(set(found), key=self.order.get)

    def find(self, rules: list[Rule]):
        """The first element of the first rule that finds one."""
        indexes = self._indexes
        for rule in rules:
            index = indexes.get(rule[0])
            if index is not None and index.keys().isdisjoint(rule[1]):
                continue  # what ``all`` would say first, without the call
            found = self.all(rule)
            if found:
                return found[0]
        return None


def _named_child(container, tags: frozenset):
    """The first child of ``container`` with one of ``tags``, or a link of class ``url``; or None."""
    for child in container:
        tag = child.tag
        if tag in tags or tag == "a" and "url" in (child.get("class") or "").split():
            return child
    return None


def own_parts(item, items: set, containers: set) -> list:
    """The subtrees of ``item`` that hold no other comment: its own markup."""
    parts = []
    for child in item:
        if not isinstance(child.tag, str) or child in items:
            continue
        if child in containers:
            parts.extend(own_parts(child, items, containers))
        else:
            parts.append(child)
    return parts


def is_meta(element) -> bool:
    """Author lines, dates, avatars, reply/like/report links, moderation notices: not comment text."""
    tag = element.tag
    if not isinstance(tag, str):
        return False
    if tag in SKIP_TAGS:
        return True
    names = element.get("class")  # split, not made a set: this runs for every element of a comment
    if names and (not META_CLASSES.isdisjoint(names.split()) or "menu" in names and _names_menu(names)):
        return True
    return tag in ("em", "p", "span", "div") and _is_moderation(element)


def _names_menu(names: str) -> bool:
    """A class naming a menu ("dropdown-menu", "ui_sub_menu": report, hide, edit), not a state of
    the element holding one ("has-menu")."""
    return any(token.endswith("menu") and not token.startswith(MENU_STATE_PREFIXES)
               for token in names.split())


def _is_moderation(element) -> bool:
    text = element.text or ""
    if len(text) >= 120:
        return False
    folded = text.lower()
    hint, other_hint = MODERATION_HINTS
    return (hint in folded or other_hint in folded) and bool(MODERATION.search(text))


def clean_copy(element, skip: Callable = is_meta):
    """A copy of ``element`` without the subtrees ``skip`` refuses (their tails kept), and without
    attributes but a safe ``href``; ``skip`` sees each element and its ancestors as the page has them."""
    copy = deepcopy(element)
    copy.tail = None
    stack = [copy]
    while stack:
        node = stack.pop()
        for child in list(node):
            if not isinstance(child.tag, str) or skip(child):
                _remove_keeping_tail(child)
            else:
                stack.append(child)
    for node in copy.iter():
        _only_safe_attributes(node)
    return copy


def clean_text(element, skip: Callable = is_meta) -> str:
    """``"".join(clean_copy(element, skip).itertext())`` without the copy: the text of ``element``
    and of the descendants ``skip`` keeps, with the tails of every child of a kept element."""
    pieces = [element.text or ""]
    stack = [(None, iter(element))]
    while stack:
        for child in stack[-1][1]:
            if not isinstance(child.tag, str) or skip(child):
                if child.tail:
                    pieces.append(child.tail)
                continue
            if child.text:
                pieces.append(child.text)
            stack.append((child, iter(child)))
            break
        else:
            done = stack.pop()[0]
            if done is not None and done.tail:
                pieces.append(done.tail)
    return "".join(pieces)


def _only_safe_attributes(element) -> None:
    href = element.get("href")
    element.attrib.clear()
    if href and SAFE_LINK.match(href):
        element.set("href", href)


def _remove_keeping_tail(element) -> None:
    parent, tail = element.getparent(), element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def wrap(parts: list, skip: Callable = is_meta):
    """One ``div`` holding clean copies of ``parts``."""
    box = etree.Element("div")
    for part in parts:
        if not skip(part):
            copy = clean_copy(part, skip)
            copy.tail = part.tail
            box.append(copy)
    return box


def body_text(body) -> tuple[str, str]:
    """Plain text and sanitised HTML of a cleaned body (a ``clean_copy``: only safe attributes)."""
    text = element_text(body)
    unsafe = {e.tag for e in body.iter() if e is not body and e.tag not in SAFE_TAGS}
    if unsafe:
        etree.strip_tags(body, *unsafe)
    return text, inner_html(body).strip()


def name_text(node, skip: Callable = is_meta) -> str:
    """The visible name in ``node``: no avatar, date, reply link or "says:"."""
    if node.tag not in ("a", "cite", "b", "strong") and len(node):
        text = clean_text(node, lambda e: is_meta(e) or e.tag == "time")
    else:
        text = text_of(node)
    text = normalize_space(text)[:200].strip(TRAILING)
    return BY_LABEL.sub("", SAYS.sub("", text).strip(TRAILING)).strip().removeprefix("@")


def author_of(scan: Scan, ctx: ThreadContext,
              rules: list[Rule] = AUTHOR_RULES) -> tuple[str | None, str | None]:
    """The commenter's name and link, reconciled with the reply link's "Reply to NAME" label."""
    node = scan.find(rules)
    name = name_text(node) if node is not None else ""
    if scan.reply_label:
        name = reconcile(name, scan.reply_label, scan.parts) or name
    link = _author_link(node)
    url = ctx.absolute(link.get("href")) if link is not None else None
    return (name or None), url


def _author_link(node):
    if node is None:
        return None
    if node.tag == "a" and node.get("href"):
        return node
    if not len(node):  # no link inside (``iter`` would find none but ``node``, a link without href)
        return _enclosing_link(node)
    inner = next((a for a in node.iter("a") if a.get("href") and not a.get("href").startswith("#")
                  and "comment-reply-link" not in (a.get("class") or "")), None)
    return inner if inner is not None else _enclosing_link(node)


def _enclosing_link(node):
    """The profile link a name element sits in (``<a href><span itemprop=name>``), two levels up at most."""
    for ancestor in (node.getparent(), node.getparent().getparent() if node.getparent() is not None else None):
        if ancestor is not None and ancestor.tag == "a" and (ancestor.get("href") or "#")[0] != "#":
            return ancestor
    return None


def reconcile(name: str, label: str, parts: list) -> str | None:
    """The name a reply label ("Reply to X", "Antworte auf X") ends with, checked against the markup."""
    label = normalize_space(label)
    if name and label.endswith(" " + name):  # the label's last words, one or more, are the name
        return name
    words = label.split(" ")
    candidates = [" ".join(words[i:]) for i in range(1, len(words))]
    visible = name or normalize_space(" ".join(text_of(p) for p in parts[:3]))[:300]
    for candidate in candidates:
        if visible.startswith(candidate):
            return candidate
    return None


def time_of(scan: Scan, ctx: ThreadContext,
            rules: list[Rule] = DATE_RULES) -> tuple[str | None, str | None]:
    """The comment's time (ISO UTC) and the text the page shows for it."""
    time = scan.find(TIME_RULES)
    if time is not None:
        raw = normalize_space(text_of(time)) or None
        found = time_element_moment(time, ctx.tz) or parse_date(raw, ctx.tz, ctx.languages, ctx.fetched_at)
        return found, raw
    marked = [e for e in scan.all(("itemprop", ITEMPROP_TIMES)) if e.get("content") or e.get("datetime")]
    if marked:
        raw = normalize_space(text_of(marked[0])) or None
        return parse_iso(marked[0].get("content") or marked[0].get("datetime"), ctx.tz), raw
    node = scan.find(rules)
    if node is None:
        return None, None
    raw = date_text(normalize_space(clean_text(node, _not_date))) or None
    titled = parse_date(node.get("title"), ctx.tz, ctx.languages, ctx.fetched_at)
    return titled or parse_date(raw, ctx.tz, ctx.languages, ctx.fetched_at), raw


def _not_date(element) -> bool:
    return element.tag in SKIP_TAGS or not classes(element).isdisjoint(NOT_DATE_CLASSES)


TIME_RULES: list[Rule] = [("tag", frozenset({"time"}))]
NOT_DATE_CLASSES = frozenset({"fn", "author", "says", "edit-link", "reply", "url", "username",
                              "comment-reply-link", "comment-edit-link"})


CONTENT_RULES: list[Rule] = [
    cls("comment-text", "comment_text", "comment-texte", "commentaire-text", "wpd-comment-text",
        "wc-comment-text", "forum-texte", "comment__content", "comment-body-text"),
    cls("comment-content", "comment_content", "comment-entry", "comment-message",
        "epoch-comment-content"),
    ("itemprop", frozenset({"text", "commentText"})),
    cls("field--name-comment-body", "content"),
]
BLOCKS = frozenset({"p", "div", "blockquote", "ul", "ol", "pre", "table", "h3", "h4", "h5", "h6"})


def body_fields(scan: Scan, rules: list[Rule] = CONTENT_RULES,
                skip: Callable = is_meta) -> tuple[str, str]:
    """The body's text and sanitised HTML: its content element cleaned (``clean_body``), or, when it
    has none, its own markup minus the meta (``wrap``) without a leading date or name line."""
    content = _narrowest(scan, rules)
    if content is None:
        body = wrap(scan.parts, skip)
        _drop_leading_inline(body)
        return body_text(body)
    return clean_body(content, skip)


def clean_body(content, skip: Callable = is_meta) -> tuple[str, str]:
    """``body_text(clean_copy(content, skip))``, cheaper: read and written in one walk over the
    page's own elements (see ``_clean_walk``); the copy is made only for shapes that walk leaves."""
    found = _clean_walk(content, skip)
    return found if found is not None else body_text(clean_copy(content, skip))


# Of SAFE_TAGS, those libxml2's HTML serialiser writes without an end tag, and those it writes
# without one when they hold nothing.
VOID_TAGS = frozenset({"br", "img", "hr"})
UNCLOSED_WHEN_EMPTY = frozenset({"li"})


def _clean_walk(content, skip: Callable) -> tuple[str, str] | None:
    """The text ``element_text`` reads from ``clean_copy(content, skip)`` and the inner HTML
    ``body_text`` writes of it, without the copy: skipped subtrees are left out (their tails kept),
    tags outside SAFE_TAGS are written as their content only, attributes never (the copy keeps
    none but a safe ``href``). None for what it leaves to the copy: a kept link, a void element
    with content, a carriage return, a br or dropped tag as the body itself."""
    tag = content.tag
    if not isinstance(tag, str) or tag in DROP_TAGS or tag == "br":
        return None
    parts: list[str] = [_PARAGRAPH] if tag in BLOCK_TAGS else []
    html: list[str] = []
    text = content.text
    if text:
        parts.append(text)
        html.append(escape_text(text))
    # (element, its tag, iterator over its children, its text read?, where its content starts in
    # ``html`` or -1 when its tag is not written) for the open elements; each lxml property is read
    # once (every read builds a new string)
    stack = [(content, tag, iter(content), True, -1)]
    while stack:
        node, node_tag, children, reading, written_at = stack[-1]
        for child in children:
            child_tag = child.tag
            if not isinstance(child_tag, str) or skip(child):
                tail = child.tail
                if tail:
                    if reading:
                        parts.append(tail)
                    html.append(escape_text(tail))
                continue
            href = child.get("href")
            text = child.text
            if href and SAFE_LINK.match(href) or child_tag in VOID_TAGS and (text or len(child)):
                return None
            child_reading = reading and child_tag not in DROP_TAGS
            if child_reading:
                read_start(child_tag, text, parts)
            child_written_at = -1
            if child_tag in SAFE_TAGS:
                html.append(f"<{child_tag}>")
                child_written_at = len(html)
            if text:
                html.append(escape_text(text))
            stack.append((child, child_tag, iter(child), child_reading, child_written_at))
            break
        else:
            stack.pop()
            if node is content:
                continue
            tail = node.tail
            if reading:
                read_end(node_tag, tail, parts)
            elif stack[-1][3] and tail:
                parts.append(tail)  # a DROP_TAGS element in read text: its tail only
            if written_at >= 0 and node_tag not in VOID_TAGS and not (
                    written_at == len(html) and node_tag in UNCLOSED_WHEN_EMPTY):
                html.append(f"</{node_tag}>")
            if tail:
                html.append(escape_text(tail))
    if tag in BLOCK_TAGS:
        parts.append(_PARAGRAPH)
    written = "".join(html)
    if "\r" in written:
        return None  # written raw in an HTML document but as &#13; in an XML one: left to the copy
    return _finish(parts), written.strip()


def _narrowest(scan: Scan, rules: list[Rule]):
    """The first content element by rule order; inside it, a narrower one wins (a wrapper holding
    the author line and the text element)."""
    content = None
    matches = [scan.all(rule) for rule in rules]
    for found in matches:
        if found:
            content = found[0]
            break
    while content is not None:
        inner = next((e for found in matches for e in found if e is not content
                      and _inside(e, content)), None)
        if inner is None:
            return content
        content = inner
    return None


def _inside(element, container) -> bool:
    return any(ancestor is container for ancestor in element.iterancestors())


def _drop_leading_inline(body) -> None:
    """Loose text before the first paragraph (a bare date or name line) is not the comment."""
    blocks = [child for child in body.iter() if child is not body and child.tag in BLOCKS
              and child.tag != "div"]
    if not blocks or body.tag == "p":
        return
    first_block = blocks[0]
    lead = _text_before(body, first_block)
    if lead and len(lead) <= 80:
        _clear_before(body, first_block)


def _text_before(root, stop) -> str:
    pieces: list[str] = []
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if element is stop:
            break
        if event == "start":
            pieces.append(element.text or "")
        elif element is not root:
            pieces.append(element.tail or "")
    return normalize_space("".join(pieces))


def _clear_before(root, stop) -> None:
    node = stop
    while node is not root and node is not None:
        parent = node.getparent()
        for sibling in list(node.itersiblings(preceding=True)):
            parent.remove(sibling)
        parent.text = None
        node = parent


__all__ = ["AUTHOR_RULES", "CONTENT_RULES", "Rule", "Scan", "author_of", "body_fields", "body_text",
           "classes", "clean_body", "clean_copy", "clean_text", "cls", "first", "has_class", "is_meta",
           "name_text", "own_parts", "paths", "time_of", "wrap"]
