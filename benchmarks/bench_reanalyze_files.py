"""`tthc reanalyze --change` end to end on a national catalogue of procedure files, as staff run it.

    .venv/bin/python benchmarks/bench_reanalyze_files.py [N]        # default N = 100,000

Uses the synthetic catalogue of `bench_load.py` (N YAML files under /tmp with a warm compiled cache, made once and
kept), empties the result cache (results after a change left by an earlier run would make "first" a second run),
fills it with `tthc reanalyze --all` on the changes' effective day (timed, not the target),
then times each `tthc reanalyze --change FILE` as a separate process, twice: the first run analyses the affected
procedures after the change (before comes from the result cache), the second finds everything in the cache.
Wall time includes start-up, opening the catalogue, selecting the affected procedures and writing the report.

Changes: a new fee for every 100th procedure (1%: the target of 5 s is for this one); an article of one legal text
amended (the procedures citing that article, ~5%); one agency merged into another (the procedures naming it, ~4%).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench_load import prepare  # benchmarks/ is on the path when a benchmark runs as a script

from catalogue.batch.results import RESULTS_FILE
from catalogue.yamlio import dump_yaml

EFFECTIVE = "2026-01-01"
TARGET_S = 5.0


def tthc(*args: str, env: dict[str, str]) -> float:
    """Wall time of one `tthc` command. What the previous one wrote (the filled result cache: hundreds of MB) is
    flushed to disk first, so that a run is not timed paying for the writes of the one before."""
    os.sync()
    start = time.perf_counter()
    done = subprocess.run([str(Path(sys.executable).parent / "tthc"), *args], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"tthc {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds


def change_file(folder: Path, name: str, operations: list[dict[str, object]]) -> Path:
    path = folder / f"change-{name}.yaml"
    path.write_text(dump_yaml({
        "schema_version": 1, "id": f"bench-{name}", "title": f"Benchmark: {name}", "effective": EFFECTIVE,
        "sources": [{"url": "https://example.org/benchmark", "title": "synthetic change", "publisher": "tthc",
                     "retrieved": EFFECTIVE}],
        "operations": operations,
    }), encoding="utf-8")
    return path


def main(n: int) -> None:
    folder, cache_dir = prepare(n)
    data = folder
    env = {**os.environ, "TTHC_CACHE_DIR": str(cache_dir)}
    out = folder / "reports"
    codes = sorted(p.stem for p in (data / "procedures").glob("*.yaml"))
    changes = {
        "fee 1%": change_file(folder, "fee", [
            {"op": "fee", "procedures": codes[::100], "fee": "Lệ phí", "amount_vnd": 150000}]),
        "one article amended": change_file(folder, "article", [
            {"op": "amend", "text": "7/2020/NĐ-CP", "articles": ["Điều 3"], "by": "8/2020/NĐ-CP"}]),
        "agency merged": change_file(folder, "merge", [
            {"op": "merge_agencies", "agencies": ["co-quan-3"], "into": "co-quan-4"}]),
    }
    print(f"{len(codes)} procedure files in {data}")
    for stale in cache_dir.glob(f"{RESULTS_FILE}*"):
        stale.unlink()
    seconds = tthc("reanalyze", "--all", "--as-of", EFFECTIVE, "--data", str(data), env=env)
    print(f"reanalyze --all (fills the result cache): {seconds:.1f} s")
    for label, path in changes.items():
        first = tthc("reanalyze", "--change", str(path), "--data", str(data), "--out", str(out), "--no-latest", env=env)
        again = tthc("reanalyze", "--change", str(path), "--data", str(data), "--out", str(out), "--no-latest", env=env)
        touched = json.loads((out / "report.json").read_text(encoding="utf-8"))["summary"]["affected"]
        share = f"{touched} procedures ({touched / len(codes):.1%})"
        verdict = f"target {TARGET_S:g} s for 1%: {'met' if first <= TARGET_S else 'missed'}" if label == "fee 1%" else ""
        print(f"{label:<20} {share:<22} first {first:6.2f} s; again {again:6.2f} s  {verdict}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
