"""Option handling shared by the commands: dates typed by staff, cost parameters read as at a day."""

from __future__ import annotations

from datetime import date

import typer

from catalogue.console import errors
from catalogue.loader import DEFAULT_DATA
from models.catalogue import Catalogue
from models.parameters import CostRates

DATA = typer.Option(DEFAULT_DATA, "--data", help="The catalogue folder.")
"""`--data`, the catalogue folder every command reads."""

LAW_AS_OF = typer.Option(None, "--as-of", help="Show the procedures as the law stood that day (YYYY-MM-DD): the "
                         "legal changes of data/changes/ in force applied; default today.")
"""`--as-of` of the commands that show procedures without computing figures."""

ANALYSIS_AS_OF = typer.Option(None, "--as-of", help="Day of the analysis (YYYY-MM-DD): the cost parameters and the "
                              "legal changes of data/changes/ in force that day; default today.")
"""`--as-of` of the commands that analyse a procedure."""


def parse_day(value: str | None, option: str) -> date | None:
    """A YYYY-MM-DD option, or None when it was not given; a clear message and exit 2 when it is not a date."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.print(f"{option}: {value!r} is not a date (YYYY-MM-DD)")
        raise typer.Exit(2) from None


def resolve_rates(catalogue: Catalogue, day: date) -> CostRates:
    """The cost parameters in force on `day`; exit 1 naming the missing parameter."""
    try:
        return CostRates.from_parameters(catalogue.parameters, day)
    except LookupError as exc:
        errors.print(f"data/parameters: no cost parameters on {day.isoformat()}: {exc}")
        raise typer.Exit(1) from None
