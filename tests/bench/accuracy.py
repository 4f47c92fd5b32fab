"""Extraction accuracy in one run: AEB bodies beside trafilatura, comment threads, bylines and dates, and speed."""
from __future__ import annotations

import importlib
import json
import re
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aeb_metric import corpus_scores, paired_difference  # noqa: E402

DATASETS = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"
AEB = DATASETS / "aeb"
METADATA = DATASETS / "metadata_fr"
AEB_CAPTURED_AT = "2019-11-20T12:00:00Z"  # AEB pages were fetched in Nov 2019
METADATA_CAPTURED_AT = "2024-01-01T00:00:00Z"
WARM_UP_PAGES = 3
BOOTSTRAP_RESAMPLES = 1000  # AEB's evaluate.py default
GOLD_PREFIX = re.compile(r"^\s*(?:par|by|von|por|de)\s+", re.I)
GOLD_SPLIT = re.compile(r"\s*(?:,|;|&|\(|\)|\bavec\b|\bet\b|\band\b)\s*")


@dataclass
class AebPage:
    """One AEB page: id, original URL, raw HTML and the hand-made body."""

    key: str
    url: str
    html: bytes
    gold: str


def newsarchive_article(html: bytes, url: str, captured_at: str = AEB_CAPTURED_AT):
    """newsarchive's generic extraction of one saved page (the same extract() as the pipelines)."""
    from newsarchive.extraction import extract
    from newsarchive.items import Capture, FetchedPage

    page = FetchedPage(url, 200, [("Content-Type", "text/html")], html, captured_at)
    return extract(Capture(url=url, site="bench", spider="bench", pages=[page], page_type="generic"))


def trafilatura_body(html: bytes) -> str:
    """trafilatura alone, as the AEB figure quotes it: favor_precision, no comments."""
    import trafilatura

    return trafilatura.extract(html, favor_precision=True, include_comments=False) or ""


# -- (a) bodies on AEB -------------------------------------------------------------------------------
def aeb_pages(limit: int | None = None) -> list[AebPage]:
    """The benchmark's pages in id order (all 181 unless ``limit``)."""
    truth = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(truth)[:limit]
    return [AebPage(k, truth[k]["url"], (AEB / "html" / f"{k}.html").read_bytes(), truth[k]["articleBody"])
            for k in keys]


def score_bodies(pages: list[AebPage], resamples: int = 0) -> dict:
    """Body P/R/F1 of newsarchive and of trafilatura, and the time per page of each, on the same pages.

    Each page is extracted by both in turn, so a busy machine slows both alike.
    """
    from newsarchive.parsing.language import detect_language

    detect_language("Imports, models and caches are loaded before the clock starts, for both systems.")
    for page in pages[:WARM_UP_PAGES]:
        newsarchive_article(page.html, page.url), trafilatura_body(page.html)
    ours, theirs, ours_seconds, theirs_seconds = [], [], 0.0, 0.0
    for page in pages:
        started = time.perf_counter()
        article = newsarchive_article(page.html, page.url)
        middle = time.perf_counter()
        baseline = trafilatura_body(page.html)
        ours_seconds += middle - started
        theirs_seconds += time.perf_counter() - middle
        ours.append((page.gold, article.article_body))
        theirs.append((page.gold, baseline))
    count = len(pages) or 1
    difference = paired_difference(ours, theirs, resamples) if resamples else None
    return {"newsarchive": corpus_scores(ours, resamples), "trafilatura": corpus_scores(theirs, resamples),
            "f1_difference": difference,
            "ms_per_page": {"newsarchive": 1000 * ours_seconds / count,
                            "trafilatura": 1000 * theirs_seconds / count},
            "time_ratio": ours_seconds / theirs_seconds if theirs_seconds else 0.0, "pages": len(pages)}


# -- (b) comment threads -----------------------------------------------------------------------------
def score_threads() -> dict | None:
    """The comment benchmark of tests/bench/accuracy_comments.py; None when that module is absent."""
    try:
        module = importlib.import_module("accuracy_comments")
    except ModuleNotFoundError:
        return None
    result = module.score_comments(lambda html, url: newsarchive_article(html, url, METADATA_CAPTURED_AT))
    return {k: v for k, v in result.items() if k != "per_page"} or None


