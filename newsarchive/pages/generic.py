"""Any news site: JSON-LD, OpenGraph and meta tags first, trafilatura on the comment-free tree for the body."""
from __future__ import annotations

import re
from copy import deepcopy
from datetime import datetime, timedelta, timezone
from functools import cached_property
from typing import Callable

from lxml import etree

from ..items import Article, Comment, FetchedPage
from ..parsing.bylines import clean_byline, fold_name, is_credit, signature_byline
from ..parsing.counts import declared_count
from ..parsing.dates import (AGO_AFTER, AGO_BEFORE, DAY_WORDS, MONTHS, RELATIVE_PHRASE, UNIT_ENDING, UNITS, fold, iso_utc,
                             parse_date, parse_iso)
from ..parsing.language import detect_language, normalize_language
from ..parsing.text import normalize_space, sanitize_html
from ..threads import opening_post
from ..threads.registry import derived
from ..threads.structural import THREAD_MARK
from .base import MARKUP_NOT_RECOGNISED, THREAD_NOT_EXTRACTED, Page
from .registry import handles

# What page furniture looks like, as class/id tokens matched in one pass over the tree (rules as data).
# Comment sections besides the registered families' own (``section_ids``, ``section_classes``,
# ``item_id_pattern``): generic names and the JS widgets' containers.
COMMENT_IDS = {"comments", "disqus_thread", "commentaires", "kommentare", "comment-section", "reactions",
               "comentarios", "comentários"}
COMMENT_CLASSES = {"epoch-wrapper", "comments", "comments-section", "article-comments"}
# Class words (class attributes split on spaces, "-" and "_") that mark a lede, a byline or a date.
# Ledes: the French chapô and the tagDiv subtitle open the article; an English dek or standfirst does not
# (AEB's gold never includes one: adding them cost 0.006 F1 there).
LEDE_WORDS = frozenset({"chapo", "chapeau", "accroche", "chapeaux"})
LEDE_CLASSES = frozenset({"td-post-sub-title", "tdb_single_subtitle"})
BYLINE_WORDS = frozenset({"byline", "author", "authors", "auteur", "auteurs", "autor", "autores", "signature",
                          "writer", "autorin"})
DATE_WORDS = frozenset({"date", "time", "published", "publish", "publication", "pubdate", "posted", "datum",
                        "fecha", "meta", "byline", "timestamp", "dateline", "data"})
ROLE_WORDS = LEDE_WORDS | BYLINE_WORDS | DATE_WORDS | {"td", "tdb"}
MARKING_ATTRIBUTES = frozenset({"id", "class", "itemprop", "rel", THREAD_MARK})  # what `marked` reads
# Lines that are a site's furniture, not the article: kept out of the body when short.
FURNITURE = re.compile(
    r"^(?:related(?: articles?| stories| posts?)?|read (?:more|also|next)|see (?:more|also)|more|also|also on \S+"
    r"|don'?t miss|you (?:may|might) also like|recommended(?: for you)?|most read(?: in [\w ]+)?"
    r"|\d* ?comments?|tags?|filed under|share(?: this(?: article| story)?)?|advertisement|sponsored"
    r"|publicité|lire aussi|à lire aussi|a lire aussi|lire la suite|voir aussi|sur le même sujet|à voir aussi"
    r"|mehr zum thema|lesen sie auch|auch interessant|weiterlesen|anzeige|werbung"
    r"|leia também|leia mais|veja também|publicidade|lee también|lea también|te puede interesar|ver más"
    r"|publicidad|noticias relacionadas)\b\s*(?::|\.{3}|…|$)", re.I)
FURNITURE_MAX_CHARS = 200
PUBLISHED_META = ("article:published_time", "og:published_time", "datePublished", "pubdate", "publishdate",
                  "publish-date", "publication_date", "date", "DC.date.issued", "dc.date", "DC.date",
                  "dcterms.created", "dcterms.date", "sailthru.date", "parsely-pub-date", "article.published",
                  "originalPublicationDate", "cXenseParse:recs:publishtime", "Date")
MODIFIED_META = ("article:modified_time", "og:updated_time", "dateModified", "last-modified", "dcterms.modified",
                 "article.updated", "DC.date.modified")
