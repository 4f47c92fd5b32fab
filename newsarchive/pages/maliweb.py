"""maliweb.net (WordPress + tagDiv Newspaper, classic and template-builder layouts)."""
from __future__ import annotations

import re
from copy import deepcopy
from functools import cached_property

from lxml import etree

from ..items import Article
from ..parsing.bylines import clean_byline, signature_byline
from ..parsing.dates import parse_date, parse_iso
from ..parsing.text import element_text, inner_html, normalize_space, sanitize_html, text_of
from .base import Page
from .registry import handles

POST_ID_URL = re.compile(r"-(\d+)\.html")
COUNT = re.compile(r"(\d[\d\s.,]*)")
# The class tokens the fields are read from: one pass over the page indexes them, so each field
# looks inside a small block instead of scanning the whole tree again.
MARKERS = frozenset({
    "td-post-content", "tdb_single_content", "td-post-header", "td-post-title", "td-post-sub-title",
    "tdb_single_subtitle", "tdb-title-text", "entry-title", "tdb_single_date", "tdb_single_modified_date",
    "td-category", "tdb_single_categories", "td-tags", "tdb-tags", "td-post-featured-image",
    "tdb_single_featured_image", "td-post-author-name", "tdb_single_author", "author-box-wrap",
    "td-comments-title", "block-title", "td-post-comments", "tdb_single_comments_count"})
# What the body block holds besides the article: ads, share bars, the featured image, related posts.
JUNK_CLASSES = ("td-a-rec", "td-g-rec", "td-post-sharing", "td-post-featured-image", "tdb-no-featured-img",
                "td-a-ad", "sharedaddy", "jp-relatedposts", "td_block_related_posts", "page-nav")
JUNK_TAGS = frozenset({"script", "style", "noscript", "ins", "iframe", "form", "footer"})
CLASSES_BELOW = etree.XPath(".//*/@class")
STRONG_LEDE = etree.XPath("./p[1][strong and normalize-space(.) = normalize-space(strong)]")


