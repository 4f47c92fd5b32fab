"""Bylines: cleaning credits ("Par X", "By Y") and finding the signature that ends a press article."""
from __future__ import annotations

import re

from .text import normalize_space

PREFIX = re.compile(r"^\s*(?:par|by|von|por|de|written by|publié par|propos recueillis par|"
                    r"auteur|author|autor)\s*:?\s+", re.I)
SOURCE_LINE = re.compile(r"^\s*(?:auteur\s*/\s*)?sources?\s*:", re.I)
SPLIT = re.compile(r"\s*(?:,|&|\bet\b|\band\b|\bund\b|\by\b|\be\b)\s*", re.I)
PARTICLES = {"de", "du", "des", "la", "le", "ben", "bin", "ould", "ag", "dit", "van", "von", "da",
             "dos", "el", "al", "y", "et", "and", "e"}
NAME_WORD = re.compile(r"^[A-ZÀ-ÖØ-Þ][\w.'’-]*$|^[A-ZÀ-ÖØ-Þ]\.$")
MAX_SIGNATURE_WORDS = 8


def clean_byline(value: str | None) -> list[str]:
    """Names from a byline text: prefixes and roles removed, several authors split."""
    text = normalize_space(value)
    text = PREFIX.sub("", text)
    text = re.split(r"\s+[|–—-]\s+|\s*\(", text)[0] if text else text
    names = [normalize_space(part) for part in SPLIT.split(text) if part and part.strip()]
    return [name for name in names if 1 < len(name) <= 80]


def looks_like_signature(paragraph: str) -> bool:
    """True for a short paragraph made only of capitalised name words (``Cheick Moctar TRAORE``)."""
    text = PREFIX.sub("", normalize_space(paragraph))
    words = text.split()
    if not 1 < len(words) <= MAX_SIGNATURE_WORDS or len(text) > 80:
        return False
    if text[-1] in ".!?:;»\"" or any(ch.isdigit() for ch in text):
        return False
    return all(NAME_WORD.match(w) or w.lower() in PARTICLES or w == "/" for w in words)


def signature_byline(paragraphs: list[str]) -> list[str]:
    """The signature ending a body (skipping trailing ``Source :`` lines); [] when there is none."""
    candidates = [p for p in paragraphs if p.strip()]
    while candidates and SOURCE_LINE.match(candidates[-1]):
        candidates.pop()
    if not candidates or len(candidates) < 2:
        return []
    last = candidates[-1]
    return clean_byline(last.split(" / ")[0]) if looks_like_signature(last) else []
