"""Batch re-analysis at national scale: cold full run, a change touching 1%, a run with nothing new, Dask overhead.

    .venv/bin/python benchmarks/bench_reanalyze.py [N] [--no-dask]      # default N = 100,000

The catalogue is synthetic (catalogue/synthetic.py): 2,000 distinct records of realistic size (10–60 steps,
5–20 documents) repeated under N codes, so that building it takes seconds, not the ~6 minutes (and 12 GB) that N
fully distinct records take here. Every code is its own analysis: the cache key covers the whole record, code
included. Timings are of the batch itself, with the catalogue in memory (loading it is catalogue/cache.py's
benchmark, benchmarks/bench_load.py):

1. cold: every procedure analysed on all local cores, results stored in a fresh cache;
2. warm, 1%: a fee change for every 100th procedure: selection, before (from the cache) and after (computed),
   report in Markdown, Excel and JSON written: target < 5 s;
3. nothing new: the same change again, every result from the cache, report rewritten: target < 2 s;
4. Dask against local processes on 2,000 procedures, by chunk size (fresh cache each time).
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import shutil
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from analysis.legal_impact import catalogue_as_of
from catalogue.batch.engine import Request, Settings, analyse_all, analyse_requests, build_report, change_scope
from catalogue.batch.executors import local_workers, open_executor
from catalogue.batch.report import publish
from catalogue.batch.results import ResultCache
from catalogue.synthetic import synthetic_catalogue
from models.catalogue import Catalogue
from models.change import LegalChange

DAY = date(2025, 7, 1)
DISTINCT = 2_000


def build(n: int) -> Catalogue:
    base = synthetic_catalogue(min(n, DISTINCT))
    records = list(base.procedures.values())
    procedures = {}
    for i in range(n):
        code = f"8.{i:06d}"
        procedures[code] = records[i % len(records)].model_copy(update={"code": code, "name": f"Thủ tục tổng hợp {i}"})
    return Catalogue(procedures, base.agencies, base.legal, base.parameters)


def fee_change(codes: list[str]) -> LegalChange:
    return LegalChange.model_validate({
        "id": "bench-le-phi", "title": "Biểu lệ phí mới (benchmark)", "effective": DAY,
        "sources": [{"url": "https://example.invalid/bench", "retrieved": "2026-11-23"}],
        "operations": [{"op": "fee", "procedures": codes, "fee": "Lệ phí", "amount_vnd": 150000}],
    })


@contextmanager
def local_pool() -> Iterator[Executor]:
    with open_executor("local") as pool:
        yield pool


def _cpu() -> tuple[float, float]:
    """CPU seconds of this process and of its finished worker processes."""
    return time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime


@contextmanager
def timed(label: str, target: float | None = None) -> Iterator[None]:
    """Wall time, and CPU time (this process + workers): on a shared machine the CPU time is the steadier figure."""
    start, (cpu, workers) = time.perf_counter(), _cpu()
    yield
    elapsed = time.perf_counter() - start
    cpu_now, workers_now = _cpu()
    verdict = "" if target is None else f"  (target < {target:g} s: {'met' if elapsed < target else 'MISSED'})"
    print(f"{label:<58} {elapsed:8.2f} s wall, cpu {cpu_now - cpu:.2f} s + workers {workers_now - workers:.2f} s"
          f"{verdict}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=100_000)
    parser.add_argument("--no-dask", action="store_true")
    args = parser.parse_args()
    n: int = args.n
    work = Path(tempfile.mkdtemp(prefix="tthc-bench-reanalyze-"))
    print(f"{n:,} procedures, {local_workers()} local workers, load average {os.getloadavg()[0]:.1f}, work folder {work}")
    try:
        with timed(f"build the synthetic catalogue ({DISTINCT:,} distinct records)"):
            catalogue = build(n)
        baseline = catalogue_as_of(catalogue, [], DAY)
        gc.freeze()  # as `tthc reanalyze` does once the catalogue is loaded: it is never collected, so never walked
        with ResultCache(work / "cache") as cache:
            settings = Settings(cache, local_pool)
            start = time.perf_counter()
            with timed("1. cold: analyse every procedure on all cores"):
                outcome = analyse_all(baseline, DAY, settings)
            rate = outcome.computed / (time.perf_counter() - start)
            print(f"   {outcome.computed:,} analysed ({rate:,.0f}/s), {outcome.from_cache:,} from the cache")
            del outcome

            touched = list(catalogue.procedures)[::100]
            change = fee_change(touched)
            for label, target in (("2. warm: a change touching 1% (select, analyse, report)", 5.0),
                                  ("3. nothing new: the same change again", 2.0)):
                with timed(label, target):
                    scope = change_scope(catalogue, [], change)
                    report = build_report(scope, settings)
                    publish(report, work / "reports" / scope.slug, work / "reports" / "latest.json")
                s = report.summary
                print(f"   {s.affected:,} affected: {s.analysed:,} analysed, {s.from_cache:,} from the cache")

        if args.no_dask:
            return
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            print("4. Dask: not installed (pip install 'tthc[dask]')")
            return
        subset = Catalogue(dict(list(baseline.procedures.items())[:2_000]), baseline.agencies, baseline.legal,
                           baseline.parameters)
        print("4. Dask vs local processes, 2,000 procedures, cold (seconds)")
        print(f"   {'chunk':>6} {'local':>8} {'dask':>8} {'dask/local':>11}")
        with LocalCluster(n_workers=local_workers(), threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:

            @contextmanager
            def dask_executor() -> Iterator[Executor]:
                with client.get_executor() as executor:
                    yield executor

            for chunk in (10, 50, 200, 1000):
                times = []
                for name, factory in (("local", local_pool), ("dask", dask_executor)):
                    folder = work / f"cache-{name}-{chunk}"
                    with ResultCache(folder) as cache:
                        start = time.perf_counter()
                        analyse_requests([Request(subset, list(subset.procedures), DAY)],
                                         Settings(cache, factory, chunk_size=chunk, inline_below=0))
                        times.append(time.perf_counter() - start)
                print(f"   {chunk:>6} {times[0]:>8.2f} {times[1]:>8.2f} {times[1] / times[0]:>10.2f}×", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
