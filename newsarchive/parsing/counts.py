"""Declared comment counts as pages write them ("74 Ergänzungen", "Vos réactions (15)", "Un commentaire")."""
from __future__ import annotations

import re

from lxml import etree

from .dates import fold

WORD = (r"(?:comments?|commentaires?|kommentare?n?|erganzungen|erganzung|antworten|antwort"
        r"|reactions?|reponses?|responses?|repl(?:y|ies)|thoughts?|comentarios?|reacties?"
        r"|commenti|commento|leserkommentare?|beitrage?|messages?|contributions?)")
NUMBER = r"(\d{1,3}(?:[.,\u202f\u00a0 ]\d{3})+|\d+)"
NUMBER_FIRST = re.compile(rf"(?:^|[^\w.,]){NUMBER}\s*{WORD}\b")
WORD_FIRST = re.compile(rf"\b{WORD}\s*[(\[:]\s*{NUMBER}\s*[)\]]?")
WORDS_AS_NUMBERS = {
    "one": 1, "un": 1, "une": 1, "ein": 1, "eine": 1, "einen": 1, "uno": 1, "una": 1, "um": 1,
    "no": 0, "aucun": 0, "aucune": 0, "keine": 0, "kein": 0, "ningun": 0, "nenhum": 0, "zero": 0,
    "pas de": 0, "sin": 0, "two": 2, "deux": 2, "zwei": 2,
}
SPELLED = re.compile(r"^(?:\W*)(" + "|".join(sorted(WORDS_AS_NUMBERS, key=len, reverse=True))
                     + rf")\s+{WORD}\b")
COMMENTS_AREA = etree.XPath("//*[@id = 'comments' or @id = 'comments-title'] | //*[@id = 'disqus_thread']/..")
# The heading sits near the top of the comments area: three levels down, not in every comment.
AREA_HEADINGS = etree.XPath(
    "(self::* | * | */* | */*/*)[self::h1 or self::h2 or self::h3 or self::h4 or self::h5"
    " or self::h6 or contains(@class, 'title') or contains(@class, 'count')]")
HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
COMMENT_CLASSES = etree.XPath("//@class[contains(., 'omment')]")
TITLE_CLASS = re.compile(r"comments?-(?:title|count|header)")
COUNTER_CLASS = re.compile(r"post-comments|comments-link|comments?-count")
QUICK = re.compile(r"omm|oment|ntwort|rg[aä]nz|acti|ponse|spons|repl|hought|eitr|essage|ontrib", re.I)
ELSEWHERE = frozenset({"widget", "sidebar", "widget-area", "related", "related-posts",
                       "jp-relatedposts", "yarpp-related"})
COUNTER_LINKS = etree.XPath("//@href[contains(., '#comments') or contains(., '#respond')"
                            " or contains(., '#disqus_thread')]/parent::a")
MAX_TEXT = 160


def parse_count(text: str | None) -> int | None:
    """The count a short text states ("21 COMMENTAIRES", "Vos réactions (15)", "Un commentaire")."""
    if not text or len(text) > 4 * MAX_TEXT or not QUICK.search(text):
        return None
    folded = " ".join(fold(text).split())
    if not folded or len(folded) > MAX_TEXT:
        return None
    for pattern in (NUMBER_FIRST, WORD_FIRST):
        match = pattern.search(folded)
        if match:
            return _number(match.group(1))
    spelled = SPELLED.match(folded)
    return WORDS_AS_NUMBERS[spelled.group(1)] if spelled else None


def _headings(tree) -> list:
    """Headings and comment-title/count boxes, page order."""
    found = list(tree.iter(*HEADING_TAGS))
    titled = _with_class(tree, TITLE_CLASS, ("div", "span", "p"))
    if not titled:
        return found
    return sorted(found + titled, key=lambda element: element.sourceline or 0)  # stable: page order


def _with_class(tree, pattern: re.Pattern, tags: tuple) -> list:
    """Elements of ``tags`` whose class matches ``pattern``, page order."""
    found = (value.getparent() for value in COMMENT_CLASSES(tree) if pattern.search(value))
    return [element for element in found if element.tag in tags]


def _elsewhere(element) -> bool:
    """Inside a sidebar, widget or related-posts block (counts of other posts)."""
    return any(not ELSEWHERE.isdisjoint((a.get("class") or "").split()) for a in element.iterancestors())


def _number(value: str) -> int:
    return int(re.sub(r"\D", "", value))


def declared_count(tree) -> int | None:
    """The number of comments the page says it has: a comments heading first, then a counter link."""
    for find in (_from_comments_area, _from_headings, _from_counters):
        count = find(tree)
        if count is not None:
            return count
    return None


def _from_comments_area(tree) -> int | None:
    for area in COMMENTS_AREA(tree):
        for element in AREA_HEADINGS(area):
            count = parse_count(element.text_content())
            if count is not None:
                return count
    return None


def _from_headings(tree) -> int | None:
    for element in _headings(tree):
        count = parse_count(element.text_content())
        if count is not None and not _elsewhere(element):
            return count
    return None


def _from_counters(tree) -> int | None:
    """A comments link or counter: "12 comments", or a bare number (tagDiv's meta line)."""
    counters = COUNTER_LINKS(tree) + _with_class(tree, COUNTER_CLASS, ("div", "span"))
    for element in sorted(counters, key=lambda element: element.sourceline or 0):
        text = " ".join(element.text_content().split())
        count = parse_count(text)
        if count is None and text.isdigit():
            count = int(text)
        if count is not None:
            return count
    return None


__all__ = ["declared_count", "parse_count"]
