"""The whole catalogue in memory: procedures and the registries they refer to."""

from __future__ import annotations

import pickle
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, NamedTuple

from models.parameters import ParameterSet
from models.procedure import Procedure, RecordIndex
from models.registry import Agency, LegalDocument

Stored = bytes | Callable[[], bytes]
"""A record's pickled bytes, or what reads them from the compiled cache when the record is first used."""


def _read(stored: Stored) -> bytes:
    return stored() if callable(stored) else stored


class Rewrite(NamedTuple):
    """Where a record rewritten in memory (a legal change applied to a copy of the catalogue) came from."""

    digest: str
    """The content hash of the file whose record was rewritten."""
    original: Procedure
    """That file's record."""
    stored: Callable[[], bytes] | None
    """Reads its pickled bytes from the compiled cache (None for a record parsed from its file in this run)."""


class _Entry:
    """A record's index entry, unpickled on first use; shared by the copies of a `Procedures` (the catalogue as
    at a day is a copy), so each entry is unpickled once."""

    __slots__ = ("raw", "value")

    def __init__(self, raw: bytes | None = None, value: RecordIndex | None = None) -> None:
        self.raw, self.value = raw, value


class Procedures(MutableMapping[str, Procedure]):
    """Procedures by code. A record read from the compiled cache stays encoded until first used, so opening a
    national catalogue to look at a few procedures does not decode 100,000 of them; its `RecordIndex` (name,
    status, what a legal change can reach it through) comes from the cache too, so finding the procedures a
    change touches does not decode them either."""

    def __init__(self, records: dict[str, Procedure] | None = None) -> None:
        self._decoded: dict[str, Procedure] = dict(records or {})
        self._encoded: dict[str, Stored] = {}
        self._index: dict[str, _Entry] = {}
        self._digests: dict[str, str] = {}
        self._decoded_from: dict[str, Callable[[], bytes]] = {}
        """code → what read a decoded record from the compiled cache (kept: it costs nothing, where the bytes of a
        record just parsed are let go once decoded)."""
        self._rewrites: dict[str, Rewrite] = {}
        self._order: dict[str, None] = dict.fromkeys(self._decoded)

    def set_encoded(self, code: str, payload: Stored, index: bytes | None = None, digest: str | None = None) -> None:
        """Add a record as the pickled bytes the cache holds (written by tthc itself), or a reader of them, with
        its pickled `RecordIndex` when the cache has it and the content hash of the file it was read from."""
        self._encoded[code] = payload
        self._decoded.pop(code, None)
        self._decoded_from.pop(code, None)
        self._rewrites.pop(code, None)
        if index is None:
            self._index.pop(code, None)
        else:
            self._index[code] = _Entry(raw=index)
        if digest is None:
            self._digests.pop(code, None)
        else:
            self._digests[code] = digest
        self._order[code] = None

    def digest(self, code: str) -> str | None:
        """The content hash of the file the record was read from, while the record is that file's (None once
        replaced, or when it did not come from a file through the cache)."""
        return self._digests.get(code)

    def encoded(self, code: str) -> bytes | None:
        """The still-encoded bytes of a record, for sending to a worker without decoding it here."""
        stored = self._encoded.get(code)
        return None if stored is None else _read(stored)

    def encoded_many(self, codes: Iterable[str]) -> dict[str, bytes]:
        """The still-encoded bytes of those of `codes` not decoded yet (as `encoded`, not kept), read in one go
        where the store can: the compiled cache's reader has `many`, one query for 500 records instead of one
        each (18 µs a record instead of 43 µs, measured on 100,000)."""
        out: dict[str, bytes] = {}
        batches: dict[Any, list[tuple[str, Any]]] = {}
        for code in codes:
            stored = self._encoded.get(code)
            if isinstance(stored, partial) and hasattr(stored.func, "many"):
                batches.setdefault(stored.func, []).append((code, stored.args[0]))
            elif stored is not None:
                out[code] = _read(stored)
        for store, items in batches.items():
            found = store.many([key for _, key in items])
            out.update((code, found[key]) for code, key in items)
        return out

    def index(self, code: str) -> RecordIndex:
        """The record's index entry, without decoding the record when the cache kept the entry."""
        entry = self._index.get(code)
        if entry is None:  # not from the cache: made from the record (decoded for this use only) and kept
            record = self._decoded.get(code)
            if record is None:
                record = pickle.loads(_read(self._encoded[code]))
            entry = self._index[code] = _Entry(value=RecordIndex.of(record))
        if entry.value is None:
            entry.value = pickle.loads(entry.raw)  # type: ignore[arg-type]
            entry.raw = None
        assert entry.value is not None
        return entry.value

    def unchanged(self, other: Procedures, code: str) -> bool:
        """Whether both mappings hold the same record under `code`: the very same stored bytes (neither decoded)
        or the same file's content, else equal records.

        When one side still holds the file's record and the other replaced it (a legal change applied to a copy),
        the replaced record is compared with the file's record the copy decoded to make it: no second decode, and
        the fields the change kept are the same objects, so the comparison is quick."""
        mine, theirs = self._encoded.get(code), other._encoded.get(code)
        if mine is not None and mine is theirs:
            return True
        digest = self._digests.get(code)
        if digest is not None and digest == other._digests.get(code):
            return True
        for holder, changer in ((self, other), (other, self)):
            rewrite = changer._rewrites.get(code)
            if rewrite is not None and rewrite.digest == holder._digests.get(code):
                return rewrite.original == changer[code]
        return self[code] == other[code]

    def rewrite(self, code: str) -> Rewrite | None:
        """Where the record under `code` came from when it rewrote, in memory, the record read from a file."""
        return self._rewrites.get(code)

    _TABLES = ("_order", "_decoded", "_encoded", "_index", "_digests", "_decoded_from", "_rewrites")
    """The per-record tables: what a copy copies."""

    def copy(self) -> Procedures:
        """A copy whose records still encoded stay so (records are immutable: they are shared, not copied)."""
        other = Procedures()
        for name in self._TABLES:
            setattr(other, name, dict(getattr(self, name)))
        return other

    def only(self, codes: Iterable[str]) -> Procedures:
        """A copy holding only those of `codes` it has, in its own order (records still encoded stay so)."""
        kept = {c for c in codes if c in self._order}
        other = Procedures()
        for name in self._TABLES:
            setattr(other, name, {c: v for c, v in getattr(self, name).items() if c in kept})
        return other

    def __getitem__(self, code: str) -> Procedure:
        try:
            return self._decoded[code]
        except KeyError:
            stored = self._encoded[code]  # KeyError for an unknown code
            record: Procedure = pickle.loads(_read(stored))
            del self._encoded[code]
            self._decoded[code] = record
            if callable(stored):
                self._decoded_from[code] = stored
            return record

    def __setitem__(self, code: str, record: Procedure) -> None:
        digest, old, stored = self._digests.get(code), self._decoded.get(code), self._decoded_from.pop(code, None)
        if digest is not None and old is not None:  # the file's record, decoded, is being rewritten
            self._rewrites[code] = Rewrite(digest, old, stored)
        self._decoded[code] = record
        self._encoded.pop(code, None)
        self._index.pop(code, None)
        self._digests.pop(code, None)
        self._order[code] = None

    def __delitem__(self, code: str) -> None:
        del self._order[code]
        self._decoded.pop(code, None)
        self._encoded.pop(code, None)
        self._index.pop(code, None)
        self._digests.pop(code, None)
        self._decoded_from.pop(code, None)
        self._rewrites.pop(code, None)

    def __contains__(self, code: object) -> bool:
        return code in self._order

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def __repr__(self) -> str:
        return f"Procedures({len(self)} records, {len(self._encoded)} not decoded yet)"


