"""Throughput of the redundancy findings and of the whole analysis (metrics + cost + findings), per core.

Run: .venv/bin/python benchmarks/bench_findings.py [N]   (default 1000 synthetic procedures, 10–60 steps)
Target: ≥ 2,000 procedures/s per core for the whole analysis, i.e. 0.5 ms a procedure.

It also times the unit of work behind every saving: one suggestion applied to a procedure (a new `Procedure`),
re-costed and re-timed. Savings are computed that way, never estimated, so (suggestions per procedure) × (that
time) is a floor under the findings' cost. And the re-cost alone of every suggestion of a procedure, from scratch
(`cost_totals`) and as the findings do it, from the shares of the steps and documents an operation left as they
were (`CostsByItem`).
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from datetime import date

from analysis.analyse import analyse
from analysis.cost import CostsByItem, cost_totals
from analysis.critical_path import likely_days
from analysis.findings import find_all
from analysis.proposals import apply_operations
from catalogue.collector import collector_paused
from catalogue.synthetic import synthetic_catalogue
from models.parameters import CostRates
from models.proposal import AcceptPlainCopy


def main(n: int) -> None:
    with collector_paused():  # as the batch worker runs the analysis (catalogue/batch/worker.py)
        run(n)


def run(n: int) -> None:
    cat = synthetic_catalogue(n)
    rates = CostRates.from_parameters(cat.parameters, date(2025, 6, 1))
    procedures = list(cat.procedures.values())
    for p in procedures[:20]:  # warm-up
        find_all(p, cat, rates)
    rules: Counter[str] = Counter()
    suggestions = 0
    start = time.perf_counter()
    for p in procedures:
        found = find_all(p, cat, rates)
        rules.update(f.rule for f in found)
        suggestions += sum(1 for f in found if f.saving is not None)
    findings_s = time.perf_counter() - start
    variants = [(p, AcceptPlainCopy(document=d.id, rationale="bench"))
                for p in procedures for d in p.documents[:1] if d.certified_copies and not d.presented]
    start = time.perf_counter()
    for p, op in variants:
        after = apply_operations(p, [op])
        cost_totals(after, cat, rates)
        likely_days(after.steps)
    variant_s = (time.perf_counter() - start) / max(len(variants), 1)
    afters = [[apply_operations(p, f.suggestion) for f in find_all(p, cat, rates) if f.saving is not None]
              for p in procedures]
    recosts = sum(len(a) for a in afters)
    start = time.perf_counter()
    for variants_of_one in afters:
        for after in variants_of_one:
            cost_totals(after, cat, rates)
    scratch_s = (time.perf_counter() - start) / max(recosts, 1)
    start = time.perf_counter()
    for variants_of_one in afters:
        shares = CostsByItem(cat, rates)
        for after in variants_of_one:
            shares.totals(after)
    shared_s = (time.perf_counter() - start) / max(recosts, 1)
    start = time.perf_counter()
    for p in procedures:
        analyse(p, cat, rates)
    whole_s = time.perf_counter() - start
    start = time.perf_counter()
    for p in procedures:
        analyse(p, cat, rates, with_findings=False)
    core_s = time.perf_counter() - start
    print(f"{n} procedures (mean {sum(len(p.steps) for p in procedures) / n:.1f} steps)")
    print(f"findings only:            {n / findings_s:8.0f} procedures/s ({findings_s / n * 1e3:.2f} ms each)")
    print(f"metrics + cost:           {n / core_s:8.0f} procedures/s ({core_s / n * 1e3:.2f} ms each)")
    print(f"metrics + cost + findings:{n / whole_s:8.0f} procedures/s ({whole_s / n * 1e3:.2f} ms each)")
    print(f"one suggestion applied, re-costed, re-timed: {variant_s * 1e6:6.1f} µs ({len(variants)} variants); "
          f"{suggestions / n:.1f} savings per procedure → floor {suggestions / n * variant_s * 1e3:.2f} ms a procedure")
    print(f"re-cost of a suggestion: {scratch_s * 1e6:6.1f} µs from scratch, {shared_s * 1e6:6.1f} µs from the shares "
          f"of the procedure's other variants ({recosts} suggestions)")
    print("findings by rule:", dict(rules.most_common()))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
