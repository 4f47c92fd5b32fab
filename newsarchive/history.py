"""An article's history: its versions with readable body diffs, and every change to its comment thread."""
from __future__ import annotations

import difflib
import sqlite3
import textwrap
from collections import defaultdict

from .article_urls import find_archived_article
from .db import queries
from .render import comment_counts

WRAP = 88
"""Paragraphs are wrapped to this width before diffing, so a changed sentence shows alone."""
QUOTE = 70
"""How much of a comment's text a thread change quotes."""


def article_history(conn: sqlite3.Connection, url: str) -> dict | None:
    """The history of the archived article at ``url`` (or id, or path), None if not archived."""
    article = find_archived_article(conn, url)
    if article is None:
        return None
    versions = _versions(conn, article)
    comments = queries.article_comments(conn, article["id"])
    return {
        "url": article["url"], "former_urls": queries.former_urls(conn, article["id"]), "headline": article["headline"],
        "first_seen_at": article["first_seen_at"], "last_seen_at": article["last_seen_at"],
        "next_visit_at": article.get("next_visit_at"),
        "versions": versions,
        "changes": [_change(old, new) for old, new in zip(versions, versions[1:])],
        "comments": {"total": len(comments),
                     "removed": sum(1 for c in comments if c["removed_at"])},
        "thread": _thread_changes(conn, article["id"]),
    }


def _versions(conn: sqlite3.Connection, article: dict) -> list[dict]:
    keep = ("headline", "description", "article_body", "date_modified", "seen_from", "seen_until")
    earlier = [{k: v[k] for k in keep} for v in queries.article_versions(conn, article["id"])]
    current = {k: article[k] for k in keep if k in article}
    current.update(seen_from=article["last_changed_at"] or article["first_seen_at"],
                   seen_until=article["last_seen_at"], current=True)
    versions = earlier + [current]
    for number, version in enumerate(versions, start=1):
        version["version"] = number
        version.setdefault("current", False)
    return versions


def _change(old: dict, new: dict) -> dict:
    return {"from_version": old["version"], "to_version": new["version"], "at": new["seen_from"],
            "headline": None if old["headline"] == new["headline"] else [old["headline"], new["headline"]],
            "body_diff": body_diff(old["article_body"] or "", new["article_body"] or "",
                                   f"v{old['version']} body", f"v{new['version']} body")}


def body_diff(old: str, new: str, old_label: str = "before", new_label: str = "after") -> list[str]:
    """A unified diff of two bodies, paragraphs wrapped so that only changed lines show."""
    return list(difflib.unified_diff(_wrapped(old), _wrapped(new), old_label, new_label,
                                     lineterm="", n=1))


def _wrapped(body: str) -> list[str]:
    lines: list[str] = []
    for paragraph in body.split("\n\n"):
        if lines:
            lines.append("")
        lines += textwrap.wrap(paragraph, WRAP) or [""]
    return lines


def _thread_changes(conn: sqlite3.Connection, article_id: int) -> list[dict]:
    """Thread events in order; an edit carries the text before and after it."""
    earlier = defaultdict(list)
    for version in queries.comment_versions(conn, article_id):
        earlier[version["pk"]].append(version["text"])
    edits_seen: dict[int, int] = defaultdict(int)
    changes = []
    for event in queries.comment_events(conn, article_id):
        change = {k: event[k] for k in ("kind", "at", "comment_id", "author_name", "date_published",
                                        "parent_comment_id", "parent_author")}
        change["text"] = event["text"]
        if event["kind"] == "edited":
            texts = earlier[event["pk"]] + [event["text"]]
            k = edits_seen[event["pk"]]
            change["text_before"], change["text"] = texts[k], texts[min(k + 1, len(texts) - 1)]
            edits_seen[event["pk"]] += 1
        changes.append(change)
    return changes


# -- rendering -----------------------------------------------------------------------------------

def render_history(history: dict) -> str:
    """The history as text for a terminal."""
    lines = [history["headline"] or "(no headline)", history["url"],
             *(f"  formerly {former['url']} (until {former['left_at']})" for former in history["former_urls"]),
             _visits(history), ""]
    lines += _render_versions(history["versions"])
    for change in history["changes"]:
        lines += ["", *_render_change(change)]
    lines += ["", *_render_thread(history)]
    return "\n".join(lines)


def _visits(history: dict) -> str:
    upcoming = (f"next visit {history['next_visit_at']}" if history["next_visit_at"]
                else "settled: not revisited")
    return (f"archived {history['first_seen_at']}, last visited {history['last_seen_at']}, "
            f"{upcoming}")


def _render_versions(versions: list[dict]) -> list[str]:
    count = len(versions)
    lines = [f"{count} version{'s' if count > 1 else ''}"
             + (" (never changed)" if count == 1 else "") + ":"]
    for v in versions:
        until = f"{v['seen_until']} (current)" if v["current"] else v["seen_until"]
        lines.append(f"  v{v['version']}  seen {v['seen_from']} … {until}  {_quote(v['headline'])}")
    return lines


def _render_change(change: dict) -> list[str]:
    lines = [f"v{change['from_version']} → v{change['to_version']}, first seen {change['at']}:"]
    if change["headline"]:
        old, new = (f"“{text or ''}”" for text in change["headline"])
        lines.append(f"  headline: {old}\n         → {new}")
    if not change["body_diff"]:
        lines.append("  body unchanged")
    lines += ["  " + line for line in change["body_diff"]]
    return lines


def _render_thread(history: dict) -> list[str]:
    counts = history["comments"]
    head = f"Comment thread: {comment_counts(counts['total'], counts['removed'])}"
    if not history["thread"]:
        return [head + "; no change since the first visit."]
    return [head + "; changes since the first visit:"] + [_render_event(e) for e in history["thread"]]


def _render_event(event: dict) -> str:
    who = f"#{event['comment_id']} by {event['author_name'] or 'anonymous'}"
    if event["parent_comment_id"]:
        who += f", reply to #{event['parent_comment_id']} ({event['parent_author'] or 'anonymous'})"
    if event["kind"] == "edited":
        what = f"{_quote(event['text_before'])} → {_quote(event['text'])}"
    else:
        what = _quote(event["text"])
    return f"  {event['at']}  {event['kind']:<8}  {who}: {what}"


def _quote(text: str | None) -> str:
    flat = " ".join((text or "").split())
    return f"“{flat[:QUOTE]}{'…' if len(flat) > QUOTE else ''}”"
