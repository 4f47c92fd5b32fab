"""Threads on markup no family knows: found by their structure, or read from data held in the page."""
from __future__ import annotations

import pytest

from newsarchive.threads import choose_parser

from .conftest import load_page, rows


def thread_of(name: str):
    page = load_page(f"structural/{name}")
    return page.comments(), page


def dated(comments) -> list[tuple]:
    return [(c.date_published, c.date_published_raw) for c in comments]


def test_custom_newspaper_block_with_reply_buttons():
    comments, page = thread_of("newspaper_custom.html")
    assert choose_parser(page.tree) is None  # no family claims it: the structure does
    assert rows(comments) == [
        ("5501", None, 1, "comment", "Moussa K.", None),
        ("5502", None, 1, "comment", "Awa Traoré", None),
        ("5503", None, 1, "comment", "Ibrahim", None),
    ]
    assert [c.text for c in comments] == [
        "Chez nous à Kati le sac est déjà à 6 500.",
        "Il faut contrôler les marges des grossistes.\n\nLe gouvernement doit agir.",
        "Les taxes à la frontière expliquent tout."]
    # "il y a 2 heures" counts back from the capture time (2024-03-10T12:00:00Z)
    assert dated(comments) == [("2024-03-12T10:15:00Z", "12 mars 2024 à 10:15"),
                               ("2024-03-12T11:02:00Z", "12 mars 2024 à 11:02"),
                               ("2024-03-10T10:00:00Z", "il y a 2 heures")]


def test_drupal_theme_with_renamed_classes_and_indented_replies():
    comments, _ = thread_of("drupal10.html")
    assert rows(comments) == [
        ("301", None, 1, "comment", "jdoe", "https://example.org/user/14"),
        ("302", "301", 2, "comment", "Mary Smith", "https://example.org/user/15"),
        ("303", None, 1, "comment", "Anonymous (not verified)", None),
    ]
    assert (comments[0].title, comments[0].text) == ("About time", "About time. The 12 is always late.")
    assert comments[1].text == "Agreed, and the 40 too."
    assert dated(comments)[2] == ("2024-03-08T09:15:00Z", "March 8, 2024 - 09:15")


def test_forum_table_under_the_article_with_in_reply_to_line():
    comments, _ = thread_of("forum_embedded.html")
    assert [(c.author_name, c.depth) for c in comments] == [("Heiko_B", 1), ("Lena", 1), ("Tom77", 2)]
    assert comments[2].parent_comment_id == comments[1].comment_id  # "Als Antwort auf Lena"
    assert [c.text for c in comments][:2] == ["Endlich! Darauf warten wir seit zehn Jahren.",
                                              "Und was ist mit der Haltestelle am Markt?"]
    assert [c.date_published for c in comments] == [
        "2024-03-10T09:00:00Z", "2024-03-09T18:47:00Z", "2024-03-08T09:12:00Z"]
    # no id in the markup: a content hash, the same on every extraction
    assert comments[0].comment_id.startswith("h") and thread_of("forum_embedded.html")[0][0].comment_id == \
        comments[0].comment_id


def test_replies_in_sibling_containers():
    comments, _ = thread_of("sibling_replies.html")
    assert rows(comments) == [
        ("9001", None, 1, "comment", "Ana", "https://blog.example.net/ana"),
        ("9002", "9001", 2, "comment", "Pedro", None),
        ("9003", "9002", 3, "comment", "Ana", None),
        ("9004", None, 1, "comment", "Lucía", None),
    ]
    assert comments[2].text == "@Pedro ¿y el riego por goteo ayuda?"
    assert comments[0].date_published == "2024-03-05T00:00:00Z"


def test_blogger_like_thread():
    comments, _ = thread_of("blogger_like.html")
    assert rows(comments) == [
        ("7001", None, 1, "comment", "Rosie", "https://www.blogger.com/profile/111"),
        ("7002", "7001", 2, "comment", "Garden Gus", "https://www.blogger.com/profile/222"),
        ("7003", None, 1, "comment", "Anonymous", None),
    ]
    assert comments[0].date_published == "2024-03-03T13:46:00Z"
    assert comments[1].text == "Thank you Rosie, they opened in one day."


def test_json_ld_comments_nested_as_replies():
    comments, _ = thread_of("json_ld.html")
    assert rows(comments) == [
        ("41", None, 1, "comment", "Kofi", "https://kofi.example.com"),
        ("42", "41", 2, "comment", "Ines", None),
        ("43", None, 1, "comment", "Sam", None),
    ]
    assert [c.text for c in comments] == ["Inspections were overdue for years.", "Source?",
                                          "The detour adds forty minutes."]
    assert [c.date_published for c in comments] == [
        "2024-03-05T07:00:00Z", "2024-03-05T08:30:00Z", "2024-03-06T12:00:00Z"]


