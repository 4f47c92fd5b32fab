"""A thread found by its structure when no family knows the markup: repeated blocks with a name or a time."""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from itertools import tee
from urllib.parse import urlsplit

from lxml import etree

from ..items import Comment
from ..parsing.dates import (DAY_MONTH_YEAR, ISO_LIKE, MONTH_DAY_YEAR, NUMERIC, date_text, parse_date,
                             time_element_moment)
from ..parsing.text import fold, normalize_space, text_of
from .base import ThreadContext, content_id
from .embedded import data_thread
from .fields import BY_LABEL, SAYS, TRAILING, body_text, is_meta, wrap
from .registry import FAMILIES

REPLY_WORDS = ("reply", "répondre", "repondre", "antworten", "antwort", "responder", "rispondi",
               "odpowiedz", "odpowiedź", "reageer", "antwoorden", "responder", "répondre à ce message")
DIGIT = re.compile(r"\d")
HEADINGS = ("h2", "h3", "h4", "h5")
PARAGRAPHS = frozenset({"p", "blockquote", "ul", "ol", "pre"})
TITLE_TAGS = frozenset({"h3", "h4", "h5", "h6"})
THREAD_MARK = "data-newsarchive-thread"  # set on the container of a thread found by structure
UNLINKED_TEXT = etree.XPath("descendant-or-self::text()[not(ancestor::a)]")
MAX_LEVELS = 10  # a signal counts for the repeated blocks this many levels above it at most
MAX_GROUPS = 6  # the largest candidate groups tried, in order
MIN_TEXT = 8
# Class tokens saying how deep or in which state a comment is: left out when comparing blocks.
STATE_TOKENS = frozenset({"reply", "replies", "child", "children", "nested", "sub", "odd", "even", "alt",
                          "first", "last", "parent", "indented", "indent", "response", "answer",
                          "highlighted", "featured", "byuser", "bypostauthor", "new", "unread",
                          "collapsed", "expanded", "toplevel", "top-level", "root", "active"})
STATE_PREFIXES = ("depth", "level", "thread-", "indent", "is-", "has-", "ml-", "pl-", "ms-", "comment-author-",
                  "comment-by-")
REFUSED_TAGS = frozenset({"nav", "header", "footer", "aside", "menu", "form", "head"})
REFUSED_WORDS = frozenset({"nav", "navbar", "navigation", "menu", "sidebar", "widget", "related", "footer",
                           "popular", "trending", "mostread", "most-read", "most-popular", "recommended",
                           "breadcrumb", "breadcrumbs", "recent-comments", "recentcomments", "teaser",
                           "teasers", "promo", "newsletter", "pagination", "tags", "share", "social",
                           "latest", "more-stories", "read-more", "outbrain", "taboola"})
REFUSED_PREFIXES = ("related", "sidebar", "widget", "most-", "popular", "trending", "recent", "nav-", "menu-")
BODY_MARKERS = frozenset({"entry-content", "article-body", "post-body", "story-body", "article-content",
                          "post-content", "articlebody", "article__body", "article-text", "story-content"})
COMMENT_CONTEXT = re.compile(
    r"comment|koment|komment|reacti|reacci|r[ée]action|discuss|diskuss|forum|repl(?:y|ies)|respons(?!iv)"
    r"|r[ée]ponse|reactie|commenti|comentari|opini|leserbrief|thoughts|\bavis\b|d[ée]bat", re.I)
AUTHOR_CLASS = re.compile(r"author|user|name|nick|pseudo|poster|commenter|who|byline|member|autor|auteur", re.I)
TEXT_CLASS = re.compile(r"text|body|content|message|msg|inhalt|texte|contenu|comment-?html", re.I)
NOT_TEXT_CLASS = re.compile(r"author|meta|date|time|header|footer|action|avatar|user|name", re.I)
LABEL = (r"submitted by|posted by|post[ée] par|soumis par|publi[ée] par|[ée]crit par|envoy[ée] par|par|by|von|geschrieben von"
         r"|escrito por|enviado por|publicado por|postado por|scritto da|inviato da|da|door|napisa[łl]a?|autor")
