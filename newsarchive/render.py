"""An archived article and its thread as a JSON document and as text for a terminal."""
from __future__ import annotations

import textwrap

from .db.queries import article_keys, comment_tree
from .items import Comment, document_keys

ARTICLE_KEYS = article_keys()
COMMENT_KEYS = (*document_keys(Comment), "first_seen_at", "last_seen_at", "removed_at")


def article_document(article: dict, comments: list[dict]) -> dict:
    """The article's fields and its comment tree (``replies`` nested), ready for JSON."""
    document = {key: article.get(key) for key in ARTICLE_KEYS}
    document["comments_archived"] = sum(1 for c in comments if not c["removed_at"])
    document["comments_removed"] = sum(1 for c in comments if c["removed_at"])
    document["comments"] = [_comment_document(c) for c in comment_tree(comments)]
    return document


def _comment_document(comment: dict) -> dict:
    document = {key: comment.get(key) for key in COMMENT_KEYS}
    document["edited"] = bool(comment.get("edits"))
    document["edits"] = comment.get("edits") or 0  # earlier texts kept in comment_versions
    document["last_changed_at"] = comment.get("last_changed_at")
    document["replies"] = [_comment_document(r) for r in comment["replies"]]
    return document


def comment_counts(archived: int, removed: int) -> str:
    """A thread's size as every command states it: all comments archived, removed ones included."""
    return f"{archived} comments archived, of which {removed} removed"


def render_article(document: dict, width: int = 100) -> str:
    """The article and its indented comment tree as plain text: an archived article's document
    (``article_document``), or an extracted one (``newsarchive extract``: a flat thread)."""
    lines = [document["headline"] or "(no headline)", document["url"],
             f"by {', '.join(document['authors']) or '?'}"
             f" (posted by {document['posted_by'] or '?'}) — {document['date_published'] or '?'}"
             f" — {document['section'] or ''}",
             ""]
    for paragraph in (document["article_body"] or "").split("\n\n"):
        lines += [textwrap.fill(paragraph, width), ""]
    lines += [_thread_line(document), ""]
    for comment in document["comments"]:
        _render_comment(comment, lines, width)
    return "\n".join(lines)


def _thread_line(document: dict) -> str:
    """"21 comments archived, of which 2 removed (page declares 21); facebook widget on the page"."""
    archived, removed = document.get("comments_archived"), document.get("comments_removed", 0)
    line = (comment_counts(archived + removed, removed) if archived is not None
            else f"{len(document['comments'])} comments")
    line += f" (page declares {document['comment_count_declared']})"
    if document["comments_widget"]:
        line += f"; {document['comments_widget']} widget on the page"
    return line


def _render_comment(comment: dict, lines: list[str], width: int) -> None:
    indent = "    " * (comment["depth"] - 1)
    marks = comment_marks(comment)
    lines.append(f"{indent}#{comment['comment_id']} {comment['author_name'] or '?'}"
                 f" — {comment['date_published'] or comment['date_published_raw'] or '?'}{marks}")
    for paragraph in (comment["text"] or "").split("\n"):
        lines.append(textwrap.fill(paragraph, width, initial_indent=indent + "  ",
                                   subsequent_indent=indent + "  ") if paragraph else "")
    lines.append("")
    for reply in comment.get("replies", ()):  # an extracted thread is flat: depth says the nesting
        _render_comment(reply, lines, width)


def comment_marks(comment: dict) -> str:
    """`` [removed 2024-06-20]``, `` [edited 2×, last 2024-06-20]``, `` [pingback]``: what a
    reader must know before trusting the text shown."""
    marks = []
    if comment.get("removed_at"):
        marks.append(f"[removed {comment['removed_at'][:10]}: no longer on the site]")
    if comment.get("edited"):
        edits = comment.get("edits") or 1
        when = comment.get("last_changed_at")
        marks.append(f"[edited {edits}×" + (f", last {when[:10]}]" if when else "]"))
    if comment.get("type", "comment") != "comment":
        marks.append(f"[{comment['type']}]")
    return "".join(" " + mark for mark in marks)
