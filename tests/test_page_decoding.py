"""Page bytes to a tree: valid UTF-8 read straight from the bytes, anything else decoded first."""
from __future__ import annotations

import pytest

from newsarchive.items import FetchedPage
from newsarchive.pages.base import parse_html

MALFORMED = "<p><b><i></b></i></nope>" * 300  # far more than the 100 errors libxml2 reports


def _page(body: bytes, content_type: str = "text/html; charset=UTF-8") -> FetchedPage:
    return FetchedPage(url="https://example.org/a", status=200, headers=[("Content-Type", content_type)],
                       body=body, fetched_at="2024-03-01T12:00:00Z")


def _document(text: str, before: str = "") -> str:
    return f"<html><head><title>t</title></head><body>{before}<h1>{text}</h1></body></html>"


def _headline(page: FetchedPage) -> tuple[str, list[str]]:
    tree, warnings = parse_html(page)
    return tree.findtext(".//h1"), warnings


@pytest.mark.parametrize("before", ["", MALFORMED], ids=["clean", "after-300-errors"])
def test_valid_utf8_reads_as_utf8_without_warning(before):
    text, warnings = _headline(_page(_document("Café à Bamako – 2 000 F", before).encode("utf-8")))
    assert text == "Café à Bamako – 2 000 F" and warnings == []


@pytest.mark.parametrize("before", ["", MALFORMED], ids=["clean", "after-300-errors"])
def test_windows_1252_bytes_under_a_utf8_header_are_still_caught(before):
    # libxml2 stops reporting errors after 100: a bad byte past them must not slip through as UTF-8.
    body = _document("Café – l’été", before).encode("cp1252")
    text, warnings = _headline(_page(body))
    assert text == "Café – l’été"
    assert warnings == ["declared UTF-8 but the bytes are not valid UTF-8: decoded as windows-1252"]


def test_utf8_under_a_latin1_header_is_read_as_utf8_with_a_warning():
    body = _document("Été à Kayes").encode("utf-8")
    text, warnings = _headline(_page(body, "text/html; charset=ISO-8859-1"))
    assert text == "Été à Kayes"
    assert warnings and "the bytes are UTF-8" in warnings[0]


def test_an_xml_declaration_is_skipped_either_way():
    body = ('<?xml version="1.0" encoding="utf-8"?>\n' + _document("Ségou")).encode("utf-8")
    assert _headline(_page(body)) == ("Ségou", [])
    assert _headline(_page(body.replace("é".encode(), b"\xe9"))) == (
        "Ségou", ["declared UTF-8 but the bytes are not valid UTF-8: decoded as windows-1252"])
