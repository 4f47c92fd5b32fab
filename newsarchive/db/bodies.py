"""Capture bodies: zstd with a dictionary per site, trained on the site's first pages; zlib rows still read."""
from __future__ import annotations

import hashlib
import sqlite3
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import zstandard

CODEC = "zstd"
LEVEL = 5  # with a dictionary, smaller and cheaper than zlib; see bench_store.py
DICTIONARY_BYTES = 220 * 1024
SAMPLES = 32  # a site's first bodies, kept in memory until its dictionary is trained on them
SAMPLE_MAX_BYTES = 256 * 1024  # larger bodies are not sampled
ALL_SAMPLES_MAX_BYTES = 16 * 1024 * 1024  # every site's samples together, per connection
CACHED_DICTIONARIES = 64  # per connection, for reading (~0.3 MB each)
WRITING_SITES = 8  # per connection: each site's compressor with its dictionary takes ~3.3 MB
# A site that changes its theme outgrows its dictionary. One body in PROBE_EVERY is also compressed
# without it; when the last PROBES of those say the dictionary's output is STALE_SHARE of plain
# zstd's or more (a fresh one gives ~0.15-0.4), the site is sampled again and a new one trained.
# Older bodies keep the dictionary they were written with.
PROBE_EVERY = 32
PROBES = 8
STALE_SHARE = 0.5
MAX_BODY_BYTES = 256 * 1024 * 1024  # no stored body is decompressed past this (a crawl keeps pages to DOWNLOAD_MAXSIZE)


@dataclass
class _Dictionary:
    id: int
    hash: str
    data: zstandard.ZstdCompressionDict
    compressor: zstandard.ZstdCompressor
    written: int = 0
    shares: list[float] = field(default_factory=list)  # dictionary output / plain output, probes
    stale: bool = False

    def judge(self, body: bytes, compressed: bytes, plain: zstandard.ZstdCompressor) -> None:
        """Count one body written with the dictionary; every PROBE_EVERY-th also without it."""
        self.written += 1
        if self.stale or self.written % PROBE_EVERY:
            return
        self.shares.append(len(compressed) / max(len(plain.compress(body)), 1))
        del self.shares[:-PROBES]
        self.stale = len(self.shares) == PROBES and sum(self.shares) / PROBES >= STALE_SHARE


@dataclass(frozen=True)
class PackedBody:
    """A body hashed, and compressed where its site has a dictionary, away from the writer."""

    digest: str
    data: bytes | None = None
    """Compressed with the dictionary ``dictionary_hash`` names; None: left to the writer."""
    dictionary_hash: str | None = None


@dataclass
class _Samples:
    bodies: list[tuple[str, bytes]] = field(default_factory=list)
    size: int = 0


@dataclass
class _State:
    """What one connection keeps: each site's dictionary (None: none yet), samples, read cache."""

    writing: OrderedDict[str, _Dictionary | None] = field(default_factory=OrderedDict)
    samples: OrderedDict[str, _Samples] = field(default_factory=OrderedDict)
    reading: OrderedDict[int, zstandard.ZstdCompressionDict] = field(default_factory=OrderedDict)
    plain: zstandard.ZstdCompressor = field(default_factory=lambda: zstandard.ZstdCompressor(level=LEVEL))

    @property
    def sampled_bytes(self) -> int:
        return sum(s.size for s in self.samples.values())

    def remember(self, site: str, dictionary: _Dictionary | None) -> _Dictionary | None:
        """Keep ``site``'s dictionary for writing, forgetting the least recently used beyond WRITING_SITES."""
        self.writing[site] = dictionary
        self.writing.move_to_end(site)
        if len(self.writing) > WRITING_SITES:
            self.writing.popitem(last=False)
        return dictionary


def _state(conn: sqlite3.Connection) -> _State:
    """The connection's state (``db.connect`` connections keep it; others get a fresh one)."""
    state = getattr(conn, "bodies_state", None)
    if state is None:
        state = _State()
        try:
            conn.bodies_state = state
        except AttributeError:  # a plain sqlite3.Connection: nothing is kept between calls
            pass
    return state


def site_of(url: str) -> str:
    """The dictionary key of a page: its host."""
    return (urlsplit(url).hostname or "").lower()


