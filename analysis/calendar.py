"""Vietnam's working calendar: legal time limits count working days (ngày làm việc).

A day is a working day unless it falls on a weekend (Saturday, Sunday) or a public holiday. The public holidays
come from the `holidays` package, which follows Bộ luật Lao động 2019, Điều 112 and the government's yearly
announcements: Tết Dương lịch, Tết Nguyên đán (lunar), Giỗ Tổ Hùng Vương (10/3 lunar), 30/4, 1/5, 2/9 with the
adjacent day, the days off moved by substitution (nghỉ bù, hoán đổi ngày làm việc) and the Saturdays worked in
exchange, which are working days. `ANNOUNCED_SWAPS` adds the announcements the package does not have yet.

Conventions (docs/method.md): `days` working days are rounded up to whole days; day 1 is the first working day on
or after `start` (a dossier received on a working day is worked on that day); 0 days ends on `start`.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

import holidays


class Swap(NamedTuple):
    """A working day given as a day off, and the weekend day worked in its place (hoán đổi ngày làm việc)."""

    off: date
    worked: date
    source: str


# Swaps the government announced that the `holidays` package (0.109) does not list; kept here, with their source,
# until the package has them (a swap it already lists changes nothing).
ANNOUNCED_SWAPS = [
    Swap(date(2026, 1, 2), date(2026, 1, 10),
         "Văn bản 12729/VPCP-KGVX ngày 25/12/2025: công chức, viên chức nghỉ Tết Dương lịch từ thứ Năm 01/01 đến hết "
         "Chủ nhật 04/01/2026, hoán đổi ngày làm việc thứ Sáu 02/01 sang thứ Bảy 10/01/2026 (vietnamnet.vn, "
         "26/12/2025)"),
]


@lru_cache(maxsize=256)
def _year(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(public holidays, weekend days worked in exchange) of one year."""
    calendar = holidays.country_holidays("VN", years=year)
    off = {*calendar.keys(), *(s.off for s in ANNOUNCED_SWAPS)}
    worked = {*getattr(calendar, "weekend_workdays", ()), *(s.worked for s in ANNOUNCED_SWAPS)}
    return frozenset(d for d in off if d.year == year), frozenset(d for d in worked if d.year == year)


@lru_cache(maxsize=8192)
def is_working_day(day: date) -> bool:
    """Whether government offices work on `day`.

    >>> is_working_day(date(2026, 2, 17))  # Tết Nguyên đán 2026
    False
    >>> is_working_day(date(2026, 1, 2)), is_working_day(date(2026, 1, 10))  # Friday off, Saturday worked for it
    (False, True)
    """
    off, worked = _year(day.year)
    if day in worked:
        return True
    return day.weekday() < 5 and day not in off


def public_holidays(year: int) -> frozenset[date]:
    """The public holidays (days off, substitutes included) of `year`."""
    return _year(year)[0]


@lru_cache(maxsize=256)
def _working_days(year: int) -> tuple[date, ...]:
    """Every working day of `year`, in order (so adding working days is an index step, not a day-by-day walk)."""
    day = date(year, 1, 1)
    days = []
    while day.year == year:
        if is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return tuple(days)


def add_working_days(start: date, days: float) -> date:
    """The day on which `days` working days starting on `start` end.

    >>> add_working_days(date(2026, 4, 29), 2)  # Wed 29/4; 30/4 and 1/5 are holidays, then a weekend
    datetime.date(2026, 5, 4)
    """
    if days < 0:
        raise ValueError(f"working days must be ≥ 0, got {days}")
    remaining = math.ceil(days - 1e-9)
    if remaining == 0:
        return start
    year = start.year
    table = _working_days(year)
    index = bisect_left(table, start)
    while index + remaining > len(table):
        remaining -= len(table) - index
        year += 1
        table = _working_days(year)
        index = 0
    return table[index + remaining - 1]


def calendar_days(start: date, working_days: float) -> int:
    """Calendar days from `start` to the end of `working_days` working days, both days counted (0 for 0 days).

    >>> calendar_days(date(2026, 11, 20), 2)  # Fri 20/11, then Mon 23/11 (weekend between)
    4
    """
    if math.ceil(working_days - 1e-9) == 0:
        return 0
    return (add_working_days(start, working_days) - start).days + 1


def working_days_between(start: date, end: date) -> int:
    """Working days from `start` to `end`, both included (0 when end < start)."""
    count = 0
    day = start
    while day <= end:
        count += is_working_day(day)
        day += timedelta(days=1)
    return count
