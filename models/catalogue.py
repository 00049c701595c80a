"""The whole catalogue in memory: procedures and the registries they refer to."""

from __future__ import annotations

import pickle
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field

from models.parameters import ParameterSet
from models.procedure import Procedure
from models.registry import Agency, LegalDocument


class Procedures(MutableMapping[str, Procedure]):
    """Procedures by code. A record read from the compiled cache stays encoded until first used, so opening a
    national catalogue to look at a few procedures does not decode 100,000 of them."""

    def __init__(self, records: dict[str, Procedure] | None = None) -> None:
        self._decoded: dict[str, Procedure] = dict(records or {})
        self._encoded: dict[str, bytes] = {}
        self._order: dict[str, None] = dict.fromkeys(self._decoded)

    def set_encoded(self, code: str, payload: bytes) -> None:
        """Add a record as the pickled bytes the cache holds (written by tthc itself)."""
        self._encoded[code] = payload
        self._decoded.pop(code, None)
        self._order[code] = None

    def encoded(self, code: str) -> bytes | None:
        """The still-encoded bytes of a record, for sending to a worker without decoding it here."""
        return self._encoded.get(code)

    def __getitem__(self, code: str) -> Procedure:
        try:
            return self._decoded[code]
        except KeyError:
            payload = self._encoded.pop(code)  # KeyError for an unknown code, as a dict would
            record: Procedure = pickle.loads(payload)
            self._decoded[code] = record
            return record

    def __setitem__(self, code: str, record: Procedure) -> None:
        self._decoded[code] = record
        self._encoded.pop(code, None)
        self._order[code] = None

    def __delitem__(self, code: str) -> None:
        del self._order[code]
        self._decoded.pop(code, None)
        self._encoded.pop(code, None)

    def __contains__(self, code: object) -> bool:
        return code in self._order

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def __repr__(self) -> str:
        return f"Procedures({len(self)} records, {len(self._encoded)} not decoded yet)"


@dataclass(frozen=True)
class Catalogue:
    procedures: MutableMapping[str, Procedure]
    agencies: dict[str, Agency]
    legal: dict[str, LegalDocument]
    parameters: ParameterSet
    extras: dict[str, object] = field(default_factory=dict)
    """Other typed content loaded beside the records (proposals, legal changes), by kind."""
