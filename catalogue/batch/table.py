"""`tthc analyze --all` on every core: the full analysis (metrics, cost, findings) of the catalogue, in chunks sent
to worker processes, each returning its table rows and its share of the opportunities (worker.table_chunk).

Only rows and summaries come back, never whole analyses, so memory stays flat on a national catalogue; a liên
thông group travels whole in one chunk, so the findings that compare a group's procedures see all of them; rows
come in code order whatever order the chunks finish in, so the tables are the same on one core or many.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from datetime import date
from typing import Any

from analysis.opportunities import Opportunities
from catalogue.batch.engine import record_bytes
from catalogue.batch.executors import local_workers, open_executor
from catalogue.batch.worker import chunk_payload, context_line, table_chunk
from models.catalogue import Catalogue, index_of

CHUNK = 200
"""Procedures per chunk: large enough that sending and starting a chunk is noise, small enough to share out."""


def table_chunks(catalogue: Catalogue, size: int = CHUNK) -> list[list[str]]:
    """Codes in chunks of about `size`, each liên thông group whole in one chunk (read from the record index: no
    record is decoded)."""
    procedures = catalogue.procedures
    group = {code: index_of(procedures, code).group for code in procedures}
    chunks: list[list[str]] = []
    current: list[str] = []
    for code in sorted(procedures, key=lambda c: (group[c] or c, c)):  # a group's procedures side by side
        if len(current) >= size and (group[code] is None or group[code] != group[current[-1]]):
            chunks.append(current)
            current = []
        current.append(code)
    if current:
        chunks.append(current)
    return chunks


def analyse_table(
    catalogue: Catalogue, day: date, start: date | None, method: str, *, workers: int | None = None,
    size: int = CHUNK, progress: Callable[[int], None] | None = None,
) -> tuple[list[dict[str, Any]], Opportunities]:
    """Every procedure's row (in code order) and the catalogue's opportunities. One chunk, or `workers=1`: in this
    process; otherwise on `workers` processes (default: every core), a few chunks in flight at a time."""
    context = context_line(catalogue, day, method)
    chunks = table_chunks(catalogue, size)
    rows: list[dict[str, Any]] = []
    found = Opportunities()

    def payloads() -> Iterator[bytes]:
        for codes in chunks:
            yield chunk_payload(context, list(zip(codes, record_bytes(catalogue.procedures, codes), strict=True)), start)

    def collect(result: tuple[list[dict[str, Any]], Opportunities]) -> None:
        rows.extend(result[0])
        found.merge(result[1])
        if progress:
            progress(len(result[0]))

    if len(chunks) <= 1 or workers == 1:
        for payload in payloads():
            collect(table_chunk(payload))
    else:
        workers = workers or local_workers()
        with open_executor("local", None, workers) as executor:
            in_flight: set[Future[tuple[list[dict[str, Any]], Opportunities]]] = set()
            for payload in payloads():
                in_flight.add(executor.submit(table_chunk, payload))
                if len(in_flight) >= 4 * workers:  # bounded: payloads are made as workers free up
                    done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                    for future in done:
                        collect(future.result())
            for future in wait(in_flight).done:
                collect(future.result())
    rows.sort(key=lambda row: row["code"])
    return rows, found
