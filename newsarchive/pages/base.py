"""The page object base: a parsed page, its JSON-LD and meta tags, and the thread over all comment pages."""
from __future__ import annotations

import codecs
import json
import re
from datetime import datetime
from functools import cached_property
from urllib.parse import urljoin

from lxml import etree, html as lxml_html

from ..items import Article, Comment, FetchedPage
from ..parsing.decode import declares_utf8, decode_html
from ..parsing.sections import comment_section_start
from ..threads import ThreadContext, assign_positions, parse_thread, resolve_thread
from ..threads.base import strip_fragment
from ..threads.prescan import Hits, attribute_hits
from ..threads.structural import unmarked_thread
from ..widgets import adapter_of, html_thread_pages, widget_comments
from ..threads.registry import FAMILIES, family_named
from .widgets import TAG_NAMES as WIDGET_TAGS, detect_widget

ARTICLE_TYPES = {"NewsArticle", "Article", "BlogPosting", "ReportageNewsArticle", "AnalysisNewsArticle",
                 "OpinionNewsArticle", "LiveBlogPosting", "Report", "ScholarlyArticle", "TechArticle",
                 "SocialMediaPosting", "BackgroundNewsArticle", "ReviewNewsArticle", "WebPage"}
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
XML_DECLARATION_BYTES = re.compile(rb"^\s*<\?xml[^>]*\?>", re.I)
# The body's first character past ASCII spaces is "<": no BOM, nothing the str patterns read as
# space but the bytes ones do not (\x1c-\x1f, NBSP…), and not an empty page.
STARTS_WITH_MARKUP = re.compile(rb"[ \t\n\r\f\v]*<")
SHORTLINK_POST_ID = re.compile(r"[?&]p=(\d+)|/node/(\d+)/?$")  # WordPress's ?p=N, Drupal's /node/N
POSTID_CLASS = re.compile(r"\bpostid-(\d+)\b")  # WordPress's body class
# huge_tree lifts libxml2's nesting limit from 256 to 2048 levels: beyond 256 it silently drops
# the rest of the page (a few hundred unclosed <div>s, a deep reply chain). collect_ids=False:
# libxml2 would hash every id attribute for XPath's id(), which nothing here uses (a sixth of the
# parse); look ids up as ``//*[@id=…]``.
HTML_PARSER = lxml_html.HTMLParser(huge_tree=True, collect_ids=False)
# The same parser for bodies that are UTF-8 bytes: libxml2 reads them as they are, where a str is
# handed over as UTF-16 or UCS-4 for it to convert first (a fifth of the parse).
UTF8_PARSER = lxml_html.HTMLParser(huge_tree=True, encoding="utf-8", collect_ids=False)
# Every element is a plain HtmlElement, looked up in C: lxml.html's default lookup runs Python code
# for each element proxy (to give forms and inputs their own classes), on every element.
for _parser in (HTML_PARSER, UTF8_PARSER):
    _parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
        element=lxml_html.HtmlElement, comment=lxml_html.HtmlComment,
        pi=lxml_html.HtmlProcessingInstruction, entity=lxml_html.HtmlEntity))
_XPATHS: dict[str, etree.XPath] = {}
TAGGED = ("meta", *WIDGET_TAGS)  # WIDGET_TAGS has "script"

THREAD_NOT_EXTRACTED = "comments not extracted"  # the start of the warning for a thread seen, not read
MARKUP_NOT_RECOGNISED = f"{THREAD_NOT_EXTRACTED}: comment markup not recognised"


class ExtractionError(Exception):
    """A page that cannot be extracted at all (not HTML, empty…); the message says why."""


