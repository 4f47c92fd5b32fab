"""JS-only widgets, declared counts in the page's language, and comment dates."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from lxml import html

from newsarchive.pages.base import HTML_PARSER
from newsarchive.pages.widgets import detect_widget
from newsarchive.parsing.counts import declared_count, parse_count
from newsarchive.parsing.dates import date_text, parse_date, parse_iso

from .conftest import load_page


@pytest.mark.parametrize("markup, widget", [
    ('<div id="disqus_thread"></div>', "disqus"),
    ('<div class="fb-comments" data-href="https://x.org/a" data-numposts="10"></div>', "facebook"),
    ('<amp-facebook-comments data-href="https://x.org/a"></amp-facebook-comments>', "facebook"),
    ('<div id="commento"></div>', "commento"),
    ("<script>var epoch_vars = {};</script>", "epoch"),
    ('<div data-spotim-module="conversation" data-post-id="1"></div>', "openweb"),
    ('<div class="viafoura"><vf-conversations></vf-conversations></div>', "viafoura"),
    ('<script src="https://cdn.viafoura.net/entry/index.js"></script>', "viafoura"),
    ('<div id="wpdcom"><div id="wpd-comm-1_0" class="wpd-comment"></div></div>', "wpdiscuz"),
    ("<p>Nothing here.</p>", None),
])
def test_widgets_are_detected_never_guessed(markup, widget):
    tree = html.document_fromstring(f"<html><body><article><p>Text.</p></article>{markup}</body></html>",
                                    parser=HTML_PARSER)  # the archive's own parser (no id index)
    assert detect_widget(tree) == widget


def test_widget_only_page_yields_no_comments():
    page = load_page("disqus_only.html")
    assert (detect_widget(page.tree), page.comments(), declared_count(page.tree)) == ("disqus", [], 0)


@pytest.mark.parametrize("text, count", [
    ("74 Ergänzungen", 74), ("Vos réactions (15)", 15), ("21 COMMENTAIRES", 21),
    ("1 Kommentar", 1), ("3 Responses to “Bridges”", 3), ("Un commentaire", 1),
    ("12 thoughts on “Bridges of the Niger”", 12), ("Tous vos commentaires (11)", 11),
    ("1.977 commentaires", 1977), ("No comments yet", 0), ("Keine Kommentare", 0),
    ("2 Comentários", 2), ("Commentaires", None), ("Leave a Reply", None), ("", None),
])
def test_parse_count(text, count):
    assert parse_count(text) == count


@pytest.mark.parametrize("name, count", [
    ("wp_html5.html", 4), ("wp_xhtml.html", 3), ("tagdiv.html", 3), ("spip_dist.html", 3),
    ("cards.html", 5), ("drupal7.html", None),
])
def test_declared_count_of_pages(name, count):
    assert declared_count(load_page(name).tree) == count


BASE = datetime(2024, 1, 10, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("text, iso", [
    ("il y a 2 heures", "2024-01-10T10:00:00Z"), ("vor 3 Tagen", "2024-01-07T12:00:00Z"),
    ("2 hours ago", "2024-01-10T10:00:00Z"), ("hace 3 días", "2024-01-07T12:00:00Z"),
    ("há 2 dias", "2024-01-08T12:00:00Z"), ("vor einer Stunde", "2024-01-10T11:00:00Z"),
    ("hier à 14h30", "2024-01-09T14:30:00Z"), ("gestern um 18:47 Uhr", "2024-01-09T18:47:00Z"),
    ("November 30, 2013 um 5:10 pm", "2013-11-30T17:10:00Z"),
    ("12 maggio 2016 alle 10:05", "2016-05-12T10:05:00Z"), ("Antworten", None),
])
def test_parse_date_languages_and_relative_forms(text, iso):
    assert parse_date(text, relative_base=BASE) == iso


@pytest.mark.parametrize("text, iso", [
    ("5 минут назад", "2024-01-10T11:55:00Z"), ("2 минуты назад", "2024-01-10T11:58:00Z"),
    ("минуту назад", "2024-01-10T11:59:00Z"), ("час назад", "2024-01-10T11:00:00Z"),
    ("2 часа назад", "2024-01-10T10:00:00Z"), ("5 часов назад", "2024-01-10T07:00:00Z"),
    ("1 день назад", "2024-01-09T12:00:00Z"), ("3 дня назад", "2024-01-07T12:00:00Z"),
    ("5 дней назад", "2024-01-05T12:00:00Z"), ("неделю назад", "2024-01-03T12:00:00Z"),
    ("2 недели назад", "2023-12-27T12:00:00Z"), ("5 недель назад", "2023-12-06T12:00:00Z"),
    ("месяц назад", "2023-12-10T12:00:00Z"), ("2 месяца назад", "2023-11-10T12:00:00Z"),
    ("5 месяцев назад", "2023-08-10T12:00:00Z"), ("год назад", "2023-01-10T12:00:00Z"),
    ("2 года назад", "2022-01-10T12:00:00Z"), ("5 лет назад", "2019-01-10T12:00:00Z"),
    ("вчера в 12:30", "2024-01-09T12:30:00Z"), ("сегодня в 09:15", "2024-01-10T09:15:00Z"),
    ("позавчера", "2024-01-08T00:00:00Z"), ("2 дня назад в 14:05", "2024-01-08T14:05:00Z"),
])
def test_russian_relative_dates(text, iso):
    assert parse_date(text, relative_base=BASE) == iso


@pytest.mark.parametrize("text, iso", [
    ("vor 2 Wochen", "2023-12-27T12:00:00Z"), ("2 Stunden zurück", "2024-01-10T10:00:00Z"),
    ("2 ore fa", "2024-01-10T10:00:00Z"), ("un'ora fa", "2024-01-10T11:00:00Z"),
    ("2 anni fa", "2022-01-10T12:00:00Z"), ("2 weken geleden", "2023-12-27T12:00:00Z"),
    ("gisteren om 14:30", "2024-01-09T14:30:00Z"), ("2 dagen geleden om 10:00", "2024-01-08T10:00:00Z"),
    ("an hour ago", "2024-01-10T11:00:00Z"), ("hace un mes", "2023-12-10T12:00:00Z"), ("il y a 2 ans", "2022-01-10T12:00:00Z"),
])
def test_relative_forms_read_alike_in_every_declared_language(text, iso):
    """Plurals, counts of one and times of day, without the general parser."""
    assert parse_date(text, relative_base=BASE) == iso
    assert _quick_dates_only(text) == iso


@pytest.mark.parametrize("text, iso", [
    ("il y a 2 h", "2024-01-10T10:00:00Z"), ("il y a 3 j", "2024-01-07T12:00:00Z"), ("5 ч назад", "2024-01-10T07:00:00Z"),
    ("2 hommes", None), ("il y a 3 jeunes", None), ("5 человек назад", None),
])
def test_a_one_letter_unit_is_the_whole_word(text, iso):
    """"h", "j", "ч" abbreviate a unit; a word that merely starts with one names none."""
    assert parse_date(text, relative_base=BASE) == iso


def _quick_dates_only(text: str):
    from newsarchive.parsing import dates

    folded = " ".join(dates.fold(text).split())
    return (dates._quick_relative(folded, BASE) or dates._day_word(folded, BASE, "UTC")
            or dates._relative_at(folded, BASE, "UTC"))


def test_iso_without_minute_colon_and_date_text():
    assert parse_iso("2023-11-02T1643") == "2023-11-02T16:43:00Z"
    assert date_text("par JPA le 7 mai 2020 - 12:38.") == "7 mai 2020 - 12:38"
