"""The registry of comment families: the one list that parsing, prescan, sections, the crawl and pages read."""
from __future__ import annotations

from typing import Callable

# The registered families (instances), in the order they are tried: most specific first.
FAMILIES: list = []
# What readers build from the registry (the crawl's byte scan, the prescan filters…), made once
# and rebuilt after a registration.
_derived: dict[str, object] = {}


def register(family, before: str | None = None):
    """Add ``family`` (an instance), tried before the family named ``before`` (else last);
    a family of the same name is replaced. Returns the family."""
    FAMILIES[:] = [known for known in FAMILIES if known.name != family.name]
    names = [known.name for known in FAMILIES]
    FAMILIES.insert(names.index(before) if before in names else len(FAMILIES), family)
    _derived.clear()
    return family


def unregister(name: str) -> None:
    """Remove the family called ``name`` (a test's toy family)."""
    FAMILIES[:] = [known for known in FAMILIES if known.name != name]
    _derived.clear()


def family_named(name: str):
    """The registered family called ``name``; KeyError when none is."""
    for family in FAMILIES:
        if family.name == name:
            return family
    raise KeyError(f"no comment family is registered as {name!r}")


def derived(key: str, build: Callable[[list], object]):
    """``build(FAMILIES)``, made once per state of the registry."""
    value = _derived.get(key)
    if value is None:
        value = _derived[key] = build(FAMILIES)
    return value


def merged_marks(families: list, attribute: str) -> dict:
    """The families' ``attribute`` dicts (key: tuple of values) merged, values in order, once each."""
    merged: dict = {}
    for family in families:
        for key, values in getattr(family, attribute).items():
            merged[key] = tuple(dict.fromkeys(merged.get(key, ()) + tuple(values)))
    return merged


__all__ = ["FAMILIES", "derived", "family_named", "merged_marks", "register", "unregister"]