def store_body(conn: sqlite3.Connection, digest: str, body: bytes, site: str, at: str,
               packed: PackedBody | None = None) -> None:
    """Keep ``body`` once under its ``digest``, compressed with ``site``'s dictionary when it has one.

    Without one yet, the body is compressed alone and sampled; the SAMPLES-th sample trains the
    site's dictionary, and the sampled bodies are compressed again with it. A dictionary the site's
    pages have outgrown (see STALE_SHARE) is still used while the next one's samples are taken.
    ``packed`` (see ``Packer``) is taken as the compressed body when made with that dictionary.
    """
    if conn.execute("SELECT 1 FROM capture_bodies WHERE hash = ?", (digest,)).fetchone():
        return
    state = _state(conn)
    dictionary = _writing_dictionary(conn, state, site, at)
    if dictionary is not None:
        usable = packed is not None and packed.data is not None and packed.dictionary_hash == dictionary.hash
        data = packed.data if usable else dictionary.compressor.compress(body)
        dictionary_id = dictionary.id
        dictionary.judge(body, data, state.plain)
    else:
        data, dictionary_id = state.plain.compress(body), None
    conn.execute("INSERT INTO capture_bodies (hash, size, compression, data, dictionary_id)"
                 " VALUES (?, ?, ?, ?, ?)", (digest, len(body), CODEC, data, dictionary_id))
    if dictionary is None or dictionary.stale:
        _sample(conn, state, site, digest, body, at)


@dataclass(frozen=True)
class LentDictionary:
    """A site's writing dictionary as the writer lends it to packers: its hash and its bytes."""

    hash: str
    data: bytes


def lent_dictionary(conn: sqlite3.Connection, site: str) -> tuple[str, zstandard.ZstdCompressionDict] | None:
    """The hash and dictionary ``conn`` writes ``site``'s bodies with now (None: none yet), from
    what the connection keeps: no query."""
    dictionary = _state(conn).writing.get(site)
    return (dictionary.hash, dictionary.data) if dictionary is not None else None


class Packer:
    """Hashes and compresses bodies with the dictionaries it is lent, for ``store_body``; it never
    reads the archive (an extraction worker packs for the crawl's writer)."""

    def __init__(self):
        self._compressors: OrderedDict[str, zstandard.ZstdCompressor] = OrderedDict()

    def holds(self, dictionary_hash: str) -> bool:
        return dictionary_hash in self._compressors

    def pack(self, body: bytes, dictionary: LentDictionary | str | None) -> PackedBody:
        """``body`` hashed, and compressed with ``dictionary`` (its hash alone: one lent before;
        None, or a hash not lent before: left to the writer)."""
        digest = hashlib.sha256(body).hexdigest()
        compressor = self._compressor(dictionary)
        if compressor is None:
            return PackedBody(digest)
        return PackedBody(digest, compressor.compress(body), _hash_of(dictionary))

    def _compressor(self, dictionary: LentDictionary | str | None) -> zstandard.ZstdCompressor | None:
        if dictionary is None:
            return None
        key = _hash_of(dictionary)
        if key not in self._compressors:
            if isinstance(dictionary, str):
                return None
            self._compressors[key] = zstandard.ZstdCompressor(
                level=LEVEL, dict_data=zstandard.ZstdCompressionDict(dictionary.data))
            if len(self._compressors) > WRITING_SITES:
                self._compressors.popitem(last=False)
        self._compressors.move_to_end(key)
        return self._compressors[key]


def _hash_of(dictionary: LentDictionary | str) -> str:
    return dictionary if isinstance(dictionary, str) else dictionary.hash


def _writing_dictionary(conn, state: _State, site: str, at: str) -> _Dictionary | None:
    """The site's dictionary, checked to be in the archive (a rolled-back savepoint may have
    taken it away: it is then stored again)."""
    if site in state.writing:
        dictionary = state.remember(site, state.writing[site])
    else:
        dictionary = state.remember(site, _latest_dictionary(conn, site))
    if dictionary is not None and not conn.execute(
            "SELECT 1 FROM capture_dictionaries WHERE id = ? AND hash = ?",
            (dictionary.id, dictionary.hash)).fetchone():
        dictionary = state.remember(site, _insert_dictionary(conn, site, dictionary.data, at))
    return dictionary


def _latest_dictionary(conn, site: str) -> _Dictionary | None:
    row = conn.execute("SELECT id, hash, data FROM capture_dictionaries WHERE site = ?"
                       " ORDER BY id DESC LIMIT 1", (site,)).fetchone()
    if row is None:
        return None
    return _for_writing(row[0], row[1], zstandard.ZstdCompressionDict(row[2]))