def test_next_data_state_with_collapsed_replies():
    comments, _ = thread_of("next_data.html")
    assert rows(comments) == [
        ("c-1", None, 1, "comment", "Giulia", None),
        ("c-2", "c-1", 2, "comment", "Marco", None),
        ("c-3", None, 1, "comment", "Paolo", None),
    ]
    assert comments[1].text == "Con quali soldi però?"
    assert comments[1].date_published == "2024-03-09T16:00:00Z"  # epoch milliseconds


def test_flat_thread_nested_by_indentation_with_name_says_lines():
    comments, _ = thread_of("flat_depth.html")
    assert rows(comments) == [
        ("11", None, 1, "comment", "Janek", None),  # "Janek napisał:"
        ("12", "11", 2, "comment", "Ola_K", None),  # margin-left: 30px
        ("13", "12", 3, "comment", "Janek", None),
        ("14", None, 1, "comment", "Marek", None),
    ]
    assert [c.text for c in comments][:2] == ["Wreszcie, czekamy od lat.", "Ciekawe ile będzie kosztował."]
    assert dated(comments)[3] == ("2024-03-09T09:00:00Z", "wczoraj 09:00")  # the day before the capture


def test_apollo_state_objects_by_reference():
    comments, _ = thread_of("state_assignments.html")
    assert rows(comments) == [("501", None, 1, "comment", "Fanta", None),
                              ("502", "501", 2, "comment", "Cheick", None)]
    assert comments[1].text == "Et les places de parking ?"


def test_framework_state_without_a_thread_yields_no_comment():
    """Other stories with a body, an author and an id are not comments: nothing names them a thread."""
    assert thread_of("next_no_comments.html")[0] == []


def test_lists_that_are_not_threads_yield_no_comment():
    """Navigation, related articles, recent comments on other posts, most read, a sign-in prompt
    and the article's own dated paragraphs."""
    comments, page = thread_of("not_a_thread.html")
    assert comments == []
    article = _generic("not_a_thread.html").article()
    assert article.comments == [] and "2,000 jobs" in article.article_body


def test_header_cell_beside_numbered_reply_cells_is_no_comment():
    """A reply box's first cell (tags, "3 条回复 • date") shares the replies' tag and class but not
    their numbered id (r_N): it is not one of them."""
    comments, page = thread_of("numbered_cells.html")
    assert choose_parser(page.tree) is None
    assert rows(comments) == [
        ("7100231", None, 1, "comment", "qingmu", "https://example.org/member/qingmu"),
        ("7100298", None, 1, "comment", "xiaoyu88", "https://example.org/member/xiaoyu88"),
        ("7100345", None, 1, "comment", "beiwang", "https://example.org/member/beiwang"),
    ]
    assert not any("条回复" in c.text for c in comments)


@pytest.mark.parametrize("name", ["newspaper_custom.html", "drupal10.html", "sibling_replies.html"])
def test_comment_texts_stay_out_of_the_article_body(name):
    article = _generic(name).article()
    assert article.comments
    for comment in article.comments:
        assert comment.text.split("\n")[0] not in article.article_body


def _generic(name: str):
    from newsarchive.items import FetchedPage
    from newsarchive.pages.generic import GenericPage

    from .conftest import FETCHED_AT, FIXTURES

    body = (FIXTURES / "structural" / name).read_bytes()
    url = "https://example.org/article"
    return GenericPage(url, [FetchedPage(url, 200, [("Content-Type", "text/html; charset=utf-8")], body,
                                         FETCHED_AT)])


@pytest.mark.parametrize("raw, expected", [
    ("2 days ago at 07:52 am", "2024-03-08T07:52:00Z"),
    ("3 days ago at 09:15 pm", "2024-03-07T21:15:00Z"),
    ("il y a 3 jours à 14h05", "2024-03-07T14:05:00Z"),
    ("vor 2 Tagen um 18:47", "2024-03-08T18:47:00Z"),
    ("hace 2 días a las 10:30", "2024-03-08T10:30:00Z"),
])
def test_relative_day_with_a_time_of_day(raw, expected):
    from datetime import datetime, timezone

    from newsarchive.parsing.dates import parse_date

    assert parse_date(raw, "UTC", (), datetime(2024, 3, 10, 12, tzinfo=timezone.utc)) == expected


def test_a_feed_of_posts_linking_each_to_its_own_page_is_no_thread():
    """Entries of a listing carry a name, a time and a text like comments, but each links to its own
    article (/post/N for entry N), where a comment's permalink points into the page or names a comment."""
    assert thread_of("feed_of_posts.html")[0] == []