LABEL_NAME = re.compile(rf"^\s*(?:{LABEL})\s*:?\s+(.+)$", re.I)
LABEL_ONLY = re.compile(rf"^\s*(?:{LABEL})\s*:?\s*$", re.I)
NAME_VERB = re.compile(r"^(.{2,60}?)\s+(?:napisa[łl]a?|says|dit|a dit|a écrit|sagt|schreibt|wrote|writes"
                       r"|escribi[óo]|escreveu|scrive|ha scritto|schreef)\s*:?\s*$", re.I)
IN_REPLY = re.compile(r"^\s*(?:in reply to|replying to|reply to|en r[ée]ponse [àa]|r[ée]ponse [àa]|antwort auf"
                      r"|als antwort auf|en respuesta a|respondendo a|em resposta a|in risposta a"
                      r"|w odpowiedzi (?:na|do)|odpowied[źz] (?:na|do))\s*:?\s*@?([^:,;.!?]{1,48}?)\s*(?:$|[:,]\s*(.*))",
                      re.I | re.S)
DEPTH_CLASS = re.compile(r"(?:^|[-_ ])(?:depth|level|lvl|indent|nivel|niveau)[-_]?(\d+)", re.I)
INDENT_STYLE = re.compile(r"(?:margin|padding)-left\s*:\s*(\d+(?:\.\d+)?)", re.I)
USER_PATH = re.compile(r"/(?:users?|profiles?|members?|membres?|authors?|auteurs?|autor|people|u|utilisateurs?"
                       r"|benutzer|usuarios?|uzytkownik|profil)(?:/|$)", re.I)
RELATIVE_HINT = re.compile(r"\bago\b|il y a|\bvor\b|hace|\bh[áa]\b|\bfa\b|temu|yesterday|hier|gestern|ayer"
                           r"|ontem|ieri|wczoraj|today|heute|hoy|aujourd", re.I)
DIGITS = re.compile(r"\d+")
NAME_TAGS = frozenset({"a", "strong", "b", "cite", "span", "h3", "h4", "h5", "h6", "div", "p", "em"})
MAX_NAME = 48


def unmarked_thread(tree, ctx: ThreadContext, hits=None) -> list[Comment]:
    """The thread of a page no comment family recognises: the one it holds as data, else the one
    its repeated blocks show, unless a family's markup (in ``hits``) shows an empty thread; [] when
    it shows none."""
    found = data_thread(tree, ctx)
    if found or (hits is not None and _shown_empty(hits)):
        return found
    return structural_thread(tree, ctx)


def _shown_empty(hits) -> bool:
    return any(family.shows_no_thread(hits) for family in FAMILIES)


def structural_thread(tree, ctx: ThreadContext) -> list[Comment]:
    """The comments of the best group of repeated blocks that reads as a thread, page order."""
    for (parent, signature), tools in _candidate_groups(tree)[:MAX_GROUPS]:
        found = _read_group(parent, signature, tools, ctx)
        if found:
            return found
    return []


# -- candidate groups ------------------------------------------------------------------------------
def _candidate_groups(tree) -> list:
    """((container, signature), blocks with a reply link or an avatar) for every signature repeated
    among a container's children with a signal inside, most signalled blocks first."""
    children: dict = {}
    signatures: dict = {}
    groups: dict = {}
    tools: dict = {}
    climbed: set = set()
    for signal, kind in _signals(tree):
        node = signal
        for _ in range(MAX_LEVELS):
            parent = node.getparent()
            if parent is None or parent.tag in ("body", "html"):
                break
            if node in climbed and kind != "tool":
                break  # the levels above were counted from an earlier signal
            climbed.add(node)
            signature = signatures.get(node)
            if signature is None:
                signature = signatures[node] = _signature(node)
            counts = children.get(parent)
            if counts is None:
                counts = children[parent] = Counter(_signature(c) for c in parent.iterchildren(etree.Element))
            if counts[signature] >= 2:
                key = (parent, signature)
                groups.setdefault(key, set()).add(node)
                if kind == "tool":
                    tools.setdefault(key, set()).add(node)
            node = parent
    ranked = [(key, len(tools.get(key, ()))) for key in groups]
    ranked.sort(key=lambda pair: (-pair[1], -len(groups[pair[0]])))
    return ranked


