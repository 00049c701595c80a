"""The batch engine: results cached by content hash, identical on every executor, resumable, reported whole."""

from __future__ import annotations

import importlib.metadata
import json
import sys
import threading
from concurrent.futures import Executor
from contextlib import AbstractContextManager
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from analysis.analyse import analyse
from catalogue.batch.engine import Request, Settings, analyse_requests, build_report, change_scope
from catalogue.batch.executors import dask_client_executor, open_executor, process_context
from catalogue.batch.report import publish
from catalogue.batch.results import ResultCache, engine_fingerprint
from catalogue.batch.worker import numbers
from catalogue.synthetic import synthetic_catalogue
from models.catalogue import Catalogue
from models.parameters import CostRates
from tests.batch_helpers import TWO_LEVEL, change, small_catalogue

DAY = date(2025, 7, 1)


@pytest.fixture(scope="module")
def synthetic() -> Catalogue:
    return synthetic_catalogue(24, seed=3)


def pool() -> AbstractContextManager[Executor]:
    return open_executor("local", workers=2)


def run(cat: Catalogue, cache: ResultCache, **kw: Any) -> dict[str, dict[str, int | float]]:
    settings = Settings(cache, chunk_size=kw.pop("chunk_size", 5), inline_below=kw.pop("inline_below", 0), **kw)
    return analyse_requests([Request(cat, list(cat.procedures), DAY)], settings).results[0]


def test_results_are_those_of_the_analysis_and_come_back_from_the_cache(tmp_path: Path, synthetic: Catalogue) -> None:
    with ResultCache(tmp_path) as cache:
        settings = Settings(cache, chunk_size=5)
        first = analyse_requests([Request(synthetic, list(synthetic.procedures), DAY)], settings)
        assert (first.computed, first.from_cache) == (24, 0)
        code = list(synthetic.procedures)[7]
        rates = CostRates.from_parameters(synthetic.parameters, DAY)
        direct = analyse(synthetic.procedures[code], synthetic, rates, with_findings=False)
        assert first.results[0][code] == json.loads(json.dumps(numbers(direct)))
        assert first.results[0][code]["annual_cost_vnd"] == direct.cost.annual_cost_vnd
        again = analyse_requests([Request(synthetic, list(synthetic.procedures), DAY)], settings)
        assert (again.computed, again.from_cache) == (0, 24)
        assert again.results == first.results


def test_a_dependency_change_invalidates_only_the_procedures_that_use_it(tmp_path: Path) -> None:
    cat = small_catalogue()
    with ResultCache(tmp_path) as cache:
        settings = Settings(cache)
        analyse_requests([Request(cat, list(cat.procedures), DAY)], settings)
        renamed = dict(cat.agencies)
        renamed["phong-tu-phap-huyen"] = renamed["phong-tu-phap-huyen"].model_copy(update={"level": "province"})
        edited = Catalogue(cat.procedures, renamed, cat.legal, cat.parameters)
        outcome = analyse_requests([Request(edited, list(cat.procedures), DAY)], settings)
        assert (outcome.computed, outcome.from_cache) == (1, 1)  # only 9.000002 names that agency
        later = analyse_requests([Request(cat, list(cat.procedures), date(2026, 1, 1))], settings)
        assert later.computed == 2  # another day: other rates and calendar, so every key differs


def test_local_processes_give_the_results_of_the_serial_loop(tmp_path: Path, synthetic: Catalogue) -> None:
    with ResultCache(tmp_path / "a") as serial_cache, ResultCache(tmp_path / "b") as pool_cache:
        serial = run(synthetic, serial_cache)
        parallel = run(synthetic, pool_cache, executor=pool)
    assert parallel == serial


@pytest.mark.skipif(sys.platform != "linux", reason="elsewhere workers are spawned, never forked")
def test_beside_a_running_thread_workers_start_from_a_fork_server(tmp_path: Path, synthetic: Catalogue) -> None:
    """A fork beside a running thread can leave a worker waiting for ever on a lock that thread held."""
    stop = threading.Event()
    waiting = threading.Thread(target=stop.wait)
    waiting.start()
    try:
        context = process_context()
        assert context is not None and context.get_start_method() == "forkserver"
        with ResultCache(tmp_path / "a") as serial_cache, ResultCache(tmp_path / "b") as pool_cache:
            assert run(synthetic, pool_cache, executor=pool) == run(synthetic, serial_cache)
    finally:
        stop.set()
        waiting.join()


def test_dask_executor_gives_the_same_results(tmp_path: Path, synthetic: Catalogue) -> None:
    distributed = pytest.importorskip("distributed", reason="Dask is the optional extra tthc[dask]")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client, \
            ResultCache(tmp_path / "dask") as dask_cache, ResultCache(tmp_path / "local") as local_cache:
        on_dask = run(synthetic, dask_cache, executor=lambda: dask_client_executor(client))
        local = run(synthetic, local_cache)
    assert on_dask == local
    assert len(on_dask) == 24


