"""Threads held as data in the page: JSON-LD ``Comment`` nodes and JavaScript frameworks' state objects."""
from __future__ import annotations

import json
import re
from html import unescape

from ..items import Comment
from ..parsing.dates import from_epoch, parse_date
from ..parsing.text import normalize_space
from .base import ThreadContext, content_id

COMMENT_TYPES = frozenset({"Comment", "Answer"})
# Inline assignments of a framework's state: ``window.__NUXT__ = {...};`` and the like.
STATE_ASSIGNMENT = re.compile(
    r"^\s*(?:window\.|var\s+|let\s+|const\s+)?(__NUXT__|__APOLLO_STATE__|__INITIAL_STATE__|__PRELOADED_STATE__"
    r"|__NEXT_DATA__|__STATE__|__DATA__)\s*=\s*", re.S)
STATE_SCRIPT_IDS = frozenset({"__NEXT_DATA__", "__NUXT_DATA__", "__APOLLO_STATE__", "__INITIAL_STATE__"})
TEXT_KEYS = ("text", "body", "content", "message", "comment", "commentText", "html", "bodyHtml", "contentHtml")
AUTHOR_KEYS = ("author", "user", "createdBy", "creator", "owner", "poster", "authorName", "author_name",
               "userName", "username", "displayName", "nickname", "by")
NAME_KEYS = ("name", "displayName", "display_name", "username", "userName", "nickname", "login", "fullName")
ID_KEYS = ("id", "_id", "commentId", "comment_id", "uuid", "key")
PARENT_KEYS = ("parentId", "parent_id", "parentCommentId", "inReplyTo", "replyTo", "reply_to", "parent")
REPLY_KEYS = ("replies", "children", "responses", "comments", "answers", "thread")
DATE_KEYS = ("createdAt", "created_at", "dateCreated", "datePublished", "publishedAt", "published_at",
             "created", "date", "timestamp", "time", "postedAt", "createdTime")
THREAD_KEY = re.compile(r"comment|repl|discussion|respons|reaction|thread|kommentar|commentaire|comentario"
                        r"|commenti|opinion|messages", re.I)
MAX_NODES = 200_000  # a state object is walked once, this many values at most
TAG = re.compile(r"<[^>]+>")


def data_thread(tree, ctx: ThreadContext) -> list[Comment]:
    """The comments the page holds as data (JSON-LD first, then framework state), page order; []
    when it holds none."""
    ld, state = [], []
    for script in tree.iter("script"):
        text = script.text or ""
        if script.get("type") == "application/ld+json":
            if "Comment" in text or "Answer" in text:
                ld.append(text)
        elif script.get("id") in STATE_SCRIPT_IDS or "__" in text[:200] and STATE_ASSIGNMENT.match(text):
            state.append(text)
    comments = _from_json_ld(ld, ctx)
    return comments if comments else _from_state(state, ctx)


def _load(text: str):
    text = STATE_ASSIGNMENT.sub("", text, count=1).strip().rstrip(";").strip()
    try:
        return json.loads(text, strict=False)
    except ValueError:
        return None


# -- JSON-LD ---------------------------------------------------------------------------------------
def _from_json_ld(scripts: list[str], ctx: ThreadContext) -> list[Comment]:
    found: list[Comment] = []
    for text in scripts:
        data = _load(text)
        if data is not None:
            _ld_walk(data, None, found, ctx)
    return found


def _ld_walk(data, parent: str | None, found: list[Comment], ctx: ThreadContext) -> None:
    if isinstance(data, list):
        for item in data:
            _ld_walk(item, parent, found, ctx)
        return
    if not isinstance(data, dict):
        return
    types = data.get("@type")
    types = set(types) if isinstance(types, list) else {types}
    own = parent
    if types & COMMENT_TYPES:
        declared = _ld_id(data["parentItem"]) if isinstance(data.get("parentItem"), dict) else None
        comment = _ld_comment(data, parent or declared, ctx)
        if comment is not None:
            found.append(comment)
            own = comment.comment_id
    for key, value in data.items():
        if key in ("comment", "comments", "@graph", "suggestedAnswer", "acceptedAnswer", "hasPart",
                   "mainEntity"):
            _ld_walk(value, own, found, ctx)


def _ld_comment(node: dict, parent: str | None, ctx: ThreadContext) -> Comment | None:
    text = _plain(node.get("text") or node.get("articleBody") or node.get("description"))
    if not text:
        return None
    author, author_url = _person(node.get("author") or node.get("creator"), ctx)
    raw = _scalar(node.get("dateCreated") or node.get("datePublished") or node.get("commentTime"))
    published = parse_date(raw, ctx.tz, ctx.languages, ctx.fetched_at) if raw else None
    ident = _ld_id(node) or content_id(author, published or raw, text)
    return Comment(comment_id=ident, parent_comment_id=parent, author_name=author, author_url=author_url,
                   date_published=published, date_published_raw=raw, text=text)


def _ld_id(node: dict) -> str | None:
    for key in ("identifier", "@id", "url"):
        value = _scalar(node.get(key))
        if value:
            tail = re.search(r"(\d{2,})\D*$", value)
            return tail.group(1) if tail else value
    return None


# -- framework state -------------------------------------------------------------------------------
def _from_state(scripts: list[str], ctx: ThreadContext) -> list[Comment]:
    for text in scripts:
        data = _load(text)
        if data is None:
            continue
        refs = data if isinstance(data, dict) else {}
        best = max(_comment_lists(data), key=len, default=[])
        if best:
            found: list[Comment] = []
            for node in best:
                _state_comment(node, None, refs, found, ctx)
            return found
    return []