def _signals(tree):
    """(element, kind) for what says "a comment is here": reply links and avatars ("tool"), times,
    permalinks and what follows a heading naming comments ("mark"); tags are filtered in C."""
    for element in tree.iter("time", "img", "a", "button", *HEADINGS):
        tag = element.tag
        if tag == "time":
            yield element, "mark"
        elif tag == "img":
            if _is_avatar(element):
                yield element, "tool"
        elif tag in HEADINGS:
            yield from _after_heading(element)
        elif _is_reply(element):
            yield element, "tool"
        elif tag == "a" and len(element.get("href") or "") > 2 and element.get("href").startswith("#"):
            yield element, "mark"


def _after_heading(heading):
    """The element after a heading such as "12 commentaires" and its first child: where a thread
    without times, avatars or links starts."""
    if not _names_comments(heading):
        return
    following = heading.getnext()
    while following is not None and not isinstance(following.tag, str):
        following = following.getnext()
    if following is not None:
        yield following, "mark"
        for child in list(following.iterchildren(etree.Element))[:3]:  # past an anchor or two
            yield child, "mark"


def _date_like(text: str) -> bool:
    folded = fold(text)
    return bool(ISO_LIKE.match(folded) or DAY_MONTH_YEAR.search(folded) or MONTH_DAY_YEAR.search(folded)
                or NUMERIC.search(folded) or RELATIVE_HINT.search(folded))


def _signature(element) -> tuple:
    """The tag and the class tokens that say what a block is (not how deep or in which state)."""
    names = element.get("class")
    if not names:
        return (element.tag,)
    return _class_signature(element.tag, names)


@lru_cache(maxsize=4096)
def _class_signature(tag: str, names: str) -> tuple:
    return (tag, *sorted(t for t in names.lower().split() if not _state_token(t)))


@lru_cache(maxsize=4096)
def _state_token(token: str) -> bool:
    return (token in STATE_TOKENS or "--" in token or DIGIT.search(token) is not None
            or token.startswith(STATE_PREFIXES))


# -- one group -------------------------------------------------------------------------------------
def _read_group(parent, signature: tuple, tools: int, ctx: ThreadContext) -> list[Comment]:
    """The group's comments when it reads as a thread: checked on its top-level blocks with cheap
    readings first, then read whole."""
    if _refused_region(parent) or not (tools >= 2 or _in_comment_context(parent)):
        return []
    blocks = [e for e in parent.iter(etree.Element) if e is not parent and _signature(e) == signature]
    blocks = _numbered_members(blocks)
    group = _Group(blocks)
    top = [_Reading(block, group, ctx, quick=True) for block in blocks if block.getparent() is parent]
    if not _reads_as_thread(top, ctx):
        return []
    kept = [r for r in (_Reading(block, group, ctx) for block in blocks) if r.is_comment()]
    if len(kept) < 2:
        return []
    parent.set(THREAD_MARK, "")  # the page's body reader leaves the thread out
    return _thread(kept, parent)


def _numbered_members(blocks: list) -> list:
    """The blocks, less those without the numbered id most of them share ("r_123"): a header cell
    beside a thread's cells is not one of its comments."""
    shapes = Counter(_id_shape(block) for block in blocks)
    shapes.pop(None, None)
    if not shapes:
        return blocks
    shape, count = shapes.most_common(1)[0]
    if count < 2 or count * 2 <= len(blocks):
        return blocks
    return [block for block in blocks if _id_shape(block) == shape]


