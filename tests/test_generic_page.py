"""The generic page on hand-written fixtures (saved page + expected fields), and its byline and language helpers."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsarchive.extraction import extract
from newsarchive.items import Capture, FetchedPage
from newsarchive.parsing.bylines import clean_byline, signature_byline
from newsarchive.parsing.language import detect_language, normalize_language

FIXTURES = Path(__file__).parent / "fixtures" / "generic"
CASES = sorted(p.name.removesuffix(".expected.json") for p in FIXTURES.glob("*.expected.json"))
FIELDS = ("headline", "authors", "date_published", "date_modified", "in_language", "section", "tags",
          "main_image_url", "comment_count_declared", "comments_widget")
COMMENT_FIELDS = ("comment_id", "parent_comment_id", "depth", "author_name", "author_url", "date_published", "text")
DEFAULT_CAPTURE = "2024-06-01T12:00:00Z"


def extract_case(name: str, captured_at: str | None = None):
    expected = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
    page = FetchedPage(expected["url"], 200, [("Content-Type", "text/html; charset=utf-8")],
                       (FIXTURES / f"{name}.html").read_bytes(),
                       captured_at or expected.get("captured_at", DEFAULT_CAPTURE))
    article = extract(Capture(url=expected["url"], site="example", spider="test", pages=[page]))
    return article, expected


@pytest.mark.parametrize("name", CASES)
def test_fields_match_the_expected_output(name):
    article, expected = extract_case(name)
    for field in FIELDS:
        if field in expected:
            assert getattr(article, field) == expected[field], field


@pytest.mark.parametrize("name", CASES)
def test_body_has_the_article_and_nothing_else(name):
    article, expected = extract_case(name)
    assert article.article_body.startswith(expected["body_starts_with"])
    for text in expected["body_contains"]:
        assert text in article.article_body
    for text in expected["body_excludes"]:
        assert text not in article.article_body
    assert "<script" not in article.article_body_html and article.article_body_html.startswith("<")


@pytest.mark.parametrize("name", CASES)
def test_thread_matches_the_expected_comments(name):
    article, expected = extract_case(name)
    got = [{f: getattr(c, f) for f in COMMENT_FIELDS} for c in article.comments]
    assert got == expected["comments"]
    for comment in article.comments:
        assert comment.text not in article.article_body


def test_relative_dates_follow_the_capture_time_not_the_clock():
    early, _ = extract_case("byline_fr", "2020-01-10T08:00:00Z")
    late, _ = extract_case("byline_fr", "2024-06-01T12:00:00Z")
    assert early.date_published == "2020-01-10T06:00:00Z"
    assert late.date_published == "2024-06-01T10:00:00Z"
    assert early.date_published_raw == "Publié il y a 2 heures"


@pytest.mark.parametrize("line, published", [
    ("Опубликовано 5 часов назад", "2024-06-01T07:00:00Z"),
    ("Обновлено: 2 дня назад", "2024-05-30T12:00:00Z"),
    ("Aktualisiert vor 3 Tagen", "2024-05-29T12:00:00Z"),
])
def test_a_relative_date_inside_a_date_line_is_read_in_every_declared_language(line, published):
    html = (FIXTURES / "byline_fr.html").read_text(encoding="utf-8").replace("Publié il y a 2 heures", line)
    url = json.loads((FIXTURES / "byline_fr.expected.json").read_text(encoding="utf-8"))["url"]
    page = FetchedPage(url, 200, [("Content-Type", "text/html; charset=utf-8")], html.encode(), "2024-06-01T12:00:00Z")
    article = extract(Capture(url=url, site="example", spider="test", pages=[page]))
    assert (article.date_published, article.date_published_raw) == (published, line)


def test_extraction_is_repeatable():
    first, _ = extract_case("jsonld_graph")
    second, _ = extract_case("jsonld_graph")
    assert first == second


def test_lede_is_part_of_the_body():
    article, _ = extract_case("jsonld_graph")
    paragraphs = article.article_body.split("\n\n")
    assert paragraphs[0].startswith("Les premières averses") and paragraphs[1].startswith("Les services")


@pytest.mark.parametrize("byline, names", [
    ("Par Jean Dupont", ["Jean Dupont"]),
    ("By John Smith and Jane Doe", ["John Smith", "Jane Doe"]),
    ("Von Anna Müller und Peter Schmidt", ["Anna Müller", "Peter Schmidt"]),
    ("Por Juan Pérez y María López", ["Juan Pérez", "María López"]),
    ("Por João Silva e Ana Costa", ["João Silva", "Ana Costa"]),
    ("De Marie Curie", ["Marie Curie"]),
    ("De Villiers", ["De Villiers"]),
    ("Sarah E. Needleman", ["Sarah E. Needleman"]),
    ("Jean Dupont (avec AFP)", ["Jean Dupont"]),
    ("Martin Untersinger (avec Damien Leloup et Morgane Tual)",
     ["Martin Untersinger", "Damien Leloup", "Morgane Tual"]),
    ("Par Sébastien Farcis, correspondant à Barcelone", ["Sébastien Farcis"]),
    ("By JANE SMITH, Associated Press", ["JANE SMITH"]),
    ("Le Monde avec AFP", ["Le Monde"]),
    ("AFP", ["AFP"]),
    ("La Rédaction", ["La Rédaction"]),
    ("Jane Doe - Staff writer", ["Jane Doe"]),
    ("By Jane Doe @jdoe", ["Jane Doe"]),
    ("Marie Merlet pour Gala", ["Marie Merlet"]),
    ("A. Diarra / Le Républicain", ["A. Diarra"]),
])
def test_bylines_are_cleaned_in_five_languages(byline, names):
    assert clean_byline(byline) == names


def test_signature_ending_a_press_article():
    assert signature_byline(["Le texte de l'article.", "Cheick Moctar TRAORE"]) == ["Cheick Moctar TRAORE"]
    assert signature_byline(["Le texte.", "Fin de l'article."]) == []


def test_languages_are_normalised_and_detected():
    assert [normalize_language(v) for v in ("fr-FR", "en_US", "DE", "x-default", None)] == ["fr", "en", "de", None,
                                                                                             None]
    assert detect_language("Les députés ont adopté le projet de loi sur le renseignement mardi soir.") == "fr"
    assert detect_language("court") is None


def test_extraction_needs_no_network(monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("extraction opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    for name in CASES:
        article, expected = extract_case(name)
        assert article.headline == expected["headline"]


# -- a WordPress comment area holding only its reply form -----------------------------------------
WP_URL = "https://news.example.org/2024/03/le-ciment/"
WP_FORM = ('<div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">'
           'Laisser un commentaire</h3><form action="/wp-comments-post.php" method="post" id="commentform"'
           ' class="comment-form"><p class="comment-form-comment"><textarea id="comment" name="comment">'
           '</textarea></p><p class="form-submit"><input name="submit" type="submit" value="Publier"></p>'
           '</form></div>')


def _writer_card(day: int, name: str) -> str:
    """A "our writers" card: avatar, name, date, a line and a link, as a comment would have."""
    return (f'<div class="writer-card"><img class="avatar" src="/a/{day}.jpg" alt=""><div class="writer-meta">'
            f'<a href="/author/{name.lower()}/">{name}</a> <time datetime="2024-03-0{day}T10:00:00Z">{day} mars'
            f' 2024</time></div><p>Dernier article de {name} sur la vie chère et les marchés de Bamako.</p>'
            f'<a class="reply" href="/contact/{day}">Répondre</a></div>')


def _wordpress_article(comment_area: str, writer_cards: bool = True) -> list:
    cards = [(1, "Awa"), (2, "Moussa"), (3, "Ibrahim")] if writer_cards else []
    writers = "".join(_writer_card(day, name) for day, name in cards)
    body = ('<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Le ciment</title></head><body>'
            '<article><h1 class="entry-title">Le prix du ciment flambe</h1><div class="entry-content">'
            '<p>Le sac de ciment a dépassé 6 000 francs CFA cette semaine sur les marchés.</p></div></article>'
            f'<section class="our-writers"><h2>Nos plumes</h2>{writers}</section>'
            f'<div id="comments" class="comments-area">{comment_area}</div></body></html>')
    page = FetchedPage(WP_URL, 200, [("Content-Type", "text/html; charset=utf-8")], body.encode(), DEFAULT_CAPTURE)
    article = extract(Capture(url=WP_URL, site="example", spider="test", pages=[page]))
    return [(c.author_name, c.text) for c in article.comments]


def test_an_empty_wordpress_comment_area_means_no_comments_not_a_guess_elsewhere():
    assert _wordpress_article(WP_FORM) == []


def test_unknown_comment_markup_in_a_wordpress_comment_area_is_still_read():
    reactions = "".join(
        f'<div class="rz-item" id="rz-{n}"><div class="rz-top"><span class="rz-who">{who}</span>'
        f' <span class="rz-when">12 mars 2024 à 1{n}:15</span></div><div class="rz-msg"><p>{text}</p></div>'
        f'<a href="#" class="rz-ans">Répondre</a></div>'
        for n, who, text in [(1, "Moussa K.", "Chez nous à Kati le sac est déjà à 6 500 francs, et ça monte."),
                             (2, "Awa Traoré", "Il faut contrôler les marges des grossistes, le gouvernement doit agir."),
                             (3, "Ibrahim", "Les taxes à la frontière expliquent presque tout, hélas pour nous.")])
    found = _wordpress_article(f'<h2>3 réactions</h2><div class="rz-list">{reactions}</div>{WP_FORM}',
                               writer_cards=False)
    assert [who for who, _ in found] == ["Moussa K.", "Awa Traoré", "Ibrahim"]