@handles("maliweb", site="maliweb.net", urls=(r"^https?://(?:www\.)?maliweb\.net/",))
class MaliwebPage(Page):
    """A maliweb article: fields from the tagDiv markup, byline from the press signature."""

    site_timezone = "Africa/Bamako"
    languages = ("fr",)
    comment_family = "wordpress"

    def article(self) -> Article:
        paragraphs, body_html = self.body()
        posted_by = self.posted_by()
        return Article(
            url=self.url, site=self.site, post_id=self.post_id(), headline=self.headline(),
            description=self.description(), article_body="\n\n".join(paragraphs),
            article_body_html=body_html, date_published=self.date_published(),
            date_published_raw=self.date_published_raw(), date_modified=self.date_modified(),
            in_language=self.in_language(), section=self.section(), tags=self.tags(),
            main_image_url=self.main_image_url(),
            authors=signature_byline(paragraphs) or ([posted_by] if posted_by else []),
            posted_by=posted_by, comment_count_declared=self.comment_count_declared(),
            comments_widget=self.widget(), comments=self.comments(),
            warnings=self.warnings)

    # -- the block index --------------------------------------------------------------------
    @cached_property
    def blocks(self) -> dict[str, list]:
        """Elements carrying each marker class, in document order (one pass over the page's class
        values, "smart" strings that know their element: cheaper than element proxies for all)."""
        found: dict[str, list] = {}
        known = _MARKERS_OF
        for value in self.hits.classes:
            markers = known.get(value)
            for token in markers if markers is not None else _markers_of(value):
                found.setdefault(token, []).append(value.getparent())
        return found

    def within(self, marker: str, path: str = ".") -> list:
        """Matches of the relative ``path`` inside every block with class ``marker``."""
        return [hit for block in self.blocks.get(marker, []) for hit in self.xpath(path, block)]

    def text_within(self, *pairs: tuple[str, str]) -> str | None:
        """The normalised text of the first non-empty match among (marker, relative path) pairs."""
        for marker, path in pairs:
            for hit in self.within(marker, path):
                value = normalize_space(hit if isinstance(hit, str) else text_of(hit))
                if value:
                    return value
        return None

    # -- fields -------------------------------------------------------------------------------
    def post_id(self) -> str | None:
        declared = self.declared_post_id()
        if declared:
            return declared
        found = self.first_text("//*[@id='tdb-autoload-article']/@data-autoload-org-post-id",
                                "//article[starts-with(@id, 'post-')]/@id",
                                "//input[@name='comment_post_ID']/@value")
        if found:
            return found.removeprefix("post-")
        match = POST_ID_URL.search(self.pages[0].url)  # the URL that answered: a redirect's target
        return match.group(1) if match else None

    def headline(self) -> str | None:
        return self.text_within(("tdb-title-text", "self::h1"),
                                ("td-post-title", ".//h1[contains(@class, 'entry-title')]"),
                                ("entry-title", "self::h1")) or self.ld_article.get(
            "headline") or self.meta("og:title")

    @cached_property
    def content(self):
        """The body block: ``div.td-post-content`` (classic) or the tdb content block's inner div."""
        for block in self.blocks.get("td-post-content", []):
            if "tdb_single_content" in block.get("class").split():
                inner = self.xpath(".//div[contains(@class, 'tdb-block-inner')]", block)
                return inner[0] if inner else block
            if next(block.iterancestors("article"), None) is not None:
                return block
        return None

    def body(self) -> tuple[list[str], str]:
        """The body's paragraphs as plain text, and its sanitised HTML."""
        if self.content is None:
            self.warnings.append("no article body (td-post-content) found")
            return [], ""
        clean = deepcopy(self.content)
        clean.attrib.clear()  # its own tag is not emitted; inner_html serialises a bare one faster
        for junk in junk_below(clean):
            if junk.getparent() is not None:  # not inside junk dropped before
                junk.drop_tree()
        paragraphs = [p for p in element_text(clean).split("\n\n") if p.strip()]
        return paragraphs, sanitize_html(inner_html(clean)).strip()

    def description(self) -> str | None:
        lede = self.text_within(("td-post-sub-title", "self::p"), ("tdb_single_subtitle", ".//p"))
        if lede:
            return lede
        strong_lede = STRONG_LEDE(self.content) if self.content is not None else []
        if strong_lede:
            return normalize_space(strong_lede[0].text_content())
        return self.meta("og:description", "description")

    @cached_property
    def time(self):
        """The article's own date element (never a sidebar or related-post date)."""
        found = (self.within("td-post-header", ".//time[contains(@class, 'entry-date')]")
                 or self.within("tdb_single_date", ".//time"))
        return found[0] if found else None

    def date_published(self) -> str | None:
        for value in (self.ld_article.get("datePublished"), self.meta("article:published_time"),
                      self.time.get("datetime") if self.time is not None else None):
            found = parse_iso(value, self.site_timezone) if isinstance(value, str) else None
            if found:
                return found
        found = parse_iso(self.first_text("//meta[@itemprop='datePublished']/@content"), self.site_timezone)
        return found or parse_date(self.date_published_raw(), self.site_timezone, self.languages,
                                   self.fetched_at)

    def date_published_raw(self) -> str | None:
        return normalize_space(self.time.text_content()) or None if self.time is not None else None

    def date_modified(self) -> str | None:
        for read in (lambda: self.ld_article.get("dateModified"), lambda: self.meta("article:modified_time"),
                     lambda: self.first_text("//meta[@itemprop='dateModified']/@content"),
                     lambda: self.text_within(("tdb_single_modified_date", ".//time/@datetime"))):
            value = read()  # read in turn: the later ones scan the page
            found = parse_iso(value, self.site_timezone) if isinstance(value, str) else None
            if found:
                return found
        return None

    def in_language(self) -> str | None:
        lang = self.first_text("/html/@lang") or self.ld_article.get("inLanguage") or self.meta("og:locale")
        return re.split(r"[-_]", lang)[0].lower() if lang else "fr"

    def categories(self) -> list[str]:
        anchors = [a for a in self.within("td-category", ".//a") if self._in_header(a)]
        anchors += self.within("tdb_single_categories", ".//a[contains(@class, 'tdb-entry-category')]")
        names = [normalize_space(a.text_content()) for a in anchors]
        return [name for name in dict.fromkeys(names) if name]

    def _in_header(self, element) -> bool:
        headers = self.blocks.get("td-post-header", [])
        return any(ancestor in headers for ancestor in element.iterancestors())

    def section(self) -> str | None:
        categories = self.categories()
        if categories:
            return categories[0]
        section = self.meta("article:section") or self.ld_article.get("articleSection")
        return section[0] if isinstance(section, list) and section else section

    def tags(self) -> list[str]:
        anchors = self.within("td-tags", "self::ul/li/a") + self.within("tdb-tags", "self::ul/li/a")
        names = [normalize_space(a.text_content()) for a in anchors]
        return [name for name in dict.fromkeys(names) if name]

    def main_image_url(self) -> str | None:
        href = self.text_within(("td-post-featured-image", ".//a[img]/@href"),
                                ("tdb_single_featured_image", ".//a[img]/@href"),
                                ("td-post-featured-image", ".//img/@src"),
                                ("tdb_single_featured_image", ".//img/@src"))
        return self.absolute(href or self.meta("og:image"))

    def posted_by(self) -> str | None:
        header_names = [a for a in self.within("td-post-author-name", ".//a") if self._in_header(a)]
        name = (normalize_space(header_names[0].text_content()) if header_names else None) or self.text_within(
            ("tdb_single_author", ".//a[contains(@class, 'tdb-author-name')]"),
            ("author-box-wrap", ".//*[contains(@class, 'td-author-name')]//a")) or self.first_text(
            "//*[@itemprop='author']/meta[@itemprop='name']/@content")
        names = clean_byline(name) if name else []
        return names[0] if names else None

    def comment_count_declared(self) -> int | None:
        text = self.text_within(("td-comments-title", "self::*[ancestor::*[@id='comments']]"),
                                ("block-title", "self::*[ancestor::*[@id='comments']]"),
                                ("td-post-comments", ".//a"),
                                ("tdb_single_comments_count", ".//span"))
        match = COUNT.search(text or "")
        if match:
            return int(re.sub(r"\D", "", match.group(1)))
        count = self.ld_article.get("commentCount")
        return int(count) if isinstance(count, (int, str)) and str(count).isdigit() else None


# The markers of each class attribute seen: a theme repeats a few hundred class attributes on
# every page, and splitting each of ~300 a page was a tenth of the field reading.
_MARKERS_OF: dict[str, frozenset] = {}
MARKERS_REMEMBERED = 4096


def _markers_of(value: str) -> frozenset:
    """The MARKERS among a class attribute's tokens (remembered for the next pages)."""
    markers = frozenset()
    if "td" in value or "title" in value or "author-box" in value:  # every marker has one
        markers = MARKERS.intersection(value.split())
    if len(_MARKERS_OF) >= MARKERS_REMEMBERED:
        _MARKERS_OF.clear()
    _MARKERS_OF[str(value)] = markers  # a plain copy: the page's own string would keep its tree alive
    return markers


def junk_below(block) -> list:
    """What ``block`` holds besides the article (ads, share bars, scripts…): the JUNK_TAGS elements
    (found by tag in C), then those whose class holds a JUNK_CLASSES name (only elements with a
    class looked at). Dropping them in this order leaves the tree that page order leaves."""
    junk = list(block.iterdescendants(*JUNK_TAGS))
    junk.extend(value.getparent() for value in CLASSES_BELOW(block)
                if any(name in value for name in JUNK_CLASSES))
    return junk