def _id_shape(block) -> str | None:
    """The block's id with its numbers blanked ("r_8855735" -> "r_#"); None without a numbered id."""
    ident = block.get("id")
    return DIGITS.sub("#", ident) if ident and DIGIT.search(ident) else None


def _refused_region(parent) -> bool:
    """True inside navigation, sidebars, related or most-read lists, and inside the article's body
    (unless a container named for comments comes first: some themes put the thread in the body's
    element)."""
    named = False
    for node in (parent, *parent.iterancestors()):
        if node.tag in ("body", "html"):
            break  # page-wide flags ("right-sidebar", "widget_title_layout1") say nothing of one list
        if _comment_named(node):
            named = True
            continue
        if node.tag in REFUSED_TAGS and not named:
            return True
        tokens = f"{node.get('class') or ''} {node.get('id') or ''}".lower().split()
        if any(t in REFUSED_WORDS or t.startswith(REFUSED_PREFIXES) for t in tokens):
            return True
        if not named and (node.get("itemprop") == "articleBody" or not BODY_MARKERS.isdisjoint(tokens)):
            return True
    return False


def _comment_named(node) -> bool:
    return bool(COMMENT_CONTEXT.search(f"{node.get('class') or ''} {node.get('id') or ''}"))


def _reads_as_thread(top: list, ctx: ThreadContext) -> bool:
    """Most top-level blocks carry a text of their own and a name or a time, and few link to other
    articles."""
    if len(top) < 2:
        return False
    good = [r for r in top if r.is_comment()]
    if len(good) < max(2, 0.6 * len(top)):
        return False
    return sum(r.points_elsewhere(ctx) for r in top) * 2 < len(top)


def _in_comment_context(parent) -> bool:
    """True when the group or a container above it is named for comments, or a heading just before
    it says so ("12 commentaires", "Réactions", "Kommentare")."""
    if any(_names_comments(child) for child in list(parent)[:3]):
        return True
    node = parent
    for _ in range(4):
        if node is None:
            return False
        if _comment_named(node):
            return True
        if any(_names_comments(sibling) for sibling in list(node.itersiblings(preceding=True))[:3]):
            return True
        node = node.getparent()
    return False


def _names_comments(element) -> bool:
    """A short line such as a heading saying comments follow."""
    if not isinstance(element.tag, str) or len(element) > 3:
        return False
    text = normalize_space(element.text_content())
    return bool(text) and len(text) <= 60 and bool(COMMENT_CONTEXT.search(text))


# -- one block -------------------------------------------------------------------------------------
class _Group:
    """A group's blocks and the elements that hold one of them: each block's own markup is then
    found without walking its replies' subtrees again."""

    def __init__(self, blocks: list):
        self.blocks = set(blocks)
        self.holders: set = set()
        for block in blocks:
            for ancestor in block.iterancestors():
                if ancestor in self.holders:
                    break  # the levels above were added from an earlier block
                self.holders.add(ancestor)
        self._dates: dict = {}

    def parse_date(self, text: str | None, ctx: ThreadContext) -> str | None:
        """``parse_date`` of a written date, read once per group ("2 hours ago" repeats down a
        thread); a date relative to now (no capture time) is read each time."""
        if ctx.fetched_at is None:
            return parse_date(text, ctx.tz, ctx.languages, ctx.fetched_at)
        if text not in self._dates:
            self._dates[text] = parse_date(text, ctx.tz, ctx.languages, ctx.fetched_at)
        return self._dates[text]


