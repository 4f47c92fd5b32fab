"""The list of article words (migration 8): every word FTS5 indexed, however the text was written,
so that a prefix search spelled out from it misses no article."""
from __future__ import annotations

import pytest

from archive_fixtures import built_archive, copy_archive  # noqa: F401
from newsarchive import search_plan
from newsarchive.db import open_archive, store
from newsarchive.items import Article
from newsarchive.search import Filters, search

# Text where a hand-written tokenizer and FTS5's unicode61 would disagree: joined and split words,
# combining accents, ligatures, digits, scripts without spaces, symbols and private-use characters.
AWKWARD = ("Naïve café_au_lait l'État ÆSIR Straße 3,14 x² ½ 東京都 ǅemal e\u0301cole ﬁnance "
           "🙂smile Ⅻ-siècle ١٢٣ ИЗБОРИ İstanbul \ue000privé ß ǈ ĳssel ÿ")


ARTICLES = Filters(kinds=("article",))


@pytest.fixture
def archive(built_archive, tmp_path):  # noqa: F811
    return open_archive(copy_archive(built_archive, tmp_path / "copy.db")).conn


def listed_words(conn) -> set[str]:
    return {word for word, _ in conn.execute(
        "SELECT word, articles FROM article_words UNION SELECT term, doc FROM article_words_new_vocab")}


def indexed_words(conn) -> set[str]:
    return {term for (term,) in conn.execute("SELECT term FROM articles_fts_vocab")}


def test_every_word_the_store_writes_is_listed_as_fts5_reads_it(archive):
    store.store_article(archive, Article(url="http://journal.example/a-900.html", site="journal.example",
                                         headline="Mots difficiles", article_body=AWKWARD), "2025-01-01T00:00:00Z")
    store.store_article(archive, Article(url="http://journal.example/a-900.html", site="journal.example",
                                         headline="Mots corrigés", article_body=AWKWARD + " quinquennat"),
                        "2025-01-02T00:00:00Z")
    assert indexed_words(archive) <= listed_words(archive)
    assert archive.execute("SELECT COUNT(*) FROM article_words_new_vocab").fetchone()[0] == 0  # folded
    assert {"naive", "cafe", "lait", "etat", "ecole", "quinquennat"} <= listed_words(archive)


def test_words_written_without_the_store_are_listed_too(archive):
    """New words beside listed ones ("sahel", "transition" are in the archive): a prefix spelled out
    from a list that missed them would not find the article."""
    archive.execute("INSERT INTO articles (id, url, site, headline, article_body, first_seen_at,"
                    " last_seen_at) VALUES (901, 'http://x/b-901.html', 'x', 'Hivernage sahélien',"
                    " 'Pluviométrie record', 'T', 'T')")
    archive.execute("UPDATE articles SET article_body = 'Troupeaux transhumants' WHERE id = 901")
    archive.commit()
    assert indexed_words(archive) <= listed_words(archive)
    assert "http://x/b-901.html" in [h["url"] for h in search(archive, "sahel*", ARTICLES).hits]
    assert "http://x/b-901.html" in [h["url"] for h in search(archive, "trans*", ARTICLES).hits]
    assert search(archive, "pluvio*", ARTICLES).hits == []  # edited away


def test_a_new_word_from_an_edit_is_found_by_its_prefix(archive):
    """"securite" is listed; the edit's "securisent" must be too, or "secur*" misses the article."""
    url = archive.execute("SELECT url FROM articles ORDER BY id LIMIT 1").fetchone()[0]
    article = Article(url=url, site="journal.example", headline="Titre revu",
                      article_body="Les éleveurs sécurisent leurs troupeaux.")
    store.store_article(archive, article, "2030-01-01T00:00:00Z")
    assert url in [h["url"] for h in search(archive, "secur*", ARTICLES).hits]
    assert "securisent" in listed_words(archive)


def test_a_count_that_overstates_never_turns_a_ranking_into_newest_first(archive, monkeypatch):
    """Counts are upper bounds (an edit never lowers them): the index is asked before the probe is
    skipped, so a word listed as in many articles but held by few is still ranked by bm25."""
    before = search(archive, "secur*", ARTICLES, limit=50)
    archive.execute("UPDATE article_words SET articles = 1000000 WHERE word LIKE 'secur%'")
    archive.commit()
    after = search(archive, "secur*", ARTICLES, limit=50)
    assert before.hits and not after.capped
    assert [(h["url"], h["rank"]) for h in after.hits] == [(h["url"], h["rank"]) for h in before.hits]
    monkeypatch.setattr(search_plan, "RANK_CANDIDATES", 1)  # held by one article or more: many
    assert search_plan._spelled_out(archive, '"secur" *')[1] is True


def segments(conn) -> int:
    return conn.execute("SELECT COUNT(DISTINCT segid) FROM articles_fts_idx").fetchone()[0]


def test_merging_the_article_index_leaves_one_segment_and_the_same_hits(archive):
    for number in range(6):  # each commit adds a segment
        store.store_article(archive, Article(url=f"http://journal.example/c-{number}.html",
                                             site="journal.example", headline=f"Conseil {number}",
                                             article_body="Le conseil communal se réunit."), "2025-02-01T00:00:00Z")
    before = [(h["url"], h["snippet"]) for h in search(archive, "co*", ARTICLES, limit=50).hits]
    assert segments(archive) > 1
    assert store.merge_article_index(archive) >= 1
    assert segments(archive) == 1 and store.merge_article_index(archive) == 0  # nothing left to do
    assert [(h["url"], h["snippet"]) for h in search(archive, "co*", ARTICLES, limit=50).hits] == before
    archive.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
