"""Period bounds and names, month arithmetic, local datetimes and reminder stages."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from jixiao.periods import dates
from jixiao.periods.reminders import reminder_stage


@pytest.mark.parametrize(
    ("kind", "number", "start", "end", "name"),
    [
        ("year", None, date(2026, 1, 1), date(2026, 12, 31), "2026年度"),
        ("half", 2, date(2026, 7, 1), date(2026, 12, 31), "2026年下半年"),
        ("quarter", 1, date(2026, 1, 1), date(2026, 3, 31), "2026年第一季度"),
        ("month", 2, date(2026, 2, 1), date(2026, 2, 28), "2026年2月"),
        ("month", 2, date(2028, 2, 1), date(2028, 2, 29), "2028年2月"),
    ],
)
def test_standard_periods(kind, number, start, end, name):
    year = start.year
    assert dates.standard_bounds(kind, year, number) == (start, end)
    assert dates.period_name(kind, start, end, number) == name


@pytest.mark.parametrize(("kind", "number"), [("month", 13), ("quarter", 0), ("half", None)])
def test_standard_period_needs_a_valid_number(kind, number):
    with pytest.raises(ValueError):
        dates.standard_bounds(kind, 2026, number)


@pytest.mark.parametrize(
    ("start", "end", "name"),
    [
        (date(2026, 1, 1), date(2026, 7, 31), "2026年1-7月"),
        (date(2026, 3, 1), date(2026, 3, 31), "2026年3月"),
        (date(2025, 12, 1), date(2026, 2, 28), "2025年12月-2026年2月"),
        (date(2026, 3, 5), date(2026, 4, 4), "2026-03-05至2026-04-04"),
    ],
)
def test_span_names(start, end, name):
    assert dates.period_name("monitoring_round", start, end) == name


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2028, 1, 30), 1, date(2028, 2, 29)),
    ],
)
def test_add_months_clips_to_month_end(day, months, expected):
    assert dates.add_months(day, months) == expected


def test_within_one_month():
    """Rectification "收到反馈意见之日起一个月内" (BUD-11)."""
    assert dates.within_one_month(date(2026, 1, 31)) == date(2026, 2, 28)


def test_local_datetimes_are_aware_and_in_shanghai():
    moment = dates.local_datetime(date(2026, 12, 1))
    assert moment.tzinfo is not None
    assert moment.astimezone(UTC) == datetime(2026, 12, 1, 15, 59, tzinfo=UTC)
    assert dates.start_of_day(date(2026, 12, 1)).astimezone(UTC) == datetime(
        2026, 11, 30, 16, 0, tzinfo=UTC
    )
    assert dates.local_text(datetime(2026, 12, 1, 10, 0, tzinfo=UTC)) == "2026-12-01 18:00"


@pytest.mark.parametrize(
    ("days_left", "stage"),
    [(5, None), (4, None), (3, 3), (2, 3), (1, 1), (0, 1), (-1, None)],
)
def test_reminder_stage_is_the_smallest_configured_day_not_below(days_left, stage):
    assert reminder_stage(days_left, [3, 1]) == stage


def test_no_configured_days_no_stage():
    assert reminder_stage(0, []) is None
