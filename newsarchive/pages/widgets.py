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
# Cheap scans: one set lookup per id and one string test per class attribute (the page's shared
# scans, ``threads.prescan.Hits``), tag filters done in C by ``iter``; then exact checks in Python.
WIDGET_IDS = frozenset(IDS)
TAG_NAMES = ("script", *TAGS)
SRC = {fragment: name for name, spec in WIDGETS.items() for fragment in spec[3]}


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
    for element in tree.iter(*TAG_NAMES) if tagged is None else tagged:
        found.update(_widgets_of(element))
    return next((name for name in WIDGETS if name in found), None)


def _by_id(hits: Hits) -> list:
    """The elements whose id names a widget's container, page order."""
    return [value.getparent() for value in hits.attribute("id") if value in WIDGET_IDS]


def _by_class(hits: Hits) -> list:
    """The divs whose class holds ``-comments`` or ``viafoura`` (fb-comments, talkyard-comments,
    Viafoura), page order, tested in Python: libxml2 evaluates contains() slowly."""
    return [element for element in (value.getparent() for value in hits.classes
                                    if "-comments" in value or "viafoura" in value)
            if element.tag == "div"]


def _spotim(hits: Hits) -> list:
    return [value.getparent() for value in hits.attribute("data-spotim-module")]


def _widgets_of(element) -> list[str]:
    tag = element.tag if isinstance(element.tag, str) else ""
    if element.get("data-spotim-module") is not None:
        return ["openweb"]
    if tag == "script":
        return _script_widgets(element)
    names = [IDS[element.get("id")]] if element.get("id") in IDS else []
    if tag in TAGS:
        names.append(TAGS[tag])
    names.extend(CLASSES[c] for c in (element.get("class") or "").split() if c in CLASSES)
    return names


def _script_widgets(script) -> list[str]:
    src = script.get("src")
    if src:
        return [name for fragment, name in SRC.items() if fragment in src]
    text = script.text or ""
    return [name for fragment, name in INLINE.items() if fragment in text]


__all__ = ["WIDGETS", "detect_widget"]
