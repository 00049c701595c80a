"""Terminal output shared by the commands."""

from __future__ import annotations

from rich.console import Console

console = Console(highlight=False, soft_wrap=True)
errors = Console(stderr=True, highlight=False, soft_wrap=True)


def vnd(amount: int | float) -> str:
    """Money as Vietnamese write it: 1.234.567 đ."""
    return f"{round(amount):,} đ".replace(",", ".")
