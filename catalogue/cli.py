"""The `tthc` command: one group, a sub-command per job (datasette style).

Each job lives in its own module under `catalogue/commands/` and registers itself here, so adding a job is one
line in COMMANDS.
"""

from __future__ import annotations

import importlib

import typer

from catalogue.console import errors
from catalogue.problems import CatalogueError

app = typer.Typer(
    name="tthc",
    help="tthc: rà soát, phân tích và đơn giản hóa thủ tục hành chính (review and simplify administrative procedures).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

COMMANDS = [
    "catalogue.commands.validate",
    "catalogue.commands.browse",
    "catalogue.commands.analyze",
    "catalogue.commands.graph",
    "catalogue.commands.site",
    "catalogue.commands.propose",
    "catalogue.commands.reanalyze",
    "catalogue.commands.interchange",
    "catalogue.commands.cache",
]

for module in COMMANDS:
    importlib.import_module(module).register(app)


def main() -> None:
    try:
        app()
    except CatalogueError as exc:
        for problem in exc.problems:
            errors.print(str(problem), markup=False)
        errors.print(f"{len(exc.problems)} errors in the catalogue: run `tthc validate` for the full report")
        raise SystemExit(1) from None