def _for_writing(dictionary_id: int, digest: str, data: zstandard.ZstdCompressionDict) -> _Dictionary:
    return _Dictionary(dictionary_id, digest, data, zstandard.ZstdCompressor(level=LEVEL, dict_data=data))


def _insert_dictionary(conn, site: str, data: zstandard.ZstdCompressionDict, at: str) -> _Dictionary:
    raw = data.as_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    conn.execute("INSERT OR IGNORE INTO capture_dictionaries (site, hash, created_at, data)"
                 " VALUES (?, ?, ?, ?)", (site, digest, at, raw))
    dictionary_id = conn.execute("SELECT id FROM capture_dictionaries WHERE hash = ?",
                                 (digest,)).fetchone()[0]
    return _for_writing(dictionary_id, digest, data)


def _sample(conn, state: _State, site: str, digest: str, body: bytes, at: str) -> None:
    if len(body) > SAMPLE_MAX_BYTES:
        return
    samples = state.samples.setdefault(site, _Samples())
    state.samples.move_to_end(site)
    samples.bodies.append((digest, body))
    samples.size += len(body)
    while state.sampled_bytes > ALL_SAMPLES_MAX_BYTES and len(state.samples) > 1:
        state.samples.popitem(last=False)  # the site sampled least recently starts again later
    if len(samples.bodies) >= SAMPLES:
        del state.samples[site]
        _train(conn, state, site, samples.bodies, at)


def _train(conn, state: _State, site: str, samples: list[tuple[str, bytes]], at: str) -> None:
    """Train and store the site's dictionary, then compress the sampled bodies again with it."""
    try:
        trained = zstandard.train_dictionary(DICTIONARY_BYTES, [b for _, b in samples], k=2048, d=8)
    except zstandard.ZstdError:
        return  # too little to learn from: the next samples try again
    dictionary = state.remember(site, _insert_dictionary(conn, site, trained, at))
    for digest, body in samples:
        conn.execute("UPDATE capture_bodies SET data = ?, dictionary_id = ?"
                     " WHERE hash = ? AND dictionary_id IS NULL AND compression = ?",
                     (dictionary.compressor.compress(body), dictionary.id, digest, CODEC))


# -- reading -----------------------------------------------------------------------------------

def reading_dictionary(conn: sqlite3.Connection, dictionary_id: int | None
                       ) -> zstandard.ZstdCompressionDict | None:
    """Dictionary ``dictionary_id`` (None for None), from the connection's cache or the archive."""
    if dictionary_id is None:
        return None
    cache = _state(conn).reading
    if dictionary_id in cache:
        cache.move_to_end(dictionary_id)
        return cache[dictionary_id]
    row = conn.execute("SELECT data FROM capture_dictionaries WHERE id = ?", (dictionary_id,)).fetchone()
    if row is None:
        raise ValueError(f"capture dictionary {dictionary_id} is missing from the archive")
    cache[dictionary_id] = zstandard.ZstdCompressionDict(row[0])
    if len(cache) > CACHED_DICTIONARIES:
        cache.popitem(last=False)
    return cache[dictionary_id]


def decompress(compression: str, data: bytes,
               dictionary: zstandard.ZstdCompressionDict | None = None) -> bytes:
    """The raw bytes of a stored body (``dictionary``: the one its ``dictionary_id`` names);
    ValueError for a body that would decompress past MAX_BODY_BYTES."""
    if compression == "zstd":
        decompressor = (zstandard.ZstdDecompressor(dict_data=dictionary) if dictionary is not None
                        else zstandard.ZstdDecompressor())
        if zstandard.frame_content_size(data) > MAX_BODY_BYTES:  # -1: not declared, capped below
            raise ValueError(f"stored body declares over {MAX_BODY_BYTES} bytes")
        try:
            return decompressor.decompress(data, max_output_size=MAX_BODY_BYTES)
        except zstandard.ZstdError as error:
            raise ValueError(f"stored body unreadable or over {MAX_BODY_BYTES} bytes: {error}") from error
    if compression == "zlib":
        inflater = zlib.decompressobj()
        body = inflater.decompress(data, MAX_BODY_BYTES + 1)
        if len(body) > MAX_BODY_BYTES:
            raise ValueError(f"stored body over {MAX_BODY_BYTES} bytes")
        return body
    if compression == "none":
        return bytes(data)
    raise ValueError(f"unknown body compression {compression!r}")
