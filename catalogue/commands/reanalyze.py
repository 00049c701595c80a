"""`tthc reanalyze`: after a legal change, re-analyse the procedures it touches and write a dated report."""

from __future__ import annotations

import gc
from datetime import date
from pathlib import Path

import typer
from rich.table import Table

from analysis.legal_impact import catalogue_as_of
from catalogue.batch.changes import LoadedChanges, change_problems, load_changes, read_change_file
from catalogue.batch.engine import DEFAULT_CHUNK, Scope, Settings, analyse_all, build_report, change_scope
from catalogue.batch.executors import ExecutorError, ExecutorKind, open_executor
from catalogue.batch.gitsource import GitError, git_delta, since_scope
from catalogue.batch.report import LATEST, publish, reports_folder
from catalogue.batch.results import ResultCache
from catalogue.cache import default_cache_dir
from catalogue.commands.options import DATA, parse_day
from catalogue.console import console, errors, progress_bar, vnd
from catalogue.store import open_catalogue
from models.catalogue import Catalogue
from models.change import CHANGELOG_STATUS_VI, LegalChange


def _fail(message: str, code: int = 1) -> typer.Exit:
    errors.print(message)
    return typer.Exit(code)


def _checked_changes(data: Path, catalogue: Catalogue) -> LoadedChanges:
    loaded = load_changes(data)
    problems = change_problems(loaded, catalogue)
    if problems:
        for problem in problems:
            errors.print(str(problem))
        raise _fail(f"{data / 'changes'} có {len(problems)} lỗi: sửa trước (`tthc validate` liệt kê các lỗi)")
    return loaded


def _one_change(path: Path, loaded: LoadedChanges, catalogue: Catalogue) -> LegalChange:
    resolved = path.resolve()
    for change_id, (origin, _) in loaded.origins.items():
        if origin.resolve() == resolved:
            return loaded.by_id()[change_id]
    single = LoadedChanges()
    change = read_change_file(path, single)
    problems = change_problems(single, catalogue)
    if change is None or problems:
        for problem in problems:
            errors.print(str(problem))
        raise _fail(f"{path}: không phải tệp thay đổi pháp luật hợp lệ")
    return change


def register(app: typer.Typer) -> None:
    @app.command()
    def reanalyze(
        change: Path | None = typer.Option(None, "--change", help="Tệp thay đổi pháp luật (data/changes/*.yaml)."),
        since: str | None = typer.Option(None, "--since", help="Một phiên bản git: mọi tệp thay đổi và tệp thủ tục đã sửa từ đó."),
        everything: bool = typer.Option(False, "--all", help="Phân tích cả danh mục (làm đầy bộ nhớ đệm; không lập báo cáo)."),
        as_of: str | None = typer.Option(None, "--as-of", help="Ngày (YYYY-MM-DD); mặc định: ngày có hiệu lực của thay đổi, hoặc hôm nay."),
        data: Path = DATA,
        out: Path | None = typer.Option(None, "--out", help="Thư mục báo cáo (mặc định reports/<ngày>-<thay đổi>/)."),
        executor: str = typer.Option("local", "--executor", help="local (tiến trình trên máy này) hoặc dask."),
        scheduler: str | None = typer.Option(None, "--scheduler", help="Địa chỉ bộ điều phối Dask, tcp://host:8786."),
        workers: int | None = typer.Option(None, "--workers", help="Số tiến trình trên máy (mặc định: mọi lõi CPU)."),
        chunk_size: int = typer.Option(DEFAULT_CHUNK, "--chunk-size", min=1, help="Số thủ tục mỗi phần việc."),
        cache_dir: Path | None = typer.Option(None, "--cache-dir", help="Mặc định: .tthc-cache/ cạnh thư mục dữ liệu."),
        latest: bool = typer.Option(True, help="Ghi thêm reports/latest.json cho trang công khai."),
    ) -> None:
        """Phân tích lại sau thay đổi pháp luật: thủ tục bị ảnh hưởng, chỉ số trước/sau, thủ tục cần rà soát."""
        if sum((change is not None, since is not None, everything)) != 1:
            raise _fail("chọn đúng một trong --change TỆP, --since PHIÊN-BẢN hoặc --all", 2)
        if executor not in ("local", "dask"):
            raise _fail("--executor phải là local hoặc dask", 2)
        day = parse_day(as_of, "--as-of")
        catalogue = open_catalogue(data)
        gc.freeze()  # the catalogue lives until the command ends: keep the collector from walking it again and again
        loaded = _checked_changes(data, catalogue)
        kind: ExecutorKind = "dask" if executor == "dask" else "local"
        cache = ResultCache(cache_dir or default_cache_dir(data))
        try:
            if everything:
                when = day or date.today()
                current = catalogue_as_of(catalogue, loaded.changes, when)
                with progress_bar(len(current.procedures), "Phân tích") as advance:
                    settings = Settings(cache, lambda: open_executor(kind, scheduler, workers), chunk_size, chunk_size,
                                        progress=advance)
                    outcome = analyse_all(current, when, settings)
                console.print(f"{len(current.procedures)} thủ tục tại ngày {when:%d/%m/%Y}: phân tích {outcome.computed} thủ tục, "
                              f"lấy {outcome.from_cache} kết quả từ bộ nhớ đệm ({cache.path})")
                return
            scope: Scope
            if change is not None:
                scope = change_scope(catalogue, loaded.changes, _one_change(change, loaded, catalogue), day)
            else:
                assert since is not None
                delta = git_delta(data, since)
                touched = [c for c in loaded.changes if loaded.origins[c.id][0].resolve() in delta.changes]
                when = day or max([date.today(), *(c.effective for c in touched)])
                scope = since_scope(catalogue, loaded, delta, when)
            total = sum(code in scope.before.procedures for code in scope.reasons)
            total += sum(code in scope.after.procedures for code in scope.reasons)
            with progress_bar(total, "Phân tích lại") as advance:
                settings = Settings(cache, lambda: open_executor(kind, scheduler, workers), chunk_size, chunk_size,
                                    progress=advance)
                report = build_report(scope, settings)
        except (ExecutorError, GitError) as exc:
            raise _fail(str(exc)) from None
        finally:
            cache.close()
        reports = reports_folder(data)
        folder = publish(report, out or reports / scope.slug, reports / LATEST if latest else None)
        s = report.summary
        table = Table(title=f"{report.title} ({report.as_of:%d/%m/%Y})", show_header=False)
        table.add_row("Thủ tục bị ảnh hưởng", str(s.affected))
        table.add_row("Cần rà soát lại", str(s.needs_review))
        for status, label in CHANGELOG_STATUS_VI.items():
            table.add_row(f"  {label} ({status})", str(s.by_status.get(status, 0)))
        table.add_row("Chi phí tuân thủ/năm", f"{vnd(s.annual_cost_before_vnd)} → {vnd(s.annual_cost_after_vnd)}")
        table.add_row("Phân tích mới / từ bộ nhớ đệm", f"{s.analysed} / {s.from_cache}")
        console.print(table)
        console.print(f"Báo cáo: {folder}/report.md, report.xlsx, report.json")
