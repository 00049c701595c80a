"""Option handling shared by the commands: dates typed by staff, cost parameters read as at a day."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from catalogue.console import errors
from catalogue.loader import DEFAULT_DATA
from catalogue.store import open_catalogue
from models.catalogue import Catalogue, replaced_note
from models.parameters import CostRates
from models.procedure import Procedure

DATA = typer.Option(DEFAULT_DATA, "--data", help="Thư mục danh mục.")
"""`--data`, the catalogue folder every command reads."""

LAW_AS_OF = typer.Option(None, "--as-of", help="Xem thủ tục theo pháp luật tại ngày đó (YYYY-MM-DD): áp dụng các "
                         "thay đổi pháp luật trong data/changes/ đã có hiệu lực; mặc định hôm nay.")
"""`--as-of` of the commands that show procedures without computing figures."""

ANALYSIS_AS_OF = typer.Option(None, "--as-of", help="Ngày phân tích (YYYY-MM-DD): tham số chi phí và "
                              "thay đổi pháp luật trong data/changes/ có hiệu lực ngày đó; mặc định hôm nay.")
"""`--as-of` of the commands that analyse a procedure."""


def parse_day(value: str | None, option: str) -> date | None:
    """A YYYY-MM-DD option, or None when it was not given; a clear message and exit 2 when it is not a date."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.print(f"{option}: {value!r} không phải ngày dạng YYYY-MM-DD")
        raise typer.Exit(2) from None


def resolve_rates(catalogue: Catalogue, day: date) -> CostRates:
    """The cost parameters in force on `day`; exit 1 naming the missing parameter."""
    try:
        return CostRates.from_parameters(catalogue.parameters, day)
    except LookupError as exc:
        errors.print(f"data/parameters: chưa có tham số chi phí cho ngày {day:%d/%m/%Y}: {exc}")
        raise typer.Exit(1) from None


def procedure_or_exit(catalogue: Catalogue, code: str, data: Path) -> Procedure:
    """The procedure `code` of `catalogue` (which a command may have narrowed to the code and its group); exit 1
    when there is none, naming the record of `data` that replaced the code if one did (`Procedure.replaces`)."""
    procedure = catalogue.procedures.get(code)
    if procedure is not None:
        return procedure
    every = open_catalogue(data).procedures  # the narrowed catalogue does not hold the successor
    errors.print(f"không có thủ tục {code} trong {data}{replaced_note(every, code)}")
    raise typer.Exit(1)