def test_an_interrupted_run_resumes_from_the_committed_chunks(
    tmp_path: Path, synthetic: Catalogue, monkeypatch: pytest.MonkeyPatch,
) -> None:
    with ResultCache(tmp_path) as cache:
        put_chunk = cache.put_chunk
        calls = []

        def interrupted_at_the_third_chunk(run_id: str, rows: list[tuple[str, str, str]]) -> None:
            calls.append(len(rows))
            if len(calls) == 3:
                raise RuntimeError("power cut")  # the machine going down half-way
            put_chunk(run_id, rows)

        monkeypatch.setattr(cache, "put_chunk", interrupted_at_the_third_chunk)
        with pytest.raises(RuntimeError, match="power cut"):
            run(synthetic, cache, executor=pool)
        monkeypatch.setattr(cache, "put_chunk", put_chunk)
        assert cache.count() == 10  # the two chunks of 5 committed before the interruption
        outcome = analyse_requests([Request(synthetic, list(synthetic.procedures), DAY)], Settings(cache, chunk_size=5))
        assert (outcome.computed, outcome.from_cache, outcome.resumed) == (14, 10, 10)
        with ResultCache(tmp_path / "fresh") as clean:
            assert outcome.results[0] == run(synthetic, clean)


def test_report_before_after_and_changelog(tmp_path: Path) -> None:
    cat = small_catalogue()
    two_level = change(TWO_LEVEL)
    scope = change_scope(cat, [], two_level)
    with ResultCache(tmp_path / "cache") as cache:
        report = build_report(scope, Settings(cache))
    assert scope.slug == "2025-07-01-thu"
    by_code = {p.code: p for p in report.procedures}
    assert by_code["9.000002"].status == "AMENDED"  # moved to the commune
    assert by_code["9.000001"].status == "UNCHANGED"
    assert by_code["9.000001"].needs_review  # cites 61/2018, replaced from 1/7/2025
    assert not by_code["9.000002"].needs_review
    cost = by_code["9.000002"].metrics["annual_cost_vnd"]
    assert cost.before is not None and cost.after is not None and cost.difference == cost.after - cost.before < 0
    assert by_code["9.000001"].metrics["annual_cost_vnd"].difference == 0
    assert report.summary.by_status == {"ADDED": 0, "AMENDED": 1, "UNCHANGED": 1, "WITHDRAWN": 0}
    assert report.summary.annual_cost_difference_vnd == cost.difference

    folder = publish(report, tmp_path / "reports" / scope.slug, tmp_path / "reports" / "latest.json")
    assert sorted(p.name for p in folder.iterdir()) == ["report.json", "report.md", "report.xlsx"]
    data = json.loads((folder / "report.json").read_text())
    assert data == json.loads((tmp_path / "reports" / "latest.json").read_text())
    assert data["summary"]["needs_review"] == 1
    markdown = (folder / "report.md").read_text()
    assert "| 9.000002 | Chứng thực thử | AMENDED (Sửa đổi) |" in markdown
    sheet = openpyxl.load_workbook(folder / "report.xlsx")["Nhật ký thay đổi"]
    assert [c.value for c in sheet[3]][:4] == ["9.000002", "Chứng thực thử", "AMENDED", None]


def test_catalogue_text_stays_text_in_every_format(tmp_path: Path) -> None:
    cat = small_catalogue()
    tricky = cat.procedures["9.000002"].model_copy(update={"name": "=HYPERLINK(\"x\")|*bold*"})
    cat = Catalogue({**cat.procedures, "9.000002": tricky}, cat.agencies, cat.legal, cat.parameters)
    with ResultCache(tmp_path / "cache") as cache:
        report = build_report(change_scope(cat, [], change(TWO_LEVEL)), Settings(cache))
    folder = publish(report, tmp_path / "out")
    book = openpyxl.load_workbook(folder / "report.xlsx")
    assert book["Nhật ký thay đổi"]["B3"].value == "=HYPERLINK(\"x\")|*bold*"
    assert book["Nhật ký thay đổi"]["B3"].data_type == "s"
    assert "\\=HYPERLINK" not in (folder / "report.md").read_text()
    assert "\\|\\*bold\\*" in (folder / "report.md").read_text()


def test_a_failed_publication_leaves_the_previous_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cat = small_catalogue()
    with ResultCache(tmp_path / "cache") as cache:
        report = build_report(change_scope(cat, [], change(TWO_LEVEL)), Settings(cache))
    folder = publish(report, tmp_path / "out")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    def broken(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("catalogue.batch.report.write_workbook", broken)
    with pytest.raises(OSError, match="disk full"):
        publish(report, folder)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert [p.name for p in (tmp_path).iterdir() if p.name.startswith(".out")] == []


def test_a_new_holiday_calendar_is_a_new_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Calendar days come from the `holidays` library: another version of it invalidates cached results."""
    current = engine_fingerprint()
    assert engine_fingerprint() == current  # stable from run to run
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "0.0-other" if name == "holidays" else real(name))
    assert engine_fingerprint() != current


def test_a_report_total_counts_a_case_once_where_two_affected_records_count_it() -> None:
    """A change that reaches both 1.001193 and the liên thông 2.001023 (whose births 1.001193's published volume
    counts too): the report's annual cost pays for those births once, at the liên thông's cost."""
    from catalogue.batch.engine import annual_cost_once
    from catalogue.store import open_catalogue

    cat = open_catalogue()
    rates = CostRates.from_parameters(cat.parameters, date(2026, 1, 5))
    results = {code: numbers(analyse(cat.procedures[code], cat, rates)) for code in ("1.001193", "2.001023")}
    whole, part = results["1.001193"], results["2.001023"]
    assert cat.procedures["2.001023"].annual_volume.counted_in == ["1.001193"]
    twice = int(whole["per_case_vnd"]) * int(part["subjects_per_year"])  # f = 1
    assert annual_cost_once(results, cat.procedures) == whole["annual_cost_vnd"] + part["annual_cost_vnd"] - twice
    assert annual_cost_once({"2.001023": part}, cat.procedures) == part["annual_cost_vnd"]
