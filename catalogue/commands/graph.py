"""`tthc graph CODE`: the step graph as Mermaid text, SVG and PNG, critical path highlighted."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from pathlib import Path

import typer

from analysis.critical_path import longest_paths
from catalogue.batch.changes import catalogue_with_changes
from catalogue.commands.options import DATA, LAW_AS_OF, parse_day, procedure_or_exit
from catalogue.console import console, errors
from catalogue.diagrams import Direction, mermaid_step_graph, png_step_graph, svg_step_graph
from catalogue.files import write_atomic
from catalogue.store import open_catalogue
from models.catalogue import Catalogue
from models.procedure import Procedure


def write_graphs(out: Path, stem: str, procedure: Procedure, cat: Catalogue, critical_path: Sequence[str],
                 direction: Direction = "LR", changed: Collection[str] = ()) -> list[Path]:
    """`stem`.mmd, .svg and .png in `out`, each written whole or not at all; returns their paths."""
    paths = [out / f"{stem}.{ext}" for ext in ("mmd", "svg", "png")]
    write_atomic(paths[0], mermaid_step_graph(procedure, cat, critical_path, direction, changed).encode())
    write_atomic(paths[1], svg_step_graph(procedure, cat, critical_path, direction, changed).encode())
    write_atomic(paths[2], png_step_graph(procedure, cat, critical_path, direction=direction, changed=changed))
    return paths


def register(app: typer.Typer) -> None:
    @app.command()
    def graph(
        code: str = typer.Argument(..., help="Mã thủ tục, ví dụ 1.001193."),
        out: Path = typer.Option(Path("build/graphs"), "--out", help="Thư mục ghi <mã>.mmd, <mã>.svg và <mã>.png."),
        data: Path = DATA,
        direction: str = typer.Option("LR", "--direction",
                                      help="LR: từ trái sang phải (màn hình, trình chiếu); TB: từ trên xuống (trang dọc)."),
        as_of: str = LAW_AS_OF,
    ) -> None:
        """Vẽ sơ đồ các bước: Mermaid (.mmd), SVG và PNG, nhóm theo cơ quan, tô đậm đường găng."""
        if direction.upper() not in ("LR", "TB"):
            errors.print(f"--direction phải là LR hoặc TB, không phải {direction!r}")
            raise typer.Exit(2)
        way: Direction = "TB" if direction.upper() == "TB" else "LR"
        day = parse_day(as_of, "--as-of") or date.today()
        cat = catalogue_with_changes(open_catalogue(data), data, day, [code])
        procedure = procedure_or_exit(cat, code, data)
        mmd, svg, png = write_graphs(out, code, procedure, cat, list(longest_paths(procedure.steps).path), way)
        console.print(f"Đã ghi {mmd}, {svg} và {png}", markup=False)
