"""The maliweb.net replica: data from seed.json / maliweb.json, and the day2 changes from day2.json."""
from __future__ import annotations

import copy
import json
import math
from functools import cache
from importlib import resources

from .frdate import epoch
from .listing import PER_PAGE
from .model import Account, Article, Category, article_from_json, slugify
from .wp import WordPressSite

STATES = ("day1", "day2")


@cache
def _load(name: str) -> dict:
    return json.loads(resources.files(__package__).joinpath(name).read_text(encoding="utf-8"))


def site_data(state: str = "day1") -> dict:
    """The replica's raw data for ``state`` (a fresh deep copy, day2 changes applied)."""
    if state not in STATES:
        raise ValueError(f"unknown replica state {state!r}; expected one of {STATES}")
    data = copy.deepcopy(_load("maliweb.json"))
    data["articles"].insert(0, copy.deepcopy(_load("seed.json")))
    if state == "day2":
        _apply_day2(data, copy.deepcopy(_load("day2.json")))
    return data


def _apply_day2(data: dict, change: dict) -> None:
    """Exactly four changes: one new reply, one removed comment, one edited article, one new article."""
    by_name = {a.get("name"): a for a in data["articles"]}
    data["now"] = change["now"]
    add = change["add_reply"]
    parent = next(c for c in _walk_json(by_name[add["article"]]["comments"]) if c["id"] == add["parent"])
    parent.setdefault("replies", []).append(add["comment"])
    rm = change["remove_comment"]
    _remove(by_name[rm["article"]]["comments"], rm["comment"])
    edit = change["edit"]
    target = by_name[edit["article"]]
    target["headline"], target["modified"] = edit["headline"], edit["modified"]
    index, text = edit["paragraph"]
    target["paragraphs"][index] = text
    data["articles"].append(change["new_article"])


def _walk_json(comments: list[dict]):
    for c in comments:
        yield c
        yield from _walk_json(c.get("replies", []))


def _remove(comments: list[dict], cid: int) -> None:
    for i, c in enumerate(comments):
        if c["id"] == cid:
            del comments[i]
            return
        _remove(c.get("replies", []), cid)


class MaliwebStore:
    """All articles in memory (a few dozen); neighbours are drawn from filler articles only."""

    css_weight = 12_000

    def __init__(self, data: dict) -> None:
        self.site_name = data["site_name"]
        self.now = epoch(data["now"])
        self.accounts = {a["nicename"]: Account(**a) for a in data["accounts"]}
        self.categories = {c["path"]: Category(**c) for c in data["categories"]}
        self.static_pages = {p: (t, paras) for p, (t, paras) in data["static_pages"].items()}
        self.articles = {a.id: a for a in map(article_from_json, data["articles"])}
        self._by_date = sorted(self.articles.values(), key=lambda a: a.published, reverse=True)
        self._popular, self._live = data["popular"], [tuple(x) for x in data["live_links"]]

    def article(self, post_id: int) -> Article | None:
        return self.articles.get(post_id)

    def by_name(self, name: str) -> Article:
        return next(a for a in self.articles.values() if a.name == name)

    def listing(self, kind: str, key: str, page: int) -> tuple[list[Article], int] | None:
        pool = self._pool(kind, key)
        if pool is None:
            return None
        pages = max(1, math.ceil(len(pool) / PER_PAGE))
        return pool[(page - 1) * PER_PAGE:page * PER_PAGE], pages

    def _pool(self, kind: str, key: str) -> list[Article] | None:
        if kind == "home":
            return self._by_date
        if kind == "category":
            return [a for a in self._by_date if f"{a.category}/".startswith(f"{key}/")] if key in self.categories else None
        if kind == "author":
            return [a for a in self._by_date if a.account == key] if key in self.accounts else None
        return [a for a in self._by_date if key in map(slugify, a.tags)] or None

    def latest(self, n: int) -> list[Article]:
        return self._by_date[:n]

    def sitemap_pages(self) -> int:
        return 1

    def sitemap_page(self, n: int) -> list[tuple[str, int]]:
        return [(a.path, a.modified) for a in sorted(self.articles.values(), key=lambda a: a.id)]

    def _fillers(self, a: Article) -> list[Article]:
        top = a.category.split("/")[0]
        return sorted((f for f in self.articles.values() if f.filler and f.category.split("/")[0] == top),
                      key=lambda f: f.published)

    def related(self, a: Article) -> list[Article]:
        near = sorted((f for f in self._fillers(a) if f.id != a.id), key=lambda f: (abs(f.published - a.published), f.id))
        return near[:3]

    def adjacent(self, a: Article) -> tuple[Article | None, Article | None]:
        fillers = [f for f in self._fillers(a) if f.id != a.id]
        prev = [f for f in fillers if f.published < a.published]
        nxt = [f for f in fillers if f.published > a.published]
        return (prev[-1] if prev else None), (nxt[0] if nxt else None)

    def popular(self) -> list[Article]:
        return [self.articles[i] for i in self._popular]

    def live_links(self) -> list[tuple[str, str]]:
        return self._live


def maliweb_store(state: str = "day1") -> MaliwebStore:
    return MaliwebStore(site_data(state))


def maliweb_site(state: str = "day1") -> WordPressSite:
    """The maliweb.net replica as it stood on ``day1`` (2024-03-01 12:00 UTC) or ``day2`` (a day later)."""
    return WordPressSite(maliweb_store(state))
