"""Throughput of the redundancy findings and of the whole analysis (metrics + cost + findings), per core.

Run: .venv/bin/python benchmarks/bench_findings.py [N]   (default 1000 synthetic procedures, 10–60 steps)
Target: ≥ 2,000 procedures/s per core for the whole analysis.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from datetime import date

from analysis.analyse import analyse
from analysis.findings import find_all
from catalogue.synthetic import synthetic_catalogue
from models.parameters import CostRates


def main(n: int) -> None:
    cat = synthetic_catalogue(n)
    rates = CostRates.from_parameters(cat.parameters, date(2025, 6, 1))
    procedures = list(cat.procedures.values())
    for p in procedures[:20]:  # warm-up
        find_all(p, cat, rates)
    rules: Counter[str] = Counter()
    start = time.perf_counter()
    for p in procedures:
        rules.update(f.rule for f in find_all(p, cat, rates))
    findings_s = time.perf_counter() - start
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
    print("findings by rule:", dict(rules.most_common()))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