class _Reading:
    """What one block shows: its own markup (replies left out), name, time, text, id and depth."""

    def __init__(self, block, group: _Group, ctx: ThreadContext, quick: bool = False):
        self.block = block
        self.group = group
        self.quick = quick  # a time is recognised, not parsed
        self.parts = _own_parts(block, group)
        self.meta: set = set()
        self.reply_link = self.avatar = False
        self.reply_to: str | None = None
        self.title: str | None = None
        self._scan(ctx)
        self.author, self.author_url = self._author(ctx)
        self.date, self.date_raw = self._date(ctx)
        self.text = self._text()

    def is_comment(self) -> bool:
        if len(self.text) < MIN_TEXT or not (self.author or self.date_raw) or self._is_prompt():
            return False
        unlinked = sum(len(t.strip()) for p in self.parts for t in UNLINKED_TEXT(p))
        # a text of its own, not a list of links
        return unlinked >= MIN_TEXT and (unlinked * 2 >= len(self.text) or unlinked >= 80)

    def _is_prompt(self) -> bool:
        return any(next(p.iter("textarea", "input", "form"), None) is not None for p in self.parts)

    def _scan(self, ctx: ThreadContext) -> None:
        for part in self.parts:
            for element in part.iter(etree.Element):
                tag = element.tag
                if tag == "img" and _is_avatar(element):
                    self.avatar = True
                    self.meta.add(element)
                elif tag in TITLE_TAGS and self.title is None and len(text_of(element)) <= 120:
                    self.title = normalize_space(text_of(element)) or None  # a comment's subject line
                    self.meta.add(element)
                elif tag in ("a", "button") and _is_reply(element):
                    self.reply_link = True
                    self.meta.add(element)
                elif tag in ("p", "div", "span", "small", "em") and self.reply_to is None:
                    match = IN_REPLY.match(normalize_space(text_of(element))[:200])
                    if match:
                        self.reply_to = _reply_target(element, match.group(1))
                        if not match.group(2):  # a line of its own, not the start of the text
                            self.meta.add(element)

    def _author(self, ctx: ThreadContext) -> tuple[str | None, str | None]:
        finders = (_labelled_name, _classed_name, _verb_name, _first_name)
        # one walk of the short texts serves every finder (they add nothing to meta while looking)
        for finder, short_texts in zip(finders, tee(_short_texts(self.parts, self.meta), len(finders))):
            found = finder(short_texts, self.meta)
            if found is not None:
                node, name = found
                self.meta.add(node)
                link = node if node.tag == "a" else next(node.iter("a"), None)
                href = link.get("href") if link is not None else None
                url = ctx.absolute(href) if href and not href.startswith("#") else None
                return _clean_name(name) or None, url
        return None, None

    def _date(self, ctx: ThreadContext) -> tuple[str | None, str | None]:
        for part in self.parts:
            for element in part.iter("time"):
                self.meta.add(element)
                raw = normalize_space(text_of(element)) or None
                if self.quick:
                    return None, raw or element.get("datetime")
                return time_element_moment(element, ctx.tz) or self.group.parse_date(raw, ctx), raw
        for most_children in (0, 2):  # the narrowest element first: a leaf, then a short line
            for element in (e for p in self.parts for e in p.iter(etree.Element)):
                if element in self.meta or len(element) > most_children or element.tag in ("script", "style"):
                    continue
                raw = normalize_space(text_of(element))
                if not raw or len(raw) > 90 or not _date_like(raw):
                    continue
                if self.quick:
                    self.meta.add(element)
                    return None, date_text(raw)
                found = self.group.parse_date(element.get("title"), ctx) or self.group.parse_date(raw, ctx)
                if found:
                    self.meta.add(element)
                    return found, date_text(raw)
        return None, None

    def _text(self) -> str:
        meta = self.meta
        chosen = [e for p in self.parts for e in p.iter(etree.Element) if _text_classed(e) and e not in meta]
        if chosen:
            chosen_set = set(chosen)
            outermost = [e for e in chosen if not any(a in chosen_set for a in e.iterancestors())]
            parts = outermost
        elif self.parts == [c for c in self.block if isinstance(c.tag, str)]:
            parts = [self.block]  # no reply inside: the block whole, its own text and tails kept
        else:
            parts = self.parts
        marked = [e for e in meta if e.get(META_MARK) is None]
        marked += [e for p in parts for e in p.iter(etree.Element)
                   if e not in meta and e.get(META_MARK) is None and _holds_only_meta(e, meta)]
        for element in marked:  # a mark, not identity: wrap() tests the copies it makes
            element.set(META_MARK, "")
        try:
            return body_text(wrap(parts, _skipped))[0].strip()
        finally:
            for element in marked:
                del element.attrib[META_MARK]

    def points_elsewhere(self, ctx: ThreadContext) -> bool:
        """True when the block links to another article of the site by its title (related lists,
        most-read lists, recent comments on other posts)."""
        page = urlsplit(ctx.article_url or ctx.page_url)
        own_id = self.comment_id()
        for part in self.parts:
            for link in part.iter("a"):
                href = ctx.absolute(link.get("href"))
                if href is None or link.get("href", "").startswith("#"):
                    continue
                target = urlsplit(href)
                if target.netloc == page.netloc and target.path.rstrip("/") == page.path.rstrip("/"):
                    continue
                if _own_page(target, page, own_id):
                    return True  # a feed's item linking to its own article, not a comment's permalink
                if USER_PATH.search(target.path) or target.fragment or "replyto" in target.query \
                        or self._meta_link(link):
                    continue  # an author's page, a permalink, a reply link, the name or the time
                label = normalize_space(text_of(link))
                if len(label.split()) >= 4 and not _date_like(label) or label == self.text:
                    return True
        return False

    def _meta_link(self, link) -> bool:
        meta = self.meta
        return any(node in meta for node in link.iter()) or any(node in meta for node in link.iterancestors())

    def comment_id(self) -> str | None:
        block = self.block
        for name in ("data-comment-id", "data-commentid", "data-id", "data-cid", "id"):
            value = block.get(name)
            if value:
                return value
        previous = block.getprevious()
        if previous is not None and previous.tag == "a" and (previous.get("name") or previous.get("id")):
            return previous.get("name") or previous.get("id")
        for part in self.parts:
            for link in part.iter("a"):
                href = link.get("href") or ""
                if href.startswith("#") and DIGITS.search(href):
                    return href[1:]
                if (link.get("name") or "") and DIGITS.search(link.get("name")):
                    return link.get("name")
        return None

    def depth_marker(self) -> float | None:
        block = self.block
        value = block.get("data-depth") or block.get("data-level")
        if value and value.isdigit():
            return float(value)
        match = DEPTH_CLASS.search(block.get("class") or "")
        if match:
            return float(match.group(1))
        match = INDENT_STYLE.search(block.get("style") or "")
        return float(match.group(1)) if match else None


