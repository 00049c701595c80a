"""Analysis throughput: metrics + cost (+ findings) per second, on one core and on all cores.

    .venv/bin/python benchmarks/bench_analysis.py            # 5,000 warm, then a cold 100,000
    .venv/bin/python benchmarks/bench_analysis.py --n 2000 --cold 20000

Warm: the catalogue is already in memory (validated); only the analysis is timed.
All cores: a ProcessPoolExecutor gets chunks of records as JSON bytes (what the catalogue cache holds); each worker
validates its chunk and analyses it, so no pydantic object crosses a process boundary (ENGINEERING-NOTES).
Cold: the same for 100,000 records, timed from a fresh pool to the last result (pool start-up included).
Findings rules that look across procedures see only the worker's chunk in the parallel runs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import date

from analysis.analyse import analyse
from analysis.cost import compliance_cost
from analysis.metrics import compute_metrics
from catalogue.synthetic import synthetic_catalogue, synthetic_record
from models.catalogue import Catalogue
from models.parameters import CostRates
from models.procedure import Procedure

DAY = date(2026, 1, 5)
_skeleton: Catalogue | None = None


def rate(label: str, n: int, seconds: float, cpu: float | None = None) -> None:
    line = f"{label:<58} {n:>7} in {seconds:7.2f} s wall = {n / seconds:7.0f}/s"
    if cpu is not None:
        line += f"; {cpu:7.2f} s CPU = {n / cpu:7.0f}/s"
    print(line, flush=True)


def timed(label: str, n: int, fn: Callable[[], object]) -> None:
    """Wall and CPU time of `fn`: on a shared machine the CPU figure is the one-core throughput."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    rate(label, n, time.perf_counter() - wall, time.process_time() - cpu)


def _init() -> None:
    """Each worker builds the registries once (agencies, legal texts, parameters)."""
    global _skeleton
    _skeleton = synthetic_catalogue(0)


def _analyse_chunk(payload: tuple[list[bytes], bool]) -> tuple[int, float, float]:
    """Validate and analyse one chunk; returns (procedures, CPU seconds validating, CPU seconds analysing)."""
    chunk, with_findings = payload
    assert _skeleton is not None
    cpu = time.process_time()
    procedures = {}
    for raw in chunk:
        p = Procedure.model_validate_json(raw)
        procedures[p.code] = p
    validated = time.process_time()
    cat = Catalogue(procedures, _skeleton.agencies, _skeleton.legal, _skeleton.parameters)
    rates = CostRates.from_parameters(cat.parameters, DAY)
    for p in procedures.values():
        analyse(p, cat, rates, with_findings=with_findings)
    return len(procedures), validated - cpu, time.process_time() - validated


def _generate(bounds: tuple[int, int]) -> list[bytes]:
    return [json.dumps(synthetic_record(i)).encode() for i in range(*bounds)]


def generate(n: int, workers: int, chunk: int = 2000) -> list[bytes]:
    """Synthetic records as JSON bytes, generated on every core (setup, not timed)."""
    with ProcessPoolExecutor(max_workers=workers) as pool:
        parts = pool.map(_generate, [(i, min(i + chunk, n)) for i in range(0, n, chunk)])
        return [record for part in parts for record in part]


def parallel(label: str, records: list[bytes], workers: int, with_findings: bool, chunk: int = 500) -> None:
    """Wall time from a fresh pool to the last result, and the workers' CPU time (the figure to trust when the
    machine is shared)."""
    start = time.perf_counter()
    done, validating, analysing = 0, 0.0, 0.0
    with ProcessPoolExecutor(max_workers=workers, initializer=_init) as pool:
        chunks = [(records[i:i + chunk], with_findings) for i in range(0, len(records), chunk)]
        for n, v, a in pool.map(_analyse_chunk, chunks):
            done, validating, analysing = done + n, validating + v, analysing + a
    wall = time.perf_counter() - start
    rate(label, done, wall)
    print(f"{'':<58} workers' CPU: validating {validating:.1f} s ({done / validating:.0f}/s per core), "
          f"analysing {analysing:.1f} s ({done / analysing:.0f}/s per core); "
          f"{workers} free cores would take ≈ {(validating + analysing) / workers:.1f} s", flush=True)


def each(procedures: list[Procedure], fn: Callable[[Procedure], object]) -> None:
    for p in procedures:
        fn(p)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=5000, help="procedures for the warm runs")
    parser.add_argument("--cold", type=int, default=100_000, help="procedures for the cold run (0 to skip)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--cold-findings", action=argparse.BooleanOptionalAction, default=True,
                        help="run the findings rules in the cold run too (default yes)")
    args = parser.parse_args()

    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, workers={args.workers}")
    t = time.perf_counter()
    cat = synthetic_catalogue(args.n)
    procedures = list(cat.procedures.values())
    steps = sum(len(p.steps) for p in procedures) / len(procedures)
    print(f"synthetic catalogue: {args.n} procedures, {steps:.1f} steps on average, built in {time.perf_counter() - t:.1f} s")
    rates = CostRates.from_parameters(cat.parameters, DAY)
    analyse(procedures[0], cat, rates)  # warm the holiday tables and caches

    # Results are dropped as they come (a batch keeps rows, not whole analyses), so the figures are not about
    # the garbage collector walking an ever larger heap.
    timed("one core: metrics", args.n, lambda: each(procedures, lambda p: compute_metrics(p, cat, DAY, rates=rates)))
    timed("one core: cost (tt02)", args.n, lambda: each(procedures, lambda p: compliance_cost(p, cat, rates)))
    if any(name.startswith("scm.") for name in cat.parameters.parameters):
        timed("one core: cost (scm preset)", args.n,
              lambda: each(procedures, lambda p: compliance_cost(p, cat, rates, method="scm")))
    timed("one core: metrics + cost", args.n, lambda: each(procedures, lambda p: analyse(p, cat, rates, with_findings=False)))
    timed("one core: metrics + cost + findings", args.n, lambda: each(procedures, lambda p: analyse(p, cat, rates)))

    records = generate(args.n, args.workers)
    parallel(f"{args.workers} cores: validate + analyse (with findings, pool start)", records, args.workers, True)

    if args.cold:
        t = time.perf_counter()
        records = generate(args.cold, args.workers)
        print(f"cold run: {args.cold} records generated as JSON in {time.perf_counter() - t:.1f} s (not timed below)")
        what = "full analysis" if args.cold_findings else "metrics + cost"
        parallel(f"cold, {args.workers} cores: validate + {what}", records, args.workers, args.cold_findings)


if __name__ == "__main__":
    main()
