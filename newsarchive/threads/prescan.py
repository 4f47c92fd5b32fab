"""Cheap attribute scans that every family's item search starts from (shared, done once a page)."""
from __future__ import annotations

from functools import cached_property

from lxml import etree

# Comment ids (comment-N, li-comment-N, wpd-comm-N_P, div-comment-N), SPIP anchors (forumN) and
# schema.org Comment item types, in one scan of three attribute names.
MARKED = etree.XPath(
    "//@id[contains(., 'omm') or starts-with(., 'forum')]"
    " | //@name[contains(., 'omm') or starts-with(., 'forum')]"
    " | //@itemtype[contains(., 'omment')]")
# Class names ("comment", "commentaire", "réaction"): only the last-resort card family needs them.
CLASSES = etree.XPath("//@class[contains(., 'omm') or contains(., 'eaction')]")

# The same hits, cheaper: libxml2 evaluates contains() slowly on every attribute, so the attributes'
# values are fetched (each knows its element) and the MARKED tests run in Python, one attribute
# name at a time as the families ask (a WordPress thread is found before any family asks for
# ``itemtype``); OpenWeb's ``data-spotim-module`` is for the widget detection (``pages.widgets``).
# Only links' names are asked for (Drupal and SPIP anchors), and ``//a/@name`` walks at half the
# cost of ``//@name``.
SCANNED = ("id", "name", "itemtype", "data-spotim-module")
ATTRIBUTE_VALUES = {name: etree.XPath("//a/@name" if name == "name" else f"//@{name}") for name in SCANNED}
CLASS_VALUES = etree.XPath("//@class")
PLAIN_CLASSES = etree.XPath("//*/@class", smart_strings=False)


def _marked(name: str, values: list) -> list:
    """The values passing MARKED's test of attribute ``name`` (tested inline: a call per value
    cost more than the test)."""
    if name == "itemtype":
        return [value for value in values if "omment" in value]
    return [value for value in values if "omm" in value or value.startswith("forum")]


def _classed(values) -> list:
    """The class values passing CLASSES's test."""
    return [value for value in values if "omm" in value or "eaction" in value]


class Hits:
    """The page's attribute values that may mark a comment, each scan done when first asked; page
    objects share theirs with the widget detection and their own class index."""

    def __init__(self, tree):
        self.tree = tree
        self._by_name: dict[str, list] = {}
        self._values: dict[str, list] = {}

    def attribute(self, name: str) -> list:
        """Every value of one of the ``SCANNED`` attributes (``name``: on links), page order."""
        found = self._values.get(name)
        if found is None:
            found = self._values[name] = ATTRIBUTE_VALUES[name](self.tree)
        return found

    @cached_property
    def classes(self) -> list:
        """Every class value, page order."""
        return CLASS_VALUES(self.tree)

    def of(self, name: str) -> list:
        """The MARKED hits on one attribute, page order."""
        found = self._by_name.get(name)
        if found is None:
            found = self._by_name[name] = _marked(name, self.attribute(name))
        return found

    def values(self, names: str) -> list:
        """Hits on the attributes ``names`` (space-separated), page order."""
        if names == "class":
            return self.of_class
        wanted = names.split()
        if len(wanted) == 1:
            return self.of(wanted[0])
        return [value for value in MARKED(self.tree) if value.attrname in wanted]

    @cached_property
    def of_class(self) -> list:
        """The CLASSES hits, page order."""
        return _classed(self.classes)

    def any_class(self, test) -> bool:
        """True when some CLASSES hit passes ``test`` (plain strings unless the classes are at hand)."""
        if "classes" in self.__dict__:
            return any(test(value) for value in self.of_class)
        return any(test(value) for value in _classed(PLAIN_CLASSES(self.tree)))


def attribute_hits(tree) -> Hits:
    """The scans of one page (each value knows its ``attrname`` and ``getparent()``)."""
    return Hits(tree)


def owners(hits: Hits, names: str, test, tags: frozenset | None = None) -> list:
    """The elements (of ``tags``, any when None) with an attribute among ``names`` whose value
    passes ``test``; page order, once each."""
    wanted = names.split()
    if wanted == ["class"]:
        if not hits.any_class(test):
            return []
        return _owners(hits.values("class"), test, tags)
    if len(wanted) == 1:
        return _owners(hits.of(wanted[0]), test, tags)
    # Each attribute's owners are in page order; their union is too when one holds the other.
    lists = [found for found in (_owners(hits.of(name), test, tags) for name in wanted) if found]
    if len(lists) <= 1:
        return lists[0] if lists else []
    lists.sort(key=len, reverse=True)
    largest = set(lists[0])
    if all(element in largest for found in lists[1:] for element in found):
        return lists[0]
    return _owners(hits.values(names), test, tags)


def _owners(values: list, test, tags: frozenset | None) -> list:
    found: dict = {}
    for value in values:
        if test(value):
            element = value.getparent()
            if tags is None or element.tag in tags:
                found.setdefault(element, None)
    return list(found)


__all__ = ["Hits", "attribute_hits", "owners"]
