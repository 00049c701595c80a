"""Analysis throughput: metrics + cost + findings per second, on one core and on all cores, and a cold run.

    .venv/bin/python benchmarks/bench_analysis.py                       # the full benchmark (~10 min on 2 cores)
    .venv/bin/python benchmarks/bench_analysis.py --total 20000 --cold 20000

Records: `--distinct` synthetic procedures (10–60 steps, 5–20 documents) are built once; the warm runs analyse
them over and over until `--total` analyses are done (the work per record is the same on every pass, and 100,000
distinct decoded records would not fit beside the other users of this machine).

- one core: the records are in memory (after load); CPU time of the analysis alone, one figure per part, and the
  analysis `tthc analyze --all` runs (the same numbers and findings; the cost's lines are summed, not written out
  as explained lines; what it keeps is the row and a row per finding with its suggestion in words). The verdict
  is on the full analysis, explained lines included.
  "Findings detected, no savings" runs the rules alone: no way of computing the savings, however fast, can make
  the full analysis faster than metrics + cost + that.
- all cores: a pool whose workers each hold the records (sent once as the cache's pickled bytes and decoded when
  the pool starts), then `--total` analyses spread over the workers; wall time from the first task to the last.
- cold: `--cold` distinct records as the pickled bytes the compiled cache holds (catalogue/cache.py), or with
  `--cold-json` as JSON the workers validate; a fresh pool decodes and analyses them all, timed from the pool's
  start to the last result. Generating those bytes is setup and is not timed. With the collector paused (as the
  batch worker does) both decode at ~0.4 ms a record: the collector, not validation, made decoding slow.

For scale, one core also analyses the bundled real records (7 steps on average against the synthetic 35) over and
over: the verdict stays on the synthetic procedures, the larger shape the target was set for.

Findings rules that look across procedures (a liên thông group) see only the worker's chunk in the pool runs.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import date

from analysis.analyse import analyse, analysis_row
from analysis.cost import compliance_cost
from analysis.findings import RULES
from analysis.findings.context import Context
from analysis.graph import step_graph
from analysis.metrics import compute_metrics
from catalogue.batch.executors import process_context
from catalogue.batch.worker import finding_rows
from catalogue.collector import collector_paused
from catalogue.store import open_catalogue
from catalogue.synthetic import synthetic_catalogue, synthetic_record
from models.catalogue import Catalogue
from models.parameters import CostRates
from models.procedure import Procedure

DAY = date(2026, 1, 5)
TARGET_PER_CORE = 2000
TARGET_COLD_S = 120.0
_catalogue: Catalogue | None = None


def rate(label: str, n: int, seconds: float, cpu: float | None = None) -> float:
    line = f"{label:<52} {n:>7} in {seconds:7.2f} s wall = {n / seconds:7.0f}/s"
    if cpu is not None:
        line += f"; {cpu:7.2f} s CPU = {n / cpu:7.0f}/s"
    print(line, flush=True)
    return n / (cpu if cpu is not None else seconds)


def timed(label: str, n: int, fn: Callable[[], object]) -> float:
    """Wall and CPU time of `fn`: on a shared machine the CPU figure is the one-core throughput."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return rate(label, n, time.perf_counter() - wall, time.process_time() - cpu)


def each(procedures: list[Procedure], total: int, fn: Callable[[Procedure], object]) -> None:
    """`fn` on `total` records, cycling, with the cyclic collector paused as the batch worker pauses it
    (catalogue/batch/worker.py); each result is dropped as it comes (a batch keeps numbers, not whole analyses)."""
    with collector_paused():
        for i in range(total):
            fn(procedures[i % len(procedures)])


# -- pool workers ---------------------------------------------------------------------------------------------


def _skeleton() -> Catalogue:
    """The registries (agencies, legal texts, parameters), built once per worker."""
    global _catalogue
    if _catalogue is None:
        _catalogue = synthetic_catalogue(0)
    return _catalogue


def _hold(records: list[bytes]) -> None:
    """Pool initializer of the warm run: decode the records once (the load), keep them."""
    global _catalogue
    skeleton = _skeleton()
    procedures = [pickle.loads(r) for r in records]
    _catalogue = Catalogue({p.code: p for p in procedures}, skeleton.agencies, skeleton.legal, skeleton.parameters)


