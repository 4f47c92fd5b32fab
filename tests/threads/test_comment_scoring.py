"""The comment benchmark's scoring (tests/bench/accuracy_comments.py) on a tiny synthetic gold."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from newsarchive.items import Article, Comment

SPEC = importlib.util.spec_from_file_location(
    "accuracy_comments", Path(__file__).resolve().parents[1] / "bench" / "accuracy_comments.py")
scoring = importlib.util.module_from_spec(SPEC)
sys.modules["accuracy_comments"] = scoring  # dataclasses look their module up there
SPEC.loader.exec_module(scoring)

GOLD = {"page": "x.html", "declared_count": 3, "comments_in_html": True, "comments": [
    {"id": "1", "parent": None, "type": "comment", "author": "Awa", "published": "2024-03-01T11:15:00+01:00",
     "text_start": "I crossed the bridge last week and the traffic was awful", "text_end": "awful"},
    {"id": "2", "parent": "1", "type": "comment", "author": "Moussa", "published": None,
     "text_start": "Same here, the traffic was awful at noon on Friday too", "text_end": "too"},
    {"id": "3", "parent": None, "type": "pingback", "author": "Ten bridges", "published": None,
     "text_start": "", "text_end": ""},
]}


def _article(comments, body="The article.", declared=3):
    return Article(url="https://x.org/a", article_body=body, comments=comments,
                   comment_count_declared=declared)


def test_a_perfect_thread_scores_one():
    predicted = [
        Comment("a", None, author_name="awa", date_published="2024-03-01T10:15:40Z",
                text="I  crossed the bridge last week and the traffic was awful."),
        Comment("b", "a", author_name="Moussa", text="Same here, the traffic was awful at noon on Friday too."),
        Comment("c", None, type="pingback", author_name="Ten bridges", text=""),
    ]
    score = scoring.score_page(GOLD, _article(predicted))
    assert (score.matched, score.parent_ok, score.author_ok, score.date_ok, score.dated) == (3, 3, 3, 1, 1)
    assert score.declared_ok and not score.leaks and not score.invented


def test_wrong_parent_author_leak_and_extra_comment_are_counted():
    predicted = [
        Comment("a", None, author_name="Someone", text="I crossed the bridge last week and the traffic was awful"),
        Comment("b", None, author_name="Moussa", text="Same here, the traffic was awful at noon on Friday too"),
        Comment("z", None, author_name="Spam", text="Buy now"),
    ]
    body = "The article. I crossed the bridge last week and the traffic was awful"
    score = scoring.score_page(GOLD, _article(predicted, body=body, declared=None))
    totals = scoring.totals([score])
    assert (score.matched, score.parent_ok, score.author_ok) == (2, 1, 1)
    assert totals["precision"] == 2 / 3 and totals["recall"] == 2 / 3
    assert score.leaks == 1 and not score.declared_ok


def test_comments_on_a_widget_only_page_are_invented():
    gold = {"page": "w.html", "declared_count": None, "comments_in_html": False, "comments": []}
    score = scoring.score_page(gold, _article([Comment("x", text="Hello")], declared=None))
    assert score.invented and scoring.totals([score])["precision"] == 0.0
