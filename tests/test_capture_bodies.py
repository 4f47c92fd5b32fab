"""Capture bodies in zstd with per-site dictionaries; older zlib archives still read; FTS indexed per commit."""
from __future__ import annotations

import random
import sqlite3
import zlib

import pytest

from newsarchive import db
from newsarchive.db import bodies, migrations, queries, store
from newsarchive.items import Article, Comment, FetchedPage

WORDS = "bamako sécurité transition élection armée ministre marché riz école santé paix".split()
_THEME = random.Random(0)
MENU = "".join(f'<li class="menu-item-{_THEME.randrange(10**6)}"><a href="/{_THEME.randrange(10**9):x}/">'
               f'{_THEME.choice(WORDS)} {_THEME.randrange(10**6)}</a></li>' for _ in range(400))


def page_body(number: int, host_theme: str = "td-theme") -> bytes:
    """A news page: the same theme around each page's own text."""
    rng = random.Random(number)
    text = " ".join(rng.choice(WORDS) + str(rng.randint(0, 999)) for _ in range(300))
    return (f'<html><head><link rel="stylesheet" href="/{host_theme}.css"></head><body>'
            f'<nav class="{host_theme}"><ul>{MENU}</ul></nav><article><h1>Titre {number}</h1>'
            f"<p>{text}</p></article><footer>{MENU}</footer></body></html>").encode()


def capture(conn, number: int, host: str = "www.example.ml", body: bytes | None = None) -> int:
    url = f"https://{host}/article-{number}.html"
    page = FetchedPage(url, 200, [("Content-Type", "text/html")], body or page_body(number),
                       "2024-03-01T00:00:00Z")
    return store.store_capture(conn, page, url, None)


def read_back(conn) -> dict[str, bytes]:
    return {c["url"]: store.capture_body(c) for c in queries.iter_captures(conn)}


def test_a_site_gets_a_dictionary_after_its_first_pages_and_everything_reads_back(tmp_path):
    conn = db.open_archive(tmp_path / "a.db").conn
    for number in range(bodies.SAMPLES + 10):
        capture(conn, number)
    assert conn.execute("SELECT COUNT(*), MIN(site) FROM capture_dictionaries").fetchone() \
        == (1, "www.example.ml")
    # the sampled bodies were compressed again with the dictionary: every row uses it
    assert conn.execute("SELECT COUNT(*) FROM capture_bodies WHERE dictionary_id IS NULL").fetchone()[0] == 0
    assert read_back(conn) == {f"https://www.example.ml/article-{n}.html": page_body(n)
                               for n in range(bodies.SAMPLES + 10)}
    reopened = db.open_archive(tmp_path / "a.db").conn  # a new connection finds it in the archive
    capture(reopened, 1000)
    assert reopened.execute("SELECT COUNT(*) FROM capture_dictionaries").fetchone()[0] == 1
    assert read_back(reopened)["https://www.example.ml/article-1000.html"] == page_body(1000)


def test_dictionary_bodies_are_smaller_than_alone(tmp_path):
    conn = db.open_archive(tmp_path / "a.db").conn
    for number in range(bodies.SAMPLES + 1):
        capture(conn, number)
    body = page_body(5000)
    capture(conn, 5000, body=body)
    stored = conn.execute("SELECT length(data) FROM capture_bodies WHERE hash = ?",
                          (store.body_hash(body),)).fetchone()[0]
    assert stored < len(zlib.compress(body, 6)) / 2


def redesigned_body(number: int) -> bytes:
    """The same site after a redesign: other markup, other menus, other words."""
    rng = random.Random(-number)
    menu = "".join(f'<div class="nav-card-{k}"><span data-slot="{k * 7}">{NEW_WORDS[k % 9]} {k}</span></div>'
                   for k in range(300))
    text = " ".join(rng.choice(NEW_WORDS) + str(rng.randint(0, 999)) for _ in range(300))
    return (f'<!doctype html><html><body><header id="masthead">{menu}</header><main><h2>{number}</h2>'
            f"<section><div>{text}</div></section></main><aside>{menu}</aside></body></html>").encode()


NEW_WORDS = "kayes gao tombouctou mopti ségou sikasso koulikoro ménaka kidal".split()


