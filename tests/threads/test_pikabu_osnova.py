"""Pikabu's comments (id, parent and time stated in ``data-meta``; empty and collapsed comments),
Osnova's (vc.ru; a picture alone kept) and comment menus ("Report", "Пожаловаться"), never text."""
from __future__ import annotations

from newsarchive.threads import choose_parser

from .conftest import load_page, rows
from .test_platform_families import dates, texts, thread

PIKABU_URL = "https://pikabu.example.ru/story/skvorechnik_7001"
OSNOVA_URL = "https://osnova.example.ru/dom/2024-teplica"
HARBOUR_URL = "https://harbour.example.org/2024/ferry-terminal"


def test_pikabu_parents_come_from_data_meta_collapsed_and_empty_comments_kept():
    comments, page = thread("pikabu_ru", PIKABU_URL)
    assert choose_parser(page.tree).name == "pikabu"
    profile = "https://pikabu.example.ru/@"
    assert rows(comments) == [
        ("5200012", None, 1, "comment", "Lesnaya_Polyana", profile + "Lesnaya_Polyana"),
        ("5200031", "5200012", 2, "comment", "Skvorets.Ivan", profile + "Skvorets.Ivan"),
        ("5200040", "5200031", 3, "comment", "Dyatel-", profile + "Dyatel-"),
        ("5200055", None, 1, "comment", "Fotolyubitel", profile + "Fotolyubitel"),
        ("5200058", None, 1, "comment", "Vorchun_72", profile + "Vorchun_72"),  # collapsed: pid=0
        ("5200061", "5200058", 2, "comment", "Lesnaya_Polyana", profile + "Lesnaya_Polyana"),
    ]


def test_pikabu_texts_times_and_the_best_comment_of_another_story_left_out():
    comments, _ = thread("pikabu_ru", PIKABU_URL)
    assert texts(comments) == [
        "Отличный скворечник! А почему летка такая маленькая? Мне казалось, для скворцов нужно "
        "отверстие побольше, сантиметров пять.",
        "Тоже ставил на березе, прилетели только через год.", "Так и задумано.", "",
        "Лучше бы кормушку сделали, от нее толку больше.", "Ну-ну."]
    assert dates(comments) == ["2024-03-09T13:42:10Z", "2024-03-09T14:05:41Z", "2024-03-09T15:20:00Z",
                               "2024-03-09T16:31:09Z", "2024-03-09T16:58:00Z", "2024-03-09T17:02:33Z"]
    assert comments[0].date_published_raw == "5 часов назад"


def test_osnova_keeps_a_picture_alone_and_leaves_its_report_menu_out():
    comments, page = thread("osnova_ru", OSNOVA_URL)
    assert choose_parser(page.tree).name == "osnova"
    assert [(c.comment_id, c.parent_comment_id, c.depth, c.author_name) for c in comments] == [
        ("920010", None, 1, "Пётр Грядкин"), ("920031", "920010", 2, "Инна Садовая"),
        ("920044", "920031", 3, "Гоша Фотиков"), ("920052", None, 1, "Лера Т.")]
    assert texts(comments) == [
        "Сколько стоила вся система капельного полива для теплицы?",
        "Мы брали готовые ящики, но через два сезона они рассохлись. Свои сколотили из лиственницы.",
        "", "Спасибо, сохранила."]
    assert dates(comments) == ["2024-03-10T06:15:00Z", "2024-03-10T08:02:54Z", "2024-03-10T09:40:11Z",
                               "2024-03-10T10:01:30Z"]


def test_a_comment_menu_is_not_text_on_a_thread_read_by_its_structure():
    comments = load_page("structural_comment_menu.html", HARBOUR_URL).comments()
    assert [c.author_name for c in comments] == ["Marta Quayle", "Owen Bollard", "Ines Harrow"]
    assert texts(comments) == [
        "Glad they kept the green of the ticket windows; it is the colour everyone remembers.",
        "Three weeks is optimistic for a hall that size, but good luck to the volunteers.",
        "Will the old timetable board stay on the wall after the repainting?"]
    assert not any("Report" in c.text_html or "Hide" in c.text for c in comments)
