"""Catalogue loading: YAML parse vs cold load vs warm (cached) load.

    .venv/bin/python benchmarks/bench_load.py [N]        # default N = 100,000

Writes a synthetic catalogue of N procedure files under /tmp (kept for re-runs), then measures
  - YAML parsing alone on a sample of 1,000 files (ms per file, extrapolated to N),
  - a cold load of 1,000 files through an empty cache (parse + validate + store),
  - a warm load of all N files (every file stat'ed, every record's code and references read back from the cache;
    the records themselves are read when first used),
  - reading and decoding every record of that load (what a batch over the whole catalogue pays on top).
The warm cache for N is filled with the records a cold load would store (same content hash, same pickled model),
because a cold load of 100,000 YAML files takes ~15 minutes here; the cold 1,000 shows that path works.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from catalogue.batch.executors import process_context
from catalogue.cache import CACHE_VERSION, ProcedureCache, decode_all, encode, load_cached
from catalogue.synthetic import synthetic_record, write_synthetic
from catalogue.yamlio import dump_yaml, load_yaml_file
from models.procedure import Procedure


def _write_chunk(args: tuple[Path, int, int]) -> tuple[list[tuple[str, int, int, str]], list[tuple[str, str, bytes, bytes]]]:
    folder, start, stop = args
    files, records = [], []
    for i in range(start, stop):
        record = synthetic_record(i)
        path = folder / "procedures" / f"{record['code']}.yaml"
        raw = dump_yaml(record).encode()
        path.write_bytes(raw)
        st = path.stat()
        sha = hashlib.sha256(raw).hexdigest()
        files.append((str(path.resolve()), st.st_size, st.st_mtime_ns, sha))
        records.append(encode(sha, Procedure.model_validate(record)))
    return files, records


def prepare(n: int) -> tuple[Path, Path]:
    """N synthetic procedure files under /tmp and a warm compiled cache for them (made once per cache version)."""
    folder = Path(tempfile.gettempdir()) / f"tthc-bench-load-{n}"
    cache_dir = folder / ".cache"
    marker = folder / "done"
    if marker.exists() and marker.read_text() == CACHE_VERSION:
        return folder, cache_dir
    shutil.rmtree(folder, ignore_errors=True)
    write_synthetic(folder, 0)  # registries and parameters
    cache = ProcedureCache(cache_dir)
    step = 2000
    with ProcessPoolExecutor(mp_context=process_context()) as pool:
        for done, (files, records) in enumerate(pool.map(_write_chunk, [(folder, s, min(s + step, n)) for s in range(0, n, step)]), 1):
            cache.store(files, records)
            print(f"  wrote {min(done * step, n):,} / {n:,}", end="\r", flush=True)
    cache.close()
    marker.write_text(CACHE_VERSION)
    print()
    return folder, cache_dir


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    folder, cache_dir = prepare(n)
    files = sorted((folder / "procedures").glob("*.yaml"))
    sample = files[:1000]

    t = time.perf_counter()
    for path in sample:
        load_yaml_file(path)
    yaml_ms = (time.perf_counter() - t) / len(sample) * 1000

    cold = Path(tempfile.mkdtemp())
    sub = cold / "data"
    shutil.copytree(folder, sub, ignore=shutil.ignore_patterns(".cache", "done", "procedures"))
    (sub / "procedures").mkdir()
    for path in sample:
        shutil.copy(path, sub / "procedures" / path.name)
    t = time.perf_counter()
    loaded = load_cached(sub, cold / "cache")
    cold_s = time.perf_counter() - t
    assert len(loaded.catalogue.procedures) == len(sample), loaded.problems[:3]
    t = time.perf_counter()
    load_cached(sub, cold / "cache")
    warm_small_s = time.perf_counter() - t
    shutil.rmtree(cold)

    warm = []
    for _ in range(3):
        t = time.perf_counter()
        loaded = load_cached(folder, cache_dir)
        warm.append(time.perf_counter() - t)
        assert len(loaded.catalogue.procedures) == n, loaded.problems[:3]
        del loaded
    warm_s = min(warm)
    # Decoded records take ~125 KB each: decode a 10,000 sample rather than hold 100,000 (12 GB) at once;
    # batches stream records through workers instead.
    sample_n = min(n, 10_000)
    sub_catalogue = load_cached(folder, cache_dir).catalogue
    for code in list(sub_catalogue.procedures)[sample_n:]:
        del sub_catalogue.procedures[code]
    t = time.perf_counter()
    decode_all(sub_catalogue)
    decode_s = (time.perf_counter() - t) * n / sample_n
    yaml_total = yaml_ms * n / 1000
    print(f"procedures                     {n:>12,}")
    print(f"YAML parse only (libyaml)      {yaml_ms:>12.2f} ms/file  → {yaml_total:,.0f} s for {n:,} (extrapolated)")
    print(f"cold load of 1,000 (parse, validate, store)  {cold_s:.2f} s  ({cold_s:.2f} ms/file)")
    print(f"warm load of 1,000             {warm_small_s:>12.3f} s")
    print(f"warm load of {n:,}            {warm_s:>12.2f} s  ({warm_s / n * 1e6:.0f} µs/file; runs: {', '.join(f'{w:.1f}' for w in warm)})")
    print(f"warm load vs YAML parsing      {yaml_total / warm_s:>12.1f}× faster (target ≥ 20×)")
    print(f"then reading + decoding every record {decode_s:>6.2f} s  ({decode_s / n * 1e6:.0f} µs/record, from {sample_n:,})")
    total = warm_s + decode_s
    print(f"warm load + full decode vs YAML {yaml_total / total:>11.1f}× faster")


if __name__ == "__main__":
    main()
