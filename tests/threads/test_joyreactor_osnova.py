"""JoyReactor's comments (replies in sibling lists, epoch timestamps, picture-only comments) and
Osnova's (vc.ru) relative times whose title names the moment and its zone."""
from __future__ import annotations

from newsarchive.parsing.dates import parse_date
from newsarchive.threads import choose_parser

from .conftest import load_page, rows
from .test_platform_families import dates, texts, thread

REACTOR_URL = "https://reactor.example.ru/post/5120044"
OSNOVA_URL = "https://osnova.example.ru/biz/2024-pekarnya"


def test_joyreactor_keeps_short_and_picture_only_comments_with_their_parents():
    comments, page = thread("joyreactor_ru", REACTOR_URL)
    assert choose_parser(page.tree).name == "joyreactor"
    assert rows(comments) == [
        ("30100001", None, 1, "comment", "Murlyka", "https://reactor.example.ru/user/Murlyka"),
        ("30100009", "30100001", 2, "comment", "Vorchun-", "https://reactor.example.ru/user/Vorchun-"),
        ("30100014", "30100009", 3, "comment", "Murlyka", "https://reactor.example.ru/user/Murlyka"),
        ("30100052", None, 1, "comment", "Sosed Sverhu", "https://reactor.example.ru/user/Sosed+Sverhu"),
        ("30100055", None, 1, "comment", "Vorchun-", "https://reactor.example.ru/user/Vorchun-"),
    ]
    assert texts(comments)[1] == "Ура!"
    assert texts(comments)[3] == ""  # a picture alone: no text, its place and author kept


def test_joyreactor_times_are_the_comments_epochs_and_the_shown_moscow_time():
    comments, _ = thread("joyreactor_ru", REACTOR_URL)
    assert dates(comments) == ["2022-11-19T17:05:31Z", "2022-11-19T17:09:02Z", "2022-11-19T17:17:48Z",
                               "2022-11-19T18:40:10Z", "2022-11-19T18:41:55Z"]
    assert [c.date_published_raw for c in comments] == [
        "19.11.2022 20:05", "19.11.2022 20:09", "19.11.2022 20:17", "19.11.2022 21:40", "19.11.2022 21:41"]


def test_relative_times_are_read_from_the_title_in_the_zone_it_names():
    comments = load_page("osnova_relative_times.html", OSNOVA_URL).comments()
    assert [(c.comment_id, c.parent_comment_id, c.author_name) for c in comments] == [
        ("810001", None, "Марина Ложкина"), ("810017", "810001", "Семён Пекарев"),
        ("810023", None, "Олег Тестов")]
    assert dates(comments) == ["2024-03-08T18:14:05Z", "2024-03-08T21:02:41Z",
                               "2024-03-09T06:30:00Z"]
    assert [c.date_published_raw for c in comments] == ["3 часа назад", "Час назад", "31 минуту назад"]


def test_a_written_date_naming_its_zone_is_that_zones_time():
    assert parse_date("24.04.2018 12:29:19 (Europe/Moscow)") == "2018-04-24T09:29:19Z"
    assert parse_date("03.01.2021 18:05 America/New_York", "Europe/Paris") == "2021-01-03T23:05:00Z"
    assert parse_date("12.05.2020 10:00 Admin/Editor", "Europe/Paris") == "2020-05-12T08:00:00Z"
