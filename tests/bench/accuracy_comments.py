"""Comment-thread accuracy on ../shared/datasets/comments, scored exactly as its README defines."""
from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[2]
DATASET = REPO / ".." / "shared" / "datasets" / "comments"
CORPUS = REPO / "tests" / "corpus"  # manifest.json and gold/; the pages live in a local cache
PREFIX = 40
WINDOW = 300


def norm(text: str | None) -> str:
    """Whitespace-normalised, case-folded text."""
    return " ".join((text or "").split()).casefold()


def default_extract(html: bytes, url: str):
    """newsarchive's own extraction of one saved page."""
    from newsarchive.extraction import extract
    from newsarchive.items import Capture, FetchedPage

    page = FetchedPage(url, 200, [("Content-Type", "text/html")], html, "2024-01-01T00:00:00Z")
    return extract(Capture(url=url, site="bench", spider="bench", pages=[page], page_type="generic"))


@dataclass
class _Empty:
    comments: tuple = ()
    article_body: str = ""
    comment_count_declared: int | None = None


_EMPTY = _Empty()


@dataclass
class PageScore:
    """The counts of one page."""

    page: str
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    parent_ok: int = 0
    author_ok: int = 0
    dated: int = 0
    date_ok: int = 0
    declared_gold: int | None = None
    declared_predicted: int | None = None
    leaks: int = 0
    invented: bool = False
    seconds: float = 0.0
    misses: list[str] = field(default_factory=list)

    @property
    def declared_ok(self) -> bool:
        return self.declared_gold == self.declared_predicted


def _matches(gold: dict, predicted) -> bool:
    start = norm(gold.get("text_start"))[:PREFIX]
    if not start:
        return gold.get("type") != "comment" and norm(gold.get("author")) == norm(predicted.author_name)
    text = norm(predicted.text)
    return text.startswith(start) or start in text[:WINDOW]


def match_thread(gold: list[dict], predicted: list) -> dict[int, int]:
    """Gold index -> predicted index, one-to-one, greedy in page order."""
    used: set[int] = set()
    pairs: dict[int, int] = {}
    for g_index, g_comment in enumerate(gold):
        for p_index, p_comment in enumerate(predicted):
            if p_index not in used and _matches(g_comment, p_comment):
                used.add(p_index)
                pairs[g_index] = p_index
                break
    return pairs


def _utc_minute(value: str | None) -> str | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M")


def _parent_ok(g_comment: dict, p_comment, gold_by_id: dict, pairs: dict, predicted: list) -> bool:
    if g_comment.get("parent") is None:
        return p_comment.parent_comment_id is None
    g_parent = gold_by_id.get(g_comment["parent"])
    if g_parent is None or g_parent not in pairs or p_comment.parent_comment_id is None:
        return False
    return predicted[pairs[g_parent]].comment_id == p_comment.parent_comment_id


def _leaks(gold: list[dict], body: str) -> int:
    """Gold comments whose text is in the body: its start AND its end found there (a comment that
    only quotes the article at its start is not a leak)."""
    body_n = norm(body)
    count = 0
    for comment in gold:
        start, end = norm(comment.get("text_start"))[:PREFIX], norm(comment.get("text_end"))
        count += len(start) >= 20 and start in body_n and end in body_n
    return count


def score_page(gold_doc: dict, article, seconds: float = 0.0) -> PageScore:
    """One page's counts against its gold thread."""
    gold, predicted = gold_doc["comments"], list(article.comments)
    score = PageScore(gold_doc["page"], gold=len(gold), predicted=len(predicted), seconds=seconds,
                      declared_gold=gold_doc.get("declared_count"),
                      declared_predicted=article.comment_count_declared)
    pairs = match_thread(gold, predicted)
    gold_by_id = {c["id"]: i for i, c in enumerate(gold)}
    score.matched = len(pairs)
    for g_index, p_index in pairs.items():
        g_comment, p_comment = gold[g_index], predicted[p_index]
        score.parent_ok += _parent_ok(g_comment, p_comment, gold_by_id, pairs, predicted)
        score.author_ok += norm(g_comment.get("author")) == norm(p_comment.author_name)
        if g_comment.get("published"):
            score.dated += 1
            score.date_ok += (_utc_minute(g_comment["published"])
                              == _utc_minute(p_comment.date_published))
    score.misses = [gold[i]["id"] for i in range(len(gold)) if i not in pairs]
    score.leaks = _leaks(gold, article.article_body or "")
    score.invented = not gold_doc.get("comments_in_html", True) and bool(predicted)
    return score


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 1.0


def totals(scores: list[PageScore]) -> dict:
    """The summed figures over every page."""
    total = {key: sum(getattr(s, key) for s in scores)
             for key in ("gold", "predicted", "matched", "parent_ok", "author_ok", "dated", "date_ok")}
    return {
        "pages": len(scores),
        "gold": total["gold"], "predicted": total["predicted"], "matched": total["matched"],
        "precision": _ratio(total["matched"], total["predicted"]),
        "recall": _ratio(total["matched"], total["gold"]),
        "parent_accuracy": _ratio(total["parent_ok"], total["matched"]),
        "author_accuracy": _ratio(total["author_ok"], total["matched"]),
        "date_accuracy": _ratio(total["date_ok"], total["dated"]),
        "declared_count_agreement": _ratio(sum(s.declared_ok for s in scores), len(scores)),
        "pages_with_body_leakage": sum(1 for s in scores if s.leaks),
        "pages_with_invented_comments": sum(1 for s in scores if s.invented),
        "seconds": sum(s.seconds for s in scores),
    }