def _analyse_held(bounds: tuple[int, int]) -> tuple[int, float]:
    """Analyse held records start..stop (cycling); returns (analyses, CPU seconds)."""
    assert _catalogue is not None
    cpu = time.process_time()
    rates = CostRates.from_parameters(_catalogue.parameters, DAY)
    procedures = list(_catalogue.procedures.values())
    with collector_paused():
        for i in range(*bounds):
            analyse(procedures[i % len(procedures)], _catalogue, rates)
    return bounds[1] - bounds[0], time.process_time() - cpu


def _warm_up(_: int) -> int:
    assert _catalogue is not None
    rates = CostRates.from_parameters(_catalogue.parameters, DAY)
    p = next(iter(_catalogue.procedures.values()))
    analyse(p, _catalogue, rates)
    return 1


def _analyse_bytes(payload: tuple[list[bytes], bool]) -> tuple[int, float, float, int]:
    """Cold run: decode a chunk of records (cache pickles, or JSON to validate) and analyse it; (analyses, CPU
    decoding, CPU analysing, findings)."""
    chunk, as_json = payload
    skeleton = _skeleton()
    with collector_paused():  # as the batch worker does
        cpu = time.process_time()
        procedures: dict[str, Procedure] = {}
        for raw in chunk:
            p = Procedure.model_validate_json(raw) if as_json else pickle.loads(raw)
            procedures[p.code] = p
        decoded = time.process_time()
        cat = Catalogue(procedures, skeleton.agencies, skeleton.legal, skeleton.parameters)
        rates = CostRates.from_parameters(cat.parameters, DAY)
        findings = 0
        for p in procedures.values():
            findings += len(analyse(p, cat, rates).findings)
        return len(procedures), decoded - cpu, time.process_time() - decoded, findings


def generate(n: int, workers: int, as_json: bool, block: int = 2000) -> list[bytes]:
    """`n` distinct records as the cache's pickled bytes (or JSON), built on every core (setup, not timed)."""
    with ProcessPoolExecutor(max_workers=workers, mp_context=process_context()) as pool:
        parts = pool.map(_generate_block, [(i, min(i + block, n), as_json) for i in range(0, n, block)])
        return [record for part in parts for record in part]


def _generate_block(job: tuple[int, int, bool]) -> list[bytes]:
    """Records start..stop, validated as a catalogue load validates them, then pickled as the cache holds them
    (or their JSON)."""
    start, stop, as_json = job
    out = []
    for i in range(start, stop):
        p = Procedure.model_validate_json(json.dumps(synthetic_record(i)))
        out.append(p.model_dump_json().encode() if as_json else pickle.dumps(p, protocol=pickle.HIGHEST_PROTOCOL))
    return out


# -- the runs -------------------------------------------------------------------------------------------------


def all_cores(records: list[bytes], total: int, workers: int, chunk: int = 1000) -> float:
    with ProcessPoolExecutor(max_workers=workers, mp_context=process_context(), initializer=_hold, initargs=(records,)) as pool:
        list(pool.map(_warm_up, range(workers * 4)))  # every worker started, loaded and warm
        start = time.perf_counter()
        done, cpu = 0, 0.0
        for n, c in pool.map(_analyse_held, [(i, min(i + chunk, total)) for i in range(0, total, chunk)]):
            done, cpu = done + n, cpu + c
        wall = time.perf_counter() - start
    throughput = rate(f"{workers} cores: metrics + cost + findings", done, wall)
    print(f"{'':<52} workers' CPU {cpu:.1f} s = {done / cpu:.0f}/s per core", flush=True)
    return throughput


