"""`newsarchive search` on a real archive: accent folding, phrases, prefixes, filters, hostile input."""
from __future__ import annotations

import json

import pytest

from archive_fixtures import built_archive, crawled_archive, newsarchive, ok  # noqa: F401
from newsarchive import search_plan
from newsarchive.db import open_archive
from newsarchive.db import search as search_sql
from newsarchive.search import SearchError, fts_expression, search

SAHEL = "http://journal.example/politique/la-securite-au-sahel-101.html"


def hits(db, *args: str) -> list[dict]:
    return json.loads(ok(newsarchive("search", *args, "--json", db=db)))


def urls(db, *args: str) -> set[str]:
    return {hit["url"] for hit in hits(db, *args)}


@pytest.mark.parametrize("query", ["securite", "SÉCURITÉ", "Sécurité", "sécurite"])
def test_accents_and_case_are_folded(built_archive, query):
    found = hits(built_archive, query)
    assert {h["url"] for h in found} >= {SAHEL, SAHEL + "#comment-11"}
    assert any("[sécurité]" in h["snippet"] for h in found)


def test_text_output_highlights_and_names_the_hit(built_archive):
    out = ok(newsarchive("search", "securite", "--comments-only", db=built_archive))
    assert "[comment] La sécurité au Sahel en débat — Moussa Keïta" in out
    assert "La [sécurité] d'abord !" in out and SAHEL + "#comment-11" in out


def test_phrase_needs_the_words_side_by_side(built_archive):
    assert SAHEL + "#comment-11" in urls(built_archive, '"la securite d\'abord"')
    assert urls(built_archive, '"abord securite"') == set()


def test_prefix_matches_word_starts(built_archive):
    assert urls(built_archive, "imbriq*") == {SAHEL + "#comment-13"}
    assert SAHEL + "#comment-11" in urls(built_archive, "sécu*")
    assert urls(built_archive, "imbriq") == set()


def test_filters(built_archive):
    riz = "http://journal.example/economie/le-prix-du-riz-202.html"
    assert urls(built_archive, "riz", "--articles-only") == {riz}
    assert urls(built_archive, "riz", "--comments-only") == {riz + "#comment-21", riz + "#comment-22"}
    assert urls(built_archive, "riz", "--comments-only", "--author", "mariam") == {riz + "#comment-22"}
    assert urls(built_archive, "sécurité", "--articles-only", "--author", "Dembélé") == {SAHEL}
    assert urls(built_archive, "riz", "--site", "other.example") == set()
    assert urls(built_archive, "riz", "--articles-only", "--since", "2024-05-10") == {riz}
    assert urls(built_archive, "riz", "--articles-only", "--until", "2024-05-09") == set()
    assert urls(built_archive, "riz", "--articles-only", "--until", "2024-05-10") == {riz}


def test_removed_comments_stay_searchable_and_marked(built_archive):
    found = hits(built_archive, "Russie")
    assert [h["url"] for h in found] == [SAHEL + "#comment-14"]
    assert found[0]["removed_at"] == "2024-06-20T12:00:00Z"


@pytest.mark.parametrize("query,expected", [
    ("AND pas NEAR", "#comment-12"),              # operators are plain words
    ("(AND pas NEAR)", "#comment-12"),
    ("SELECT * FROM comments;", "#comment-21"),   # SQL-looking text is text
    ("text:riz", "#comment-22"),                  # not a column filter: the words "text riz"
    ('"guillemets', "#comment-22"),               # an unbalanced quote runs to the end
    ("l'État", "#comment-13"),
])
def test_hostile_text_is_searched_literally(built_archive, query, expected):
    assert any(url.endswith(expected) for url in urls(built_archive, query))


