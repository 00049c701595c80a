"""Vietnam's working calendar on known 2025/2026 dates (Bộ luật Lao động 2019, Điều 112; the government's
yearly holiday schedules with the swapped working Saturdays)."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.calendar import add_working_days, calendar_days, is_working_day, working_days_between


@pytest.mark.parametrize("day", [
    date(2025, 1, 1),                                         # Tết Dương lịch
    *[date(2025, 1, 27) + timedelta(days=i) for i in range(5)],  # Tết Ất Tỵ: 27–31/1/2025
    date(2025, 4, 7),                                         # Giỗ Tổ Hùng Vương 10/3 Ất Tỵ
    date(2025, 4, 30), date(2025, 5, 1), date(2025, 5, 2),    # 2/5 off, swapped with Saturday 26/4
    date(2025, 9, 1), date(2025, 9, 2),                       # Quốc khánh
    date(2026, 1, 1), date(2026, 1, 2),                       # 2/1 off, swapped with Saturday 10/1 (12729/VPCP-KGVX)
    *[date(2026, 2, 16) + timedelta(days=i) for i in range(5)],  # Tết Bính Ngọ: 16–20/2/2026
    date(2026, 4, 27),                                        # Giỗ Tổ (26/4 is a Sunday): the Monday off
    date(2026, 4, 30), date(2026, 5, 1),
    date(2026, 8, 31), date(2026, 9, 1), date(2026, 9, 2),    # 31/8 off, swapped with Saturday 22/8
])
def test_days_off(day: date) -> None:
    assert not is_working_day(day)


@pytest.mark.parametrize("day", [date(2025, 4, 26), date(2026, 1, 10), date(2026, 8, 22)])
def test_swapped_saturdays_are_worked(day: date) -> None:
    assert day.weekday() == 5
    assert is_working_day(day)


def test_ordinary_days() -> None:
    assert is_working_day(date(2026, 3, 2))      # a Monday
    assert not is_working_day(date(2026, 3, 7))  # a Saturday
    assert not is_working_day(date(2026, 3, 8))  # a Sunday


@pytest.mark.parametrize(("start", "days", "end", "calendar"), [
    (date(2026, 2, 13), 2, date(2026, 2, 23), 11),   # Friday before Tết 2026, then the week off
    (date(2026, 4, 29), 2, date(2026, 5, 4), 6),     # 30/4, 1/5 and the weekend
    (date(2026, 8, 28), 2, date(2026, 9, 3), 7),     # 31/8 – 2/9/2026
    (date(2025, 4, 25), 2, date(2025, 4, 26), 2),    # the Saturday worked in exchange for 2/5/2025
    (date(2025, 4, 29), 2, date(2025, 5, 5), 7),     # 30/4 – 4/5/2025 off
    (date(2026, 3, 2), 0.5, date(2026, 3, 2), 1),    # part of a day ends the same day
    (date(2026, 3, 2), 0, date(2026, 3, 2), 0),
    (date(2026, 3, 7), 1, date(2026, 3, 9), 3),      # received on a Saturday: worked from Monday
    (date(2025, 12, 30), 3, date(2026, 1, 5), 7),    # across the new year: 1/1 – 4/1/2026 off
    (date(2026, 1, 9), 2, date(2026, 1, 10), 2),     # the Saturday worked in exchange for 2/1/2026
])
def test_add_working_days(start: date, days: float, end: date, calendar: int) -> None:
    assert add_working_days(start, days) == end
    assert calendar_days(start, days) == calendar


def test_negative_days_refused() -> None:
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 5), -1)


@given(st.dates(date(2025, 1, 1), date(2026, 12, 31)), st.floats(0.01, 400), st.floats(0, 50))
def test_working_days_properties(start: date, days: float, more: float) -> None:
    end = add_working_days(start, days)
    assert is_working_day(end)
    # Exactly ceil(days) working days from the first working day on or after start through the end day.
    assert working_days_between(start, end) == math.ceil(days)
    # More days never end earlier.
    assert add_working_days(start, days + more) >= end
