"""Response bytes to text: BOM, HTTP and meta charsets checked against the bytes themselves."""
from __future__ import annotations

import codecs
import re

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, resolve_encoding

BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"))
_HIGH_BYTES = re.compile(rb"[\x80-\xff]")


def decode_html(body: bytes, content_type: str | None) -> tuple[str, str, list[str]]:
    """The text of an HTML body, the encoding used, and warnings about wrong declarations."""
    for bom, encoding in BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(encoding, errors="replace"), encoding, []
    declared = _declared(body, content_type)
    if not _HIGH_BYTES.search(body):
        return body.decode("ascii", errors="replace"), declared or "ascii", []
    return _decode_checked(body, declared)


def declares_utf8(body: bytes, content_type: str | None) -> bool:
    """True when the HTTP header or the page declares UTF-8, or neither declares a charset: a body
    that is valid UTF-8 is then read as UTF-8 without a warning."""
    return _declared(body, content_type) in ("utf-8", None)


def _declared(body: bytes, content_type: str | None) -> str | None:
    found = http_content_type_encoding(content_type) if content_type else None
    found = found or html_body_declared_encoding(body[:4096])
    return resolve_encoding(found) if found else None


def _decode_checked(body: bytes, declared: str | None) -> tuple[str, str, list[str]]:
    utf8 = _try(body, "utf-8")
    if declared in ("utf-8", None):
        if utf8 is not None:
            return utf8, "utf-8", []
        why = "declared UTF-8 but" if declared else "no charset declared and"
        return body.decode("cp1252", errors="replace"), "cp1252", [
            f"{why} the bytes are not valid UTF-8: decoded as windows-1252"]
    if utf8 is not None and declared in ("cp1252", "latin-1", "iso8859-1", "iso8859-15"):
        return utf8, "utf-8", [f"declared {declared} but the bytes are UTF-8: decoded as UTF-8"]
    try:
        return body.decode(declared, errors="replace"), declared, []
    except LookupError:
        return body.decode("cp1252", errors="replace"), "cp1252", [
            f"unknown charset {declared!r}: decoded as windows-1252"]


def _try(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except UnicodeDecodeError:
        return None