HOSTILE = ['"', "*", "**", "()", "(", ")", "-", "^", "+", "AND", "OR", "NOT", "NEAR", "NEAR(a b, 2)",
           "a AND", "OR riz", "riz NOT", "'; DROP TABLE articles; --", "author_name:Awa",
           "{text}: riz", "riz*)", "zo*", "a* b*", '"""', "sécurité\"'", "%", "_", "riz\\", "1=1",
           "🙂", "riz\x00", "  ", "ÉÉ*", "rank:1", "rowid=1", "MATCH 'x'"]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_input_never_breaks_the_query(built_archive, query):
    """In process (the real click command on the real archive): results or a usage error."""
    from click.testing import CliRunner

    from newsarchive.cli import cli

    result = CliRunner().invoke(cli, ["--db", str(built_archive), "search", query])
    assert result.exit_code in (0, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if result.exit_code == 2:
        assert "Error:" in result.output


@pytest.mark.parametrize("query", ["NEAR(a b, 2)", "'; DROP TABLE articles; --", '"', "riz*)"])
def test_hostile_input_in_the_real_command(built_archive, query):
    result = newsarchive("search", query, db=built_archive)
    assert "Traceback" not in result.stderr and result.returncode in (0, 2), result.stderr
    conn = open_archive(built_archive).conn
    assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 3


def test_refusals_say_why(built_archive):
    result = newsarchive("search", "*", db=built_archive)
    assert result.returncode == 2 and "nothing to search for" in result.stderr
    result = newsarchive("search", "r*", db=built_archive)
    assert result.returncode == 2 and "too short" in result.stderr
    result = newsarchive("search", "riz", "--since", "hier", db=built_archive)
    assert result.returncode == 2 and "not a date" in result.stderr
    result = newsarchive("search", "riz", "--comments-only", "--articles-only", db=built_archive)
    assert result.returncode == 2 and "exclude each other" in result.stderr


def test_expression_quotes_every_term():
    assert fts_expression('NEAR(a b) "x y" zo* text:w') == '"NEAR a" "b" "x y" "zo" * "text w"'
    with pytest.raises(SearchError):
        fts_expression("() * -")


def test_ranked_best_first(built_archive):
    conn = open_archive(built_archive).conn
    results = search(conn, "sécurité")
    ranks = [hit["rank"] for hit in results.hits]
    assert ranks == sorted(ranks) and not results.capped


def test_too_many_matches_come_newest_first(built_archive, monkeypatch):
    monkeypatch.setattr(search_plan, "RANK_CANDIDATES", 2)
    results = search(open_archive(built_archive).conn, "le")
    assert results.capped and results.hits


def test_search_on_the_crawled_replica(crawled_archive):
    conn = open_archive(crawled_archive).conn
    word = conn.execute("SELECT text FROM comments WHERE length(text) > 40 LIMIT 1").fetchone()[0].split()[2]
    assert hits(crawled_archive, word)


@pytest.mark.parametrize("query", ["secur*", "SECUR*", "sécur*", "securit*"])
def test_prefix_without_accents_finds_accented_words(built_archive, query):
    """Comment prefixes of 2 to 6 letters are read from the prefix indexes; longer ones, and every
    article prefix, from the words themselves."""
    found = hits(built_archive, query)
    assert {h["url"] for h in found} >= {SAHEL, SAHEL + "#comment-11"}
    assert any("[sécurité]" in h["snippet"] for h in found)


def test_shortest_prefix_is_searched(built_archive):
    riz = "http://journal.example/economie/le-prix-du-riz-202.html"
    assert urls(built_archive, "ri*", "--comments-only") >= {riz + "#comment-21", riz + "#comment-22"}


def _archive_before_prefix_indexes(path) -> None:
    """An archive with every migration before the prefix indexes, and one article and comment."""
    from newsarchive.db import connect
    from newsarchive.db.migrations import MIGRATIONS

    before = next(i for i, m in enumerate(MIGRATIONS) if any("prefix=" in sql for sql in m))
    conn = connect(path)
    for statement in (sql for migration in MIGRATIONS[:before] for sql in migration):
        conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {before}")
    conn.execute("INSERT INTO articles (id, url, site, headline, first_seen_at, last_seen_at)"
                 " VALUES (1, 'http://x/a-1.html', 'x', 'Élections au Mali', 'T', 'T')")
    conn.execute("INSERT INTO comments (article_id, comment_id, depth, position, text, text_html,"
                 " first_seen_at, last_seen_at) VALUES (1, '7', 1, 0, 'La sécurité d''abord', '', 'T', 'T')")
    conn.close()


def test_an_archive_from_before_the_prefix_indexes_is_upgraded(tmp_path):
    from newsarchive.db.migrations import MIGRATIONS

    _archive_before_prefix_indexes(tmp_path / "old.db")
    conn = open_archive(tmp_path / "old.db").conn
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert "prefix='2 3 4 5 6'" in conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'comments_fts'").fetchone()[0]
    assert "prefix" not in conn.execute(  # migration 7: articles are read from their words
        "SELECT sql FROM sqlite_master WHERE name = 'articles_fts'").fetchone()[0]
    assert [h["url"] for h in search(conn, "secur*").hits] == ["http://x/a-1.html#comment-7"]
    assert [h["url"] for h in search(conn, "elect*").hits] == ["http://x/a-1.html"]
    conn.execute("INSERT INTO comments (article_id, comment_id, depth, position, text, text_html,"
                 " first_seen_at, last_seen_at) VALUES (1, '8', 1, 1, 'Sécuriser Gao', '', 'T', 'T')")
    conn.execute("UPDATE comments SET text = 'Plus rien' WHERE comment_id = '7'")
    assert [h["url"] for h in search(conn, "sécu*").hits] == ["http://x/a-1.html#comment-8"]
    conn.execute("DELETE FROM comments WHERE comment_id = '8'")
    assert search(conn, "secu*").hits == []
    conn.execute("INSERT INTO comments_fts(comments_fts) VALUES ('integrity-check')")
    conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")


@pytest.mark.parametrize("query", ["secur*", "Sécu*", "sa*", "l'arm*", "ségo*", "zzz*", "la secur*",
                                   "secur* sahel", "sa* la* au"])
def test_article_prefixes_spelled_out_find_what_fts5_finds(built_archive, query, monkeypatch):
    """Article prefixes are spelled out as the indexed words they begin (migration 7 dropped the
    articles' prefix index); FTS5's own prefix reading, forced here, finds the same articles."""
    conn = open_archive(built_archive).conn
    spelled = search(conn, query, limit=50).hits
    monkeypatch.setattr(search_plan, "MAX_SPELLED_OUT", 0)
    native = search(conn, query, limit=50).hits
    assert [(h["url"], h["snippet"]) for h in spelled] == [(h["url"], h["snippet"]) for h in native]
    assert query == "zzz*" or any(h["kind"] == "article" for h in spelled)


def test_article_snippets_survive_a_narrowing_that_misses_a_word(built_archive, monkeypatch):
    """Each chosen article's snippet is asked only of the spelled-out words it holds; an article the
    narrowed query misses (a narrowing here that keeps a word none of them holds) is asked again
    with every word: same hits, same snippets, none dropped."""
    conn = open_archive(built_archive).conn
    whole = search(conn, "se*", limit=50).hits
    asked: list[tuple[str, int]] = []
    details = search_sql.hit_rows
    monkeypatch.setattr(search_sql, "hit_rows",
                        lambda conn, kind, rowids, *rest: asked.append((kind, len(rowids)))
                        or details(conn, kind, rowids, *rest))
    monkeypatch.setattr(search_plan, "_narrowed",
                        lambda conn, rowids, expression: {rowid: '"zzzz"' for rowid in rowids})
    again = search(conn, "se*", limit=50).hits
    articles = [hit for hit in whole if hit["kind"] == "article"]
    assert [(h["url"], h["snippet"]) for h in again] == [(h["url"], h["snippet"]) for h in whole]
    assert articles and ("article", len(articles)) in asked  # every article asked again


def test_each_article_is_asked_of_its_own_words(built_archive, monkeypatch):
    conn = open_archive(built_archive).conn
    asked: list[str] = []
    details = search_sql.hit_rows
    monkeypatch.setattr(search_sql, "hit_rows", lambda conn, kind, rowids, expression, *rest: (
        asked.append(expression) if kind == "article" else None) or details(conn, kind, rowids,
                                                                             expression, *rest))
    hits = search(conn, "se*", limit=50).hits
    assert len(asked) == sum(hit["kind"] == "article" for hit in hits) >= 2  # one query each, no retry
    assert all(" OR " not in expression or len(expression) < len(search_plan._spelled_out(
        conn, fts_expression("se*"))[0]) for expression in asked)


@pytest.mark.parametrize("query,candidates", [("se*", 1), ("sa*", 1), ("la*", 1), ("la*", 2)])
def test_a_prefix_known_to_match_many_articles_skips_the_probe_with_the_same_hits(
        built_archive, query, candidates, monkeypatch):
    """A prefix one of whose words is in RANK_CANDIDATES articles or more (1 or 2 here) has that
    many matches at least: the newest are read without the probe, and come out the same."""
    conn = open_archive(built_archive).conn
    monkeypatch.setattr(search_plan, "RANK_CANDIDATES", candidates)
    assert search_plan._spelled_out(conn, fts_expression(query))[1] is True
    shortcut = search(conn, query, limit=50)
    spelled_out = search_plan._spelled_out
    probes: list[str] = []
    monkeypatch.setattr(search_plan, "_spelled_out", lambda conn, expression: (
        spelled_out(conn, expression)[0], probes.append(expression) or False))
    probed = search(conn, query, limit=50)
    assert probes and [(h["url"], h["snippet"]) for h in shortcut.hits] == [
        (h["url"], h["snippet"]) for h in probed.hits]
    assert shortcut.capped == probed.capped


def test_folding_matches_the_index():
    assert search_plan.fold("Électricité") == "electricite"
    assert search_plan.fold("SÉCU") == "secu"


def test_every_match_is_read_a_chunk_at_a_time_in_the_same_order(built_archive, monkeypatch):
    conn = open_archive(built_archive).conn
    whole = search(conn, "la", limit=None).hits
    monkeypatch.setattr(search_plan, "DETAIL_CHUNK", 2)
    streamed = search(conn, "la", limit=None, streamed=True).hits
    assert not isinstance(streamed, list)
    assert len(whole) > 4 and list(streamed) == whole