META_MARK = "data-newsarchive-meta"


def _own_page(target, page, own_id: str | None) -> bool:
    """True when ``target`` is another page of the site named by the block's own number (``/post/123``
    for block ``post123``): the block is an entry of a listing (a comment's permalink says "comment" or
    points into the page)."""
    if not own_id or target.fragment or (target.netloc and target.netloc != page.netloc):
        return False
    segments = target.path.lower().split("/")
    numbers = re.findall(r"\d{3,}", own_id)
    return bool(numbers) and numbers[-1] in segments and not any("comment" in segment for segment in segments)


def _skipped(element) -> bool:
    return element.get(META_MARK) is not None or is_meta(element)


_REPLY_FOLDED = frozenset(fold(word).lower() for word in REPLY_WORDS)
_REPLY_LOWER = frozenset(word.lower() for word in REPLY_WORDS) | _REPLY_FOLDED


def _is_reply(element) -> bool:
    text = element.text if not len(element) else text_of(element)
    return bool(text) and len(text) < 40 and text.strip().lower() in _REPLY_LOWER


def _own_parts(block, group: _Group) -> list:
    """The block's children that hold no other block (its replies are not its own markup)."""
    parts = []
    for child in block:
        if not isinstance(child.tag, str) or child in group.blocks:
            continue
        if child in group.holders:
            parts.extend(_own_parts(child, group))
        else:
            parts.append(child)
    return parts


