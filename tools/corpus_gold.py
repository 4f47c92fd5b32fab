"""Write the corpus's gold threads from hand-written XPaths per page (lxml only, never newsarchive's extractor)."""
from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fill_corpus import MANIFEST, cache_dir, manifest  # noqa: E402

GOLD = MANIFEST.parent / "gold"
NOISE = "script|style|noscript|template|button|svg|form|textarea|iframe"  # an iframe's content: a fallback no browser shows


@dataclass
class Spec:
    """How a reader finds each comment of one page: XPaths relative to a comment's node unless said."""

    items: str                                   # every comment node, page order (from the document)
    text: str | Callable                         # the body node(s) of a comment, or a function giving its text
    author: str | None = None                    # the node(s) whose text is the author's name
    ident: Callable | str = "@id"                # XPath to the id, or a function of the node
    parent: Callable | None = None               # function(node, ids_by_node) -> parent id; default: nesting
    level: Callable | None = None                # function(node) -> depth, for flat lists (parent: the last
                                                 # comment one level up)
    published: str | None = None                 # XPath to a machine-readable time
    published_raw: str | None = None             # XPath to the time a reader sees
    author_url: str | None = None
    drop: str | None = None                      # nodes inside the body that are not text (quotes kept)
    title: str | None = None
    declared: Callable | int | None = None       # the count the page states (function of the document)
    comments_in_html: bool = True
    widget: str | None = None
    site: str = ""
    extra: dict = field(default_factory=dict)


def clean(text: str | None) -> str:
    return " ".join((text or "").split())


def node_text(nodes, drop: str | None = None) -> str:
    """A reader's text of the nodes: scripts, controls and ``drop`` removed, whitespace normalised."""
    parts = []
    for node in nodes if isinstance(nodes, list) else [nodes]:
        if isinstance(node, str):
            parts.append(node)
            continue
        copy = lxml.html.fromstring(lxml.html.tostring(node, encoding="unicode", with_tail=False))
        for gone in copy.xpath(f".//*[re:test(local-name(), '^({NOISE})$')]",
                               namespaces={"re": "http://exslt.org/regular-expressions"}):
            gone.drop_tree()
        if drop:
            for gone in copy.xpath(drop):
                if gone is not copy:
                    gone.drop_tree()
        for block in copy.iter("br", "p", "div", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "tr", "td"):
            block.text, block.tail = " " + (block.text or ""), " " + (block.tail or "")
        parts.append(copy.text_content())
    return clean(" ".join(parts))


def first(node, xpath):
    """The first result of an XPath (or of a function of the node)."""
    if not xpath:
        return None
    if callable(xpath):
        return xpath(node)
    found = node.xpath(xpath)
    if not found:
        return None
    return found[0] if isinstance(found[0], str) else found[0]


def as_text(value) -> str | None:
    if value is None:
        return None
    return clean(value if isinstance(value, str) else value.text_content()) or None


def nesting_parent(node, ids: dict) -> str | None:
    """The nearest enclosing comment node's id."""
    for ancestor in node.iterancestors():
        if ancestor in ids:
            return ids[ancestor]
    return None


def parse(html: bytes):
    """The page as a reader's browser reads it: UTF-8 when the bytes are UTF-8, else the declared charset."""
    try:
        text = html.decode("utf-8")
    except UnicodeDecodeError:
        return lxml.html.fromstring(html)
    return lxml.html.fromstring(text.removeprefix("\ufeff").split("?>", 1)[-1] if text.lstrip().startswith("<?xml")
                                else text)


def build(entry: dict, spec: Spec, html: bytes) -> dict:
    """The gold document of one page."""
    document = parse(html)
    nodes = document.xpath(spec.items)
    ids = {}
    for node in nodes:
        ids[node] = str(spec.ident(node) if callable(spec.ident) else first(node, spec.ident))
    comments = []
    open_levels: dict[int, str] = {}
    for node in nodes:
        if spec.level:
            level = spec.level(node)
            parent = open_levels.get(level - 1) if level > 1 else None
            open_levels = {k: v for k, v in open_levels.items() if k < level} | {level: ids[node]}
        else:
            parent = (spec.parent or nesting_parent)(node, ids)
        text = clean(spec.text(node)) if callable(spec.text) else node_text(node.xpath(spec.text), spec.drop)
        depth = 1
        by_id = {c["id"]: c for c in comments}
        if parent in by_id:
            depth = by_id[parent]["depth"] + 1
        comment = {
            # a comment without text (an image only, or emptied) is matched on its author, as bare pingbacks are
            "id": ids[node], "parent": parent, "depth": depth, "type": "comment" if text else "empty",
            "author": as_text(first(node, spec.author)),
            "author_url": as_text(first(node, spec.author_url)),
            "published": as_text(first(node, spec.published)),
            "published_raw": as_text(first(node, spec.published_raw)),
            "text_start": text[:60], "text_end": text[-40:], "text_len": len(text),
        }
        if spec.title:
            comment["title"] = as_text(first(node, spec.title))
        comments.append(comment)
    declared = spec.declared(document) if callable(spec.declared) else spec.declared
    return {"page": entry["page"], "site": spec.site, "cms": entry["platform"], "language": entry["language"],
            "declared_count": declared, "comments_in_html": spec.comments_in_html, "widget": spec.widget,
            "comments": comments}


def container_parent(container: str, head: str) -> Callable:
    """Parent for threads whose comment sits in a container (``li``…) that also holds its replies: the
    head comment of the next enclosing container."""
    def parent(node, ids: dict) -> str | None:
        containers = [a for a in node.iterancestors() if a.xpath(f"self::{container}")]
        for outer in containers[1:]:
            heads = [h for h in outer.xpath(head) if h in ids]
            if heads:
                return ids[heads[0]]
        return None
    return parent


def number(pattern: str, xpath: str) -> Callable:
    """A declared count: the first number matching ``pattern`` in the text at ``xpath``."""
    def read(document) -> int | None:
        found = re.search(pattern, clean(" ".join(t.text_content() if not isinstance(t, str) else t
                                                  for t in document.xpath(xpath))))
        return int(found.group(1).replace(" ", "").replace("\u00a0", "")) if found else None
    return read


def specs() -> dict[str, Spec]:
    from corpus_gold_specs import SPECS
    return SPECS


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("pages", nargs="*", help="page names (default: every page with a spec)")
    parser.add_argument("--show", action="store_true", help="print each comment instead of writing")
    arguments = parser.parse_args()
    entries = {entry["page"]: entry for entry in manifest()["pages"]}
    table = specs()
    for name in arguments.pages or sorted(table):
        entry = entries[name]
        doc = build(entry, table[name], (cache_dir() / "html" / name).read_bytes())
        if arguments.show:
            for c in doc["comments"]:
                print(f"{c['id']:>14} <{c['parent']}> d{c['depth']} {c['author']!r} {c['published']} "
                      f"{c['published_raw']!r} | {c['text_start'][:50]!r} .. {c['text_end'][-25:]!r}")
        else:
            GOLD.mkdir(exist_ok=True)
            (GOLD / f"{Path(name).stem}.json").write_text(
                json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{name}: {len(doc['comments'])} comments, declared {doc['declared_count']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
