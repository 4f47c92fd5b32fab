"""Stack Exchange questions: answers (``div.answer[data-answerid]``) and the comments under each post."""
from __future__ import annotations

from lxml import etree

from ..items import Comment
from ..parsing.dates import parse_date
from ..parsing.text import normalize_space
from .base import ThreadContext
from .fields import classes, cls, is_meta
from .items import ItemThread
from .prescan import class_token, owners

ANSWER_TAGS = frozenset({"div"})
COMMENT_TAGS = frozenset({"li"})
# The post's owner signs last (an editor's signature may come first).
OWNER = etree.XPath("(.//div[contains(@class, 'post-signature')])[last()]")
OWNER_NAME = etree.XPath(".//div[@class='user-details']/a")
OWNER_TIME = etree.XPath(".//span[contains(@class, 'relativetime')]")
ANSWER_CLASS = class_token("answer")
NOT_TEXT = frozenset({"post-signature", "post-menu", "votecell", "comments", "comment-actions", "js-post-notices"})


class StackExchangeThread(ItemThread):
    """The question is the article; an answer answers it, a comment answers the post it sits under
    (comments under the question answer the question: top level)."""

    name = "stack_exchange"
    prescan = {"class": ("omm", "answer")}
    item_marks = {b"data-answerid": (b" ",), b"data-comment-id": (b" ",)}
    author_rules = [cls("comment-user")]
    content_rules = [cls("comment-copy", "post-text", "js-post-body")]
    date_rules = [cls("relativetime-clean")]
    marks_items = True
    item_attributes = {"data-answerid": ANSWER_TAGS, "data-comment-id": COMMENT_TAGS}

    def items_from(self, hits) -> list:
        answers = owners(hits, "class", ANSWER_CLASS, ANSWER_TAGS)
        answers = [answer for answer in answers if answer.get("data-answerid")]
        comments = owners(hits, "class", _comment_class, COMMENT_TAGS)
        comments = [comment for comment in comments if comment.get("data-comment-id")]
        if not answers and not comments:
            return []
        found = set(answers) | set(comments)
        return [element for element in hits.tree.iter("div", "li") if element in found]

    def item_id(self, item) -> str | None:
        return item.get("data-answerid") or item.get("data-comment-id")

    def comment(self, item, parts: list, ctx: ThreadContext) -> Comment:
        comment = super().comment(item, parts, ctx)
        if item.get("data-answerid"):
            signed = OWNER(item)
            names = OWNER_NAME(signed[0]) if signed else []
            times = OWNER_TIME(signed[0]) if signed else []
            comment.author_name = normalize_space(names[0].text_content()) if names else None
            comment.author_url = ctx.absolute(names[0].get("href")) if names else None
            if times:
                comment.date_published_raw = normalize_space(times[0].text_content()) or None
                comment.date_published = parse_date(times[0].get("title"), ctx.tz, ctx.languages, ctx.fetched_at)
        return comment

    @staticmethod
    def skip(element) -> bool:
        return is_meta(element) or not classes(element).isdisjoint(NOT_TEXT)


def _comment_class(value: str) -> bool:
    """``comment`` and ``js-comment`` (a blog's li.comment may carry a data-comment-id too)."""
    if "js-comment" not in value:
        return False
    names = value.split()
    return "comment" in names and "js-comment" in names


__all__ = ["StackExchangeThread"]
