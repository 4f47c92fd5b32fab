"""Languages: a page's declared language normalised to ISO 639-1, or detected from its text (py3langid)."""
from __future__ import annotations

import re

LANGUAGE_TAG = re.compile(r"^\s*([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]+)*\s*$")
MIN_DETECT_CHARS = 40
DETECT_SAMPLE_CHARS = 3000


def normalize_language(value: str | None) -> str | None:
    """``fr-FR``, ``fr_FR``, ``FR`` -> ``fr``; None for anything that is not a language tag."""
    if not isinstance(value, str):
        return None
    match = LANGUAGE_TAG.match(value.split(",")[0])
    if not match or match.group(1).lower() in ("und", "mul", "zxx", "xx"):
        return None
    return match.group(1).lower()


def detect_language(text: str | None) -> str | None:
    """The language of ``text`` (ISO 639-1) by py3langid; None when there is too little text."""
    if not text or len(text.strip()) < MIN_DETECT_CHARS:
        return None
    import py3langid  # loads its model on first use

    language, _score = py3langid.classify(text[:DETECT_SAMPLE_CHARS])
    return language
