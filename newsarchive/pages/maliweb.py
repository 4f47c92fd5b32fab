"""maliweb.net (WordPress + tagDiv Newspaper, classic and template-builder layouts)."""
from __future__ import annotations

import re
from copy import deepcopy

from ..items import Article
from ..parsing.bylines import clean_byline, signature_byline
from ..parsing.dates import parse_date, parse_iso
from ..parsing.text import element_text, inner_html, normalize_space, sanitize_html
from .base import Page
from .widgets import detect_widget

POST_ID_URL = re.compile(r"-(\d+)\.html")
# [ancestor::article] rather than //article//div: the latter is quadratic in the number of <article>s
# (every comment is one): 200 s on a page of 10,000 comments, 0.06 s this way.
CONTENT = ("//div[contains(concat(' ', normalize-space(@class), ' '), ' td-post-content ')][ancestor::article]"
           " | //div[contains(@class, 'tdb_single_content')]//div[contains(@class, 'tdb-block-inner')]")
JUNK = (".//*[contains(@class, 'td-a-rec') or contains(@class, 'td-g-rec')"
        " or contains(@class, 'td-post-sharing') or contains(@class, 'td-post-featured-image')"
        " or contains(@class, 'tdb-no-featured-img') or contains(@class, 'td-a-ad')"
        " or contains(@class, 'sharedaddy') or contains(@class, 'jp-relatedposts')"
        " or contains(@class, 'td_block_related_posts') or contains(@class, 'page-nav')]"
        " | .//script | .//style | .//noscript | .//ins | .//iframe | .//form | .//footer")
COUNT = re.compile(r"(\d[\d\s.,]*)")


