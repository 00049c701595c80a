"""`tthc validate`: check the schema and every cross-record rule; never changes a file."""

from __future__ import annotations

from pathlib import Path

import typer

from analysis.consistency import check_catalogue
from catalogue.batch.changes import validate_changes
from catalogue.cache import load_cached
from catalogue.commands.options import DATA
from catalogue.console import console, errors
from catalogue.loader import Loaded
from catalogue.problems import Problem, field_path
from catalogue.proposals import load_proposals


def catalogue_problems(loaded: Loaded) -> list[Problem]:
    """Loading problems and cross-record problems, mapped to file and line."""
    problems = list(loaded.problems)
    for found in check_catalogue(loaded.catalogue, loaded.unreadable):
        path, line = loaded.locate(found.kind, found.key, found.location)
        problems.append(Problem(path, line, field_path(found.location), found.message, found.severity))
    return problems


def register(app: typer.Typer) -> None:
    @app.command()
    def validate(
        folder: Path | None = typer.Argument(None, help="Thư mục danh mục (có procedures/, legal/, ...); "
                                             "giống --data."),
        data: Path = DATA,
        strict: bool = typer.Option(False, help="Coi cảnh báo là lỗi."),
    ) -> None:
        """Kiểm tra danh mục: cấu trúc, tham chiếu, sơ đồ các bước, thời hạn. Mã thoát 1 khi có lỗi."""
        path = folder or data
        if not path.is_dir():
            errors.print(f"{path}: không phải thư mục")
            raise typer.Exit(2)
        loaded = load_cached(path)
        problems = catalogue_problems(loaded) + validate_changes(path, loaded.catalogue)
        problems += load_proposals(path, loaded.catalogue, unreadable=loaded.unreadable)[1]
        for p in problems:
            (errors if p.severity == "error" else console).print(str(p), markup=False)
        n_err = sum(p.severity == "error" for p in problems)
        n_warn = len(problems) - n_err
        cat = loaded.catalogue
        console.print(
            f"{len(cat.procedures)} thủ tục, {len(cat.agencies)} cơ quan, {len(cat.legal)} văn bản pháp luật, "
            f"{len(cat.parameters.parameters)} tham số: {n_err} lỗi, {n_warn} cảnh báo"
        )
        if n_err or (strict and n_warn):
            raise typer.Exit(1)