def parse_html(page: FetchedPage) -> tuple[etree._Element, list[str]]:
    """The lxml tree of a fetched page and any decoding warnings."""
    tree = _clean_utf8_tree(page)
    if tree is not None:
        return tree, []
    text, encoding, warnings = decode_html(page.body, page.header("Content-Type"))
    utf8 = is_utf8_of(page.body, text, encoding)
    declaration = XML_DECLARATION.match(text)
    if declaration:
        text = text[declaration.end():]
    if not text or text.isspace():
        raise ExtractionError("empty response body")
    source, parser = text, HTML_PARSER
    if utf8:  # the same document, parsed faster
        skipped = len(declaration.group(0).encode()) if declaration else 0
        source, parser = page.body[skipped:], UTF8_PARSER
    try:
        tree = lxml_html.document_fromstring(source, parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise ExtractionError(f"unparseable HTML: {error}") from error
    if _too_deep(parser):
        warnings = [*warnings, "tags nested deeper than 2048 levels: the rest of the page was not parsed"]
    return tree, warnings


def _clean_utf8_tree(page: FetchedPage):
    """The tree of a body declared UTF-8 (or undeclared) that libxml2 parsed straight from its bytes
    without reporting any error; None otherwise (then ``parse_html`` decodes it first).
    libxml2 checks every byte of its input as UTF-8 and reports a bad one (ERR_INVALID_ENCODING),
    but stops reporting after 100 errors or a fatal one: a report-free parse proves the bytes valid,
    and skips decoding a copy of the page in Python (a twentieth of the extraction)."""
    body = page.body
    if not STARTS_WITH_MARKUP.match(body) or not declares_utf8(body, page.header("Content-Type")):
        return None
    declaration = XML_DECLARATION_BYTES.match(body)
    return _error_free_tree(body[declaration.end():] if declaration else body)


def _too_deep(parser) -> bool:
    """True when the last parse stopped at libxml2's nesting limit."""
    return any("Excessive depth" in entry.message for entry in parser.error_log)


def _error_free_tree(source: bytes):
    """The tree libxml2 parses from UTF-8 ``source`` without reporting anything, else None."""
    tree = _utf8_tree(source)
    return tree if tree is not None and not UTF8_PARSER.error_log else None


def _utf8_tree(source: bytes):
    """The tree of UTF-8 ``source`` (UTF8_PARSER's error log then tells what libxml2 reported),
    or None when libxml2 cannot make one."""
    try:
        return lxml_html.document_fromstring(source, parser=UTF8_PARSER)
    except (etree.ParserError, ValueError):
        return None


def comment_section_tree(page: FetchedPage):
    """The tree of a comment page's comment section alone (``parsing.sections``), for a page whose
    bytes are the UTF-8 it declares (or undeclared): the article, menus and sidebar above the
    section are most of the page, and an extra comment page needs none of them. None when the
    page must be parsed whole."""
    body = page.body
    if not STARTS_WITH_MARKUP.match(body) or not declares_utf8(body, page.header("Content-Type")):
        return None
    start = comment_section_start(body)
    if start is None:
        return None
    try:
        body.decode("utf-8")  # checked whole, as a whole read checks it (the section's stray end tags
    except UnicodeDecodeError:  # are errors, so libxml2's silence cannot vouch for its bytes)
        return None
    tree = _utf8_tree(body[start:])
    return None if tree is None or _too_deep(UTF8_PARSER) else tree


def is_utf8_of(body: bytes, text: str, encoding: str) -> bool:
    """True when ``decode_html`` read ``text`` as ``body``'s strict UTF-8 (pure ASCII included): no
    byte order mark, nothing replaced."""
    if body.startswith(codecs.BOM_UTF8):
        return False
    return encoding == "utf-8" or (text.isascii() and len(text) == len(body))


def fetched_datetime(page: FetchedPage) -> datetime | None:
    """When the page was fetched, as an aware datetime (the base for relative dates)."""
    try:
        return datetime.fromisoformat(page.fetched_at.replace("Z", "+00:00"))
    except ValueError:
        return None


class Page:
    """An article page (plus its extra comment pages) and the fields read from it."""

    site_timezone = "UTC"
    languages: tuple[str, ...] = ()
    comment_family: str | None = None
    """The comment family the site's pages use (a registered name): a page where that family's
    markup shows an empty thread has no comments, and no other family is tried on it."""

    def __init__(self, url: str, pages: list[FetchedPage], site: str = ""):
        self.url = url
        self.site = site
        self.pages = pages
        self.tree, self.warnings = parse_html(pages[0])

    # -- helpers ----------------------------------------------------------------------------
    def xpath(self, path: str, node=None) -> list:
        """Results of ``path`` on the page (or on ``node``); each expression is compiled once."""
        compiled = _XPATHS.get(path)
        if compiled is None:
            compiled = _XPATHS[path] = etree.XPath(path)
        return compiled(self.tree if node is None else node)

    def first_text(self, *paths: str) -> str | None:
        """The whitespace-normalised text of the first non-empty match among ``paths``."""
        for path in paths:
            for found in self.xpath(path):
                value = found if isinstance(found, str) else found.text_content()
                value = " ".join(value.split())
                if value:
                    return value
        return None

    def meta(self, *names: str) -> str | None:
        """The content of the first ``meta`` whose property or name is one of ``names``."""
        for name in names:
            value = self.meta_tags.get(name)
            if value:
                return value
        return None

    def declared_post_id(self) -> str | None:
        """The site's own id of the post, as WordPress and Drupal declare it: the shortlink
        (``?p=N``, ``/node/N``), else WordPress's ``postid-N`` body class; None when undeclared."""
        shortlink = SHORTLINK_POST_ID.search(self.first_text("/html/head/link[@rel='shortlink']/@href") or "")
        if shortlink:
            return shortlink.group(1) or shortlink.group(2)
        body_class = POSTID_CLASS.search(self.first_text("/html/body/@class") or "")
        return body_class.group(1) if body_class else None

    @cached_property
    def meta_tags(self) -> dict[str, str]:
        """Each meta property/name and the first non-empty content given for it (one pass)."""
        found: dict[str, str] = {}
        for element in self.tagged["meta"]:
            content = element.get("content")
            content = " ".join(content.split()) if content else None
            if content:
                for key in (element.get("property"), element.get("name")):
                    if key is not None and key not in found:
                        found[key] = content
        return found

    def absolute(self, href: str | None) -> str | None:
        """``href`` resolved against the page URL."""
        return urljoin(self.url, href.strip()) if href and href.strip() else None

    @cached_property
    def json_ld(self) -> list[dict]:
        """Every JSON-LD node of the page, ``@graph`` members flattened."""
        nodes: list[dict] = []
        for script in self.tagged["script"]:
            if script.get("type") != "application/ld+json":
                continue
            try:
                data = json.loads(script.text or "", strict=False)
            except ValueError:
                continue
            _flatten(data, nodes)
        return nodes

    @cached_property
    def ld_article(self) -> dict:
        """The JSON-LD node describing the article, or {}."""
        for node in self.json_ld:
            types = node.get("@type")
            types = set(types) if isinstance(types, list) else {types}
            if types & (ARTICLE_TYPES - {"WebPage"}):
                return node
        return {}

    @cached_property
    def fetched_at(self) -> datetime | None:
        return fetched_datetime(self.pages[0])

    # -- the thread over every comment page ----------------------------------------------------
    def thread_context(self, page: FetchedPage) -> ThreadContext:
        return ThreadContext(page_url=page.url, article_url=self.url, tz=self.site_timezone,
                             languages=self.languages, fetched_at=fetched_datetime(page),
                             warnings=self.warnings)

    @cached_property
    def tagged(self) -> dict[str, list]:
        """The page's ``meta``, ``script`` and widget-tag elements by tag, page order: one walk for
        the meta tags, JSON-LD and the widget detection."""
        found: dict[str, list] = {tag: [] for tag in TAGGED}
        for element in self.tree.iter(*TAGGED):
            found.setdefault(element.tag, []).append(element)
        return found

    def widget(self) -> str | None:
        """The JS-only comment widget the page embeds, if any (``widgets.detect_widget``)."""
        tagged = self.tagged
        return detect_widget(self.tree, self.hits, [e for tag in WIDGET_TAGS for e in tagged[tag]])

    @cached_property
    def hits(self) -> Hits:
        """The main page's attribute scans, shared by the thread, the widget detection and fields."""
        return attribute_hits(self.tree)

    def page_comments(self, tree, page: FetchedPage) -> list[Comment]:
        """One comment page's comments; site pages may override to use another parser."""
        hits = self.hits if tree is self.tree else attribute_hits(tree)
        ctx = self.thread_context(page)
        if self.comment_family and family_named(self.comment_family).shows_no_thread(hits):
            return []
        return parse_thread(tree, ctx, hits) or unmarked_thread(tree, ctx, hits)  # no family: data or structure

    def comments(self) -> list[Comment]:
        """The whole thread: every comment page merged in page order, ids deduplicated; a widget's
        thread when the capture holds its data pages (``newsarchive.widgets``): the widget is then
        the thread, and whatever comment markup the HTML also has is not merged in; unless the
        data pages answer the site's own markup (wpDiscuz's load-more), which extends the page's."""
        widget_pages = self.widget_pages
        fragments = html_thread_pages(widget_pages, self.warnings) if widget_pages else []
        if fragments is None:
            return widget_comments(widget_pages, self.warnings)
        merged: list[Comment] = []
        for page in self._pages_in_thread_order(fragments):
            found = (self.page_comments(self.tree, page) if page is self.pages[0]
                     else self._extra_page_comments(page))
            # widget markup comes whole out of its JSON answer: no page end to have been cut off
            merged.extend(_not_yet_in(found, merged) if any(page is f for f in fragments)
                          else drop_cut_comment(found, page.body, self.warnings))
        return assign_positions(resolve_thread(merged, self.warnings))

    def _extra_page_comments(self, page: FetchedPage) -> list[Comment]:
        """An extra comment page's comments: read from its comment section alone when that can be
        cut out (``comment_section_tree``) and holds some, else from the whole page."""
        section = comment_section_tree(page)
        if section is not None:
            found = self.page_comments(section, page)
            if found:
                return found
        tree = self._parse_extra(page)
        return self.page_comments(tree, page) if tree is not None else []

    def _parse_extra(self, page: FetchedPage):
        try:
            tree, warnings = parse_html(page)
        except ExtractionError as error:
            self.warnings.append(f"comment page {page.url}: {error}")
            return None
        self.warnings.extend(warnings)
        return tree

    @cached_property
    def widget_pages(self) -> list[FetchedPage]:
        """The capture's widget data pages, fetch order."""
        return [page for page in self.pages[1:] if adapter_of(page.url) is not None]

    def _pages_in_thread_order(self, fragments: list[FetchedPage] = ()) -> list[FetchedPage]:
        """The article page, its comment pages by number, then the widget markup (``fragments``)."""
        pages = [p for p in self.pages[1:] if adapter_of(p.url) is None] + list(fragments)
        numbered = [(_comment_page_number(p.url), p) for p in pages]
        known = [n for n, _ in numbered if n is not None]
        first_number = 1 if (not known or 1 not in known) else max(known) + 1
        ranked = [(first_number, self.pages[0])] + [(n if n is not None else 10**6, p)
                                                    for n, p in numbered]
        return [page for _, page in sorted(ranked, key=lambda pair: pair[0])]

    def article(self) -> Article:
        """Every field; subclasses provide the field methods."""
        raise NotImplementedError


# Only a doctype and comments stand before ``<html>``: its opening tag is sought in the first bytes.
HTML_OPENING_WITHIN = 16384


def looks_truncated(body: bytes) -> bool:
    """True when the page opened ``<html>`` and ends before its closing ``</html>`` (cut by the
    server or the network); a fragment (MediaWiki's ``action=render``) never promised the close."""
    return ends_unclosed(body) and _holds(body, b"<html", 0, HTML_OPENING_WITHIN)


def ends_unclosed(body: bytes) -> bool:
    """True when the body does not end with ``</html>``: an empty one, or one cut before its close."""
    return not _holds(body, b"</html", max(len(body) - 4096, 0), len(body))


def _holds(body: bytes, tag: bytes, start: int, end: int) -> bool:
    """True when ``body[start:end]`` holds ``tag`` in any case. Searched in place: only a part
    without it as is is copied (lowered), as a copy is the malloc that pays for the small blocks a
    freed page tree left."""
    return body.find(tag, start, end) >= 0 or tag in body[start:end].lower()


def drop_cut_comment(comments: list[Comment], body: bytes, warnings: list[str]) -> list[Comment]:
    """Without the comment whose markup a truncated page cuts off (its text would be partial)."""
    if not comments or not looks_truncated(body):
        return comments
    last = comments[-1]
    start = body.rfind(last.comment_id.encode())
    if start >= 0 and b"</li" not in body[start:] and b"</article" not in body[start:]:
        warnings.append(f"comment {last.comment_id} cut off by the truncated page: not archived")
        return comments[:-1]
    return comments


def _not_yet_in(found: list[Comment], merged: list[Comment]) -> list[Comment]:
    """The comments of widget markup not already in the thread: a reply list is answered with its
    parent comment again, which is no duplicate to warn about."""
    known = {comment.comment_id for comment in merged}
    return [comment for comment in found if comment.comment_id not in known]


def _comment_page_number(url: str) -> int | None:
    """The place in the thread of a comment page, read by the first registered family that
    numbers it (1: the article's own page)."""
    url = strip_fragment(url)
    return next((number for number in (family.page_number(url) for family in FAMILIES)
                 if number is not None), None)


def _flatten(data, nodes: list[dict]) -> None:
    if isinstance(data, list):
        for item in data:
            _flatten(item, nodes)
    elif isinstance(data, dict):
        if "@graph" in data:
            _flatten(data["@graph"], nodes)
        if "@type" in data:
            nodes.append(data)