PUBLISHED_CLASS = re.compile(r"published|entry-date|post-date|pubdate", re.I)
MODIFIED_CLASS = re.compile(r"updated|modified", re.I)
MAX_DATE_TEXT_CHARS = 120
MAX_DATE_ELEMENTS = 40
LISTED_DATES = 3  # this many itemprop=datePublished elements are a list of other items, not the article
MAX_BYLINE_ELEMENTS = 20
MAX_BYLINE_CHARS = 120
MIN_LEDE_CHARS = 40
LEDE_WINDOW_CHARS = 600
# Elements trafilatura discards anyway: removed before it copies the tree (same output, less work).
NEVER_BODY = ("script", "style", "svg", "iframe", "embed", "object", "canvas", "template", "head", "noscript", "nav",
              "link", "button", "select", "textarea", "input", "audio", "video", "map", "menu", "dialog")
FULL_CASCADE_BELOW = 600  # chars of fast-mode body under which trafilatura's full cascade runs
LANG_META = ("og:locale", "language", "content-language", "dc.language", "DC.language")
HTML_TAGS = {"p": "p", "head": "h2", "list": "ul", "item": "li", "quote": "blockquote", "lb": "br",
             "table": "table", "row": "tr", "cell": "td", "code": "code", "del": "del", "ref": "a",
             "graphic": "img", "hi": "em"}
WORD = re.compile(r"\w+")
# Relative dates, from ``parsing.dates.RELATIVE_WORDS``: a page says how long ago in minutes, hours
# or days ("il y a 2 heures", "3 days ago", "hier"); the phrase is read in any unit.
_RECENT_UNITS = "|".join(sorted((stem for stem, seconds in UNITS.items() if len(stem) >= 3 and 60 <= seconds <= 86400),
                                key=len, reverse=True))
_SAID_AGO = [*AGO_BEFORE, *AGO_AFTER, *sorted(DAY_WORDS, key=len, reverse=True)]
RELATIVE_WORDS = "|".join([*(re.escape(word) for word in _SAID_AGO), f"(?:{_RECENT_UNITS}){UNIT_ENDING}"])
DATE_LIKE = re.compile(rf"\b(?:{'|'.join(sorted(MONTHS, key=len, reverse=True))}|{RELATIVE_WORDS})\b"
                       r"|\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
PERSON_TYPES = {"Person"}
AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl",
               "dcterms.creator", "cxenseparse:author")
AUTHOR_URL = re.compile(r"/(?:auteurs?|authors?|autor(?:en)?|journalistes?|redacteurs?|profil|people)/(?:\d+-)?"
                        r"([a-z][a-z-]+[a-z])/?$")
BYLINE_PREFIX = re.compile(r"^\s*(?:par|by|von|por|de)\s+\S", re.I)
BYLINE_LABEL = re.compile(r"^(?:auteurs?|authors?|autor(?:en|es)?|autora|par|by|von|por|written by|écrit par)$", re.I)


def comment_sections() -> tuple[frozenset, frozenset, Callable]:
    """The ids and class names of a comment section, and a test of a comment item's id: the
    generic ones and every registered comment family's."""
    return derived("generic comment sections", _comment_sections)


def _comment_sections(families: list) -> tuple[frozenset, frozenset, Callable]:
    ids = frozenset(COMMENT_IDS).union(*(family.section_ids for family in families))
    classes = frozenset(COMMENT_CLASSES).union(*(family.section_classes for family in families))
    patterns = [family.item_id_pattern.pattern for family in families if family.item_id_pattern]
    return ids, classes, re.compile("|".join(f"(?:{p})" for p in patterns) or "(?!)").match