class MaliwebPage(Page):
    """A maliweb article: fields from the tagDiv markup, byline from the press signature."""

    site_timezone = "Africa/Bamako"
    languages = ("fr",)

    def article(self) -> Article:
        paragraphs, body_html = self.body()
        posted_by = self.posted_by()
        return Article(
            url=self.url, site=self.site, post_id=self.post_id(), headline=self.headline(),
            description=self.description(paragraphs), article_body="\n\n".join(paragraphs),
            article_body_html=body_html, date_published=self.date_published(),
            date_published_raw=self.date_published_raw(), date_modified=self.date_modified(),
            in_language=self.in_language(), section=self.section(), tags=self.tags(),
            main_image_url=self.main_image_url(),
            authors=signature_byline(paragraphs) or ([posted_by] if posted_by else []),
            posted_by=posted_by, comment_count_declared=self.comment_count_declared(),
            comments_widget=detect_widget(self.tree), comments=self.comments(),
            warnings=self.warnings)

    def post_id(self) -> str | None:
        shortlink = self.first_text("//link[@rel='shortlink']/@href") or ""
        match = re.search(r"[?&]p=(\d+)", shortlink)
        if match:
            return match.group(1)
        match = re.search(r"\bpostid-(\d+)\b", self.first_text("//body/@class") or "")
        if match:
            return match.group(1)
        found = self.first_text("//*[@id='tdb-autoload-article']/@data-autoload-org-post-id",
                                "//article[starts-with(@id, 'post-')]/@id",
                                "//input[@name='comment_post_ID']/@value")
        if found:
            return found.removeprefix("post-")
        match = POST_ID_URL.search(self.url)
        return match.group(1) if match else None

    def headline(self) -> str | None:
        return self.first_text("//h1[contains(@class, 'tdb-title-text')]",
                               "//*[contains(@class, 'td-post-title')]//h1[contains(@class, 'entry-title')]",
                               "//h1[contains(@class, 'entry-title')]") or self.ld_article.get(
            "headline") or self.meta("og:title")

    def _content(self):
        found = self.xpath(CONTENT)
        return found[0] if found else None

    def body(self) -> tuple[list[str], str]:
        """The body's paragraphs as plain text, and its sanitised HTML."""
        content = self._content()
        if content is None:
            self.warnings.append("no article body (td-post-content) found")
            return [], ""
        clean = deepcopy(content)
        for junk in clean.xpath(JUNK):
            if junk.getparent() is not None:
                junk.drop_tree()
        text = element_text(clean)
        paragraphs = [p for p in text.split("\n\n") if p.strip()]
        return paragraphs, sanitize_html(inner_html(clean)).strip()

    def description(self, paragraphs: list[str]) -> str | None:
        lede = self.first_text("//p[contains(@class, 'td-post-sub-title')]",
                               "//*[contains(@class, 'tdb_single_subtitle')]//p")
        if lede:
            return lede
        first = self._content()
        strong_lede = first.xpath("./p[1][strong and normalize-space(.) = normalize-space(strong)]") \
            if first is not None else []
        if strong_lede:
            return normalize_space(strong_lede[0].text_content())
        return self.meta("og:description", "description")

    def _time(self):
        found = self.xpath("//*[contains(@class, 'td-post-header')]//time[contains(@class, 'entry-date')]"
                           " | //*[contains(@class, 'tdb_single_date')]//time"
                           " | //article//header//time[contains(@class, 'entry-date')]")
        return found[0] if found else None

    def date_published(self) -> str | None:
        time = self._time()
        for value in (self.ld_article.get("datePublished"), self.meta("article:published_time"),
                      time.get("datetime") if time is not None else None,
                      self.first_text("//meta[@itemprop='datePublished']/@content")):
            found = parse_iso(value, self.site_timezone) if isinstance(value, str) else None
            if found:
                return found
        raw = self.date_published_raw()
        return parse_date(raw, self.site_timezone, self.languages, self.fetched_at)

    def date_published_raw(self) -> str | None:
        time = self._time()
        return normalize_space(time.text_content()) or None if time is not None else None

    def date_modified(self) -> str | None:
        for value in (self.ld_article.get("dateModified"), self.meta("article:modified_time"),
                      self.first_text("//meta[@itemprop='dateModified']/@content",
                                      "//*[contains(@class, 'tdb_single_modified_date')]//time/@datetime")):
            found = parse_iso(value, self.site_timezone) if isinstance(value, str) else None
            if found:
                return found
        return None

    def in_language(self) -> str | None:
        lang = self.first_text("/html/@lang") or self.ld_article.get("inLanguage") or self.meta("og:locale")
        return re.split(r"[-_]", lang)[0].lower() if lang else "fr"

    def categories(self) -> list[str]:
        names = [normalize_space(a.text_content()) for a in self.xpath(
            "//*[contains(@class, 'td-post-header')]//ul[contains(@class, 'td-category')]//a"
            " | //*[contains(@class, 'tdb_single_categories')]//a[contains(@class, 'tdb-entry-category')]")]
        return [name for name in dict.fromkeys(names) if name]

    def section(self) -> str | None:
        categories = self.categories()
        if categories:
            return categories[0]
        section = self.meta("article:section") or self.ld_article.get("articleSection")
        return section[0] if isinstance(section, list) and section else section

    def tags(self) -> list[str]:
        names = [normalize_space(a.text_content()) for a in self.xpath(
            "//ul[contains(@class, 'td-tags') or contains(@class, 'tdb-tags')]/li/a")]
        return [name for name in dict.fromkeys(names) if name]

    def main_image_url(self) -> str | None:
        href = self.first_text(
            "//*[contains(@class, 'td-post-featured-image') or contains(@class, 'tdb_single_featured_image')]"
            "//a[img]/@href",
            "//*[contains(@class, 'td-post-featured-image') or contains(@class, 'tdb_single_featured_image')]"
            "//img/@src")
        return self.absolute(href or self.meta("og:image"))

    def posted_by(self) -> str | None:
        name = self.first_text("//*[contains(@class, 'td-post-header')]//*[contains(@class, 'td-post-author-name')]//a",
                               "//*[contains(@class, 'tdb_single_author')]//a[contains(@class, 'tdb-author-name')]",
                               "//*[contains(@class, 'author-box-wrap')]//*[contains(@class, 'td-author-name')]//a",
                               "//*[@itemprop='author']/meta[@itemprop='name']/@content")
        names = clean_byline(name) if name else []
        return names[0] if names else None

    def comment_count_declared(self) -> int | None:
        text = self.first_text("//*[@id='comments']//*[contains(@class, 'td-comments-title')]",
                               "//*[@id='comments']//*[contains(@class, 'block-title')]",
                               "//*[contains(@class, 'td-post-comments')]//a",
                               "//*[contains(@class, 'tdb_single_comments_count')]//span")
        match = COUNT.search(text or "")
        if match:
            return int(re.sub(r"\D", "", match.group(1)))
        count = self.ld_article.get("commentCount")
        return int(count) if isinstance(count, (int, str)) and str(count).isdigit() else None
