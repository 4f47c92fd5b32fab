"""JavaScript-only comment systems, recognised by their embed markup and never guessed at."""
from __future__ import annotations

from ..threads.prescan import Hits, attribute_hits

# name: (element ids, class tokens, tag names, script src fragments, inline script fragments)
WIDGETS: dict[str, tuple[tuple[str, ...], ...]] = {
    "disqus": (("disqus_thread",), (), (), ("disqus.com",), ("disqus_config", "disqus_shortname")),
    "facebook": ((), ("fb-comments",), ("fb:comments", "amp-facebook-comments"), (), ()),
    "commento": (("commento",), (), (), ("commento",), ()),
    "hyvor": (("hyvor-talk-view",), (), ("hyvor-talk-comments",), (), ()),
    "vuukle": (("vuukle-comments",), (), (), ("vuukle",), ()),
    "openweb": ((), (), (), ("spot.im",), ()),
    "livefyre": (("livefyre-comments", "livefyre"), (), (), (), ()),
    "giscus": ((), (), (), ("giscus.app",), ()),
    "epoch": (("epoch-wrap", "epoch-comments"), (), (), ("/plugins/epoch/",), ("epoch_vars",)),
    "coral": (("coral_thread",), (), (), ("coral",), ()),
    "viafoura": ((), ("viafoura",), ("vf-conversations",), ("viafoura",), ()),
    "intensedebate": (("idc-container",), (), (), ("intensedebate.com",), ()),
    "livere": (("lv-container",), (), (), ("livere.com",), ()),
    "remark42": (("remark42",), (), (), (), ("remark_config",)),
    "isso": (("isso-thread",), (), (), (), ()),
    "talkyard": ((), ("talkyard-comments",), (), (), ()),
    "cusdis": (("cusdis_thread",), (), (), (), ()),
    "utterances": ((), (), (), ("utteranc.es",), ()),
    "discourse": (("discourse-comments",), (), (), (), ("DiscourseEmbed",)),
    "graphcomment": (("graphcomment",), (), (), ("graphcomment.com",), ()),
    "vk": (("vk_comments",), (), (), (), ("VK.Widgets.Comments",)),
    # Server-rendered first, more loaded by JS: named so a user knows the thread may be partial.
    "wpdiscuz": (("wpdcom",), (), (), (), ()),
}


IDS = {i: name for name, spec in WIDGETS.items() for i in spec[0]}
CLASSES = {c: name for name, spec in WIDGETS.items() for c in spec[1]}
TAGS = {t: name for name, spec in WIDGETS.items() for t in spec[2]}
INLINE = {t: name for name, spec in WIDGETS.items() for t in spec[4]}
# Cheap scans: one set lookup per id and each mark sought once along all class values (the page's
# shared scans, ``threads.prescan.Hits``), tag filters done in C by ``iter``; then exact checks in Python.
WIDGET_IDS = frozenset(IDS)
TAG_NAMES = ("script", *TAGS)
SRC = {fragment: name for name, spec in WIDGETS.items() for fragment in spec[3]}
CLASS_MARKS = ("-comments", "viafoura")  # what a widget's class value holds (``_by_class``)
SEPARATOR = "\0"  # joins values searched at once: held by no WIDGETS mark, nor by libxml2's C strings


def embed_marks(name: str) -> tuple[bytes, ...]:
    """Bytes every embed of widget ``name`` holds one of: a page without any is not parsed to look for it."""
    ids, classes, tags, sources, inline = WIDGETS[name]
    return tuple(mark.encode() for mark in (*ids, *classes, *(f"<{tag}" for tag in tags), *sources, *inline))


def detect_widget(tree, hits: Hits | None = None, tagged: list | None = None) -> str | None:
    """The name of the first JS-only comment widget embedded in the page, or None; ``hits``: the
    page's attribute scans when it has them (``threads.prescan.attribute_hits``), ``tagged``: its
    ``TAG_NAMES`` elements when it has them."""
    hits = hits if hits is not None else attribute_hits(tree)
    found: set[str] = set()
    for element in _by_id(hits) + _by_class(hits) + _spotim(hits):
        found.update(_widgets_of(element))
    scripts = []
    for element in tree.iter(*TAG_NAMES) if tagged is None else tagged:
        if element.tag == "script":
            scripts.append(element)
        else:
            found.update(_widgets_of(element))
    found.update(_scripts_widgets(scripts))
    return next((name for name in WIDGETS if name in found), None)


def _by_id(hits: Hits) -> list:
    """The elements whose id names a widget's container, page order."""
    return [value.getparent() for value in hits.attribute("id") if value in WIDGET_IDS]


def _by_class(hits: Hits) -> list:
    """The divs whose class holds ``-comments`` or ``viafoura`` (fb-comments, talkyard-comments,
    Viafoura), page order, tested in Python: libxml2 evaluates contains() slowly."""
    return [element for element in (value.getparent() for value in _holding(hits.classes, CLASS_MARKS))
            if element.tag == "div"]


def _holding(values: list, marks: tuple[str, ...]) -> list:
    """The ``values`` holding one of ``marks``, in order: each mark is sought once along the values
    joined by a NUL, which neither a mark nor an attribute value (a C string) holds."""
    joined = SEPARATOR.join(values)
    indexes: set[int] = set()
    for mark in marks:
        at, index, counted = joined.find(mark), 0, 0
        while at >= 0:
            index += joined.count(SEPARATOR, counted, at)
            indexes.add(index)
            at, counted = joined.find(mark, at + len(mark)), at
    return [values[index] for index in sorted(indexes)]


def _spotim(hits: Hits) -> list:
    return [value.getparent() for value in hits.attribute("data-spotim-module")]


def _widgets_of(element) -> list[str]:
    tag = element.tag if isinstance(element.tag, str) else ""
    if element.get("data-spotim-module") is not None:
        return ["openweb"]
    if tag == "script":
        return list(_scripts_widgets([element]))
    names = [IDS[element.get("id")]] if element.get("id") in IDS else []
    if tag in TAGS:
        names.append(TAGS[tag])
    names.extend(CLASSES[c] for c in (element.get("class") or "").split() if c in CLASSES)
    return names


def _scripts_widgets(scripts: list) -> set[str]:
    """What ``_widgets_of`` names for each of ``scripts``, each fragment sought once along all
    their sources (and all their inline code) joined by a NUL; a spot.im module is ``_spotim``'s."""
    sources, code = [], []
    for script in scripts:
        if script.get("data-spotim-module") is None:
            src = script.get("src")
            if src:
                sources.append(src)
            else:
                code.append(script.text or "")
    sources, code = SEPARATOR.join(sources), SEPARATOR.join(code)
    return ({name for fragment, name in SRC.items() if fragment in sources}
            | {name for fragment, name in INLINE.items() if fragment in code})


__all__ = ["WIDGETS", "detect_widget"]
