"""The `tthc` command: one group, a sub-command per job (datasette style).

Each job lives in its own module under `catalogue/commands/` and registers itself here, so adding a job is one
line in COMMANDS. Running a job imports only its module: the others pull in networkx, matplotlib, MkDocs helpers
and more, about a second of start-up that `tthc reanalyze --change` would otherwise pay on every run. Listing the
jobs (`tthc`, `tthc --help`) imports them all.
"""

from __future__ import annotations

import importlib
import sys

import typer

from analysis.critical_path import StepGraphError
from catalogue.console import errors
from catalogue.problems import CatalogueError

COMMANDS = {
    "validate": "catalogue.commands.validate",
    "list": "catalogue.commands.browse",
    "show": "catalogue.commands.browse",
    "schema": "catalogue.commands.browse",
    "analyze": "catalogue.commands.analyze",
    "graph": "catalogue.commands.graph",
    "propose": "catalogue.commands.propose",
    "suggest": "catalogue.commands.propose",
    "reanalyze": "catalogue.commands.reanalyze",
    "export": "catalogue.commands.interchange",
    "import": "catalogue.commands.interchange",
    "site": "catalogue.commands.site",
    "cache": "catalogue.commands.cache",
}
"""Command name → the module that registers it (as `tthc --help` lists them: commands, then command groups)."""


def build_app(modules: list[str] | None = None) -> typer.Typer:
    """The `tthc` group with the commands of `modules` (default: all)."""
    app = typer.Typer(
        name="tthc",
        help="tthc: rà soát, phân tích và đơn giản hóa thủ tục hành chính.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    # A group callback keeps `tthc <command>` a group even when a single command is registered.
    app.callback()(lambda: None)
    for module in modules or dict.fromkeys(COMMANDS.values()):
        importlib.import_module(module).register(app)
    return app


def __getattr__(name: str) -> typer.Typer:
    """`catalogue.cli.app`: the group with every command (what tests invoke)."""
    if name == "app":
        app = globals()["app"] = build_app()
        return app
    raise AttributeError(name)


def main() -> None:
    module = COMMANDS.get(sys.argv[1]) if len(sys.argv) > 1 else None
    try:
        build_app([module] if module else None)()
    except CatalogueError as exc:
        for problem in exc.problems:
            errors.print(str(problem))
        errors.print(f"danh mục có {len(exc.problems)} lỗi: chạy `tthc validate` để xem đầy đủ")
        raise SystemExit(1) from None
    except StepGraphError as exc:  # a record that loads but whose steps do not form a graph (validate says where)
        errors.print(f"{exc}: chạy `tthc validate` để xem tệp, dòng và trường")
        raise SystemExit(1) from None
