"""The work a batch sends to a process or a Dask worker: one chunk of procedures, as JSON bytes, analysed.

A chunk is bytes, not pydantic objects: sending models between processes (or through Dask) costs more than
validating them again on arrival (ENGINEERING-NOTES.md, "Batch work"). Line 1 holds the context (day, method,
registries, parameters: the same for every chunk of a run, so a worker decodes it once); each further line is
`<key>\\t<procedure JSON>`. The worker returns (key, code, metrics JSON) triples.

The worker pauses the garbage collector while it works: validating a record then costs ~0.4 ms, as little as
unpickling the compiled cache's copy, where collections on a growing heap made it ~2 ms (both measured here), and
the parent needs the JSON anyway for the record's cache key.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import TypeAdapter

from analysis.analyse import analyse
from models.analysis import ProcedureAnalysis
from models.catalogue import Catalogue
from models.parameters import CostRates, ParameterSet
from models.procedure import Procedure
from models.registry import Agency, LegalDocument

Number = int | float

_AGENCIES = TypeAdapter(dict[str, Agency])
_LEGAL = TypeAdapter(dict[str, LegalDocument])
_SKIPPED = frozenset({"parameters", "lines", "hops", "agency_ids", "critical_path", "start", "end_likely"})
"""Fields of the analysis that are not numbers to compare before and after."""

_contexts: dict[int, tuple[Catalogue, CostRates, str]] = {}


def context_line(catalogue: Catalogue, day: date, method: str) -> bytes:
    """The first line of every chunk of a run: day, method, registries and parameters."""
    header = {
        "day": day.isoformat(),
        "method": method,
        "parameters": catalogue.parameters.model_dump(mode="json"),
        "agencies": {k: a.model_dump(mode="json") for k, a in catalogue.agencies.items()},
        "legal": {k: d.model_dump(mode="json") for k, d in catalogue.legal.items()},
    }
    return json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode()


def _context(line: bytes) -> tuple[Catalogue, CostRates, str]:
    key = hash(line)
    found = _contexts.get(key)
    if found is None:
        header = json.loads(line)
        catalogue = Catalogue(
            {}, _AGENCIES.validate_python(header["agencies"]), _LEGAL.validate_python(header["legal"]),
            ParameterSet.model_validate(header["parameters"]),
        )
        rates = CostRates.from_parameters(catalogue.parameters, date.fromisoformat(header["day"]))
        found = (catalogue, rates, header["method"])
        _contexts.clear()  # one run at a time per worker
        _contexts[key] = found
    return found


def numbers(analysis: ProcedureAnalysis) -> dict[str, Number]:
    """Every number of an analysis by dotted name (`elapsed_working_days.likely`, `annual_cost_vnd`...): money
    and counts stay integers; Decimal values become int when whole."""
    out: dict[str, Number] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, bool) or value is None:
            return
        if isinstance(value, dict):
            for k, v in value.items():
                if k not in _SKIPPED:
                    walk(f"{prefix}{k}." if isinstance(v, dict) else f"{prefix}{k}", v)
        elif isinstance(value, Decimal):
            out[prefix] = int(value) if value == value.to_integral_value() else float(value)
        elif isinstance(value, int | float):
            out[prefix] = value

    walk("", analysis.metrics.model_dump())
    walk("", analysis.cost.model_dump(exclude={"lines", "parameters"}))
    return out


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector: a batch allocates many small objects beside a catalogue of
    millions, and each full collection walks all of them (seconds at 100,000 procedures) to find no cycle."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # What the batch made and kept (decoded records, results) would otherwise be walked by the full
        # collection that the first allocation after re-enabling triggers (3 s at 100,000 procedures): freeze
        # it; it is still freed by reference counting when dropped.
        gc.freeze()
        if enabled:
            gc.enable()


def analyse_chunk(payload: bytes) -> list[tuple[str, str, str]]:
    """Validate and analyse the procedures of one chunk; (key, code, JSON of the numbers) for each."""
    with collector_paused():  # many new objects and no cycle: each collection would walk them all for nothing
        first, _, rest = payload.partition(b"\n")
        catalogue, rates, method = _context(first)
        out: list[tuple[str, str, str]] = []
        for line in rest.split(b"\n"):
            if not line:
                continue
            key, _, record = line.partition(b"\t")
            procedure = Procedure.model_validate_json(record)
            result = analyse(procedure, catalogue, rates, method=method, with_findings=False)
            out.append((key.decode(), procedure.code, json.dumps(numbers(result), separators=(",", ":"))))
        return out


def chunk_payload(context: bytes, items: list[tuple[str, bytes]]) -> bytes:
    """Join the context line and the (key, procedure JSON) lines of one chunk."""
    return b"\n".join([context, *(key.encode() + b"\t" + record for key, record in items)])