def _is_avatar(image) -> bool:
    marks = f"{image.get('class') or ''} {image.get('src') or ''} {image.get('alt') or ''}".lower()
    return "avatar" in marks or "gravatar" in marks or "user" in marks or "profile" in marks


def _reply_target(element, name: str) -> str:
    link = next(element.iter("a"), None)
    href = link.get("href") if link is not None else None
    if href and href.startswith("#"):
        return "#" + href[1:]
    return normalize_space(name).strip(" :,.")


def _text_classed(element) -> bool:
    names = (element.get("class") or "") + " " + (element.get("itemprop") or "")
    return bool(names.strip()) and bool(TEXT_CLASS.search(names)) and not NOT_TEXT_CLASS.search(names)


def _holds_only_meta(element, meta: set) -> bool:
    """An element whose visible text is the name, the time or the tools, give or take a separator
    (a header line)."""
    if element.tag not in ("div", "span", "p", "small", "header", "footer") or not len(element):
        return False
    if any(d.tag in PARAGRAPHS and d not in meta for d in element.iterdescendants()):
        return False  # the comment's own paragraphs are inside
    inside = [d for d in element.iterdescendants() if d in meta]
    if not inside:
        return False
    chosen = set(inside)
    outermost = [d for d in inside if not any(a in chosen for a in d.iterancestors() if a is not element)]
    covered = sum(len(normalize_space(text_of(d))) for d in outermost)
    return len(normalize_space(text_of(element))) - covered <= 24


# -- names -----------------------------------------------------------------------------------------
def _short_texts(parts: list, meta: set):
    """Short texts of the block's own markup, quotes of other comments left out (their "X wrote:"
    names the author replied to)."""
    for part in parts:
        quoted: set = set()  # quotes and what they hold, known before their descendants (document order)
        for element in part.iter(etree.Element):
            if _is_quote(element) or (element is not part and element.getparent() in quoted):
                quoted.add(element)
                continue
            if element in meta or element.tag in ("script", "style", "img", "time"):
                continue
            text = normalize_space(text_of(element))
            if text and len(text) <= 80:
                yield element, text


def _is_quote(element) -> bool:
    return element.tag in ("blockquote", "q") or "quote" in (element.get("class") or "")


def _labelled_name(short_texts, meta: set):
    """"Posted by X", "Soumis par X", "Escrito por X", "von X": the name after the label."""
    for element, text in short_texts:
        if LABEL_ONLY.match(normalize_space(element.text or "")) and len(element):
            named = next((c for c in element if c not in meta and _plausible_name(text_of(c))), None)
            if named is not None:
                return named, normalize_space(text_of(named))
        match = LABEL_NAME.match(text.lstrip(TRAILING))
        if match and (not len(element) or all(len(text_of(c).strip()) <= 3 for c in element)):
            name = re.split(r"\s+(?:le|am|on|el|il|em|w|op|,|\||-|–|—|·|•)\s+|\s*[,|•·–—]\s*", match.group(1))[0]
            if _plausible_name(name):
                return element, name
    return None


def _classed_name(short_texts, meta: set):
    for element, text in short_texts:
        names = (element.get("class") or "") + " " + (element.get("itemprop") or "")
        if AUTHOR_CLASS.search(names) and _plausible_name(text):
            inner = next((a for a in element.iter("a", "strong", "b", "cite") if _plausible_name(text_of(a))),
                         None)
            node = inner if inner is not None else element
            return node, normalize_space(LABEL_NAME.sub(r"\1", normalize_space(text_of(node))))
    return None


