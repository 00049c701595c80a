"""`tthc analyze --all` on every core: the full analysis (metrics, cost, findings) of the catalogue, in chunks sent
to worker processes, each returning every procedure's table row and what it adds to the opportunities
(worker.table_chunk).

Only rows and these few numbers come back, never whole analyses, so memory stays flat on a national catalogue; a
liên thông group travels whole in one chunk, so the findings that compare a group's procedures see all of them;
rows come in code order whatever order the chunks finish in, so the tables are the same on one core or many.

With a result cache, a procedure whose record and everything its analysis reads are unchanged (the keys of
re-analysis, with the parameters' values rather than the day, and the records of its liên thông group) is not
analysed again: after editing a few files of a national catalogue, `analyze --all` analyses those and reads the
rest, that day or a later one (a row's calendar days are counted again from the run's start day).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass
from datetime import date
from typing import Any

from analysis.analyse import row_from
from analysis.opportunities import Contribution, Opportunities
from catalogue.batch.engine import record_bytes, record_identity
from catalogue.batch.executors import local_workers, open_executor
from catalogue.batch.results import DependencyKeys, ResultCache
from catalogue.batch.worker import TableResult, chunk_payload, context_line, table_chunk
from models.catalogue import Catalogue, group_of, in_force, index_of
from models.parameters import CostRates

CHUNK = 200
"""Procedures per chunk: large enough that sending and starting a chunk is noise, small enough to share out."""


@dataclass
class Table:
    """What `tthc analyze --all` writes and prints."""

    rows: list[dict[str, Any]]
    """Every procedure's row, in code order."""
    findings: list[dict[str, Any]]
    """Every finding's row (`worker.finding_rows`), in code order, each procedure's most valuable first."""
    opportunities: Opportunities
    analysed: int = 0
    """Procedures analysed in this run (the others' rows came from the cache)."""
    from_cache: int = 0


def groups_of(catalogue: Catalogue) -> dict[str, str | None]:
    """code → its liên thông group, read from the record index (no record is decoded)."""
    return {code: group_of(catalogue.procedures, code) for code in catalogue.procedures}


def table_chunks(codes: list[str], group: dict[str, str | None], size: int = CHUNK) -> list[list[str]]:
    """`codes` in chunks of about `size`, each liên thông group (`groups_of`) whole in one chunk; `codes` must hold
    whole groups."""
    chunks: list[list[str]] = []
    current: list[str] = []
    for code in sorted(codes, key=lambda c: (group[c] or c, c)):  # a group's procedures side by side
        if len(current) >= size and (group[code] is None or group[code] != group[current[-1]]):
            chunks.append(current)
            current = []
        current.append(code)
    if current:
        chunks.append(current)
    return chunks


def table_keys(catalogue: Catalogue, codes: list[str], group: dict[str, str | None], day: date, method: str,
               engine: str) -> dict[str, str]:
    """code → the cache key of its row, for the procedures `codes` (those analysed: in force): what keys its
    re-analysis result (the record, the texts and agencies it names, the values of the rates on `day`, the method,
    the analysis code) and the same for every procedure of its liên thông group among `codes` (documents asked twice
    across the group are among its findings). Not the day itself: a row's calendar days are counted again when it
    is read (`row_from`), so tomorrow's run reuses today's rows."""
    procedures = catalogue.procedures
    keys = DependencyKeys(catalogue, CostRates.from_parameters(catalogue.parameters, day), method, engine, dated=False)
    own = {code: keys.key(index_of(procedures, code), record_identity(procedures, code)[0]) for code in codes}
    members: dict[str, list[str]] = {}
    for code in sorted(codes):
        if (g := group[code]) is not None:
            members.setdefault(g, []).append(code)
    prefix = b"table|"
    out: dict[str, str] = {}
    for code, key in own.items():
        g = group[code]
        related = "|".join(own[m] for m in members[g]) if g is not None else ""
        out[code] = hashlib.blake2b(prefix + f"{key}|{related}".encode(), digest_size=20).hexdigest()
    return out


def analyse_table(
    catalogue: Catalogue, day: date, start: date | None, method: str, *, workers: int | None = None,
    size: int = CHUNK, progress: Callable[[int], None] | None = None, cache: ResultCache | None = None,
) -> Table:
    """Every procedure's row (in code order) and the catalogue's opportunities. Rows in `cache` are read, the others
    analysed and stored there. One chunk, or `workers=1`: in this process; otherwise on `workers` processes
    (default: every core), a few chunks in flight at a time. A record abolished on `day` is left out: nobody does
    that procedure any more, so it has no cost to add up and nothing to simplify."""
    procedures = catalogue.procedures
    group = groups_of(catalogue)
    current = in_force(procedures)
    keys = table_keys(catalogue, current, group, day, method, cache.engine) if cache is not None else {}
    results: dict[str, TableResult] = {}
    if cache is not None:
        code_of = {key: code for code, key in keys.items()}
        for key, hit in cache.read_many(keys.values()):
            results[code_of[key]] = TableResult(row_from(hit["row"], start or day),
                                                Contribution.from_json(hit["contribution"]), hit["findings"])
    # A group is analysed whole when one of its procedures is not in the cache (its findings compare them all).
    stale = {group[code] for code in current if code not in results} - {None}
    missing = [code for code in current if code not in results or group[code] in stale]
    for code in missing:
        results.pop(code, None)
    if progress and results:
        progress(len(results))
    table = Table([], [], Opportunities(), analysed=len(missing), from_cache=len(results))
    chunks = table_chunks(missing, group, size)
    context = context_line(catalogue, day, method)
    run_id = "table-" + hashlib.blake2b("|".join(keys.get(c, c) for c in missing).encode(), digest_size=12).hexdigest()
    if cache is not None and missing:
        cache.start_run(run_id, len(missing))

    def payloads() -> Iterator[bytes]:
        for codes in chunks:
            yield chunk_payload(context, list(zip(codes, record_bytes(procedures, codes), strict=True)), start)

    def collect(chunk: list[TableResult]) -> None:
        for result in chunk:
            results[result.row["code"]] = result
        if cache is not None:
            cache.put_chunk(run_id, [
                (keys[row["code"]], row["code"], json.dumps(
                    {"row": row, "contribution": contribution.to_json(), "findings": findings}, ensure_ascii=False))
                for row, contribution, findings in chunk])
        if progress:
            progress(len(chunk))

    if len(chunks) <= 1 or workers == 1:
        for payload in payloads():
            collect(table_chunk(payload))
    else:
        workers = workers or local_workers()
        with open_executor("local", None, workers) as executor:
            in_flight: set[Future[list[TableResult]]] = set()
            for payload in payloads():
                in_flight.add(executor.submit(table_chunk, payload))
                if len(in_flight) >= 4 * workers:  # bounded: payloads are made as workers free up
                    done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                    for future in done:
                        collect(future.result())
            for future in wait(in_flight).done:
                collect(future.result())
    if cache is not None and missing:
        cache.finish_run(run_id)
    for code in sorted(results):
        row, contribution, findings = results[code]
        table.rows.append(row)
        table.findings.extend(findings)
        table.opportunities.add(contribution)
    return table
