"""Replies in a list after the comment they answer, and names read from profile links or nickname classes."""
from __future__ import annotations

from .conftest import rows


def test_replies_in_the_sibling_list_answer_the_comment_before_it(thread):
    comments, _ = thread("sibling_reply_lists.html")
    assert [(c.comment_id, c.parent_comment_id, c.depth) for c in comments] == [
        ("5101", None, 1), ("5107", "5101", 2), ("5110", "5107", 3), ("5120", None, 1)]


def test_names_come_from_the_first_profile_link_without_the_at_sign(thread):
    comments, _ = thread("sibling_reply_lists.html")
    assert [row[4] for row in rows(comments)] == ["nightowl", "tracklayer", "nightowl", "commuter_k"]
    assert " ".join(comments[1].text.split()) == (
        "Agreed, although the couchettes were far too warm. Mention @nightowl if you book again.")


def test_names_from_nickname_classes_and_profile_links_of_forums_and_code_hosts(thread):
    comments, _ = thread("profile_links.html")
    assert [row[4] for row in rows(comments)] == ["retro_rita", "Ben Kowalski (ben-k)", "oldtimer"]
