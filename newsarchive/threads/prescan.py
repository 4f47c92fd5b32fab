"""Cheap attribute scans that every family's item search starts from (shared, done once a page)."""
from __future__ import annotations

from lxml import etree

# Comment ids (comment-N, li-comment-N, wpd-comm-N_P, div-comment-N), SPIP anchors (forumN) and
# schema.org Comment item types, in one scan of three attribute names.
MARKED = etree.XPath(
    "//@id[contains(., 'omm') or starts-with(., 'forum')]"
    " | //@name[contains(., 'omm') or starts-with(., 'forum')]"
    " | //@itemtype[contains(., 'omment')]")
# Class names ("comment", "commentaire", "réaction"): only the last-resort card family needs them.
CLASSES = etree.XPath("//@class[contains(., 'omm') or contains(., 'eaction')]")


class Hits:
    """The page's attribute values that may mark a comment; class names scanned only when asked."""

    def __init__(self, tree):
        self.tree = tree
        self.marked = MARKED(tree)
        self._classes: list | None = None

    def values(self, names: str) -> list:
        """Hits on the attributes ``names`` (space-separated), page order."""
        if names == "class":
            if self._classes is None:
                self._classes = CLASSES(self.tree)
            return self._classes
        wanted = names.split()
        return [value for value in self.marked if value.attrname in wanted]


def attribute_hits(tree) -> Hits:
    """The scans of one page (each value knows its ``attrname`` and ``getparent()``)."""
    return Hits(tree)


def owners(hits: Hits, names: str, test, tags: frozenset | None = None) -> list:
    """The elements (of ``tags``, any when None) with an attribute among ``names`` whose value
    passes ``test``; page order, once each."""
    found: dict = {}
    for value in hits.values(names):
        if test(value):
            element = value.getparent()
            if tags is None or element.tag in tags:
                found.setdefault(element, None)
    return list(found)


__all__ = ["Hits", "attribute_hits", "owners"]