def cold(records: list[bytes], workers: int, as_json: bool, chunk: int = 500) -> float:
    start = time.perf_counter()
    done, decoding, analysing, findings = 0, 0.0, 0.0, 0
    with ProcessPoolExecutor(max_workers=workers, mp_context=process_context()) as pool:
        chunks = [(records[i:i + chunk], as_json) for i in range(0, len(records), chunk)]
        for n, d, a, f in pool.map(_analyse_bytes, chunks):
            done, decoding, analysing, findings = done + n, decoding + d, analysing + a, findings + f
    wall = time.perf_counter() - start
    what = "validate JSON" if as_json else "decode cache bytes"
    rate(f"cold, {workers} cores: {what} + full analysis", done, wall)
    print(f"{'':<52} workers' CPU: decoding {decoding:.1f} s ({done / decoding:.0f}/s per core), analysing "
          f"{analysing:.1f} s ({done / analysing:.0f}/s per core); {findings} findings; "
          f"{workers} free cores would take ≈ {(decoding + analysing) / workers:.1f} s", flush=True)
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--distinct", type=int, default=2000, help="distinct records for the warm runs")
    parser.add_argument("--total", type=int, default=100_000, help="analyses in the warm runs (records repeat)")
    parser.add_argument("--cold", type=int, default=100_000, help="distinct records for the cold run (0 to skip)")
    parser.add_argument("--cold-json", action="store_true",
                        help="cold run from JSON validated in the workers instead of the cache's pickled records")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, workers={args.workers}")
    t = time.perf_counter()
    cat = synthetic_catalogue(args.distinct)
    procedures = list(cat.procedures.values())
    steps = sum(len(p.steps) for p in procedures) / len(procedures)
    print(f"{args.distinct} distinct synthetic procedures, {steps:.1f} steps on average, built in "
          f"{time.perf_counter() - t:.1f} s; warm runs analyse them {args.total / args.distinct:g} times over "
          f"({args.total} analyses)")
    rates = CostRates.from_parameters(cat.parameters, DAY)
    for p in procedures[:20]:
        analyse(p, cat, rates)  # warm the holiday tables and caches

    n = len(procedures)
    # The yardstick for "this machine": a networkx build of one step graph costs ~0.3 ms there. The same
    # figure here tells whether a throughput moved because of the code or because of the host it ran on.
    with collector_paused():
        start = time.process_time()
        for p in procedures:
            step_graph(p)
        build_ms = (time.process_time() - start) / n * 1000
    print(f"host yardstick: networkx build of a step graph {build_ms:.2f} ms (the target's machine: ~0.3 ms)")
    timed("one core: metrics", n, lambda: each(procedures, n, lambda p: compute_metrics(p, cat, DAY, rates=rates)))
    timed("one core: cost (tt02, explained)", n, lambda: each(procedures, n, lambda p: compliance_cost(p, cat, rates)))
    timed("one core: metrics + cost", n, lambda: each(procedures, n, lambda p: analyse(p, cat, rates, with_findings=False)))

    def detect(p: Procedure) -> object:
        """The findings rules without the savings: a floor under any faster way of computing the savings."""
        ctx = Context(p, cat, rates)
        return [rule(ctx) for rule in RULES]

    timed("one core: findings detected, no savings", n, lambda: each(procedures, n, detect))
    per_core = timed("one core: metrics + cost + findings", args.total,
                     lambda: each(procedures, args.total, lambda p: analyse(p, cat, rates)))
    def as_a_batch(p: Procedure) -> object:
        """What a worker of `analyze --all` keeps of an analysis: the row and a row per finding."""
        a = analyse(p, cat, rates, explain=False)
        return analysis_row(a, p), finding_rows(a, p, cat)

    timed("one core: the same as a batch runs it (rows)", args.total, lambda: each(procedures, args.total, as_a_batch))

    real = open_catalogue()
    bundled = list(real.procedures.values())
    real_rates = CostRates.from_parameters(real.parameters, DAY)
    real_steps = sum(len(p.steps) for p in bundled) / len(bundled)
    each(bundled, len(bundled), lambda p: analyse(p, real, real_rates))
    timed(f"one core, the {len(bundled)} bundled records ({real_steps:.1f} steps): all", 100 * len(bundled),
          lambda: each(bundled, 100 * len(bundled), lambda p: analyse(p, real, real_rates)))

    records = [pickle.dumps(p, protocol=pickle.HIGHEST_PROTOCOL) for p in procedures]
    pooled = all_cores(records, args.total, args.workers)

    verdicts = [f"per core {per_core:.0f}/s (target {TARGET_PER_CORE}: "
                f"{'met' if per_core >= TARGET_PER_CORE else f'missed, {TARGET_PER_CORE / per_core:.1f}× short'})",
                f"all cores {pooled:.0f}/s"]
    if args.cold:
        t = time.perf_counter()
        cold_records = generate(args.cold, args.workers, args.cold_json)
        size = sum(len(r) for r in cold_records) / len(cold_records)
        form = "as JSON" if args.cold_json else "pickled as the cache holds them"
        print(f"cold run: {args.cold} distinct records {form} ({size / 1024:.1f} KiB each), "
              f"generated in {time.perf_counter() - t:.1f} s (not timed)")
        wall = cold(cold_records, args.workers, args.cold_json)
        verdicts.append(f"cold {args.cold} in {wall:.0f} s on {args.workers} cores (target {TARGET_COLD_S:.0f} s for "
                        f"100,000 on 2: {'met' if wall <= TARGET_COLD_S and args.cold >= 100_000 else 'see figures'})")
    print("summary: " + "; ".join(verdicts))


if __name__ == "__main__":
    main()
