"""Rows of a cursor as dicts of their columns."""
from __future__ import annotations

import sqlite3


def dicts(cursor: sqlite3.Cursor) -> list[dict]:
    """Every row of ``cursor`` as a dict of its columns."""
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def first(cursor: sqlite3.Cursor) -> dict | None:
    """The first row of ``cursor`` as a dict of its columns, or None."""
    row = cursor.fetchone()
    return dict(zip((d[0] for d in cursor.description), row)) if row else None