@handles("generic")
class GenericPage(Page):
    """Fields from structured data where the page has it, from the DOM where it does not."""

    def __init__(self, url: str, pages: list[FetchedPage], site: str = ""):
        super().__init__(url, pages, site)
        etree.strip_tags(self.tree, etree.Comment, etree.ProcessingInstruction)
        declared = self.declared_language()
        self.languages = (declared,) if declared else ()  # written dates are read in the page's language

    def article(self) -> Article:
        comments, widget = self.comments(), self.widget()
        has_thread = bool(comments or widget or self.marked["comments"])
        article = Article(
            url=self.url, site=self.site, post_id=self.declared_post_id(), headline=self.headline(),
            description=self.description(),
            date_published=self.date_published(), date_published_raw=self.date_published_raw(),
            date_modified=self.date_modified(), section=self.section(), tags=self.tags(),
            main_image_url=self.main_image_url(), authors=self.authors(),
            comment_count_declared=self.comment_count_declared(has_thread), comments_widget=widget,
            comments=comments, warnings=self.warnings)
        if not comments:
            self.warnings.extend(missing_thread_warnings(article.comment_count_declared, widget))
        article.article_body, article.article_body_html = self.body(comments)  # last: it prunes the tree
        article.authors = self._signed_authors(article.authors, article.article_body)
        article.in_language = self.in_language(article.article_body)
        return article

    @cached_property
    def marked(self) -> dict[str, list]:
        """Comment sections, lede, byline and date candidates (by id, class, itemprop, rel): one pass."""
        found: dict[str, list] = {"comments": [], "lede": [], "byline": [], "date": [], "dated": []}
        ids, section_classes, item_id = comment_sections()
        for element in self.tree.iter(etree.Element):  # document order, as the XPath union gave it
            if element.tag != "time" and MARKING_ATTRIBUTES.isdisjoint(element.attrib.keys()):
                continue
            ident, classes, itemprop = element.get("id") or "", element.get("class") or "", element.get("itemprop")
            if element.tag == "time" or itemprop in ("datePublished", "dateModified"):
                found["dated"].append(element)
            if ident in ids or item_id(ident) or not section_classes.isdisjoint(classes.split()) \
                    or element.get(THREAD_MARK) is not None:
                found["comments"].append(element)
            elif itemprop == "author" or element.get("rel") == "author":
                found["byline"].append(element)
            elif classes:
                words = set(classes.lower().replace("-", " ").replace("_", " ").split())
                if words & ROLE_WORDS:
                    _file_by_role(element, words, found)
        return found

    def _outside_comments(self, elements: list) -> list:
        sections = set(self.marked["comments"])
        return [e for e in elements if e not in sections and not _inside(e, sections)] if sections else elements

    # -- headline, description, body ---------------------------------------------------------------
    def headline(self) -> str | None:
        value = self.ld_article.get("headline") or self.ld_article.get("name")
        return (normalize_space(value) if isinstance(value, str) else None) or self.meta("og:title") \
            or self.first_text("//h1", "//title")

    def description(self) -> str | None:
        value = self.ld_article.get("description")
        return self.meta("og:description", "description") or (normalize_space(value) if isinstance(value, str)
                                                               else None)

    def body(self, comments: list[Comment] = ()) -> tuple[str, str]:
        """The body as paragraphs of plain text and as sanitised HTML, lede included, comments excluded.

        A forum topic's opening post, which its family leaves out of the thread, is the body. Otherwise
        comment sections are cut from the tree first (so this runs after every other field). trafilatura
        runs in its fast mode; its full cascade (readability/justext comparison) only when that finds
        little, since the fast mode gives the same body on nearly every page for a third of the time.
        """
        from trafilatura.xml import xmltotxt  # loaded on first use: a site with a page object of its own never needs it

        topic = opening_post(self.tree, self.thread_context(self.pages[0]), self.hits)
        if topic is not None and topic.text:
            return topic.text, topic.text_html  # a forum topic: its opening post is the article
        self._drop_comment_sections()
        body = self._cascade_body()
        if body is None:
            self.warnings.append("no article body found")
            return "", ""
        blocks = [(xmltotxt(element, False).strip(), element) for element in body]
        blocks = self._keep_article_blocks([(t, e) for t, e in blocks if t], comments)
        text = "\n\n".join(t for t, _ in blocks)
        html = "".join(h for _, h in blocks)
        lede = self._missing_lede(text)
        if lede:
            text, html = f"{lede}\n\n{text}", f"<p>{_escape(lede)}</p>{html}"
        return text, sanitize_html(html)

    def _drop_comment_sections(self) -> None:
        """Comment sections out of the tree, and what trafilatura would discard anyway (so it copies less)."""
        for element in self.marked["comments"]:
            if element.getparent() is not None:
                element.drop_tree()
        etree.strip_elements(self.tree, *NEVER_BODY, with_tail=False)

    def _cascade_body(self):
        """trafilatura's fast-mode body, else its full cascade's. The fast mode is skipped (run only
        when the full cascade finds nothing) on a page holding less text in all than the cascade's
        threshold: the fast body, a part of that text, would fall short of it anyway."""
        fast_first = len(self.tree.text_content()) >= FULL_CASCADE_BELOW
        body = self._trafilatura_body(fast=True) if fast_first else None
        if body is None or len("".join(body.itertext())) < FULL_CASCADE_BELOW:
            full = self._trafilatura_body(fast=False)
            if full is None and not fast_first:
                full = self._trafilatura_body(fast=True)
            body = full if full is not None else body
        return body

    def _trafilatura_body(self, fast: bool):
        from trafilatura.core import bare_extraction

        document = bare_extraction(self.tree, url=self.url, fast=fast, favor_precision=True, include_comments=False,
                                   with_metadata=False)
        return document.body if document is not None else None

    def _keep_article_blocks(self, blocks: list[tuple[str, object]], comments) -> list[tuple[str, str]]:
        """(text, html) of the article's blocks: no title, byline, date line, furniture or comment."""
        known = self._not_body_lines(comments)
        kept = []
        for text, element in blocks:
            lines = [line for line in text.split("\n") if not _is_furniture(line) and _key(line) not in known]
            if len(lines) == text.count("\n") + 1:
                kept.append((text, _to_html(element)))
            elif lines:
                kept.append(("\n".join(lines), "<p>" + "<br>".join(_escape(line) for line in lines) + "</p>"))
        return kept

    def _not_body_lines(self, comments) -> set[str]:
        """Keys of lines that repeat the title, the byline, the date line or a comment."""
        known = {_key(t) for t in (self.headline(), self.meta("og:title"), self.first_text("//h1")) if t}
        known |= {_key(c.text) for c in comments if len(c.text) >= 30}
        for element in self._outside_comments(self.marked["byline"] + self.marked["date"])[:MAX_DATE_ELEMENTS]:
            text = element.text_content()
            if len(text) <= MAX_DATE_TEXT_CHARS:
                known.add(_key(text))
        known.discard("")
        return known

    def _missing_lede(self, body: str) -> str | None:
        """The page's lede (chapô, standfirst) when the body does not already hold it."""
        start = _key(body[:LEDE_WINDOW_CHARS])
        for element in self.marked["lede"][:3]:
            lede = normalize_space(element.text_content())
            if len(lede) >= MIN_LEDE_CHARS:
                return None if _key(lede)[:60] in start or _key(lede)[:60] in _key(body) else lede
        return None

    # -- dates ---------------------------------------------------------------------------------------
    @cached_property
    def _published(self) -> tuple[str | None, str | None]:
        """(ISO UTC, raw) of the publication date, from the most reliable source that has one."""
        for raw in self._published_candidates():
            found = (parse_iso(raw) if raw else None) or self._written_date(raw)
            if found:
                return found, raw
        return None, None

    def _published_candidates(self):
        value = self.ld_article.get("datePublished") or self._ld_page_value("datePublished")
        if isinstance(value, str):
            yield value
        unique = tuple(n for n in PUBLISHED_META if len(self.metas.get(n.lower(), ())) < LISTED_DATES)
        yield from self._meta_values(unique)
        dated = self._dated_elements
        marked = dated["datePublished"] + [t for t in dated["time"] if _is_published_time(t)]
        for element in marked if len(marked) < LISTED_DATES else []:  # more are the dates of a list of items
            yield element.get("datetime") or element.get("content") or normalize_space(element.text_content())
        yield self._htmldate()
        for element in [t for t in dated["time"] if t.get("datetime")][:1]:
            yield element.get("datetime")
        yield from self._date_texts()

    def _htmldate(self) -> str | None:
        """htmldate's original-date search (URL, markup, text patterns) on a copy of the tree, bounded by the
        capture day: between the page's structured dates and its loose ``time`` and date-text elements.

        Its extensive search is left off: it finds one more metadata_fr date but warms dateparser up for every
        language (6 s on the first page of a process)."""
        from htmldate import find_date  # imported on first need: most pages state their date in meta tags

        latest = (self.fetched_at or datetime(2100, 1, 1, tzinfo=timezone.utc)).strftime("%Y-%m-%d")
        try:
            return find_date(deepcopy(self.tree), url=self.url, original_date=True, extensive_search=False,
                             max_date=latest, outputformat="%Y-%m-%d")
        except (ValueError, TypeError):
            return None

    def _date_texts(self):
        for element in self._outside_comments(self.marked["date"])[:MAX_DATE_ELEMENTS]:
            text = normalize_space(element.text_content())
            if 4 < len(text) <= MAX_DATE_TEXT_CHARS and any(ch.isdigit() for ch in text):
                yield text

    def _written_date(self, raw: str | None) -> str | None:
        """A date as the page writes it, relative ones resolved against the capture time (never the clock)."""
        base = self.fetched_at
        if not raw or not DATE_LIKE.search(fold(raw)) or (base is None and _is_relative(raw)):
            return None
        phrase = RELATIVE_PHRASE.search(fold(raw))
        text = phrase.group(0) if phrase else raw  # "Publié il y a 2 heures" -> "il y a 2 heures"
        found = parse_date(text, languages=self.languages, relative_base=base or EPOCH)
        if found and base and found > iso_utc(base + timedelta(days=1)):
            return None  # a date after the capture is not when the article was published
        return found

    def date_published(self) -> str | None:
        return self._published[0]

    def date_published_raw(self) -> str | None:
        return self._published[1]

    def date_modified(self) -> str | None:
        value = self.ld_article.get("dateModified") or self._ld_page_value("dateModified")
        candidates = [value] if isinstance(value, str) else []
        candidates += list(self._meta_values(MODIFIED_META))
        dated = self._dated_elements
        candidates += [e.get("datetime") or e.get("content") for e in dated["dateModified"]
                       + [t for t in dated["time"] if MODIFIED_CLASS.search(t.get("class") or "")]]
        for raw in candidates:
            found = parse_iso(raw) if raw else None
            if found:
                return found
        return None

    @cached_property
    def metas(self) -> dict[str, list[str]]:
        """Every meta tag's content by its property, name, itemprop or http-equiv (lower case), one pass."""
        found: dict[str, list[str]] = {}
        for meta in self.tree.xpath("//meta[@content]"):
            content = meta.get("content").strip()
            for attribute in ("property", "name", "itemprop", "http-equiv"):
                key = meta.get(attribute)
                if key and content:
                    found.setdefault(key.strip().lower(), []).append(content)
        return found

    def meta(self, *names: str) -> str | None:
        """The content of the first meta tag named one of ``names`` (property, name or itemprop)."""
        return next(iter(self._meta_values(names)), None)

    def _meta_values(self, names: tuple[str, ...]):
        for name in names:
            for value in self.metas.get(name.lower(), ()):
                yield normalize_space(value)

    @cached_property
    def _dated_elements(self) -> dict[str, list]:
        """``time`` elements and itemprop date elements outside the comments, in page order (from ``marked``)."""
        found: dict[str, list] = {"time": [], "datePublished": [], "dateModified": []}
        for element in self._outside_comments(self.marked["dated"]):
            if element.tag == "time":
                found["time"].append(element)
            if element.get("itemprop") in found:
                found[element.get("itemprop")].append(element)
        return found

    def _ld_page_value(self, key: str):
        for node in self.json_ld:
            if node.get("@type") in ("WebPage", "ItemPage") and node.get(key):
                return node[key]
        return None

    # -- language, section, tags, image --------------------------------------------------------------
    def declared_language(self) -> str | None:
        """The language the page states: html lang, JSON-LD inLanguage, meta tags, HTTP header."""
        declared = self.ld_article.get("inLanguage")
        root = self.tree.getroottree().getroot()
        html_lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
        for value in (html_lang, declared if isinstance(declared, str) else None, *self._meta_values(LANG_META),
                      self.pages[0].header("Content-Language")):
            language = normalize_language(value)
            if language:
                return language
        return None

    def in_language(self, body_text: str = "") -> str | None:
        """The declared language, else the one detected from the body (py3langid)."""
        return self.languages[0] if self.languages else detect_language(body_text or self.first_text("//body"))

    def section(self) -> str | None:
        section = self.ld_article.get("articleSection") or self.meta("article:section")
        section = section[0] if isinstance(section, list) and section else section
        return section if isinstance(section, str) else None

    def tags(self) -> list[str]:
        keywords = self.ld_article.get("keywords") or [m for m in self._meta_values(("article:tag",))]
        if isinstance(keywords, str):
            keywords = [k.strip() for k in keywords.split(",")]
        return list(dict.fromkeys(k for k in keywords or [] if isinstance(k, str) and k))

    def main_image_url(self) -> str | None:
        image = self.ld_article.get("image")
        image = image[0] if isinstance(image, list) and image else image
        image = image.get("url") if isinstance(image, dict) else image
        return self.absolute(self.meta("og:image") or (image if isinstance(image, str) else None))

    # -- authors -------------------------------------------------------------------------------------
    def authors(self) -> list[str]:
        """The byline: JSON-LD persons, then meta tags, then the page's byline markup; organisations last."""
        ld_people, ld_organisations = self._ld_authors()
        for names in (ld_people, self._meta_authors(), self._dom_authors(), ld_organisations,
                      self._meta_authors(organisations=True)):
            if names:
                return names
        return []

    @cached_property
    def _publisher_names(self) -> set[str]:
        """The site's own names (og:site_name, JSON-LD publisher and organisations): never a person."""
        names = {fold_name(v) for v in self._meta_values(("og:site_name", "application-name"))}
        publisher = self.ld_article.get("publisher")
        nodes = [publisher] if isinstance(publisher, dict) else []
        nodes += [n for n in self.json_ld if n.get("@type") in ("Organization", "NewsMediaOrganization", "WebSite")]
        names |= {fold_name(n["name"]) for n in nodes if isinstance(n.get("name"), str)}
        return names

    def _ld_authors(self) -> tuple[list[str], list[str]]:
        """(people, organisations) credited by the article's JSON-LD (or the page's only Person node)."""
        author = self.ld_article.get("author") or self.ld_article.get("creator")
        if not author and not self.ld_article:
            author = [n for n in self.json_ld if _types(n) == PERSON_TYPES][:1]
        people, organisations = [], []
        for node in author if isinstance(author, list) else [author]:
            name = node.get("name") if isinstance(node, dict) else node
            name = ", ".join(n for n in name if isinstance(n, str)) if isinstance(name, list) else name
            if isinstance(name, str) and not name.startswith("http"):
                is_person = not isinstance(node, dict) or _types(node) <= PERSON_TYPES | {None}
                is_person = is_person and fold_name(name) not in self._publisher_names
                (people if is_person else organisations).extend(clean_byline(name))
        return _unique(people), _unique(organisations)

    def _meta_authors(self, organisations: bool = False) -> list[str]:
        for value in self._meta_values(AUTHOR_META):
            names = _names_from_author_url(value) if value.startswith("http") else clean_byline(value)
            if not organisations:
                names = [n for n in names if fold_name(n) not in self._publisher_names and not is_credit(n)
                         and not _looks_like_organisation(n)]
            if names:
                return _unique(names + self._more_meta_authors(value))
        return []

    def _more_meta_authors(self, first: str) -> list[str]:
        """Further ``article:author`` profile URLs (one meta tag per author)."""
        urls = [v for v in self.metas.get("article:author", []) if v.startswith("http") and v != first]
        return [name for url in urls for name in _names_from_author_url(url)]

    def _signed_authors(self, authors: list[str], body: str) -> list[str]:
        """The press signature ending the body (``Cheick Moctar TRAORE``) where the byline found is only a
        credit, the site's own name or a one-word account (``Rédaction``, ``AFP``, ``CiwaraInfo``)."""
        weak = all(is_credit(n) or fold_name(n) in self._publisher_names or " " not in n for n in authors)
        signature = signature_byline(body.split("\n\n")) if weak else []
        return signature or authors

    def _dom_authors(self) -> list[str]:
        """The first byline in the page's markup, preferring one written "Par X" / "By X" / "Von X"…"""
        candidates = []
        for element in self._outside_comments(self.marked["byline"])[:MAX_BYLINE_ELEMENTS]:
            text = normalize_space(" ".join(element.itertext()))
            if 2 < len(text) <= MAX_BYLINE_CHARS:
                names = [n for n in clean_byline(text) if not BYLINE_LABEL.match(n)]
                if names:
                    candidates.append((not BYLINE_PREFIX.match(text), is_credit(names[0]), names))
        return _unique(min(candidates, key=lambda c: c[:2])[2]) if candidates else []

    def comment_count_declared(self, has_thread: bool = True) -> int | None:
        """The count the page states: its comments heading or counter (looked for only where the page has a
        thread, a comment section or a widget), else JSON-LD commentCount."""
        found = declared_count(self.tree) if has_thread else None
        if found is not None:
            return found
        count = self.ld_article.get("commentCount")
        if isinstance(count, int) or (isinstance(count, str) and count.isdigit()):
            return int(count)
        return None


