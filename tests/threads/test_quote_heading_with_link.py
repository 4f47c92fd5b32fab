"""A quote's heading stays out of a post's text also when the post holds a link."""
from __future__ import annotations

from .conftest import load_page


def test_something_awful_plain_quote_heading_is_not_text_beside_a_link():
    page = load_page("something_awful_first_page.html",
                     "https://forums.example.com/showthread.php?threadid=4100200")
    text = " ".join(page.comments()[-1].text.split())
    assert text.startswith("My neighbour emailed me about it: Dear resident, the gnome council meets on Sunday.")
    assert "quote:" not in text and text.endswith("I am not going.")
