"""Site build time at catalogue scale: our analysis and page generation against MkDocs' build and Pagefind's index.

    .venv/bin/python benchmarks/bench_site.py                  # 500 and 5,000 synthetic procedures
    .venv/bin/python benchmarks/bench_site.py --n 500 --rebuild

Each size is built from scratch into a temporary folder (`--rebuild` builds a second time into the same work
folder, where no Markdown file changes). Times are per HTML page of the built site; the target is that our share
(analysis + generation) stays below MkDocs' build.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from catalogue.site.build import BuildReport, build_site
from catalogue.synthetic import synthetic_catalogue

DAY = date(2026, 1, 5)


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def show(label: str, report: BuildReport) -> None:
    pages = max(report.html_pages, 1)
    ours = report.analysis_s + report.generation_s
    print(f"{label}: {report.procedures} procedures, {report.html_pages} HTML pages, "
          f"{report.written_files}/{report.generated_files} Markdown files written, "
          f"{folder_mb(report.out):.0f} MB", flush=True)
    for name, seconds in (("analysis", report.analysis_s), ("generation", report.generation_s),
                          ("MkDocs build", report.mkdocs_s), ("Pagefind", report.pagefind_s),
                          ("total", report.total_s)):
        print(f"  {name:<14} {seconds:8.2f} s  {1000 * seconds / pages:7.2f} ms/page  "
              f"{100 * seconds / report.total_s:5.1f} %", flush=True)
    verdict = "smaller" if ours < report.mkdocs_s else "LARGER"
    print(f"  ours (analysis + generation) {ours:.2f} s is {verdict} than MkDocs' {report.mkdocs_s:.2f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, nargs="+", default=[500, 5000], help="catalogue sizes")
    parser.add_argument("--rebuild", action="store_true", help="build each size twice (unchanged Markdown)")
    args = parser.parse_args()
    for n in args.n:
        started = time.perf_counter()
        catalogue = synthetic_catalogue(n)
        print(f"\n{n} synthetic procedures made in {time.perf_counter() - started:.1f} s", flush=True)
        folder = Path(tempfile.mkdtemp(prefix=f"tthc-bench-site-{n}-"))
        try:
            show("first build", build_site(catalogue, folder / "site", folder / "src", as_of=DAY))
            if args.rebuild:
                show("rebuild", build_site(catalogue, folder / "site", folder / "src", as_of=DAY))
        finally:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