def missing_thread_warnings(declared: int | None, widget: str | None) -> list[str]:
    """Why a page that shows comments has none in the archive: its count or its widget says it
    has some (a redesign that breaks extraction then shows in the crawl's stats and failures)."""
    if widget:
        return [f"{THREAD_NOT_EXTRACTED}: held by the {widget} widget, whose data the capture lacks"]
    if declared:
        return [f"{MARKUP_NOT_RECOGNISED} (the page declares {declared})"]
    return []


def _types(node: dict) -> set:
    """The JSON-LD node's @type values as a set ({None} when it has none)."""
    types = node.get("@type")
    return {t for t in types if isinstance(t, str)} if isinstance(types, list) else {types}


def _names_from_author_url(url: str) -> list[str]:
    """``https://site/auteur/5631-alexandre-hervaud`` -> ["Alexandre Hervaud"] (author profile URLs only)."""
    match = AUTHOR_URL.search(url)
    if not match:
        return []
    words = [w for w in match.group(1).split("-") if w and not w.isdigit()]
    return [" ".join(w.capitalize() for w in words)] if 1 < len(words) <= 4 else []


def _looks_like_organisation(name: str) -> bool:
    return bool(re.search(r"\(|www\.|\.(?:com|fr|org|net|de)\b", name))


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(fold_name(name), name)
    return list(seen.values())


