"""The Article Extraction Benchmark's metric (token 4-gram shingles, macro P/R/F1) as its FORMAT.md defines it."""
from __future__ import annotations

import re
from collections import Counter

TOKEN = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    """Every maximal run of word characters, case kept."""
    return TOKEN.findall(text or "")


def shingles(text: str, n: int = 4) -> Counter:
    """The bag of word n-grams; a short text is one shingle of all its tokens, an empty one none."""
    words = tokens(text)
    if not words:
        return Counter()
    if len(words) < n:
        return Counter([tuple(words)])
    return Counter(tuple(words[i:i + n]) for i in range(len(words) - n + 1))


def document_triple(gold: str, predicted: str) -> tuple[float, float, float]:
    """TP, FP, FN of one document, divided by their own sum."""
    gold_bag, pred_bag = shingles(gold), shingles(predicted)
    tp = fp = fn = 0
    for key in gold_bag.keys() | pred_bag.keys():
        g, p = gold_bag.get(key, 0), pred_bag.get(key, 0)
        tp += min(g, p)
        fp += max(0, p - g)
        fn += max(0, g - p)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def precision_recall(triple: tuple[float, float, float]) -> tuple[float | None, float | None]:
    """Per-document precision and recall (None where undefined, i.e. left out of the average)."""
    tp, fp, fn = triple
    if fp == 0 and fn == 0:
        return 1.0, 1.0
    precision = tp / (tp + fp) if tp + fp > 0 else None
    recall = tp / (tp + fn) if tp + fn > 0 else None
    return precision, recall


def document_scores(gold: str, predicted: str) -> tuple[float | None, float | None, bool]:
    """Per-document precision, recall (None where left out of the average) and exact token match."""
    precision, recall = precision_recall(document_triple(gold, predicted))
    return precision, recall, tokens(gold) == tokens(predicted)


def aggregate(documents: list[tuple[float | None, float | None, bool]]) -> dict[str, float]:
    """Macro precision and recall, F1 from the two averages, and accuracy."""
    precisions = [p for p, _, _ in documents if p is not None]
    recalls = [r for _, r, _ in documents if r is not None]
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    exact = sum(1 for _, _, e in documents if e)
    return {"precision": p, "recall": r, "f1": f1, "accuracy": exact / len(documents) if documents else 0.0}


def bootstrap_std(documents: list, resamples: int = 1000, seed: int = 0) -> dict[str, float]:
    """The standard deviation of each score over resamples of the documents drawn with replacement."""
    import random
    import statistics

    rng = random.Random(seed)
    runs = [aggregate(rng.choices(documents, k=len(documents))) for _ in range(resamples)]
    return {key: statistics.pstdev(run[key] for run in runs) for key in ("precision", "recall", "f1", "accuracy")}


def corpus_scores(pairs: list[tuple[str, str]], resamples: int = 0) -> dict[str, float]:
    """Macro P/R/F1 and accuracy over (gold, predicted) pairs; with ``resamples``, also their bootstrap "±"."""
    documents = [document_scores(gold, predicted) for gold, predicted in pairs]
    scores = aggregate(documents)
    if resamples:
        scores["std"] = bootstrap_std(documents, resamples)
    return scores


def paired_difference(ours: list[tuple[str, str]], theirs: list[tuple[str, str]], resamples: int = 1000,
                      seed: int = 0) -> dict[str, float]:
    """F1(ours) - F1(theirs) over the same resampled documents: its mean, std and share of resamples above 0."""
    import random
    import statistics

    a = [document_scores(g, p) for g, p in ours]
    b = [document_scores(g, p) for g, p in theirs]
    rng = random.Random(seed)
    differences = []
    for _ in range(resamples):
        picks = rng.choices(range(len(a)), k=len(a))
        differences.append(aggregate([a[i] for i in picks])["f1"] - aggregate([b[i] for i in picks])["f1"])
    return {"mean": statistics.fmean(differences), "std": statistics.pstdev(differences),
            "share_above_zero": sum(d > 0 for d in differences) / resamples}
