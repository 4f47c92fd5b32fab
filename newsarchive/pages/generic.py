"""Any news site: JSON-LD, OpenGraph and meta tags first, trafilatura for the body."""
from __future__ import annotations

import re

import trafilatura

from ..items import Article
from ..parsing.bylines import clean_byline
from ..parsing.dates import parse_date, parse_iso
from ..parsing.text import normalize_space, sanitize_html
from .base import Page
from .widgets import detect_widget

COUNT = re.compile(r"(\d+)")


class GenericPage(Page):
    """Fields from structured data where the page has it, from the DOM where it does not."""

    def article(self) -> Article:
        body_text, body_html = self.body()
        return Article(
            url=self.url, site=self.site, headline=self.headline(), description=self.description(),
            article_body=body_text, article_body_html=body_html,
            date_published=self.date_published(), date_published_raw=self.date_published_raw(),
            date_modified=self.date_modified(), in_language=self.in_language(),
            section=self.section(), tags=self.tags(), main_image_url=self.main_image_url(),
            authors=self.authors(), comment_count_declared=self.comment_count_declared(),
            comments_widget=detect_widget(self.tree), comments=self.comments(),
            warnings=self.warnings)

    def headline(self) -> str | None:
        return (normalize_space(self.ld_article.get("headline")) or self.meta("og:title")
                or self.first_text("//h1", "//title"))

    def description(self) -> str | None:
        return self.meta("og:description", "description") or self.ld_article.get("description")

    def body(self) -> tuple[str, str]:
        text = trafilatura.extract(self.tree, include_comments=False, favor_precision=True) or ""
        body_html = trafilatura.extract(self.tree, include_comments=False, favor_precision=True,
                                        output_format="html") or ""
        paragraphs = [normalize_space(line) for line in text.split("\n") if line.strip()]
        return "\n\n".join(paragraphs), sanitize_html(body_html)

    def date_published(self) -> str | None:
        for value in (self.ld_article.get("datePublished"), self.meta("article:published_time"),
                      self.first_text("//time/@datetime")):
            found = parse_iso(value) if isinstance(value, str) else None
            if found:
                return found
        return parse_date(self.date_published_raw(), languages=self.languages,
                          relative_base=self.fetched_at)

    def date_published_raw(self) -> str | None:
        return self.first_text("//time") or self.ld_article.get("datePublished")

    def date_modified(self) -> str | None:
        value = self.ld_article.get("dateModified") or self.meta("article:modified_time")
        return parse_iso(value) if isinstance(value, str) else None

    def in_language(self) -> str | None:
        lang = self.first_text("/html/@lang") or self.ld_article.get("inLanguage") or self.meta("og:locale")
        return re.split(r"[-_]", lang)[0].lower() if isinstance(lang, str) and lang else None

    def section(self) -> str | None:
        section = self.ld_article.get("articleSection") or self.meta("article:section")
        return section[0] if isinstance(section, list) and section else section

    def tags(self) -> list[str]:
        keywords = self.ld_article.get("keywords")
        if isinstance(keywords, str):
            keywords = [k.strip() for k in keywords.split(",")]
        return [k for k in keywords or [] if isinstance(k, str) and k]

    def main_image_url(self) -> str | None:
        return self.absolute(self.meta("og:image"))

    def authors(self) -> list[str]:
        author = self.ld_article.get("author")
        names: list[str] = []
        for node in author if isinstance(author, list) else [author]:
            if isinstance(node, dict) and node.get("name"):
                names.extend(clean_byline(node["name"]))
            elif isinstance(node, str):
                names.extend(clean_byline(node))
        return names or clean_byline(self.meta("author", "article:author") or "")

    def comment_count_declared(self) -> int | None:
        count = self.ld_article.get("commentCount")
        return int(count) if isinstance(count, (int, str)) and str(count).isdigit() else None
