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


def corpus_scores(pairs: list[tuple[str, str]]) -> dict[str, float]:
    """Macro precision, recall, F1 (from the two averages) and exact-token accuracy over (gold, predicted)."""
    precisions, recalls, exact = [], [], 0
    for gold, predicted in pairs:
        precision, recall = precision_recall(document_triple(gold, predicted))
        if precision is not None:
            precisions.append(precision)
        if recall is not None:
            recalls.append(recall)
        exact += tokens(gold) == tokens(predicted)
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f1, "accuracy": exact / len(pairs) if pairs else 0.0}
