"""Date arithmetic for periods and windows (CORE-5), free of the database.

Bounds and names of the standard periods ("2026年1-7月"), month arithmetic that clips to the
last day of short months, and the local (settings.TIME_ZONE) datetimes a window starts or ends
at. Every datetime returned here is timezone-aware.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time

from django.utils import timezone

YEAR = "year"
HALF = "half"
QUARTER = "quarter"
MONTH = "month"
MONITORING_ROUND = "monitoring_round"
CUSTOM = "custom"
STANDARD_KINDS = (YEAR, HALF, QUARTER, MONTH)

HALF_NAMES = {1: "上半年", 2: "下半年"}
QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}
_NUMBER_RANGE = {YEAR: (None, None), HALF: (1, 2), QUARTER: (1, 4), MONTH: (1, 12)}

# The end of a day-based window ("每月1日—20日"): the whole of the last day counts.
END_OF_DAY = time(23, 59)


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def clip_day(year: int, month: int, day: int) -> date:
    """``day`` of the month, or its last day when the month is shorter (31 → 28 in February)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), clipped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    return clip_day(index // 12, index % 12 + 1, day.day)


def within_one_month(day: date) -> date:
    """The last day of a "一个月内" window that starts on ``day`` (e.g. rectification, BUD-11)."""
    return add_months(day, 1)


def standard_bounds(kind: str, year: int, number: int | None = None) -> tuple[date, date]:
    """First and last day of a standard period: the year, half ``number`` (1–2), quarter
    ``number`` (1–4) or month ``number`` (1–12) of ``year``."""
    if kind not in _NUMBER_RANGE:
        raise ValueError(f"{kind!r} has no standard bounds")
    low, high = _NUMBER_RANGE[kind]
    if low is None:
        return date(year, 1, 1), date(year, 12, 31)
    if number is None or not low <= number <= high:
        raise ValueError(f"{kind} number must be {low}–{high}, not {number!r}")
    months = 12 // high
    first = (number - 1) * months + 1
    last = first + months - 1
    return date(year, first, 1), month_end(year, last)


def period_name(kind: str, start: date, end: date, number: int | None = None) -> str:
    """The Chinese name of a period: 2026年度, 2026年上半年, 2026年第三季度, 2026年3月,
    and for other kinds the span, e.g. 2026年1-7月."""
    if kind == YEAR:
        return f"{start.year}年度"
    if kind == HALF and number in HALF_NAMES:
        return f"{start.year}年{HALF_NAMES[number]}"
    if kind == QUARTER and number in QUARTER_NAMES:
        return f"{start.year}年{QUARTER_NAMES[number]}"
    return span_name(start, end)


def span_name(start: date, end: date) -> str:
    """2026年3月, 2026年1-7月, 2025年12月-2026年2月 for whole months; dates otherwise."""
    whole_months = start.day == 1 and end == month_end(end.year, end.month)
    if not whole_months:
        return f"{start:%Y-%m-%d}至{end:%Y-%m-%d}"
    if start.year != end.year:
        return f"{start.year}年{start.month}月-{end.year}年{end.month}月"
    if start.month == end.month:
        return f"{start.year}年{start.month}月"
    return f"{start.year}年{start.month}-{end.month}月"


def local_datetime(day: date, at: time = END_OF_DAY) -> datetime:
    """``day`` at ``at`` in the site's time zone (settings.TIME_ZONE), timezone-aware."""
    return timezone.make_aware(datetime.combine(day, at))


def start_of_day(day: date) -> datetime:
    return local_datetime(day, time.min)


def local_text(moment: datetime) -> str:
    """How a deadline is written in messages: 2026-12-01 18:00, in the site's time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
