"""Stable pseudonyms for commenters: a keyed hash (HMAC-SHA256) under the archive's own secret key."""
from __future__ import annotations

import hashlib
import hmac
import sqlite3
from typing import Iterable

from .db import queries

PREFIXES = {"author_name": "commenter-", "author_url": "https://commenter.invalid/"}
"""The commenter fields replaced, and how their pseudonyms start."""
DIGEST_CHARS = 16


class PseudonymError(Exception):
    """The archive has no pseudonym key (an archive not yet written by this version)."""


class Pseudonyms:
    """Replaces commenter names and URLs: the same value always gets the same pseudonym in one
    archive, and without the archive's key nobody can tell whose it is."""

    def __init__(self, key: bytes):
        self.key = key

    @classmethod
    def of_archive(cls, conn: sqlite3.Connection) -> Pseudonyms:
        key = queries.pseudonym_key(conn)
        if key is None:
            raise PseudonymError("this archive has no pseudonym key yet: run any crawl or"
                                 " `newsarchive reextract` on it once with this version")
        return cls(key)

    def of(self, field: str, value: str | None) -> str | None:
        """The pseudonym of ``value`` (a commenter's ``author_name`` or ``author_url``); empty stays empty."""
        if not value:
            return value
        digest = hmac.new(self.key, f"{field}\0{value}".encode("utf-8"), hashlib.sha256).hexdigest()
        return PREFIXES[field] + digest[:DIGEST_CHARS]

    def comment(self, comment: dict) -> dict:
        """``comment`` with its commenter fields replaced (in place)."""
        for field in PREFIXES:
            if field in comment:
                comment[field] = self.of(field, comment[field])
        return comment

    def rows(self, names: Iterable[str], rows: list[tuple]) -> list[tuple]:
        """Rows of a comments table (columns ``names``) with the commenter columns replaced."""
        positions = [(i, name) for i, name in enumerate(names) if name in PREFIXES]
        replaced = []
        for row in rows:
            row = list(row)
            for i, name in positions:
                row[i] = self.of(name, row[i])
            replaced.append(tuple(row))
        return replaced
