"""The last resort: repeated elements named like comments ("commentaire", "comment-card") holding a text."""
from __future__ import annotations

import re

from lxml import etree

from ..items import Comment
from ..parsing.dates import parse_date
from ..parsing.text import normalize_space
from .base import ThreadContext, content_id
from .fields import CONTENT_RULES, classes, first, paths
from .items import ItemThread
from .prescan import owners

WORDS = r"(?:comment|commentaire|kommentar|reaction|reactie|comentario|commento)"
CARD_CLASS = re.compile(
    rf"^(?:[a-z]{{1,6}}[-_])?{WORDS}(?:[-_](?:card|item|box|entry|wrap|wrapper|container|block|row))?$",
    re.I)
CARD_TAGS = frozenset({"li", "div", "article", "section"})
CARD_CONTENT = paths(
    "descendant::*[" + " or ".join(
        f"contains(@class, '{w}-text') or contains(@class, '{w}-content')"
        f" or contains(@class, '{w}_text') or contains(@class, '{w}-body')"
        for w in ("comment", "commentaire", "kommentar", "reaction")) + "]",
    "descendant::*[@itemprop='text' or @itemprop='commentText']")
NAME_LINE = etree.XPath("descendant-or-self::*[self::strong or self::b]")
NAME_AND_DATE = re.compile(r"^(.+?)\s+[-–—|•·,]\s+(.*\d.*)$")
BLOCK = frozenset({"div", "p", "section", "blockquote", "article"})
ID_ATTRIBUTES = ("data-comment-id", "data-commentid", "data-id", "id")


def _card_classes(value: str) -> bool:
    return any(CARD_CLASS.match(name) for name in value.split())


class CardThread(ItemThread):
    """Elements whose class names a comment and which hold a comment-text element of their own."""

    name = "cards"
    prescan = {"class": ("omm", "eaction")}
    content_rules = [("xpath", path) for path in CARD_CONTENT] + CONTENT_RULES

    def items_from(self, hits) -> list:
        cards = owners(hits, "class", _card_classes, CARD_TAGS)
        card_set = set(cards)
        contents = _card_contents(cards, card_set)
        kept = [card for card in cards if _owns_content(card, contents.get(card), card_set)]
        return _promote(kept, cards, card_set) if kept else []

    def item_id(self, item) -> str | None:
        for name in ID_ATTRIBUTES:
            found = re.search(r"\d{3,}", item.get(name) or "")
            if found:
                return found.group(0)
        for element in item.iterdescendants():
            if _card_classes(element.get("class") or ""):
                return None  # a reply's markup starts: its ids are not this card's
            found = re.search(r"\d{4,}", element.get("id") or "")
            if found:
                return found.group(0)
        return None

    def comment(self, item, parts: list, ctx: ThreadContext) -> Comment:
        comment = super().comment(item, parts, ctx)
        if comment.author_name is None:
            _name_line(comment, parts, ctx)
            if self.item_id(item) is None:  # the id hashes what the comment says, name included
                comment.comment_id = content_id(comment.author_name, comment.date_published
                                                or comment.date_published_raw, comment.text)
        return comment


def _promote(kept: list, cards: list, card_set: set) -> list:
    """An inner box (``comment-block``) stands for the card around it (``li.comment``) when it is
    that card's only comment: replies nest in the outer card, not in the box."""
    nearest = {card: next((a for a in card.iterancestors() if a in card_set), None) for card in cards}
    current = set(kept)
    changed = True
    while changed:
        changed = False
        inside: dict = {}
        for card in current:
            inside.setdefault(nearest[card], []).append(card)
        for card in list(current):
            outer = nearest[card]
            if outer is not None and outer not in current and (
                    inside.get(outer) == [card] or not _has_id(card) and _has_id(outer)):
                current.discard(card)
                current.add(outer)
                changed = True
                break
    return [card for card in cards if card in current]


def _has_id(element) -> bool:
    return any(re.search(r"\d{3,}", element.get(name) or "") for name in ID_ATTRIBUTES)


def _card_contents(cards: list, card_set: set) -> dict:
    """Each card's comment-text element (the first the first path finds inside it, else the next
    path's), every path searched once per outermost card rather than once per card."""
    outermost = [card for card in cards if not any(a in card_set for a in card.iterancestors())]
    contents: dict = {}
    for path in CARD_CONTENT:
        for outer in outermost:
            for match in path(outer):  # document order: a card keeps the first match inside it
                for ancestor in match.iterancestors():
                    if ancestor in card_set and ancestor not in contents:
                        contents[ancestor] = match
                    if ancestor is outer:
                        break
    return contents


def _owns_content(card, content, cards: set) -> bool:
    """True when the card's comment text (``content``) is not inside a smaller card."""
    if content is None or content.tag not in BLOCK or card.find(".//form") is not None:
        return False
    for ancestor in content.iterancestors():
        if ancestor is card:
            return True
        if ancestor in cards:
            return False
    return False


def _name_line(comment: Comment, parts: list, ctx: ThreadContext) -> None:
    """The first bold line outside the text: "Name" or "Name - Le 22/01/2020 à 12:01"."""
    for part in parts:
        for node in NAME_LINE(part):
            if first([node], CARD_CONTENT) is not None or _inside_text(node, part.getparent()):
                continue
            line = normalize_space(node.text_content())
            match = NAME_AND_DATE.match(line)
            if match and parse_date(match.group(2), ctx.tz, ctx.languages, ctx.fetched_at):
                comment.author_name = match.group(1)
                comment.date_published_raw = comment.date_published_raw or match.group(2)
                comment.date_published = comment.date_published or parse_date(
                    match.group(2), ctx.tz, ctx.languages, ctx.fetched_at)
            else:
                comment.author_name = line or None
            return


def _inside_text(node, stop) -> bool:
    for ancestor in node.iterancestors():
        if ancestor is stop:
            return False
        names = " ".join(classes(ancestor))
        if any(word in names for word in ("-text", "-content", "_text", "-body")):
            return True
    return False


__all__ = ["CardThread"]
