"""taz.de's Kommune comments and Habr's (2018) comment lists, on their fixture pages."""
from __future__ import annotations

from newsarchive.threads import choose_parser

from .conftest import rows
from .test_platform_families import dates, texts, thread

KOMMUNE_URL = "https://zeitung.example.de/Neue-Radwege-am-Kanal/!5990001/"
HABR_URL = "https://habr.example.com/post/451000/"


def test_kommune_comments_nest_their_replies_and_keep_the_authors_profile():
    comments, page = thread("kommune_de", KOMMUNE_URL)
    assert choose_parser(page.tree).name == "kommune"
    assert rows(comments) == [
        ("7100001", None, 1, "comment", "Gartenfreundin", "https://zeitung.example.de/!ku50011/"),
        ("7100009", "7100001", 2, "comment", "412233 (Profil gelöscht)", None),
        ("7100004", None, 1, "comment", "Kanalratte", "https://zeitung.example.de/!ku8830/"),
    ]


def test_kommune_texts_leave_out_initials_menus_and_reply_buttons():
    comments, _ = thread("kommune_de", KOMMUNE_URL)
    assert texts(comments) == [
        "Endlich passiert am Kanal etwas. Ich fahre dort jeden Morgen mit dem Lastenrad zur Kita und muss "
        "mich an den parkenden Autos vorbeiquetschen. Hoffentlich werden die Ladezonen auch kontrolliert, "
        "sonst steht der Lieferverkehr bald wieder auf dem Radweg.",
        "@Gartenfreundin: Die Ladezonen gibt es in der Nachbarstraße schon, und sie sind fast immer frei. "
        "Es fehlt nicht an Platz, sondern an Kontrollen.",
        "Gut so.",
    ]


def test_kommune_times_come_from_the_datetime_attribute():
    comments, _ = thread("kommune_de", KOMMUNE_URL)
    assert dates(comments) == ["2024-03-09T07:15:42Z", "2024-03-09T20:03:05Z", "2024-03-09T06:58:10Z"]
    assert [c.date_published_raw for c in comments] == [
        "09.03.2024, 08:15 Uhr", "09.03.2024, 21:03 Uhr", "09.03.2024, 07:58 Uhr"]


def test_habr_keeps_short_and_emptied_comments_in_their_place():
    comments, page = thread("habr_ru", HABR_URL)
    assert choose_parser(page.tree).name == "habr"
    assert [(c.comment_id, c.parent_comment_id, c.depth, c.author_name) for c in comments] == [
        ("4410021", None, 1, "tihiy_omut"), ("4410035", "4410021", 2, "vasya_k"),
        ("4410052", None, 1, "orangepi_fan"), ("4410077", "4410052", 2, "avtor_stati"),
        ("4410090", "4410077", 3, "orangepi_fan")]
    assert texts(comments)[:2] == ["", "Ага."]  # an emptied comment still answers its reply
    assert texts(comments)[3] == "Да."


def test_habr_texts_and_times_leave_out_votes_anchors_and_reply_links():
    comments, _ = thread("habr_ru", HABR_URL)
    assert texts(comments)[2] == ("А сколько теперь потребляет весь сервер вместе с дисками? У меня два "
                                  "диска съедают больше, чем сама плата. И чем охлаждаете, пассивным радиатором?")
    assert [c.date_published_raw for c in comments] == [
        "14.05.19 в 10:12", "14.05.19 в 11:40", "14.05.19 в 12:05", "14.05.19 в 12:31", "14.05.19 в 13:02"]
    assert comments[4].author_url == "https://habr.example.com/users/orangepi_fan/"
