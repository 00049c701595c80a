"""Re-analyse only what a change touches: keys, cache look-ups, chunks on an executor, before/after comparison.

The flow of one run: the procedures affected and why (analysis.legal_impact) → the catalogue before and after →
for each side, a dependency key per procedure → results already in the cache are reused, the rest are analysed in
chunks (committed to the cache chunk by chunk, so an interrupted run resumes) → each metric before, after and the
difference → an `ImpactReport`.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from analysis.legal_impact import affected, apply_changes
from analysis.opportunities import counted_once
from catalogue.batch.results import DependencyKeys, Numbers, ResultCache, engine_fingerprint
from catalogue.batch.worker import analyse_chunk, chunk_payload, context_line, rewritten_fields, rewritten_payload
from catalogue.collector import collector_paused
from models.analysis import trusted
from models.catalogue import Catalogue, Procedures, index_of, same_record
from models.change import (
    ChangelogStatus,
    ChangeRef,
    ImpactReason,
    ImpactReport,
    ImpactSummary,
    LegalChange,
    MetricDelta,
    ProcedureImpact,
)
from models.parameters import CostRates
from models.procedure import Procedure

ExecutorFactory = Callable[[], AbstractContextManager[Executor]]
Progress = Callable[[int], None]
"""Called with the number of analyses just finished (cached ones included)."""

DEFAULT_CHUNK = 200
WINDOW_CHUNKS = 8
MIN_CHUNK = 10


@dataclass
class Request:
    """Analyse `codes` of `catalogue` on `day`."""

    catalogue: Catalogue
    codes: list[str]
    day: date
    method: str = "tt02"


@dataclass
class Outcome:
    results: list[dict[str, Numbers]]
    """Per request: code → numbers."""
    computed: int = 0
    from_cache: int = 0
    resumed: int = 0
    """Analyses an interrupted earlier attempt of the same run had already committed."""


@dataclass
class Settings:
    cache: ResultCache
    executor: ExecutorFactory | None = None
    """None: analyse in this process."""
    chunk_size: int = DEFAULT_CHUNK
    inline_below: int = DEFAULT_CHUNK
    """Fewer analyses than this to compute run in this process: starting workers would cost more."""
    progress: Progress | None = None
    engine: str = field(default_factory=engine_fingerprint)


def record_identity(procedures: MutableMapping[str, Procedure], code: str) -> tuple[bytes, bytes | None]:
    """What a result key covers of a record, and the record's JSON if made (it is then what a worker receives).

    A record read through the compiled cache is keyed by its file's content hash, without reading or decoding it
    (most keys are found in the result cache): the file and the code that reads it, which the engine fingerprint
    covers, make the record. A record a change rewrote in memory is keyed by that hash and the JSON of the fields
    the change rewrote (the others are the file's very objects). A record loaded without the cache is keyed by
    its JSON (pickles of equal records differ between processes: pydantic keeps sets of field names).
    """
    if isinstance(procedures, Procedures):
        digest = procedures.digest(code)
        if digest is not None:
            return b"file:" + digest.encode(), None
        rewrite = procedures.rewrite(code)
        if rewrite is not None:
            fields = rewritten_fields(rewrite, procedures[code])  # as one JSON object: names, then each value's JSON
            rewritten = b",".join(b'"' + name.encode() + b'":' + value for name, value in fields.items())
            return b"file:" + rewrite.digest.encode() + b"|{" + rewritten + b"}", None
    record_json = _record_json(procedures, code)
    return record_json, record_json


def _record_json(procedures: MutableMapping[str, Procedure], code: str) -> bytes:
    """The record's JSON (a stored record decoded for this use only: it is not kept)."""
    stored = procedures.encoded(code) if isinstance(procedures, Procedures) else None
    record: Procedure = pickle.loads(stored) if stored is not None else procedures[code]
    return record.model_dump_json().encode()


def record_bytes(procedures: MutableMapping[str, Procedure], codes: list[str]) -> list[bytes]:
    """What a worker decodes (`worker.decode`), for each of `codes`: the bytes the compiled cache holds, read in one
    go and sent as read; for a record a change rewrote, the file's stored record and the fields rewritten
    (`worker.rewritten_payload`: no JSON of the whole record to write, nor to validate); else the record's JSON."""
    if not isinstance(procedures, Procedures):
        return [_record_json(procedures, code) for code in codes]
    stored = procedures.encoded_many(codes)
    out: list[bytes] = []
    for code in codes:
        if code in stored:
            out.append(stored[code])
        elif (rewrite := procedures.rewrite(code)) is not None and rewrite.stored is not None:
            out.append(rewritten_payload(rewrite.stored(), rewritten_fields(rewrite, procedures[code])))
        else:
            out.append(_record_json(procedures, code))
    return out


def _run_id(requests: list[Request], engine: str) -> str:
    digest = hashlib.blake2b(engine.encode(), digest_size=12)
    for request in requests:
        digest.update(f"|{request.day}|{request.method}|".encode())
        digest.update(",".join(request.codes).encode())
    return digest.hexdigest()


def analyse_requests(requests: list[Request], settings: Settings) -> Outcome:
    """Results of every request, from the cache where the key matches, else computed in chunks.

    Work streams through windows of a few chunks: keys and record JSON are computed for one window at a time and
    at most 2 × WINDOW_CHUNKS chunks are in flight, so memory stays flat on a catalogue of any size.
    """
    with collector_paused():
        return _analyse_requests(requests, settings)


def _analyse_requests(requests: list[Request], settings: Settings) -> Outcome:
    outcome = Outcome([{} for _ in requests])
    run_id = _run_id(requests, settings.engine)
    window = settings.chunk_size * WINDOW_CHUNKS
    total = sum(len(r.codes) for r in requests)
    started = False
    in_flight: dict[Future[list[tuple[str, str, str]]], int] = {}

    def collect(request_index: int, rows: list[tuple[str, str, str]]) -> None:
        settings.cache.put_chunk(run_id, rows)
        for _, code, numbers in rows:
            outcome.results[request_index][code] = json.loads(numbers)
        outcome.computed += len(rows)
        if settings.progress:
            settings.progress(len(rows))

    def drain(keep: int) -> None:
        while len(in_flight) > keep:
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                collect(in_flight.pop(future), future.result())

    with ExitStack() as stack:
        executor: Executor | None = None
        seen = 0
        for i, request in enumerate(requests):
            if not request.codes:
                continue
            rates = CostRates.from_parameters(request.catalogue.parameters, request.day)
            keys = DependencyKeys(request.catalogue, rates, request.method, settings.engine)
            context = context_line(request.catalogue, request.day, request.method)
            # Small jobs in smaller chunks, so that every worker gets a share; large ones in chunks of chunk_size.
            chunk_size = min(settings.chunk_size, max(MIN_CHUNK, -(-len(request.codes) // 8)))
            for start in range(0, len(request.codes), window):
                codes = request.codes[start : start + window]
                seen += len(codes)
                procedures = request.catalogue.procedures
                planned: list[tuple[str, str, bytes | None]] = []
                for code in codes:
                    keyed, record_json = record_identity(procedures, code)
                    planned.append((code, keys.key(index_of(procedures, code), keyed), record_json))
                cached = settings.cache.get_many(key for _, key, _ in planned)
                unread = [code for code, key, record_json in planned if key not in cached and record_json is None]
                read = dict(zip(unread, record_bytes(procedures, unread), strict=True))
                missing = [(key, record_json if record_json is not None else read[code])
                           for code, key, record_json in planned if key not in cached]
                hits = 0
                for code, key, _ in planned:
                    if key in cached:
                        outcome.results[i][code] = cached[key]
                        hits += 1
                outcome.from_cache += hits
                if settings.progress and hits:
                    settings.progress(hits)
                if not missing:
                    continue
                if not started:
                    outcome.resumed = settings.cache.start_run(run_id, total)
                    started = True
                # In this process when even the worst case (everything not yet looked at is missing too) is small.
                at_most = outcome.computed + len(in_flight) * chunk_size + len(missing) + (total - seen)
                few = at_most < settings.inline_below
                if executor is None and settings.executor is not None and not few:
                    executor = stack.enter_context(settings.executor())
                for part in range(0, len(missing), chunk_size):
                    payload = chunk_payload(context, missing[part : part + chunk_size])
                    if executor is None:
                        collect(i, analyse_chunk(payload))
                    else:
                        in_flight[executor.submit(analyse_chunk, payload)] = i
                drain(keep=WINDOW_CHUNKS)
        drain(keep=0)
    if started:
        settings.cache.finish_run(run_id)
    return outcome


def analyse_all(catalogue: Catalogue, day: date, settings: Settings, method: str = "tt02") -> Outcome:
    """Every procedure of the catalogue (a cold run fills the cache for later runs)."""
    return analyse_requests([Request(catalogue, list(catalogue.procedures), day, method)], settings)


# Comparing before and after


def changelog_status(code: str, before: Catalogue, after: Catalogue) -> ChangelogStatus:
    """ADDED / WITHDRAWN (removed, or now abolished) / AMENDED (the record differs) / UNCHANGED."""
    old = index_of(before.procedures, code) if code in before.procedures else None
    new = index_of(after.procedures, code) if code in after.procedures else None
    if old is None or old.status == "abolished":
        return "WITHDRAWN" if new is None or new.status == "abolished" else "ADDED"
    if new is None or new.status == "abolished":
        return "WITHDRAWN"
    return "UNCHANGED" if same_record(before.procedures, after.procedures, code) else "AMENDED"


def _difference(old: int | float | None, new: int | float | None) -> int | float | None:
    if old is None or new is None:
        return None
    diff = new - old
    return round(diff, 6) if isinstance(diff, float) else diff


def metric_deltas(old: Numbers | None, new: Numbers | None) -> dict[str, MetricDelta]:
    names = list(dict.fromkeys([*(old or {}), *(new or {})]))
    before, after = old or {}, new or {}
    # Built without validation: the values are numbers computed here (tens of thousands per report).
    return {
        name: trusted(MetricDelta, {"before": before.get(name), "after": after.get(name),
                                    "difference": _difference(before.get(name), after.get(name))})
        for name in names
    }


@dataclass
class Scope:
    """What one re-analysis compares: the catalogue before and after, on a day, and why each procedure is in."""

    title: str
    day: date
    before: Catalogue
    after: Catalogue
    reasons: dict[str, list[ImpactReason]]
    changes: list[LegalChange]
    slug: str
    """Names the report folder: reports/<slug>/."""
    since: str | None = None


def change_scope(catalogue: Catalogue, others: Iterable[LegalChange], change: LegalChange, day: date | None = None) -> Scope:
    """Before: the catalogue with the other changes in effect on the day; after: with `change` too.

    The day defaults to the change's effective date; both sides are analysed on that same day, so the difference
    is the change's alone.
    """
    others = [c for c in others if c.id != change.id]
    when = day or change.effective
    with collector_paused():
        before = apply_changes(catalogue, others, when)
        after = apply_changes(catalogue, [*others, change], when)
        reasons = affected(before, change)
    return Scope(
        title=change.title, day=when, before=before, after=after, reasons=reasons, changes=[change],
        slug=f"{when.isoformat()}-{change.id}",
    )


def annual_cost_once(results: dict[str, Numbers], procedures: Mapping[str, Procedure]) -> int:
    """The annual costs of `results` added up, each case once: a procedure whose cases another one's volume counts
    too (`AnnualVolume.counted_in`, read from the records' indexes) is not paid for again at the other's cost."""
    own = {code: (int(n["per_case_vnd"]), int(n["annual_cost_vnd"])) for code, n in results.items()}
    counted = [(code, whole, str(Decimal(str(n["frequency_per_subject"])) * int(n["subjects_per_year"])))
               for code, n in results.items() for whole in index_of(procedures, code).counted_in]
    return counted_once(own, counted)


def build_report(scope: Scope, settings: Settings, method: str = "tt02") -> ImpactReport:
    """Analyse the affected procedures before and after, and compare."""
    with collector_paused():
        return _build_report(scope, settings, method)


def _build_report(scope: Scope, settings: Settings, method: str) -> ImpactReport:
    codes = list(scope.reasons)
    before_codes = [c for c in codes if c in scope.before.procedures]
    after_codes = [c for c in codes if c in scope.after.procedures]
    outcome = analyse_requests(
        [Request(scope.before, before_codes, scope.day, method), Request(scope.after, after_codes, scope.day, method)],
        settings,
    )
    before, after = outcome.results
    impacts: list[ProcedureImpact] = []
    for code in codes:
        side = scope.after.procedures if code in scope.after.procedures else scope.before.procedures
        reasons = scope.reasons[code]
        index = index_of(side, code)
        impacts.append(ProcedureImpact(
            code=code, name=index.name, status=changelog_status(code, scope.before, scope.after), reasons=reasons,
            needs_review=any(r.needs_review for r in reasons), metrics=metric_deltas(before.get(code), after.get(code)),
            last_checked=index.last_checked,
        ))
    by_status: dict[ChangelogStatus, int] = {"ADDED": 0, "AMENDED": 0, "UNCHANGED": 0, "WITHDRAWN": 0}
    for impact in impacts:
        by_status[impact.status] += 1
    cost_before = annual_cost_once(before, scope.before.procedures)
    cost_after = annual_cost_once(after, scope.after.procedures)
    return ImpactReport(
        generated=datetime.now(UTC).replace(microsecond=0),
        as_of=scope.day,
        title=scope.title,
        changes=[ChangeRef(id=c.id, title=c.title, effective=c.effective, sources=c.sources) for c in scope.changes],
        since=scope.since,
        summary=ImpactSummary(
            affected=len(impacts), needs_review=sum(i.needs_review for i in impacts), by_status=by_status,
            annual_cost_before_vnd=cost_before, annual_cost_after_vnd=cost_after,
            annual_cost_difference_vnd=cost_after - cost_before, analysed=outcome.computed,
            from_cache=outcome.from_cache,
        ),
        procedures=impacts,
    )