def _file_by_role(element, words: set[str], found: dict[str, list]) -> None:
    if words & LEDE_WORDS or LEDE_CLASSES.intersection(element.get("class", "").split()):
        found["lede"].append(element)
    if words & BYLINE_WORDS:
        found["byline"].append(element)
    if words & DATE_WORDS:
        found["date"].append(element)


def _inside(element, sections: set) -> bool:
    """True when ``element`` is within one of ``sections`` (e.g. a commenter's name in the thread)."""
    return any(ancestor in sections for ancestor in element.iterancestors())


def _is_published_time(element) -> bool:
    return element.get("pubdate") is not None or bool(PUBLISHED_CLASS.search(element.get("class") or ""))


def _key(text: str | None) -> str:
    """Text reduced to its lower-case words, for comparing blocks with titles, ledes and comments."""
    return " ".join(WORD.findall((text or "").casefold()))


def _is_furniture(text: str) -> bool:
    return len(text) <= FURNITURE_MAX_CHARS and bool(FURNITURE.match(text.strip()))


def _is_relative(raw: str) -> bool:
    return bool(re.search(rf"\b(?:{RELATIVE_WORDS})\b", fold(raw)))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _to_html(element) -> str:
    """trafilatura's XML body element as HTML, renamed in place (then sanitised by the caller)."""
    for node in element.iter():
        if isinstance(node.tag, str):
            node.tag = HTML_TAGS.get(node.tag, "span" if node.tag not in HTML_TAGS.values() else node.tag)
            if node.tag == "h2" and node.get("rend", "").startswith("h"):
                node.tag = node.get("rend")
            if node.tag == "a" and node.get("target"):
                node.set("href", node.get("target"))
    return etree.tostring(element, encoding="unicode", method="html", with_tail=False)