def test_a_redesigned_site_gets_a_new_dictionary(tmp_path):
    conn = db.open_archive(tmp_path / "a.db").conn
    for number in range(bodies.SAMPLES):
        capture(conn, number)
    first = conn.execute("SELECT id FROM capture_dictionaries").fetchone()[0]
    redesign = range(1000, 1000 + bodies.PROBE_EVERY * bodies.PROBES + bodies.SAMPLES + 40)
    for number in redesign:
        capture(conn, number, body=redesigned_body(number))
    ids = [r[0] for r in conn.execute("SELECT id FROM capture_dictionaries WHERE site = 'www.example.ml'"
                                      " ORDER BY id")]
    assert len(ids) == 2 and ids[0] == first

    redesigned = [store.body_hash(redesigned_body(n)) for n in redesign]
    by_dictionary = dict(conn.execute(
        f"SELECT dictionary_id, AVG(length(data)) FROM capture_bodies WHERE hash IN"
        f" ({','.join('?' * len(redesigned))}) GROUP BY dictionary_id", redesigned).fetchall())
    assert by_dictionary[ids[1]] < by_dictionary[ids[0]] / 2  # the new dictionary fits the new pages
    expected = {f"https://www.example.ml/article-{n}.html": page_body(n) for n in range(bodies.SAMPLES)}
    expected.update({f"https://www.example.ml/article-{n}.html": redesigned_body(n) for n in redesign})
    assert read_back(conn) == expected  # older bodies still read with the dictionary they were written with
    reopened = db.open_archive(tmp_path / "a.db").conn  # a new connection writes with the newest one
    capture(reopened, 5000, body=redesigned_body(5000))
    assert reopened.execute("SELECT dictionary_id FROM capture_bodies WHERE hash = ?",
                            (store.body_hash(redesigned_body(5000)),)).fetchone()[0] == ids[1]


def test_a_site_keeps_a_dictionary_that_still_fits(tmp_path):
    conn = db.open_archive(tmp_path / "a.db").conn
    for number in range(bodies.SAMPLES + bodies.PROBE_EVERY * (bodies.PROBES + 2)):
        capture(conn, number)
    assert conn.execute("SELECT COUNT(*) FROM capture_dictionaries").fetchone()[0] == 1


def test_each_host_has_its_own_dictionary(tmp_path):
    conn = db.open_archive(tmp_path / "a.db").conn
    for number in range(bodies.SAMPLES):
        capture(conn, number, "www.example.ml")
        capture(conn, 10_000 + number, "news.example.org", page_body(10_000 + number, "other-theme"))
    assert [r[0] for r in conn.execute("SELECT site FROM capture_dictionaries ORDER BY site")] \
        == ["news.example.org", "www.example.ml"]
    assert len(read_back(conn)) == 2 * bodies.SAMPLES


def test_samples_stay_within_their_memory_bound(tmp_path, monkeypatch):
    monkeypatch.setattr(bodies, "ALL_SAMPLES_MAX_BYTES", 4 * len(page_body(0)))
    conn = db.open_archive(tmp_path / "a.db").conn
    state = bodies._state(conn)
    for number in range(40):  # 40 hosts with one page each: never enough to train, always bounded
        capture(conn, number, f"host{number}.example.ml")
        assert state.sampled_bytes <= bodies.ALL_SAMPLES_MAX_BYTES
    capture(conn, 99, "big.example.ml", b"x" * (bodies.SAMPLE_MAX_BYTES + 1))
    assert "big.example.ml" not in state.samples  # too large to sample
    for number in range(bodies.SAMPLES):
        capture(conn, 100 + number, "www.example.ml")
    assert "www.example.ml" not in state.samples  # released once trained


def test_compressors_are_kept_for_a_few_sites_only(tmp_path, monkeypatch):
    monkeypatch.setattr(bodies, "WRITING_SITES", 2)
    conn = db.open_archive(tmp_path / "a.db").conn
    hosts = [f"site{n}.example.ml" for n in range(4)]
    for round_ in range(2):  # the second round finds the evicted sites' dictionaries in the archive
        for number in range(bodies.SAMPLES):
            for site, host in enumerate(hosts):
                capture(conn, 1000 * site + 100 * round_ + number, host)
                assert len(bodies._state(conn).writing) <= 2
    assert conn.execute("SELECT COUNT(*) FROM capture_dictionaries").fetchone()[0] == len(hosts)
    assert len(read_back(conn)) == 2 * len(hosts) * bodies.SAMPLES


def test_a_rolled_back_dictionary_is_stored_again(tmp_path):
    conn = db.open_archive(tmp_path / "a.db").conn
    store.begin_batch(conn)
    conn.execute("SAVEPOINT trial")
    for number in range(bodies.SAMPLES):
        capture(conn, number)
    conn.execute("ROLLBACK TO trial")  # the dictionary row and the samples' rows are gone
    conn.execute("RELEASE trial")
    capture(conn, 500)
    store.commit_batch(conn)
    assert conn.execute("SELECT COUNT(*) FROM capture_dictionaries").fetchone()[0] == 1
    assert read_back(conn) == {"https://www.example.ml/article-500.html": page_body(500)}


