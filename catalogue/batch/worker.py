"""The work a batch sends to a process or a Dask worker: one chunk of procedures, as bytes, analysed (the numbers
of each for re-analysis, `analyse_chunk`; the full analysis as table rows for `tthc analyze --all`, `table_chunk`).

A chunk is bytes, not pydantic objects: sending models between processes (or through Dask) costs more than
decoding them again on arrival (ENGINEERING-NOTES.md, "Batch work"). It holds the context (day, method,
registries, parameters, as JSON: the same for every chunk of a run, so a worker decodes it once) and
(key, record) pairs, each record as the bytes the compiled cache holds for it (tthc's own pickle, sent as read:
the parent neither decodes nor re-encodes it) or, for a record a change rewrote, as JSON that the worker
validates. The worker returns (key, code, metrics JSON) triples.

The worker pauses the garbage collector while it works: decoding a record then costs ~0.4–0.6 ms either way,
where collections on a growing heap made it ~2 ms (measured here).
"""

from __future__ import annotations

import json
import pickle
from dataclasses import replace
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any, NamedTuple, cast

from pydantic import TypeAdapter
from pydantic_core import to_json

from analysis.analyse import analyse, analysis_row
from analysis.opportunities import Contribution
from catalogue.collector import collector_paused
from catalogue.console import describe_operation, legal_text
from models.analysis import ProcedureAnalysis
from models.catalogue import Catalogue, Rewrite
from models.parameters import CostRates, ParameterSet
from models.procedure import Procedure
from models.registry import Agency, LegalDocument

Number = int | float


class TableResult(NamedTuple):
    """What `tthc analyze --all` keeps of a procedure's analysis."""

    row: dict[str, Any]
    """Its row of the table (`analysis_row`)."""
    contribution: Contribution
    """What it adds to the catalogue's opportunities."""
    findings: list[dict[str, Any]]
    """Its findings, a row each (`finding_rows`)."""

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


def analyse_chunk(payload: bytes) -> list[tuple[str, str, str]]:
    """Decode and analyse the procedures of one chunk; (key, code, JSON of the numbers) for each."""
    with collector_paused():  # many new objects and no cycle: each collection would walk them all for nothing
        context, _, items = pickle.loads(payload)
        catalogue, rates, method = _context(context)
        out: list[tuple[str, str, str]] = []
        for key, record in items:
            procedure = decode(record)
            result = analyse(procedure, catalogue, rates, method=method, with_findings=False, explain=False)
            out.append((key, procedure.code, json.dumps(numbers(result), separators=(",", ":"))))
        return out


def decode(record: bytes) -> Procedure:
    """A record as the compiled cache holds it (a pickle: protocol 2 and later open with 0x80), a record rewritten
    by a change (`rewritten_payload`), or its JSON."""
    if record[:1] != b"\x80":
        return Procedure.model_validate_json(record)
    loaded = pickle.loads(record)
    if isinstance(loaded, tuple):
        stored, fields = loaded
        original: Procedure = pickle.loads(stored)
        return original.model_copy(update={name: _field_adapter(name).validate_json(raw) for name, raw in fields.items()})
    return cast(Procedure, loaded)


def rewritten_fields(rewrite: Rewrite, record: Procedure) -> dict[str, bytes]:
    """The JSON of each field of `record` that is not the very object of the file's record it was made from (a
    change copies the fields it does not rewrite): with the file's content hash, what the record is made of."""
    original = rewrite.original.__dict__
    return {name: to_json(value) for name, value in record.__dict__.items() if value is not original.get(name)}


def rewritten_payload(stored: bytes, fields: dict[str, bytes]) -> bytes:
    """A record a change rewrote, as a worker decodes it: the file's record as the compiled cache holds it and the
    JSON of the fields rewritten (`rewritten_fields`), instead of the whole record's JSON (0.5 ms to write and
    1 ms to validate for a 35-step record; a field's JSON validates faster than its pickle loads)."""
    return pickle.dumps((stored, fields), protocol=pickle.HIGHEST_PROTOCOL)


@cache
def _field_adapter(name: str) -> TypeAdapter[Any]:
    """Validates one field of a procedure from its JSON (the field's type; the record it joins was valid)."""
    annotation = Procedure.model_fields[name].annotation
    assert annotation is not None
    return TypeAdapter(annotation)


def table_chunk(payload: bytes) -> list[TableResult]:
    """The full analysis (metrics, cost, findings) of one chunk for `tthc analyze --all`: each procedure's table
    row and what it adds to the catalogue-wide opportunities. The findings see the chunk's procedures as the
    catalogue: the batch sends a liên thông group whole in one chunk, so documents asked twice across a group are
    found."""
    with collector_paused():
        context, start, items = pickle.loads(payload)
        registries, rates, method = _context(context)
        procedures = {p.code: p for p in (decode(record) for _, record in items)}
        catalogue = replace(registries, procedures=procedures)
        out: list[TableResult] = []
        for procedure in procedures.values():
            result = analyse(procedure, catalogue, rates, start=start, method=method, explain=False)
            out.append(TableResult(analysis_row(result, procedure), Contribution.of(procedure, result),
                                   finding_rows(result, procedure, catalogue)))
        return out


FINDING_COLUMNS = (
    "code", "name", "rank", "rule", "title", "explanation", "steps", "documents", "suggestion", "legal_changes",
    "saving_per_case_vnd", "saving_time_vnd", "saving_fees_vnd", "saving_other_vnd", "saving_annual_vnd",
    "saving_working_days",
)
"""The columns of the findings table, in order."""


def finding_rows(result: ProcedureAnalysis, procedure: Procedure, catalogue: Catalogue) -> list[dict[str, Any]]:
    """One row per finding, most valuable first (`rank`): what it is, the steps and documents it involves by name
    (each in «», as names hold commas and semicolons), what to do in words (the operations and the provisions to
    amend, kiến nghị thực thi) and what that saves, for staff to filter and sort across the catalogue."""
    steps = {s.id: s.name for s in procedure.steps}
    documents = {d.id: d.name for d in procedure.documents}
    rows = []
    for rank, f in enumerate(result.findings, 1):
        saving = f.saving
        rows.append(dict(zip(FINDING_COLUMNS, (
            result.code, result.name, rank, f.rule, f.title, f.explanation,
            ", ".join(f"«{steps.get(s, s)}»" for s in f.steps), ", ".join(f"«{documents.get(d, d)}»" for d in f.documents),
            "; ".join(describe_operation(op, procedure, catalogue) for op in f.suggestion),
            "; ".join(dict.fromkeys(legal_text(c) for op in f.suggestion for c in op.legal_change or ())),
            saving.per_case_vnd if saving else 0, saving.time_vnd if saving else 0, saving.fees_vnd if saving else 0,
            saving.other_vnd if saving else 0, saving.annual_vnd if saving else 0,
            saving.working_days_likely if saving else 0.0,
        ), strict=True)))
    return rows


def chunk_payload(context: bytes, items: list[tuple[str, bytes]], start: date | None = None) -> bytes:
    """One chunk: the context (`context_line`), its (key, record) pairs, each record as the compiled cache holds
    it or as JSON, and the start day of calendar days (`table_chunk`; the re-analysis numbers leave them out)."""
    return pickle.dumps((context, start, items), protocol=pickle.HIGHEST_PROTOCOL)
