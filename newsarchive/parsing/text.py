"""HTML fragments to plain text (paragraphs and line breaks kept) and to sanitised HTML."""
from __future__ import annotations

import re
import unicodedata

import nh3
from lxml import etree

BLOCK_TAGS = frozenset({
    "p", "div", "blockquote", "pre", "ul", "ol", "li", "dl", "dt", "dd", "table", "tr", "thead",
    "tbody", "tfoot", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "aside", "header",
    "footer", "figure", "figcaption", "hr", "address", "details", "summary", "main", "nav", "center",
})
DROP_TAGS = frozenset({"script", "style", "noscript", "template", "iframe", "object", "embed",
                       "svg", "canvas", "form", "button", "input", "select", "textarea", "ins"})
SAFE_TAGS = {"p", "br", "a", "b", "strong", "i", "em", "u", "s", "sub", "sup", "blockquote", "q",
             "cite", "code", "pre", "ul", "ol", "li", "dl", "dt", "dd", "h2", "h3", "h4", "h5", "h6",
             "figure", "figcaption", "img", "table", "thead", "tbody", "tr", "th", "td", "hr",
             "abbr", "span", "small", "mark", "del", "ins"}
SAFE_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"},
                   "abbr": {"title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2009\u202f\u200b]+")
# Whitespace that str.split() splits on but _SPACES leaves alone: text holding any takes the slow path.
_OTHER_SPACES = "\x1c\x1d\x1e\x1f\x85\u1680" + "".join(map(chr, range(0x2000, 0x2009))) + "\u200a\u2028\u2029\u205f\u3000"
_ASCII_OTHER_SPACES = "\x1c\x1d\x1e\x1f"
_OTHER_SPACE = re.compile(f"[{_OTHER_SPACES}]")
# Whitespace str.split() splits on besides the space and the newline (_finish's raw has none):
# text without any takes _finish_plain.
_UNUSUAL_SPACES = "\t\r\x0b\x0c\xa0\u2009\u202f" + _OTHER_SPACES
_ASCII_UNUSUAL_SPACES = "\t\r\x0b\x0c" + _ASCII_OTHER_SPACES
_UNUSUAL_SPACE = re.compile(f"[{_UNUSUAL_SPACES}]")
_PARAGRAPH = "\x00P"
_LINE = "\x00L"


def fold(value: str, form: str = "NFKD") -> str:
    """Lower case without accents (``Février`` -> ``fevrier``). ``form="NFD"`` leaves compatibility
    characters (ligatures, full-width letters) as they are, as SQLite's unicode61 tokenizer does."""
    decomposed = unicodedata.normalize(form, value.lower())
    if decomposed.isascii():
        return decomposed
    for mark in [ch for ch in set(decomposed) if unicodedata.combining(ch)]:
        decomposed = decomposed.replace(mark, "")  # a pass per distinct mark: C speed, few marks
    return decomposed


def normalize_space(value: str | None) -> str:
    """Collapse every run of whitespace to one space and strip."""
    return " ".join((value or "").split())


def text_of(element) -> str:
    """``element.text_content()``, a leaf's own text read directly (text_content runs an XPath)."""
    return element.text_content() if len(element) else (element.text or "")


def element_text(element) -> str:
    """Plain text of an element: blank line between blocks, newline for ``<br>``."""
    parts: list[str] = []
    _walk(element, parts)
    return _finish(parts)


def _walk(element, parts: list[str]) -> None:
    """Append the text of ``element`` and its tail, iteratively (no recursion limit on deep markup)."""
    stack: list = [(element, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            read_end(node.tag, node.tail, parts)
            continue
        tag = node.tag
        if not isinstance(tag, str) or tag in DROP_TAGS:
            if node.tail:
                parts.append(node.tail)
            continue
        read_start(tag, node.text, parts)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))


def read_start(tag: str, text: str | None, parts: list[str]) -> None:
    """What the text reads where an element starts: a paragraph break at a block, a line break
    at ``br``, else the element's own text."""
    if tag in BLOCK_TAGS:
        parts.append(_PARAGRAPH)
    if tag == "br":
        parts.append(_LINE)
    elif text:
        parts.append(text)


def read_end(tag: str, tail: str | None, parts: list[str]) -> None:
    """What the text reads where an element ends: a paragraph break after a block, then its tail."""
    if tag in BLOCK_TAGS:
        parts.append(_PARAGRAPH)
    if tail:
        parts.append(tail)


