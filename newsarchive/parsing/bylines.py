"""Bylines: cleaning credits ("Par X", "By Y", "Von Z", agencies) and the signature ending a press article."""
from __future__ import annotations

import re
from functools import lru_cache

from .text import fold, normalize_space

PREFIX = re.compile(r"^\s*(?:par|by|von|por|de|written by|publié par|publie par|propos recueillis par|"
                    r"un article de|texte de|reportage de|ein beitrag von|escrito por|texto de|"
                    r"reportagem de|auteur|author|autor|autora|text|texte|posted by|reporting by)"
                    r"\s*:?\s+", re.I)
SOURCE_LINE = re.compile(r"^\s*(?:auteur\s*/\s*)?sources?\s*:", re.I)
SPLIT = re.compile(r"\s*[,;&]\s*|\s+(?:et|and|AND|und|y|e)\s+")
WITH = re.compile(r"[(\[]\s*(?:avec|with|mit|con|com)\s+([^)\]]+)[)\]]|\s(?:avec|with|mit|con|com)\s+(.+)$", re.I)
TAIL = re.compile(r"\s+[|/–—-]\s+|\s*[(\[]"  # " | The Times", " - Staff writer", " (AFP)"
                  r"|\s+(?i:le|on|am|el|em|publié|mis à jour|updated|posted)\b.*\d.*$"  # " le 07 Mai 2020"
                  r"|\s+(?:pour|for|für|para|à|in|en|em)\s+(?:le|la|l'|the|die|der|el|o|a)?\s*"  # " pour Gala"
                  r"[A-Z][\w.-]*(?:\s[A-Z][\w.-]*)*\s*$")
ROLE = re.compile(r"^(?:journaliste|correspondant|correspondante|envoyée? spéciale?|rédacteur|rédactrice|"
                  r"staff writer|reporter|editor|redakteur|redakteurin|korrespondent(?:in)?|periodista|"
                  r"corresponsal|jornalista|correspondente|contributor|columnist|chroniqueur|photographe?|"
                  r"updated|mis à jour|publié|published|veröffentlicht|publicado)\b", re.I)
AGENCIES = re.compile(r"^(?:afp|agence france[- ]presse|reuters|ap|associated press|dpa|efe|ansa|aps|map|xinhua|"
                      r"belga|ats|lusa|agência brasil|europa press|kna|epd|afp/reuters|reuters/afp|pana|apa|"
                      r"anadolu|aa|ap/afp|afp/ap|agences|agencies|agenturen|agencias|agências|sda|keystone-ats|"
                      r"bloomberg|upi|ips|cna|ani|pti|ians|mena|wafa|xinhua/afp)$", re.I)
NEWSROOM = re.compile(r"^(?:la |the |die |a )?(?:rédaction|redaction|redaktion|redacción|redação|staff|"
                      r"newsroom|editorial (?:staff|team|board)|editors)\b", re.I)
HANDLE = re.compile(r"@\w+|\S+@\S+\.\w+|https?://\S+")
PARTICLES = {"de", "du", "des", "la", "le", "ben", "bin", "ould", "ag", "dit", "van", "von", "da",
             "dos", "el", "al", "y", "et", "and", "e"}
NAME_WORD = re.compile(r"^[A-ZÀ-ÖØ-Þ][\w.'’-]*$|^[A-ZÀ-ÖØ-Þ]\.$")
MAX_SIGNATURE_WORDS = 8
MAX_NAME_CHARS = 80


def clean_byline(value: str | None) -> list[str]:
    """Names from a byline text: prefixes, roles and handles removed, several authors split.

    Co-authors named in ``(avec X et Y)`` are kept; agency credits (AFP, Reuters…) and newsroom
    credits (Rédaction…) are kept only when no person is named.
    """
    return list(_byline_names(str(value or "")))  # a plain copy: an lxml string would keep its tree


@lru_cache(maxsize=4096)
def _byline_names(value: str) -> tuple[str, ...]:
    """``clean_byline``'s names, remembered: a site's pages repeat the same few bylines, and each
    reading runs a dozen regular expressions."""
    return tuple(_read_byline(value))


def _read_byline(value: str) -> list[str]:
    text = _strip_prefix(normalize_space(HANDLE.sub(" ", value or "")).strip(" ,;:|–—-"))
    if not text:
        return []
    text, extra = _split_with(text)
    names = _names(TAIL.split(text)[0]) + [n for part in extra for n in _names(part)]
    people = [n for n in names if not is_credit(n)]
    return list(dict.fromkeys(people or names))


def is_credit(name: str) -> bool:
    """True for an agency or newsroom credit rather than a person (``AFP``, ``La Rédaction``)."""
    return bool(AGENCIES.match(name) or NEWSROOM.match(name))


def _strip_prefix(text: str) -> str:
    for _ in range(3):
        match = PREFIX.match(text)
        if not match or not _keeps_name(match.group(0), text[match.end():]):
            break
        text = text[match.end():]
    return text.strip(" :,-–—|")


def _keeps_name(prefix: str, rest: str) -> bool:
    """A prefix is removed only when a name follows; ``De`` only before two words (``De Villiers`` stays)."""
    if prefix.strip().lower() == "de" and len(rest.split()) < 2:
        return False
    return rest[:1].isupper() or AGENCIES.match(rest) is not None


def _split_with(text: str) -> tuple[str, list[str]]:
    extra = [m.group(1) or m.group(2) for m in WITH.finditer(text)]
    return WITH.sub("", text).strip(" ,"), [e for e in extra if e]


def _names(text: str) -> list[str]:
    names = [_trim(part) for part in SPLIT.split(text) if part and part.strip()]
    return [name for name in names if _is_name(name)]


def _trim(part: str) -> str:
    """Spaces and punctuation off both ends, but not the full stop of a final initial (``Nicolas Gutierrez C.``)."""
    name = normalize_space(part).strip(" :;,-–—|")
    return name if re.search(r"\b[A-Z]\.$", name) else name.rstrip(".")


def _is_name(name: str) -> bool:
    if not 1 < len(name) <= MAX_NAME_CHARS or any(ch.isdigit() for ch in name):
        return False
    if ROLE.match(name) or not any(ch.isupper() for ch in name[:1] + name):
        return False
    return len(name.split()) <= MAX_SIGNATURE_WORDS


def fold_name(name: str) -> str:
    """A name for comparison: lower case, no accents, single spaces."""
    return " ".join(fold(name).split())


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