def _comment_lists(data) -> list[list[dict]]:
    """Every list of comment-like objects in ``data`` that says it is a thread (its key names
    comments, or its objects have parents, replies or a ``Comment`` type; replies' own lists are read
    with their parent), and the objects Apollo keeps by reference (``"Comment:12": {...}``)."""
    lists, stack, seen = [], [("", data)], 0
    by_reference = []
    while stack and seen < MAX_NODES:
        key, value = stack.pop()
        seen += 1
        if isinstance(value, dict):
            if "Comment" in str(value.get("__typename", "")) and _looks_like_comment(value, {}):
                by_reference.append(value)
            stack.extend((k, v) for k, v in reversed(value.items()) if isinstance(v, (dict, list)))
        elif isinstance(value, list):
            objects = [v for v in value if isinstance(v, dict)]
            comments = [v for v in objects if _looks_like_comment(v, {})]
            if comments and len(comments) == len(objects) and _says_thread(key, comments):
                lists.append(comments)
            else:
                stack.extend((key, v) for v in reversed(value) if isinstance(v, (dict, list)))
    if by_reference:
        lists.append(_top_level(by_reference))
    return lists


def _says_thread(key: str, nodes: list[dict]) -> bool:
    """True for a list kept under a name for comments, or whose objects answer one another."""
    if THREAD_KEY.search(str(key)):
        return True
    return any("Comment" in str(node.get("__typename", "")) or any(k in node for k in PARENT_KEYS)
               or any(isinstance(node.get(k), list) for k in REPLY_KEYS) for node in nodes)


def _top_level(nodes: list[dict]) -> list[dict]:
    """The normalised objects that are no other object's reply."""
    replies = {id(r) for node in nodes for key in REPLY_KEYS
               for r in (node.get(key) if isinstance(node.get(key), list) else [])}
    return [node for node in nodes if id(node) not in replies]


def _looks_like_comment(node: dict, refs: dict) -> bool:
    return (_text_of(node) is not None and _first(node, ID_KEYS) is not None
            and any(key in node for key in AUTHOR_KEYS))


def _state_comment(node: dict, parent: str | None, refs: dict, found: list[Comment],
                   ctx: ThreadContext) -> None:
    node = _resolve(node, refs)
    text = _text_of(node)
    if not text:
        return
    author, author_url = _person(_resolve(_first(node, AUTHOR_KEYS), refs), ctx)
    raw = _first(node, DATE_KEYS)
    published = _state_date(raw, ctx)
    declared_parent = _scalar(_resolve(_first(node, PARENT_KEYS), refs))
    ident = str(_first(node, ID_KEYS))
    found.append(Comment(comment_id=ident, parent_comment_id=parent or declared_parent or None,
                         author_name=author, author_url=author_url, date_published=published,
                         date_published_raw=str(raw) if raw is not None else None, text=text))
    for key in REPLY_KEYS:
        replies = node.get(key)
        if isinstance(replies, dict):  # {"nodes": [...]}, {"edges": [{"node": …}]}
            replies = replies.get("nodes") or [e.get("node") for e in replies.get("edges", [])
                                               if isinstance(e, dict)]
        for reply in replies if isinstance(replies, list) else []:
            if isinstance(reply, dict):
                _state_comment(reply, ident, refs, found, ctx)


def _resolve(value, refs: dict):
    """An Apollo reference (``{"__ref": "User:1"}``) replaced by the object it names."""
    if isinstance(value, dict) and "__ref" in value:
        return refs.get(value["__ref"], value)
    if isinstance(value, dict) and value.get("type") == "id" and "id" in value:
        return refs.get(value["id"], value)
    return value


def _state_date(raw, ctx: ThreadContext) -> str | None:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return from_epoch(raw / 1000 if raw > 10**11 else raw)
    if isinstance(raw, str):
        return (from_epoch(int(raw) / 1000 if int(raw) > 10**11 else raw) if raw.isdigit()
                else parse_date(raw, ctx.tz, ctx.languages, ctx.fetched_at))
    return None


# -- shared ----------------------------------------------------------------------------------------
def _text_of(node: dict) -> str | None:
    for key in TEXT_KEYS:
        value = node.get(key)
        if isinstance(value, dict):  # {"html": "…"} / {"text": "…"}
            value = value.get("text") or value.get("html") or value.get("raw")
        if isinstance(value, str) and value.strip() and not value.strip().startswith(("http://", "https://")):
            return _plain(value)
    return None


def _person(value, ctx: ThreadContext) -> tuple[str | None, str | None]:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        return normalize_space(value) or None, None
    if not isinstance(value, dict):
        return None, None
    name = _first(value, NAME_KEYS)
    url = _scalar(value.get("url") or value.get("profileUrl") or value.get("website"))
    return (normalize_space(str(name)) or None) if name else None, ctx.absolute(url) if url else None


def _plain(value) -> str:
    """Text of a field that may hold markup: paragraphs kept, tags dropped."""
    if not isinstance(value, str):
        return ""
    if "<" in value:
        value = re.sub(r"</p>\s*|<br\s*/?>", "\n", value, flags=re.I)
        value = TAG.sub("", value)
        value = unescape(value)
    lines = [normalize_space(line) for line in value.splitlines()]
    return "\n".join(line for line in lines if line)


def _first(node: dict, keys: tuple):
    for key in keys:
        value = node.get(key)
        if value not in (None, "", [], {}):
            return value
    return None


def _scalar(value) -> str | None:
    if isinstance(value, dict):
        value = value.get("@id") or value.get("id") or value.get("url")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value.strip() if isinstance(value, str) and value.strip() else None


__all__ = ["data_thread"]
