"""YouTube's comment thread as a saved watch page holds it (the Polymer elements a browser rendered)."""
from __future__ import annotations

from pathlib import Path

from newsarchive.items import FetchedPage
from newsarchive.pages.base import Page
from newsarchive.threads import choose_parser

from .conftest import FETCHED_AT, rows

PAGE = Path(__file__).resolve().parents[1] / "fixtures" / "families" / "html" / "youtube_rendered_fr.html"
URL = "https://www.youtube.com/watch?v=Xy7kP0rT2aQ"
TOP = "UgzK3vQp9LmN2xR7tYb4AaABAg"
MARGAUX = "https://www.youtube.com/channel/UCm4rG0uXkL2bq9Tz1aFvWcQ"


def watch_page() -> Page:
    fetched = FetchedPage(URL, 200, [("Content-Type", "text/html; charset=utf-8")], PAGE.read_bytes(), FETCHED_AT)
    return Page(URL, [fetched])


def test_the_watch_page_is_claimed_by_the_youtube_family():
    assert choose_parser(watch_page().tree).name == "youtube_rendered"


def test_threads_and_their_replies_in_page_order_with_permalink_ids():
    comments = watch_page().comments()
    # the template of the thread renderer (an empty comment in a dom-module) is not a comment
    assert rows(comments) == [
        (TOP, None, 1, "comment", "Margaux Lefèvre", MARGAUX),
        (f"{TOP}.9aBcDeFgHiJ9aBcKlMnOpQ", TOP, 2, "comment", "Yannick B.", "https://www.youtube.com/user/yannickbrevet"),
        (f"{TOP}.9aBcDeFgHiJ9aBdRsTuVwX", TOP, 2, "comment", "Margaux Lefèvre", MARGAUX),
        ("UgwT8hEs2oPq4KdV1nZx4AaABAg", None, 1, "comment", "CycloRandonneur38",
         "https://www.youtube.com/channel/UCz0P5sHq7YdNw3Ej8LbRtKa"),
        ("Ugy5FmWc0jRa7LbS3uHe4AaABAg", None, 1, "comment", "Atelier Roue Libre",
         "https://www.youtube.com/channel/UCa9KwPd3TsXvBn6Lq2MyEhu"),
    ]


def test_texts_are_the_comment_alone():
    comments = watch_page().comments()
    texts = [" ".join(c.text.split()) for c in comments]
    assert texts[1] == "Trois jours, c'est aussi ce qu'on a mis, en dormant au camping de Saumur.\ufeff"  # no "Répondre", no likes
    # a timestamp link stays in the text; "Lire la suite" does not
    assert texts[3] == "À 2:14 on voit bien la piste cyclable séparée de la route. Quelle longueur fait ce tronçon ?\ufeff"
    assert '<a href="https://www.youtube.com/watch?v=Xy7kP0rT2aQ&amp;t=134s">2:14</a>' in comments[3].text_html


def test_relative_times_count_back_from_the_capture_and_an_edit_note_is_kept_raw():
    comments = watch_page().comments()
    assert [c.date_published_raw for c in comments] == [
        "il y a 2 ans", "il y a 1 an", "il y a 11 mois (modifié)", "il y a 3 mois", "il y a 5 jours"]
    assert [c.date_published for c in comments] == [
        "2022-03-10T12:00:00Z", "2023-03-10T12:00:00Z", "2023-04-10T12:00:00Z", "2023-12-10T12:00:00Z",
        "2024-03-05T12:00:00Z"]
