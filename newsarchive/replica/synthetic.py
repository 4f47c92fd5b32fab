"""A synthetic maliweb-like site of N articles, generated deterministically and lazily per request."""
from __future__ import annotations

import copy
import json
import random
from functools import lru_cache
from importlib import resources

from .frdate import epoch
from .listing import PER_PAGE
from .model import Account, Article, Category, Comment, slugify
from .wp import WordPressSite

BASE_ID = 4_000_000
"""Post id of article index 0; article ``i`` has post id ``BASE_ID + i``."""
T0 = epoch("2023-01-02T06:00:00Z")
STEP = 47 * 60
SITEMAP_SIZE = 2000
SECTIONS = (("politique", "Politique"), ("societe", "Société"), ("economie", "Économie"),
            ("international", "International"), ("sport", "Sport"), ("culture", "Culture"))
ACCOUNTS = (("redaction", "Rédaction"), ("ciwarainfo", "CiwaraInfo"), ("aminata-kone", "Aminata Koné"),
            ("brehima-sogoba", "Bréhima Sogoba"))


@lru_cache(maxsize=1)
def vocab() -> dict:
    return json.loads(resources.files(__package__).joinpath("vocab.json").read_text(encoding="utf-8"))


class SyntheticStore:
    """Articles are computed from their index; listings and sitemaps are arithmetic (nothing is kept)."""

    site_name = "Maliweb.net"
    css_weight = 48_000

    def __init__(self, n_articles: int, seed: int = 0, comment_share: float = 0.4) -> None:
        self.n, self.seed, self.share = n_articles, seed, comment_share
        self.now = T0 + n_articles * STEP + 86400
        self.categories = {slug: Category(slug, name) for slug, name in SECTIONS}
        self.accounts = {nice: Account(nice, name, "Journaliste à Maliweb.net.") for nice, name in ACCOUNTS}
        self.static_pages = {"/a-propos/": ("Qui sommes-nous ?", ["Un site de démonstration généré automatiquement."])}
        # Every page links a few dozen other articles: recent stubs are kept (a bounded number).
        self._stub = lru_cache(maxsize=4096)(self._make_stub)

    def _rng(self, index: int, salt: int = 0) -> random.Random:
        return random.Random((self.seed * 1_000_003 + BASE_ID + index) * 7 + salt)

    def article_path(self, index: int) -> str:
        """The URL path of article ``index`` (0 ≤ index < N)."""
        return self._stub(index).path

    def _make_stub(self, index: int) -> Article:
        """Everything but the body and the comments: enough for links, listings and sitemaps."""
        v, r = vocab(), self._rng(index)
        place, subj, verb, obj = (r.choice(v[k]) for k in ("places", "subjects", "verbs", "objects"))
        headline = f"{place} : {subj[0].upper()}{subj[1:]} {verb} {obj}"
        published = T0 + index * STEP + r.randrange(STEP // 2)
        section = SECTIONS[index % len(SECTIONS)][0]
        tags = [v["tags"][index % len(v["tags"])], r.choice(v["tags"])]
        return Article(id=BASE_ID + index, slug=slugify(headline), category=section, headline=headline,
                       published=published, modified=published + r.randrange(3600), paragraphs=[],
                       account=ACCOUNTS[index % len(ACCOUNTS)][0], tags=list(dict.fromkeys(tags)),
                       image={"file": f"synth/{index % 500}.jpg", "caption": f"{place} (photo d’illustration)"},
                       layout="tdb" if r.random() < 0.15 else "classic", views=r.randrange(50, 9000))

    def _full(self, index: int) -> Article:
        a, r = copy.copy(self._stub(index)), self._rng(index, 1)  # the cached stub stays as it is
        a.paragraphs = [_paragraph(r) for _ in range(r.randint(6, 10))]
        a.paragraphs[0] = a.headline.split(" : ", 1)[1].capitalize() + ". " + a.paragraphs[0]
        sig = [r.choice(vocab()["names"])]
        a.signature = sig + ([f"Source : {r.choice(vocab()['sources'])}"] if r.random() < 0.3 else [])
        if r.random() < self.share:
            a.comments = _thread(r, a)
        return a

    def article(self, post_id: int) -> Article | None:
        index = post_id - BASE_ID
        return self._full(index) if 0 <= index < self.n else None

    def _group(self, kind: str, key: str) -> tuple[int, int] | None:
        """``(modulus, residue)`` of the indices a listing shows."""
        if kind == "home":
            return 1, 0
        keys = {"category": [s for s, _ in SECTIONS], "author": [a for a, _ in ACCOUNTS],
                "tag": [slugify(t) for t in vocab()["tags"]]}[kind]
        return (len(keys), keys.index(key)) if key in keys else None

    def listing(self, kind: str, key: str, page: int) -> tuple[list[Article], int] | None:
        group = self._group(kind, key)
        if group is None:
            return None
        m, r = group
        count = len(range(r, self.n, m))
        top = r + m * (count - 1)
        picks = [top - m * j for j in range((page - 1) * PER_PAGE, min(page * PER_PAGE, count))]
        return [self._full(i) for i in picks], max(1, -(-count // PER_PAGE))

    def latest(self, n: int) -> list[Article]:
        return [self._full(i) for i in range(self.n - 1, max(-1, self.n - 1 - n), -1)]

    def sitemap_pages(self) -> int:
        return max(1, -(-self.n // SITEMAP_SIZE))

    def sitemap_page(self, k: int) -> list[tuple[str, int]]:
        stubs = (self._stub(i) for i in range((k - 1) * SITEMAP_SIZE, min(k * SITEMAP_SIZE, self.n)))
        return [(s.path, s.modified) for s in stubs]

    def related(self, a: Article) -> list[Article]:
        i = a.id - BASE_ID
        return [self._stub(j) for j in (i - 6, i - 12, i - 18) if j >= 0]

    def adjacent(self, a: Article) -> tuple[Article | None, Article | None]:
        i = a.id - BASE_ID
        return (self._stub(i - 6) if i >= 6 else None), (self._stub(i + 6) if i + 6 < self.n else None)

    def popular(self) -> list[Article]:
        return [self._stub(i) for i in (3, 11, 19, 27, 35) if i < self.n]

    def live_links(self) -> list[tuple[str, str]]:
        return [("Politique", "/category/politique/")] + [("Archives", self.article_path(1))] * (self.n > 1)


def _sentence(r: random.Random) -> str:
    v = vocab()
    return f"{r.choice(v['openers'])} {r.choice(v['subjects'])} {r.choice(v['verbs'])} {r.choice(v['objects'])} à {r.choice(v['places'])} : {r.choice(v['clauses'])}."


def _paragraph(r: random.Random) -> str:
    return " ".join(_sentence(r) for _ in range(r.randint(3, 5))) + " " + r.choice(vocab()["closers"])


def _comment_text(r: random.Random) -> str:
    v = vocab()
    lines = [" ".join(r.choice(v["remarks"]) for _ in range(r.randint(1, 3))) for _ in range(r.randint(1, 3))]
    return ("\n\n" if r.random() < 0.5 else "\n").join(lines)


def _thread(r: random.Random, a: Article) -> list[Comment]:
    """5–60 comments in 3–24 top-level threads (1–3 comment pages), replies up to depth 5."""
    top_n = r.randint(3, 24)
    total = r.randint(max(5, top_n), 60)
    when, pseudos = a.published + 600, vocab()["pseudos"]
    tops = {0} | set(r.sample(range(1, total), top_n - 1))
    roots: list[Comment] = []
    open_slots: list[tuple[Comment, int]] = []
    for k in range(total):
        when += r.randint(60, 5400)
        c = Comment(id=a.id * 100 + k, author=r.choice(pseudos), date=when, text=_comment_text(r))
        if k in tops:
            roots.append(c)
            open_slots.append((c, 1))
            continue
        parent, depth = r.choice(open_slots)
        parent.replies.append(c)
        if depth + 1 < 5:
            open_slots.append((c, depth + 1))
    return roots


def synthetic_site(n_articles: int, seed: int = 0, comment_share: float = 0.4) -> WordPressSite:
    """A site of ``n_articles`` (post ids ``4000000 + i``); ``site.store.article_path(i)`` gives URLs."""
    return WordPressSite(SyntheticStore(n_articles, seed, comment_share))