def gold_pages(dataset: Path = DATASET, html: Path | None = None) -> list[tuple[dict, Path]]:
    """Every gold thread with its saved page (in ``html``, else the dataset's own), in name order."""
    docs = []
    for gold_path in sorted((dataset / "gold").glob("*.json")):
        doc = json.loads(gold_path.read_text(encoding="utf-8"))
        docs.append((doc, (html or dataset / "html") / doc["page"]))
    return docs


def page_url(doc: dict) -> str:
    """A plausible URL for a saved page (the dataset keeps only the site)."""
    return f"https://{doc.get('site') or 'example.org'}/{Path(doc['page']).stem}"


def score_pages(extract_fn: Callable = default_extract, dataset: Path = DATASET,
                html: Path | None = None) -> list[PageScore]:
    """Each page's counts (empty when the dataset is absent; ``html``: where its pages are kept)."""
    scores = []
    for doc, html_path in gold_pages(dataset, html) if dataset.is_dir() else []:
        body = html_path.read_bytes()
        started = time.perf_counter()
        try:
            article = extract_fn(body, page_url(doc))
        except Exception as error:  # a crash scores as an empty extraction, and is shown
            print(f"{doc['page']}: extraction failed: {error!r}", file=sys.stderr)
            article = _EMPTY
        scores.append(score_page(doc, article, time.perf_counter() - started))
    return scores


def score_comments(extract_fn: Callable = default_extract, dataset: Path = DATASET) -> dict:
    """The dataset's figures for ``extract_fn(html_bytes, url) -> Article``; {} when absent."""
    scores = score_pages(extract_fn, dataset)
    if not scores:
        return {}
    return {**totals(scores), "per_page": [s.__dict__ | {"declared_ok": s.declared_ok} for s in scores]}


def print_table(scores: list[PageScore]) -> None:
    """A per-page table, then the totals."""
    header = f"{'page':28} {'gold':>4} {'pred':>4} {'match':>5} {'par':>4} {'auth':>4} " \
             f"{'date':>7} {'decl g/p':>11} {'leak':>4} {'ms':>6}  missed"
    print(header)
    for s in scores:
        declared = f"{s.declared_gold}/{s.declared_predicted}"
        print(f"{s.page[:28]:28} {s.gold:4} {s.predicted:4} {s.matched:5} {s.parent_ok:4} "
              f"{s.author_ok:4} {s.date_ok:3}/{s.dated:<3} {declared:>11} {s.leaks:4} "
              f"{s.seconds * 1000:6.0f}  {' '.join(s.misses[:6])}")
    for key, value in totals(scores).items():
        print(f"{key:28} {value:.3f}" if isinstance(value, float) else f"{key:28} {value}")


def print_platforms(scores: list[PageScore]) -> None:
    """The corpus's figures per platform of its manifest (the page table lists each page)."""
    sys.path.insert(0, str(REPO / "tools"))
    from fill_corpus import manifest

    platform_of = {entry["page"]: entry["platform"] for entry in manifest()["pages"]}
    groups: dict[str, list[PageScore]] = {}
    for score in scores:
        groups.setdefault(platform_of.get(score.page, "?"), []).append(score)
    print(f"{'platform':58} {'pages':>5} {'gold':>4} {'F1':>5} {'par':>5} {'auth':>5} {'inv':>3} {'leak':>4}")
    for platform, group in sorted(groups.items()):
        figures = totals(group)
        precision, recall = figures["precision"], figures["recall"]
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(f"{platform[:58]:58} {len(group):5} {figures['gold']:4} {f1:5.2f} {figures['parent_accuracy']:5.2f} "
              f"{figures['author_accuracy']:5.2f} {figures['pages_with_invented_comments']:3} "
              f"{figures['pages_with_body_leakage']:4}")


def corpus_html() -> tuple[Path | None, str]:
    """The cache folder holding every page of the corpus manifest (tools/fill_corpus.py), or None
    and why the corpus cannot be scored."""
    sys.path.insert(0, str(REPO / "tools"))
    from fill_corpus import cache_dir, manifest

    pages = [entry["page"] for entry in manifest()["pages"]]
    html = cache_dir() / "html"
    if not pages:
        return None, "the corpus manifest (tests/corpus/manifest.json) lists no page yet"
    missing = [page for page in pages if not (html / page).is_file()]
    if missing:
        return None, f"{len(missing)} of {len(pages)} corpus pages not in {html}: run tools/fill_corpus.py"
    return html, ""


def main(arguments: list[str]) -> int:
    """Print the table (``--corpus``: on the corpus whose pages tools/fill_corpus.py caches, with
    ``--by-platform`` its figures per platform); exit 0 (a benchmark, not a gate)."""
    if "--corpus" in arguments:
        html, reason = corpus_html()
        if html is None:
            print(f"skipped: {reason}")
            return 0
        scores = score_pages(dataset=CORPUS, html=html)
        print_table(scores)
        if "--by-platform" in arguments:
            print_platforms(scores)
        return 0
    if not DATASET.is_dir():
        print(f"skipped: no dataset at {DATASET.resolve()}")
        return 0
    print_table(score_pages())
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))  # this checkout's package, whatever the environment installed
    from _common import recorded

    if "--corpus" in sys.argv[1:]:  # the corpus's figures are printed, not recorded
        sys.exit(main(sys.argv[1:]))
    with recorded("accuracy_comments"):
        code = main(sys.argv[1:])
    sys.exit(code)
