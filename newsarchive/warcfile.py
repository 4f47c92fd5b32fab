"""Reading a WARC strictly: whole records, or one error naming the file, the record and its offset."""
from __future__ import annotations

import os
import zlib
from pathlib import Path
from typing import Iterator

from warcio.archiveiterator import WARCIterator
from warcio.bufferedreaders import DecompressingBufferedReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.limitreader import LimitReader
from warcio.statusandheaders import StatusAndHeadersParserException


class WarcError(Exception):
    """A file that is not a WARC, or a WARC damaged from one record on (one line for the user)."""

    def __init__(self, message: str, finishing: str | None = None):
        super().__init__(message)
        self.finishing = finishing
        """The type of the record whose end is damaged, when the damage was found reading past its
        content (the record was handed out, and is not whole); None otherwise."""


class _Malformed(Exception):
    """Bytes that warcio would warn about on stderr and read past."""


MAX_HEADER_LINE = 64 * 1024
"""The longest header line read: a longer one is damage, never a line held whole in memory."""


class _StrictReader(DecompressingBufferedReader):
    """warcio's reader, raising on corrupt gzip data where warcio prints the error and reads on,
    on a gzip member the file ends inside, which warcio takes for the end, and on a header line
    over MAX_HEADER_LINE bytes."""

    def readline(self, length=None):
        line = super().readline(MAX_HEADER_LINE if length is None else min(length, MAX_HEADER_LINE))
        if len(line) >= MAX_HEADER_LINE and not line.endswith(b"\n"):
            raise _Malformed(f"a header line longer than {MAX_HEADER_LINE} bytes")
        return line

    def _init_decomp(self, decomp_type):
        super()._init_decomp(decomp_type)
        self.member_started = False

    def _decompress(self, data):
        if not (self.decompressor and data and self.num_block_read):
            data = super()._decompress(data)  # a first block that is not gzip: read as plain bytes
        else:
            try:
                data = self.decompressor.decompress(data)
            except zlib.error as error:
                raise _Malformed(f"corrupt gzip data ({error})") from None
        self.member_started = self.decompressor is not None
        return data

    def close_decompressor(self):
        if self.decompressor is not None and self.member_started and not self.decompressor.eof:
            raise _Malformed("the file ends inside a gzip member (truncated)")
        super().close_decompressor()


class _StrictWarcIterator(WARCIterator):
    """warcio's WARC reader, raising where it would print a warning and read on."""

    def __init__(self, stream):
        super().__init__(stream)
        self.reader = _StrictReader(self.fh, block_size=self.reader.block_size)

    def _consume_blanklines(self):
        """The blank lines ending a record; a record that goes on past its Content-Length is damage."""
        empty_size = 0
        while True:
            line = self.reader.readline()
            if line.strip() and not empty_size:
                raise _Malformed("a record goes on past its Content-Length")
            if not line or line.strip():
                return line or None, empty_size
            empty_size += len(line)


class _WholeContent:
    """A record's content stream that raises WarcError when the file ends inside the record."""

    def __init__(self, stream: LimitReader, where: str):
        self.stream, self.where = stream, where

    def read(self, length: int | None = None) -> bytes:
        wanted = self.stream.limit if length is None else min(length, self.stream.limit)
        data = self.stream.read(length)
        if len(data) < wanted:
            raise WarcError(f"{self.where}: the file ends inside this record (truncated)")
        return data

    def __getattr__(self, name):
        return getattr(self.stream, name)


_WARCIO_ERRORS = {ArchiveLoadFailed: "no WARC record header here", _Malformed: None,
                  StatusAndHeadersParserException: "malformed HTTP headers",
                  Exception: "malformed record"}
"""What each error warcio raises on bad bytes means (it raises many kinds: the last is the rest)."""


def whole_records(stream, path: Path) -> Iterator:
    """Each record of a WARC, whose content raises WarcError if the file ends inside it; WarcError
    when the file is not a WARC (nothing read) or is damaged from a record on."""
    records = _StrictWarcIterator(stream)
    number, handed_out = 0, None  # handed_out: the record being read, until the next one is
    try:
        for record in records:
            number, handed_out = number + 1, None
            if not isinstance(record.raw_stream, LimitReader) or not _declared_length(record):
                raise _Malformed("a record without Content-Length")
            record.raw_stream = _WholeContent(record.raw_stream, f"{path}: record {number} (byte {records.offset})")
            handed_out = record
            yield record
    except Exception as error:  # warcio's on bad bytes, or a record cut short (WarcError)
        raise _located(error, path, records, number, handed_out) from None
    if number == 0:
        raise WarcError(f"{path}: not a WARC file (no record in it)")
    if records.offset < os.fstat(stream.fileno()).st_size:  # warcio takes a header cut short for the end
        raise WarcError(f"{path}: record {number + 1} (byte {records.offset}): the file ends inside its header"
                        " (truncated)")


def _located(error: Exception, path: Path, records: _StrictWarcIterator, number: int,
             handed_out) -> WarcError:
    """``error`` as a WarcError naming the record at fault: the one handed out when reading past
    its content failed, else the next one (``number`` records were read)."""
    finishing = handed_out.rec_type if handed_out is not None and records.member_info is None else None
    at = number + 1 if (handed_out is not None and not finishing) or number == 0 else number
    message = str(error) if isinstance(error, WarcError) else _damage(path, at, records.offset, error, number)
    return WarcError(message, finishing)


def _declared_length(record) -> bool:
    return (record.rec_headers.get_header("Content-Length") or "").strip().isdigit()


def _damage(path: Path, number: int, offset: int, error: Exception, read: int) -> str:
    """The line naming record ``number`` at fault (``read`` records were parsed before)."""
    if read == 0 and not isinstance(error, _Malformed):
        return f"{path}: not a WARC file (it does not start with a WARC record)"
    if isinstance(error, ArchiveLoadFailed) and "recompress" in str(error):
        return (f"{path}: the whole file is one gzip stream, not one per record"
                f" (`warcio recompress {path} NEW.warc.gz` rewrites it)")
    reason = next(text for kind, text in _WARCIO_ERRORS.items() if isinstance(error, kind)) or str(error)
    return f"{path}: record {number} (byte {offset}): {reason}"


def check_warc(path: Path) -> None:
    """Raise WarcError unless ``path`` starts with a whole WARC record followed by another or the
    end (checked before anything is written)."""
    with open(path, "rb") as stream:
        records = whole_records(stream, path)
        for _ in zip(range(2), records):
            pass
        records.close()