# -- (c) bylines and dates ---------------------------------------------------------------------------
def fold(text: str) -> str:
    """Lower case, no accents, single spaces (for comparing names)."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.lower())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def gold_names(author: str) -> set[str]:
    """The people a gold byline names ("Par X (avec Y et Z)" -> {x, y, z})."""
    names = (GOLD_PREFIX.sub("", part) for part in GOLD_SPLIT.split(author))
    return {fold(name) for name in names if name.strip()}


def author_ok(gold: str, predicted: list[str]) -> bool:
    """The predicted names are exactly the gold's names (case, accents and prefixes aside)."""
    return {fold(name) for name in predicted} == gold_names(gold)


def same_day(gold: str, predicted: str | None) -> bool:
    """The predicted instant falls on the gold day in some time zone (UTC-12 .. UTC+14).

    Gold gives a local calendar day (or a UTC timestamp, compared on its UTC day); we store UTC.
    """
    if not predicted:
        return False
    if "T" in gold:
        return predicted[:10] == gold[:10]
    moment = datetime.fromisoformat(predicted.replace("Z", "+00:00"))
    day = datetime.fromisoformat(gold[:10]).replace(tzinfo=timezone.utc)
    return day - timedelta(hours=14) <= moment < day + timedelta(hours=36)


def score_metadata() -> dict:
    """Byline and publication-date accuracy on the French pages of metadata_fr."""
    truth = json.loads((METADATA / "truth.json").read_text(encoding="utf-8"))
    authors, dates, misses = [], [], []
    for record in truth:
        url = record["url"] or "https://example.org/"
        article = newsarchive_article((METADATA / record["file"]).read_bytes(), url,
                                      METADATA_CAPTURED_AT)
        if record.get("author"):
            authors.append(author_ok(record["author"], article.authors))
            if not authors[-1]:
                misses.append(f"author {record['file']}: {record['author']!r} != {article.authors}")
        if record.get("date"):
            dates.append(same_day(record["date"], article.date_published))
            if not dates[-1]:
                misses.append(f"date {record['file']}: {record['date']} != {article.date_published}")
    return {"author_accuracy": sum(authors) / len(authors), "authors": len(authors),
            "date_accuracy": sum(dates) / len(dates), "dates": len(dates), "misses": misses}


# -- the report --------------------------------------------------------------------------------------
def run_all(limit: int | None = None, with_threads: bool = True, resamples: int = 0) -> dict:
    """Every score of this benchmark (parts whose dataset is absent are None)."""
    return {"bodies": score_bodies(aeb_pages(limit), resamples) if AEB.is_dir() else None,
            "threads": score_threads() if with_threads and (DATASETS / "comments").is_dir() else None,
            "metadata": score_metadata() if METADATA.is_dir() else None}


def _print(results: dict, out: Callable[[str], None] = print) -> None:
    bodies = results["bodies"]
    if bodies:
        out(f"AEB bodies ({bodies['pages']} pages)      precision  recall    F1     exact")
        for system in ("newsarchive", "trafilatura"):
            s = bodies[system]
            spread = f"  (F1 ± {s['std']['f1']:.4f}, bootstrap)" if "std" in s else ""
            out(f"  {system:<28} {s['precision']:.4f}   {s['recall']:.4f}  {s['f1']:.4f}  {s['accuracy']:.3f}"
                + spread)
        difference = bodies.get("f1_difference")
        if difference:
            out(f"  paired bootstrap: F1 newsarchive - trafilatura = {difference['mean']:+.4f}"
                f" ± {difference['std']:.4f},"
                f" above 0 in {100 * difference['share_above_zero']:.1f}% of resamples")
        ms = bodies["ms_per_page"]
        out(f"time per page: newsarchive (body+metadata+comments) {ms['newsarchive']:.1f} ms,"
            f" trafilatura alone {ms['trafilatura']:.1f} ms; ratio {bodies['time_ratio']:.2f}")
    threads = results["threads"]
    if threads:
        out("comments: " + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
                                     for k, v in threads.items()))
    metadata = results["metadata"]
    if metadata:
        out(f"metadata_fr: author accuracy {metadata['author_accuracy']:.3f} ({metadata['authors']} pages),"
            f" date accuracy (same day) {metadata['date_accuracy']:.3f} ({metadata['dates']} pages)")
        for miss in metadata["misses"]:
            out(f"  miss: {miss}")


def main() -> int:
    if not DATASETS.is_dir():
        print(f"skipped: no datasets at {DATASETS}")
        return 0
    _print(run_all(resamples=BOOTSTRAP_RESAMPLES))
    return 0


if __name__ == "__main__":
    from _common import recorded

    with recorded("accuracy"):
        code = main()
    sys.exit(code)
