"""Text shared by the commands, reports and pages: terminal consoles, numbers and money as Vietnamese write them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

console = Console(highlight=False, soft_wrap=True)
errors = Console(stderr=True, highlight=False, soft_wrap=True)


def num(value: float | int | Decimal) -> str:
    """A number as Vietnamese write it: comma for decimals, dot for thousands (`1.234,5`)."""
    if isinstance(value, Decimal):
        value = float(value)
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    whole, _, decimals = f"{value:,.2f}".rstrip("0").partition(".")
    return whole.replace(",", ".") + ("," + decimals if decimals else "")


def vnd(amount: int | float) -> str:
    """Money as Vietnamese write it: 1.234.567 đ."""
    return f"{round(amount):,} đ".replace(",", ".")


class RateColumn(ProgressColumn):
    """Analyses per second."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} thủ tục/s" if speed else "— thủ tục/s", style="progress.data.speed")


@contextmanager
def progress_bar(total: int, label: str, out: Console = errors) -> Iterator[Callable[[int], None]]:
    """A bar for long batch work, on stderr (stdout stays for results), with procedures a second and time left.

    Yields `advance(n)`. The bar is redrawn when it advances, not by rich's refresh thread: the batch forks its
    worker processes while the bar is shown, and a fork beside a running thread can leave the child waiting on a
    lock that thread held (Python 3.12+ warns of it)."""
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
        RateColumn(), TimeElapsedColumn(), TimeRemainingColumn(), console=out, transient=False, auto_refresh=False,
    ) as progress:
        task = progress.add_task(label, total=total)

        def advance(n: int) -> None:
            progress.advance(task, n)
            progress.refresh()

        yield advance