def _finish(parts: list[str]) -> str:
    """The text of walked ``parts``: source newlines are spaces, each _LINE a line break and each
    _PARAGRAPH a blank line; spaces collapsed, lines stripped, one blank line at most in a row."""
    raw = "".join(parts).replace("\n", " ")
    unusual = _has_unusual_spaces(raw)
    if unusual and _has_other_spaces(raw):
        tidy = str.strip
        raw = _SPACES.sub(" ", raw)
    else:
        # The same result: with no other whitespace about, collapsing the _SPACES runs of a
        # line and stripping it is splitting it on whitespace (\u200b, not whitespace to split(), aside).
        tidy = _collapsed if unusual else _collapsed_plain
        if "\u200b" in raw:
            raw = raw.replace("\u200b", " ")
    kept: list[str] = []
    for line in _lines(raw):
        if line and not line.isspace():  # most lines between markers are blank: no tidying call
            kept.append(tidy(line))
        elif kept and kept[-1]:
            kept.append("")
    return "\n".join(kept).strip()


def _collapsed_plain(line: str) -> str:
    """``_collapsed`` of a line whose only whitespace is the space: its ``strip(" ")`` unless it
    holds a double space."""
    line = line.strip(" ")
    return " ".join(line.split()) if "  " in line else line


def _has_other_spaces(text: str) -> bool:
    """True when ``text`` holds one of _OTHER_SPACES. A long text is searched for each character,
    which CPython answers at once for a character wider than the text's and with memchr otherwise,
    where a regex character class tests every character in turn."""
    if len(text) < 256:
        return _OTHER_SPACE.search(text) is not None
    return any(space in text for space in (_ASCII_OTHER_SPACES if text.isascii() else _OTHER_SPACES))


def _has_unusual_spaces(text: str) -> bool:
    """True when ``text`` holds one of _UNUSUAL_SPACES (searched as ``_has_other_spaces`` searches)."""
    if len(text) < 256:
        return _UNUSUAL_SPACE.search(text) is not None
    return any(space in text for space in (_ASCII_UNUSUAL_SPACES if text.isascii() else _UNUSUAL_SPACES))


def _lines(raw: str) -> list[str]:
    """``raw``'s lines, its markers read as line breaks (_LINE) and blank lines (_PARAGRAPH): split
    at the markers' NUL (never in text) instead of replacing them in a long string."""
    segments = raw.split("\x00")
    lines = [segments[0]]
    for segment in segments[1:]:
        if segment[0] == "P":
            lines.append("")
        lines.append(segment[1:])
    return lines


def _collapsed(line: str) -> str:
    """``" ".join(line.split())`` for a line without _OTHER_SPACES, without splitting a long line
    into words when it has no run of spaces to collapse (a paragraph is mostly such a line)."""
    if len(line) < 80 or line[0] == " " or line[-1] == " " or any(space in line for space in _COLLAPSED):
        return " ".join(line.split())
    return line


# What str.split() splits on in a line free of _OTHER_SPACES, besides one space between words.
_COLLAPSED = ("  ", "\t", "\r", "\x0b", "\x0c", "\xa0", "\u2009", "\u202f")


# Built once: nh3.clean() builds its sanitiser anew on every call from the sets given.
SANITIZER = nh3.Cleaner(tags=SAFE_TAGS, attributes=SAFE_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                        link_rel="nofollow noopener")


def sanitize_html(fragment: str) -> str:
    """Keep only safe, structural markup: no scripts, styles, handlers or foreign attributes."""
    return SANITIZER.clean(fragment)


def inner_html(element) -> str:
    """The serialised content of an element (its own tag excluded): its text escaped as lxml escapes
    text, then its children (a comment's typed ``&lt;script&gt;`` stays text, never markup)."""
    tag = element.tag
    if len(element) > 1 and not element.attrib and isinstance(tag, str) and tag not in DROP_TAGS:
        # One serialisation of the whole, its bare tags cut off: a tostring() per child costs more.
        whole = etree.tostring(element, encoding="unicode", method="html", with_tail=False)
        opening, closing = f"<{tag}>", f"</{tag}>"
        if whole.startswith(opening) and whole.endswith(closing):
            return whole[len(opening):len(whole) - len(closing)]
    pieces = [_escaped_text(element)] if element.text else []
    pieces.extend(etree.tostring(child, encoding="unicode", method="html") for child in element)
    return "".join(pieces)


def _escaped_text(element) -> str:
    text = escape_text(element.text)
    if "\r" in text and not isinstance(element.getroottree().parser, etree.HTMLParser):
        text = text.replace("\r", "&#13;")  # as libxml2 writes it in an XML document
    return text


def escape_text(text: str) -> str:
    """Text as libxml2's HTML serialiser writes it in an HTML document: ``&``, ``<`` and ``>``
    escaped (a carriage return too in an XML document: see ``_escaped_text``)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text