def test_an_archive_with_zlib_bodies_still_reads(tmp_path):
    path = tmp_path / "old.db"
    old = sqlite3.connect(path, isolation_level=None)
    for statements in migrations.MIGRATIONS[:4]:  # the schema before zstd
        for statement in statements:
            old.execute(statement)
    old.execute("PRAGMA user_version = 4")
    body = page_body(1)
    old.execute("INSERT INTO capture_bodies (hash, size, compression, data) VALUES (?, ?, 'zlib', ?)",
                (store.body_hash(body), len(body), zlib.compress(body, 6)))
    old.execute("INSERT INTO captures (url, status, headers, body_hash, fetched_at, last_fetched_at)"
                " VALUES ('https://www.example.ml/article-1.html', 200, '[]', ?, 'x', 'x')",
                (store.body_hash(body),))
    old.close()
    conn = db.open_archive(path).conn
    capture(conn, 2)
    assert read_back(conn) == {"https://www.example.ml/article-1.html": body,
                               "https://www.example.ml/article-2.html": page_body(2)}
    assert store.decompress_body("zlib", zlib.compress(body)) == body


# -- full-text indexing once per transaction (migration 6) ------------------------------------

def _article(number: int, text: str = "Premier avis sur la sécurité") -> Article:
    return Article(url=f"https://example.ml/a-{number}.html", site="example.ml", headline=f"Titre {number}",
                   article_body="Un.\n\nDeux.", comments=[Comment("1", None, text=text, author_name="Awa"),
                                                          Comment("2", "1", depth=2, text="Réponse")])


def _fts_ok(conn) -> None:
    for table in ("articles_fts", "comments_fts"):
        conn.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")


def _hits(conn, expression: str) -> int:
    return conn.execute("SELECT COUNT(*) FROM comments_fts WHERE comments_fts MATCH ?",
                        (expression,)).fetchone()[0]


def test_a_batch_is_indexed_when_it_commits(tmp_path):
    conn = db.open_archive(tmp_path / "a.db").conn
    store.store_article(conn, _article(0), "2024-03-01T00:00:00Z")
    store.begin_batch(conn)
    for number in range(1, 4):
        store.store_article(conn, _article(number), "2024-03-01T00:00:00Z")
    # stored twice in the batch, edited: the index holds the last text only
    store.store_article(conn, _article(3, "Texte corrigé"), "2024-03-02T00:00:00Z")
    store.store_article(conn, _article(0, "Avis modifié"), "2024-03-02T00:00:00Z")
    store.commit_batch(conn)
    assert conn.execute("SELECT COUNT(*) FROM fts_pending").fetchone()[0] == 0
    assert _hits(conn, "securite") == 2 and _hits(conn, "corrige") == 1 and _hits(conn, "modifie") == 1
    _fts_ok(conn)


def test_other_writers_are_indexed_by_the_triggers(tmp_path):
    path = tmp_path / "a.db"
    conn = db.open_archive(path).conn
    store.store_article(conn, _article(0), "2024-03-01T00:00:00Z")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("INSERT INTO comments (article_id, comment_id, depth, position, text, text_html,"
                  " first_seen_at, last_seen_at) VALUES (1, 'x', 1, 9, 'Tombouctou', '', 'x', 'x')")
    other.execute("UPDATE comments SET text = 'Kidal' WHERE comment_id = '1'")
    assert _hits(conn, "tombouctou") == 1 and _hits(conn, "kidal") == 1 and _hits(conn, "securite") == 0
    _fts_ok(conn)


def test_a_mark_committed_by_mistake_is_repaired_on_open(tmp_path):
    path = tmp_path / "a.db"
    conn = db.open_archive(path).conn
    store.begin_batch(conn)
    store.store_article(conn, _article(1), "2024-03-01T00:00:00Z")
    conn.execute("COMMIT")  # not commit_batch: the rows are not indexed yet
    assert _hits(conn, "securite") == 0
    reopened = db.open_archive(path).conn
    assert _hits(reopened, "securite") == 1
    assert reopened.execute("SELECT COUNT(*) FROM fts_pending").fetchone()[0] == 0
    _fts_ok(reopened)


@pytest.mark.parametrize("batch", [False, True])
def test_a_failed_article_leaves_the_index_in_sync(tmp_path, batch):
    conn = db.open_archive(tmp_path / "a.db").conn
    if batch:
        store.begin_batch(conn)
    broken = _article(2)
    broken.comments[1].parent_comment_id = None
    broken.comments.append(Comment("1", None, text="doublon"))  # duplicate id: the insert fails
    with pytest.raises(sqlite3.IntegrityError):
        store.store_article(conn, broken, "2024-03-01T00:00:00Z")
    store.store_article(conn, _article(3), "2024-03-01T00:00:00Z")
    store.commit_batch(conn)
    assert _hits(conn, "securite") == 1 and _hits(conn, "doublon") == 0
    _fts_ok(conn)