def _verb_name(short_texts, meta: set):
    for element, text in short_texts:
        match = NAME_VERB.match(text)
        if match and _plausible_name(match.group(1)):
            return element, match.group(1)
    return None


def _first_name(short_texts, meta: set):
    """The first short link, bold or heading before the text, or an ``@handle`` line."""
    for element, text in short_texts:
        if element.tag not in NAME_TAGS or len(element) > 1:
            continue
        if element.tag in ("div", "p", "span") and not text.startswith("@"):
            if element.tag != "span" or len(text.split()) > 3:
                continue
        if _plausible_name(text) and (element.tag != "span" or element.getparent().tag not in ("p",)):
            return element, text
    return None


def _clean_name(text: str) -> str:
    """The name without "by", "says:", an ``@`` or trailing punctuation."""
    text = normalize_space(text).strip(TRAILING)
    return BY_LABEL.sub("", SAYS.sub("", text).strip(TRAILING)).strip().lstrip("@").strip()


def _plausible_name(text: str) -> bool:
    text = normalize_space(text)
    if not text or len(text) > MAX_NAME or len(text.split()) > 5 or not any(c.isalpha() for c in text):
        return False
    if fold(text).lower() in _REPLY_FOLDED or _date_like(text) or text.isdigit():
        return False
    last = text.split()[-1]
    return not text.endswith((".", "?", "!")) or len(last) <= 3 and text.endswith(".")


# -- the thread ------------------------------------------------------------------------------------
def _thread(readings: list, root) -> list[Comment]:
    """Comments with ids and parents: containment, reply containers after a block, depth markers,
    then "in reply to" lines."""
    ids = _ids(readings)
    by_block = {r.block: ids[i] for i, r in enumerate(readings)}
    comments = []
    depth_stack: list = []
    for index, reading in enumerate(readings):
        parent = _enclosing(reading.block, by_block, root)
        depth = reading.depth_marker()
        if parent is None and depth is not None:
            while depth_stack and depth_stack[-1][0] >= depth:
                depth_stack.pop()
            parent = depth_stack[-1][1] if depth_stack else None
        if depth is not None:
            depth_stack.append((depth, ids[index]))
        if parent is None and reading.reply_to:
            parent = _replied(reading.reply_to, readings[:index], ids)
        comments.append(Comment(
            comment_id=ids[index], parent_comment_id=parent, author_name=reading.author,
            author_url=reading.author_url, date_published=reading.date,
            date_published_raw=reading.date_raw, text=reading.text, title=reading.title))
    return comments


def _ids(readings: list) -> list[str]:
    """The page's ids (their digits when those alone are unique), else hashes of the content."""
    found = [r.comment_id() for r in readings]
    if any(f is None for f in found) or len(set(found)) < len(found):
        return [content_id(r.author, r.date or r.date_raw, r.text) for r in readings]
    digits = [DIGITS.findall(f) for f in found]
    short = [d[-1] if d else f for d, f in zip(digits, found)]
    return short if len(set(short)) == len(short) else found


def _enclosing(block, by_block: dict, root):
    """The id of the block that holds ``block``, or of the block just before the reply container
    holding it."""
    node = block.getparent()
    while node is not None and node is not root:
        if node in by_block:
            return by_block[node]
        previous = node.getprevious()
        while previous is not None and not isinstance(previous.tag, str):
            previous = previous.getprevious()
        if previous is not None and previous in by_block:
            return by_block[previous]
        node = node.getparent()
    return None


def _replied(target: str, earlier: list, ids: list) -> str | None:
    if target.startswith("#"):
        wanted = target[1:]
        for index, reading in enumerate(earlier):
            if reading.comment_id() == wanted or ids[index] == wanted:
                return ids[index]
        return None
    for index in range(len(earlier) - 1, -1, -1):
        if earlier[index].author and earlier[index].author.casefold() == target.casefold():
            return ids[index]
    return None


__all__ = ["THREAD_MARK", "structural_thread", "unmarked_thread"]
