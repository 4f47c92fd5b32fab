"""Cheap attribute scans that every family's item search starts from (shared, done once a page)."""
from __future__ import annotations

import re
from functools import cached_property

from lxml import etree

from .registry import derived, merged_marks

# The scans are of attribute values (each knows its element), filtered in Python by the
# substrings the registered families declare (``prescan``): libxml2 evaluates contains() slowly on
# every attribute. One attribute name is scanned at a time, as the families ask (a WordPress thread
# is found before any family asks for ``itemtype``); OpenWeb's ``data-spotim-module`` is for the
# widget detection (``pages.widgets``). Only links' names are asked for (Drupal and SPIP anchors),
# and ``//a/@name`` walks at half the cost of ``//@name``.
SCANNED = ("id", "name", "itemtype", "data-spotim-module")
ATTRIBUTE_VALUES = {name: etree.XPath("//a/@name" if name == "name" else f"//@{name}") for name in SCANNED}
CLASS_VALUES = etree.XPath("//@class")


def family_marks() -> dict[str, tuple[str, ...]]:
    """Attribute name -> the substrings any registered family looks for in its values."""
    return derived("prescan", lambda families: merged_marks(families, "prescan"))


def _filter(marks: tuple[str, ...]):
    """A list filter keeping the values holding one of ``marks`` (tested inline for one or two
    marks: a call per value costs more than the test)."""
    if len(marks) == 1:
        first, = marks
        return lambda values: [value for value in values if first in value]
    if len(marks) == 2:
        first, second = marks
        return lambda values: [value for value in values if first in value or second in value]
    if len(marks) == 3:
        first, second, third = marks
        return lambda values: [value for value in values if first in value or second in value or third in value]
    if len(marks) == 4:
        first, second, third, fourth = marks
        return lambda values: [value for value in values
                               if first in value or second in value or third in value or fourth in value]
    search = _search(marks)
    return lambda values: [value for value in values if search(value)]


def _search(marks: tuple[str, ...]):
    """A test that a value holds one of ``marks``, in one regular-expression scan."""
    return re.compile("|".join(map(re.escape, marks))).search


def _class_test():
    """The test a class value passes when some family may read its element as an item."""
    def build(families):
        marks = family_marks().get("class")
        return _search(marks) if marks else (lambda value: None)
    return derived("prescan class test", build)


def _filters() -> dict:
    return derived("prescan filters", lambda families: {
        name: _filter(marks) for name, marks in family_marks().items()})


def _marked(name: str, values: list) -> list:
    """The values of attribute ``name`` some family may read as an item."""
    keep = _filters().get(name)
    return keep(values) if keep is not None else []


def _classed(values) -> list:
    """The class values some family may read as an item."""
    return _marked("class", values)


class ClassValue(str):
    """A marked class value that knows its element, as lxml's attribute strings do."""

    attrname = "class"

    def getparent(self):
        return self.element


def _marked_classes(tree) -> list:
    """The marked class values of ``tree``, page order, from one walk (no string per unmarked value)."""
    test, found = _class_test(), []
    for element in tree.iter(etree.Element):
        value = element.get("class")
        if value and test(value):
            marked = ClassValue(value)
            marked.element = element
            found.append(marked)
    return found


def _marked_xpath() -> etree.XPath:
    """Every marked value of the families' attributes but ``class``, page order, in one scan."""
    def build(families):
        tests = [f"//@{name}[" + " or ".join(f"contains(., '{mark}')" for mark in marks) + "]"
                 for name, marks in family_marks().items() if name != "class"]
        return etree.XPath(" | ".join(tests))
    return derived("prescan xpath", build)


def _presence_tests() -> dict[str, etree.XPath]:
    """Family name -> a test that the page holds an element carrying one of its ``item_attributes``
    (one walk per tag named: ``//div/@x`` visits divs alone, ``//@x`` every node)."""
    def build(families):
        return {family.name: etree.XPath("boolean(" + " | ".join(
            f"//{tag}/@{name}" for name, tags in family.item_attributes.items()
            for tag in (sorted(tags) or ["*"])) + ")")
            for family in families if family.item_attributes}
    return derived("presence tests", build)


class Hits:
    """The page's attribute values that may mark a comment, each scan done when first asked; page
    objects share theirs with the widget detection and their own class index."""

    def __init__(self, tree):
        self.tree = tree
        self._by_name: dict[str, list] = {}
        self._values: dict[str, list] = {}

    def attribute(self, name: str) -> list:
        """Every value of attribute ``name`` (``name`` itself: on links), page order."""
        found = self._values.get(name)
        if found is None:
            scan = ATTRIBUTE_VALUES.get(name)
            if scan is None:  # an attribute a registered family added
                scan = ATTRIBUTE_VALUES[name] = etree.XPath(f"//@{name}")
            found = self._values[name] = scan(self.tree)
        return found

    def may_hold_items_of(self, family) -> bool:
        """False when no element of the page carries one of the family's ``item_attributes``."""
        test = _presence_tests().get(family.name)
        return test is None or test(self.tree)

    @cached_property
    def classes(self) -> list:
        """Every class value, page order."""
        return CLASS_VALUES(self.tree)

    def of(self, name: str) -> list:
        """The marked values of one attribute, page order."""
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
        return [value for value in _marked_xpath()(self.tree) if value.attrname in wanted]

    @cached_property
    def of_class(self) -> list:
        """The marked class values, page order (filtered from ``classes`` when those are at hand)."""
        return _classed(self.classes) if "classes" in self.__dict__ else _marked_classes(self.tree)

    def any_class(self, test) -> bool:
        """True when some marked class value passes ``test``."""
        return any(test(value) for value in self.of_class)


def attribute_hits(tree) -> Hits:
    """The scans of one page (each value knows its ``attrname`` and ``getparent()``)."""
    return Hits(tree)


def class_token(name: str):
    """A test that a class value holds the class ``name`` (the substring checked first: most values
    fail it, and splitting is the dearer part)."""
    return lambda value: name in value and name in value.split()


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


__all__ = ["Hits", "attribute_hits", "class_token", "owners"]
