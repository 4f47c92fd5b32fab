"""``newsarchive extract`` run as a user runs it: saved pages and a live URL on 127.0.0.1, JSON Lines and text."""
from __future__ import annotations

import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import run_cli
from newsarchive.extraction import extract
from newsarchive.items import Capture, FetchedPage

FIXTURES = Path(__file__).parent / "fixtures" / "generic"
GRAPH = FIXTURES / "jsonld_graph.html"
OPENGRAPH = FIXTURES / "opengraph_only.html"
BYLINE_DE = FIXTURES / "byline_de.html"
REQUIRED = {"url", "headline", "authors", "date_published", "date_modified", "in_language", "article_body",
            "comment_count_declared", "comments_widget", "comments"}
COMMENT_KEYS = {"comment_id", "parent_comment_id", "depth", "type", "author_name", "author_url",
                "date_published", "date_published_raw", "text"}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def served():
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(FIXTURES)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def json_lines(*args: str, check: bool = True):
    result = run_cli("extract", *args, "--json", check=check)
    return [json.loads(line) for line in result.stdout.splitlines()], result


def test_several_inputs_give_one_json_line_each_in_input_order():
    documents, _ = json_lines(str(OPENGRAPH), str(GRAPH), str(BYLINE_DE), "--url", "https://courier.example/a",
                              "--url", "https://sahel.example/2024/05/pluies/", "--url", "https://news.example/de")
    assert [d["headline"] for d in documents] == ["City council approves new cycling lanes",
                                                  "Bamako : la saison des pluies s'annonce précoce",
                                                  "Neue Radwege für die Innenstadt beschlossen"]
    assert all(REQUIRED <= set(d) for d in documents)
    thread = documents[1]["comments"]
    assert all(COMMENT_KEYS <= set(c) for c in thread)
    assert [(c["comment_id"], c["parent_comment_id"], c["depth"]) for c in thread] == [
        ("101", None, 1), ("102", "101", 2), ("103", None, 1)]
    assert documents[1]["url"] == "https://sahel.example/2024/05/pluies/"
    assert documents[0]["comments_widget"] == "facebook" and documents[0]["comments"] == []
    assert documents[2]["in_language"] == "de" and documents[2]["authors"] == ["Anna Müller", "Peter Schmidt"]


def test_output_is_the_pipelines_extraction():
    captured_at = "2024-06-01T12:00:00Z"
    documents, _ = json_lines(str(GRAPH), "--url", "https://sahel.example/a", "--captured-at", captured_at)
    page = FetchedPage("https://sahel.example/a", 200, [("Content-Type", "text/html")], GRAPH.read_bytes(), captured_at)
    article = extract(Capture(url="https://sahel.example/a", site="", spider="test", pages=[page]))
    assert documents[0]["article_body"] == article.article_body
    assert documents[0]["authors"] == article.authors
    assert [c["text"] for c in documents[0]["comments"]] == [c.text for c in article.comments]


def test_relative_dates_resolve_against_the_given_capture_time():
    documents, _ = json_lines(str(FIXTURES / "byline_fr.html"), "--captured-at", "2021-03-04T15:00:00Z")
    assert documents[0]["date_published"] == "2021-03-04T13:00:00Z"
    assert documents[0]["date_published_raw"] == "Publié il y a 2 heures"


def test_a_live_url_is_fetched_with_a_plain_get(served):
    documents, _ = json_lines(f"{served}/opengraph_only.html")
    assert documents[0]["url"] == f"{served}/opengraph_only.html"
    assert documents[0]["authors"] == ["Jane Doe", "John Roe"]
    assert documents[0]["article_body"].startswith("The city council voted eight to three")


def test_a_failing_input_is_reported_in_place_and_the_others_still_extracted(served):
    documents, result = json_lines(str(GRAPH), str(FIXTURES / "missing.html"), f"{served}/nothing-here.html",
                                   str(OPENGRAPH), check=False)
    assert result.returncode == 1
    assert [("error" in d) for d in documents] == [False, True, True, False]
    assert "HTTP 404" in documents[2]["error"]
    assert "missing.html" in result.stderr


def test_text_output_shows_the_article_and_its_thread():
    result = run_cli("extract", str(GRAPH), "--url", "https://sahel.example/2024/05/pluies/")
    assert result.stdout.startswith("Bamako : la saison des pluies s'annonce précoce\n")
    assert "by Awa Traoré, Moussa Keïta" in result.stdout
    assert "    #102 Mariam" in result.stdout


def test_page_type_and_url_count_are_checked():
    result = run_cli("extract", str(GRAPH), str(OPENGRAPH), "--url", "https://x.example/", check=False)
    assert result.returncode == 2 and "--url given 1 times for 2 inputs" in result.stderr
    documents, _ = json_lines(str(GRAPH), "--page-type", "maliweb")
    assert documents[0]["headline"] == "Bamako : la saison des pluies s'annonce précoce"


def test_every_registered_page_type_can_be_chosen():
    result = run_cli("extract", str(GRAPH), "--page-type", "no-such-type", check=False)
    assert result.returncode == 2 and "'generic', 'maliweb'" in result.stderr
