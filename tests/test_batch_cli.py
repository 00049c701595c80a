"""`tthc reanalyze` and `tthc validate` on a copy of the bundled catalogue, as staff run them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalogue.batch.changes import load_changes
from catalogue.cli import app
from catalogue.loader import DEFAULT_DATA

runner = CliRunner()

# A made-up charge from 2026-03-01: a day no text of the catalogue ends or starts (texts that end on 2026-01-01 or
# 2026-07-01 would rightly put the procedures citing them in the report too).
FEE_CHANGE = """\
schema_version: 1
id: le-phi-khai-sinh-thu
title: Lệ phí đăng ký khai sinh (thử)
effective: 2026-03-01
sources:
  - url: https://example.invalid/nghi-quyet-hdnd
    retrieved: 2026-11-23
operations:
  - op: fee
    procedures: ["1.001193"]
    channel: in_person
    fee: Lệ phí đăng ký khai sinh
    amount_vnd: 8000
"""


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    """A repository with a copy of the catalogue, as a checkout would be."""
    root = tmp_path / "repo"
    shutil.copytree(DEFAULT_DATA, root / "data")
    return root


def reanalyze(root: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["reanalyze", "--data", str(root / "data"), "--cache-dir", str(root / ".tthc-cache"),
                                 "--workers", "1", *args])
    return result.exit_code, result.output


def test_reanalyze_a_change_file_writes_the_dated_report(workspace: Path) -> None:
    change = workspace / "data" / "changes" / "2026-03-01-le-phi-khai-sinh.yaml"
    change.write_text(FEE_CHANGE, encoding="utf-8")
    code, output = reanalyze(workspace, "--change", str(change))
    assert code == 0, output
    folder = workspace / "reports" / "2026-03-01-le-phi-khai-sinh-thu"
    report = json.loads((folder / "report.json").read_text())
    assert [p["code"] for p in report["procedures"]] == ["1.001193"]
    entry = report["procedures"][0]
    assert entry["status"] == "AMENDED"
    # 8.000 đ more per case, for every birth registered a year
    subjects = entry["metrics"]["subjects_per_year"]["after"]
    assert entry["metrics"]["fees_vnd"]["difference"] == 8000
    assert entry["metrics"]["annual_cost_vnd"]["difference"] == 8000 * subjects
    assert json.loads((workspace / "reports" / "latest.json").read_text()) == report
    assert (folder / "report.xlsx").stat().st_size > 0
    code, output = reanalyze(workspace, "--change", str(change))  # again: everything from the cache
    assert code == 0
    assert json.loads((folder / "report.json").read_text())["summary"]["from_cache"] == 2


def test_results_are_reused_until_a_procedure_file_changes(workspace: Path) -> None:
    """Results of records read through the compiled cache are keyed by their file's content: the second run (a warm
    load) finds every result of the first (a cold load); editing one file re-analyses that procedure alone."""
    # Every record but 1.115970 and 2.002913, published after 1/1/2026: the catalogue of that day has 1.012575 and
    # 1.011537 in their places.
    n = len(list((workspace / "data" / "procedures").glob("*.yaml"))) - 2
    for analysed, cached in ((n, 0), (0, n)):
        code, output = reanalyze(workspace, "--all", "--as-of", "2026-01-01")
        assert code == 0, output
        assert f"phân tích {analysed} thủ tục, lấy {cached} kết quả từ bộ nhớ đệm" in output
    path = workspace / "data" / "procedures" / "1.001193.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("subjects_per_year: 1400000", "subjects_per_year: 1500000"),
                    encoding="utf-8")
    code, output = reanalyze(workspace, "--all", "--as-of", "2026-01-01")
    assert f"phân tích 1 thủ tục, lấy {n - 1} kết quả từ bộ nhớ đệm" in output


def test_a_broken_change_file_is_refused_with_file_line_and_field(workspace: Path) -> None:
    change = workspace / "data" / "changes" / "2026-01-01-sai.yaml"
    change.write_text(FEE_CHANGE.replace('["1.001193"]', '["1.999999"]').replace("amount_vnd: 8000", "amount_vnd: 8000\n    legal_basis: [{ref: 999/2099/NĐ-CP}]"), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(workspace / "data")])
    assert result.exit_code == 1
    assert f"{change}:10: error: operations[0].procedures[0]: không có thủ tục 1.999999 trong data/procedures/" in result.output
    assert f"{change}:14: error: operations[0].legal_basis[0].ref: không có văn bản '999/2099/NĐ-CP' trong data/legal/" in result.output
    code, _ = reanalyze(workspace, "--change", str(change))
    assert code == 1
    assert not (workspace / "reports").exists()


def test_a_float_amount_is_refused_where_it_is_written(workspace: Path) -> None:
    change = workspace / "data" / "changes" / "2026-01-01-sai.yaml"
    change.write_text(FEE_CHANGE.replace("amount_vnd: 8000", "amount_vnd: 8000.5"), encoding="utf-8")
    problems = [str(p) for p in load_changes(workspace / "data").problems]
    assert any(p.startswith(f"{change}:13: error: operations[0].amount_vnd:") for p in problems), problems


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


def test_reanalyze_since_a_revision(workspace: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    git(workspace, "init", "-q")
    git(workspace, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "add", "data")
    git(workspace, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "catalogue")
    # Since that commit: a new change file, one procedure edited (fewer dossiers a year, and it replaces the code of
    # another), the replaced one deleted.
    (workspace / "data" / "changes" / "2026-03-01-le-phi-khai-sinh.yaml").write_text(FEE_CHANGE, encoding="utf-8")
    others = sorted(p for p in (workspace / "data" / "procedures").glob("*.yaml") if p.stem != "1.001193")
    edited, deleted = others[0], others[1]
    text = edited.read_text(encoding="utf-8")
    subjects = int(re.search(r"subjects_per_year: (\d+)", text).group(1))  # type: ignore[union-attr]
    text = text.replace(f"subjects_per_year: {subjects}", f"subjects_per_year: {subjects - 1000}")
    edited.write_text(text.replace(f'code: "{edited.stem}"', f'code: "{edited.stem}"\nreplaces: ["{deleted.stem}"]'),
                      encoding="utf-8")
    deleted.unlink()
    code, output = reanalyze(workspace, "--since", "HEAD", "--as-of", "2026-06-01", "--out", str(workspace / "out"))
    assert code == 0, output
    report = json.loads((workspace / "out" / "report.json").read_text())
    by_code = {p["code"]: p for p in report["procedures"]}
    assert set(by_code) == {"1.001193", edited.stem, deleted.stem}
    assert by_code["1.001193"]["status"] == "AMENDED"
    assert by_code[deleted.stem]["status"] == "WITHDRAWN"
    assert [r["text"] for r in by_code[deleted.stem]["reasons"]] == [
        f"hồ sơ thủ tục đã xóa ({deleted.name}); thay bằng {edited.stem}"]
    assert by_code[deleted.stem]["metrics"]["annual_cost_vnd"]["after"] is None
    assert by_code[edited.stem]["status"] == "AMENDED"
    assert by_code[edited.stem]["metrics"]["subjects_per_year"]["difference"] == -1000
    assert report["since"] == "HEAD"
    assert [c["id"] for c in report["changes"]] == ["le-phi-khai-sinh-thu"]


def test_reanalyze_needs_exactly_one_scope(workspace: Path) -> None:
    code, output = reanalyze(workspace)
    assert code == 2
    assert "chọn đúng một trong --change" in output


def test_dask_scheduler_gives_the_report_of_local_processes(workspace: Path) -> None:
    distributed = pytest.importorskip("distributed", reason="Dask is the optional extra tthc[dask]")
    change = workspace / "data" / "changes" / "2026-03-01-le-phi-khai-sinh.yaml"
    change.write_text(FEE_CHANGE.replace('["1.001193"]', '["1.001193", "1.000894", "1.000656"]'), encoding="utf-8")
    reports = {}
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        for executor in ("local", "dask"):
            code, output = reanalyze(
                workspace, "--change", str(change), "--chunk-size", "1", "--executor", executor,
                "--scheduler", cluster.scheduler_address, "--cache-dir", str(workspace / f"cache-{executor}"),
                "--out", str(workspace / executor))
            assert code == 0, output
            reports[executor] = json.loads((workspace / executor / "report.json").read_text())
    assert reports["dask"]["summary"]["analysed"] == 6  # nothing from the cache: really computed on Dask
    assert reports["dask"]["procedures"] == reports["local"]["procedures"]


def test_the_progress_bar_runs_no_thread_and_shows_each_advance() -> None:
    """The batch forks its workers while the bar is shown: the bar must not run a refresh thread of its own."""
    import io
    import threading

    from rich.console import Console

    from catalogue.console import progress_bar

    screen = io.StringIO()
    before = threading.active_count()
    with progress_bar(10, "Phân tích", Console(file=screen, force_terminal=True, width=120)) as advance:
        advance(3)
        assert threading.active_count() == before
        assert "3/10" in screen.getvalue()
    assert "10/10" not in screen.getvalue()