_INDEXES: dict[int, tuple[weakref.ref[Procedure], RecordIndex]] = {}
"""Indexes of records held in plain mappings, by the record object (records are never changed in place)."""


def index_of(procedures: Mapping[str, Procedure], code: str) -> RecordIndex:
    """The `RecordIndex` of a procedure of any mapping: from the compiled cache when it kept it, else made once per
    record object (a re-analysis reads it up to five times a record: selection, keys, statuses, report)."""
    if isinstance(procedures, Procedures):
        return procedures.index(code)
    procedure = procedures[code]
    hit = _INDEXES.get(id(procedure))
    if hit is None or hit[0]() is not procedure:
        if len(_INDEXES) >= 250_000:  # entries of records since freed: about a kilobyte each
            _INDEXES.clear()
        hit = _INDEXES[id(procedure)] = (weakref.ref(procedure), RecordIndex.of(procedure))
    return hit[1]


def in_force(procedures: Mapping[str, Procedure]) -> list[str]:
    """The codes of the records not abolished, in the mapping's order, read from the records' indexes: an abolished
    record is kept for dated analyses and its page, but nobody does the procedure any more."""
    return [code for code in procedures if index_of(procedures, code).status != "abolished"]


def successors(procedures: Mapping[str, Procedure]) -> dict[str, str]:
    """Code → the code of the record that replaces it (`Procedure.replaces`; the first record naming it, as
    `tthc validate` reports a second), read from the records' indexes (no record is decoded)."""
    out: dict[str, str] = {}
    for code in procedures:
        for old in index_of(procedures, code).replaces:
            out.setdefault(old, code)
    return out


def successor_of(procedures: Mapping[str, Procedure], code: str) -> str | None:
    """The code of the record that replaces `code`, or None (`successors`)."""
    return successors(procedures).get(code)


def replaced_note(procedures: Mapping[str, Procedure], code: str) -> str:
    """For a code the catalogue no longer has: ": X đã được thay bằng Y · its name" when a record replaced it, else ""
    (appended to the "not in the catalogue" message of every command)."""
    successor = successor_of(procedures, code)
    return f": {code} đã được thay bằng {successor} · {index_of(procedures, successor).name}" if successor else ""


def group_of(procedures: Mapping[str, Procedure], code: str) -> str | None:
    """The liên thông group of a procedure of any mapping, without decoding a record the compiled cache indexed."""
    if isinstance(procedures, Procedures):
        return procedures.index(code).group
    return procedures[code].interagency_group


def only(catalogue: Catalogue, codes: Iterable[str]) -> Catalogue:
    """The catalogue with only the procedures `codes` (registries and parameters whole)."""
    procedures = catalogue.procedures
    kept: MutableMapping[str, Procedure] = (
        procedures.only(codes) if isinstance(procedures, Procedures) else {c: procedures[c] for c in codes if c in procedures})
    return replace(catalogue, procedures=kept)


def same_record(before: Mapping[str, Procedure], after: Mapping[str, Procedure], code: str) -> bool:
    """Whether two mappings hold the same record under `code`, without decoding records still shared as stored."""
    if isinstance(before, Procedures) and isinstance(after, Procedures):
        return before.unchanged(after, code)
    return before[code] == after[code]


@dataclass(frozen=True)
class Catalogue:
    procedures: MutableMapping[str, Procedure]
    agencies: dict[str, Agency]
    legal: dict[str, LegalDocument]
    parameters: ParameterSet
    extras: dict[str, object] = field(default_factory=dict)
    """Other typed content loaded beside the records (proposals, legal changes), by kind."""
