"""The warning rules of double monitoring (双监控, BUD-5): pure functions, no Django, no database.

A monitoring round covers months 1…m of the fiscal year; the time progress is m ÷ 12. Every
rule returns a :class:`Result`: the kind of warning, its colour, the value it compared (a ratio
with 4 decimals, or None when no ratio applies) and a Chinese explanation with every number it
used. The thresholds are a :class:`Thresholds` (defaults of RULES.md, configurable per bureau
and year, at most 4 decimals).

Arithmetic is exact: the public functions take Decimals (at most 6 decimals, as stored) and
work on integers of millionths; colours are decided by integer cross-multiplication, so a value
of exactly 60% or 80% falls on the documented side whatever the rounding of the displayed
figure, and every displayed figure is the exact fraction rounded half up (四舍五入); a
percentage that two decimals would show as a threshold it has not reached gets six
(59.998571%). The ``*_core`` functions take the integers directly: a round's computation calls
them a million times.

Rules (m = months elapsed; thresholds red 60%, yellow 80%, blue 120% by default):

- **budget execution**: value (executed ÷ budget) ÷ (m ÷ 12). Red < 60%, yellow 60%–<80%,
  green ≥ 80%. Budget 0: no value; red when anything was spent, else green.
- **`gte` (≥)**: value actual ÷ (target × m ÷ 12). Blue when actual ≥ 120% of the annual
  target; otherwise red when actual = 0 or value < 60%, yellow 60%–<80%, green ≥ 80%.
  Target ≤ 0: no value; green when actual ≥ target, else red.
- **`eq` (=)**, ``range`` and any other direction: as `gte`, without blue.
- **`lte` (≤, a ceiling)**: value actual ÷ target, no time scaling. Green when actual ≤
  target; yellow when actual ≤ target but the expected year-end value > target, or when
  target < actual ≤ (2 − 60%) × target = 140% of it; red above that. Target ≤ 0: no value;
  red when actual > target, yellow when only the expected year-end value is, else green.
- **qualitative**: 未达成 red, 部分达成 yellow, 达成 green.
- **combined** (per project): both execution on schedule and targets on track → green;
  exactly one of them off → yellow; both off → red.

Notes:

- Execution is *on schedule* when the budget execution colour is green; targets are *on track*
  when none of the project's indicator or qualitative warnings is red (yellow and blue are on
  track).
- ``lte``: a ceiling (a unit cost, a loss rate, a total not to exceed) must hold at every point
  of the year, and a cumulative quantity already above it can only grow, so the actual to date
  is compared with the annual target itself. Any excess is a warning; it is red when the
  indicator's year-end score under the ``lte`` scoring rule, 1 − (a − t) ÷ t, would fall below
  the red threshold (an excess over 40% by default). The yellow threshold has no role here.
- Indicators without an actual value (or a qualitative level) give no warning: they are not
  filled in yet. ``range`` and other directions are treated as ``eq``.
- A target of 0 has no progress ratio: a ``gte`` target of 0 is reached by any actual ≥ 0 and
  a ``lte`` ceiling of 0 is broken by any actual above 0, which is red at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

# --- Codes and labels ------------------------------------------------------------------------

RED, YELLOW, GREEN, BLUE = "red", "yellow", "green", "blue"
COLOURS = (RED, YELLOW, GREEN, BLUE)
COLOUR_LABELS = {
    RED: "红色预警",
    YELLOW: "黄色预警",
    GREEN: "绿色（正常）",
    BLUE: "蓝色（超额完成）",
}

BUDGET_EXECUTION, INDICATOR, QUALITATIVE, COMBINED = (
    "budget_execution",
    "indicator",
    "qualitative",
    "combined",
)

GTE, LTE, EQ = "gte", "lte", "eq"

ACHIEVED, PARTLY, NOT_ACHIEVED = "achieved", "partly", "not_achieved"
LEVEL_LABELS = {
    ACHIEVED: "达成年度指标",
    PARTLY: "部分达成年度指标并具有一定效果",
    NOT_ACHIEVED: "未达成年度指标且效果较差",
}
_LEVEL_COLOURS = {ACHIEVED: GREEN, PARTLY: YELLOW, NOT_ACHIEVED: RED}

MSG_MONTHS = "监控月份数应为1至12，实际为{months}"
MSG_THRESHOLDS = (
    "预警阈值应满足 0＜红色线≤黄色线≤100%＜蓝色线，实际为红色{red}、黄色{yellow}、蓝色{blue}"
)

#: Values enter the rules as integers of millionths ("micro"): the database keeps indicator
#: values with 6 decimals and amounts with 4, so every value is exact, every comparison is an
#: exact integer cross-multiplication and every displayed figure is rounded half up (四舍五入)
#: from the exact fraction.
SCALE = 10**6
_T = 10**4  # thresholds and stored ratios: 4 decimals
ZERO, ONE, HUNDRED = Decimal(0), Decimal(1), Decimal(100)
#: Stored ratios are capped (a column of 14 digits with 4 decimals).
VALUE_CAP = Decimal("999999.9999")
_CAP = 9_999_999_999  # VALUE_CAP in ten-thousandths
MSG_DECIMALS = "数值最多6位小数，实际为{value}"
MSG_THRESHOLD_DECIMALS = "预警阈值最多4位小数（万分之一），实际为{value}"


def to_micro(value: Decimal | int) -> int:
    """An exact value as an integer of millionths; more than 6 decimals are refused."""
    if type(value) is int:
        return value * SCALE
    scaled = value.scaleb(6)  # type: ignore[union-attr]
    micro = int(scaled)
    if micro != scaled:
        raise ValueError(MSG_DECIMALS.format(value=value))
    return micro


def _ten_thousandths(fraction: Decimal) -> int:
    scaled = fraction.scaleb(4)
    units = int(scaled)
    if units != scaled:
        raise ValueError(MSG_THRESHOLD_DECIMALS.format(value=fraction))
    return units


@dataclass(frozen=True)
class Thresholds:
    """Warning thresholds as fractions: red below ``red_below``, yellow below ``yellow_below``,
    blue at ``blue_at`` times the annual target (RULES.md defaults: 60%, 80%, 120%); at most
    4 decimals each."""

    red_below: Decimal = Decimal("0.6")
    yellow_below: Decimal = Decimal("0.8")
    blue_at: Decimal = Decimal("1.2")

    def __post_init__(self) -> None:
        if not (ZERO < self.red_below <= self.yellow_below <= ONE < self.blue_at):
            raise ValueError(
                MSG_THRESHOLDS.format(
                    red=_bound(self.red_below),
                    yellow=_bound(self.yellow_below),
                    blue=_bound(self.blue_at),
                )
            )
        red, yellow = _ten_thousandths(self.red_below), _ten_thousandths(self.yellow_below)
        allowed = _T - red  # the excess of a lte indicator that is still yellow
        derived = {
            "red4": red,
            "yellow4": yellow,
            "blue4": _ten_thousandths(self.blue_at),
            "near": (red, yellow),
            "red_text": _bound(self.red_below),
            "yellow_text": _bound(self.yellow_below),
            "blue_text": _bound(self.blue_at),
            "ceiling4": _T + allowed,
            "lte_near": (allowed,),
            "lte_text": _bound(ONE - self.red_below),
        }
        for name, value in derived.items():  # computed once: the rules run a million times
            object.__setattr__(self, name, value)

    def to_json(self) -> dict[str, str]:
        """As stored on a round, so that a closed round keeps the rules it used."""
        return {
            "red_below": _plain(self.red_below),
            "yellow_below": _plain(self.yellow_below),
            "blue_at": _plain(self.blue_at),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object] | None) -> Thresholds:
        """From a round's stored copy; missing keys take the defaults."""
        data = data or {}
        defaults = cls()
        return cls(
            red_below=Decimal(str(data.get("red_below", defaults.red_below))),
            yellow_below=Decimal(str(data.get("yellow_below", defaults.yellow_below))),
            blue_at=Decimal(str(data.get("blue_at", defaults.blue_at))),
        )


class Result(NamedTuple):
    """One warning: its kind, colour, the compared value (a ratio with 4 decimals; None when no
    ratio applies) and a Chinese explanation naming every input. (A named tuple: a round makes
    a million of them.)"""

    kind: str
    colour: str
    value: Decimal | None
    explain: str

    @property
    def is_red(self) -> bool:
        return self.colour == RED


# --- Formatting (integers in, text out) -------------------------------------------------------


def _plain(value: Decimal) -> str:
    """A Decimal without trailing zeros or exponent: 0.6, 1.25, 60."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _bound(fraction: Decimal) -> str:
    """A threshold as a percentage: 60%, 62.5%."""
    return f"{_plain(fraction * HUNDRED)}%"


def _round(n: int, d: int) -> int:
    """n ÷ d (d > 0) rounded half away from zero (四舍五入) to an integer."""
    if n >= 0:
        return (2 * n + d) // (2 * d)
    return -((d - 2 * n) // (2 * d))


def _fixed(units: int, places: int) -> str:
    """An integer count of 10^-places as a decimal with exactly ``places`` decimals."""
    if units < 0:
        return f"-{_fixed(-units, places)}"
    q, r = divmod(units, 10**places)
    return f"{q}.{r:0{places}d}"


def _num(micro: int) -> str:
    """A value as written on the form, without trailing zeros: 24, 93.5."""
    if micro < 0:
        return f"-{_num(-micro)}"
    q, r = divmod(micro, SCALE)
    if r:
        return f"{q}.{f'{r:06d}'.rstrip('0')}"
    return str(q)


def _money(micro: int) -> str:
    """An amount (万元) with two decimals: 320.00."""
    return _fixed(_round(micro, 10_000), 2)


def _short(n: int, d: int) -> str:
    """The value n ÷ d (in millionths) with at most two decimals: 53.67."""
    return _num(_round(n, d * 10_000) * 10_000)


def _pct(n: int, d: int, near: tuple[int, ...] = ()) -> str:
    """The ratio n ÷ d (d > 0) as a percentage with two decimals; six when two would show a
    value that is not on a threshold (``near``, in ten-thousandths) as if it were: 59.998571%,
    not 60.00%."""
    q = _round(n * _T, d)
    if q in near and n * _T != q * d:
        return f"{_fixed(_round(n * 10**8, d), 6)}%"
    return f"{_fixed(q, 2)}%"


def _stored(n: int, d: int) -> Decimal:
    """The ratio n ÷ d (d > 0) kept on a warning row: four decimals, half up, capped."""
    q = _round(n * _T, d)
    return Decimal(max(-_CAP, min(q, _CAP))).scaleb(-4)


DEFAULT_THRESHOLDS = Thresholds()
_TIME_TEXT = {m: _pct(m, 12) for m in range(1, 13)}


def _months(months: int) -> None:
    if not 1 <= months <= 12:
        raise ValueError(MSG_MONTHS.format(months=months))


def time_progress(months: int) -> Decimal:
    """m ÷ 12 as a fraction."""
    _months(months)
    return Decimal(months) / Decimal(12)


# --- Budget execution -------------------------------------------------------------------------


def budget_execution(
    *, budget: Decimal, executed: Decimal, months: int, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> Result:
    """Execution progress: (executed ÷ budget) ÷ (months ÷ 12), i.e. executed × 12 ÷ (budget
    × months). A budget of 0 has no progress: green when nothing was spent, red otherwise."""
    _months(months)
    return execution_core(to_micro(budget), to_micro(executed), months, thresholds)


def execution_core(budget: int, executed: int, months: int, t: Thresholds) -> Result:
    """:func:`budget_execution` on amounts in millionths, ``months`` already checked."""
    if budget <= 0:
        if executed > 0:
            text = f"预算数为{_money(budget)}，执行数{_money(executed)}，无预算支出，红色预警"
            return Result(BUDGET_EXECUTION, RED, None, text)
        text = f"预算数为{_money(budget)}，执行数{_money(executed)}，不计算执行进度，绿色（正常）"
        return Result(BUDGET_EXECUTION, GREEN, None, text)
    n, d = executed * 12, budget * months
    shown = f"执行进度比{_pct(n, d, t.near)}"  # type: ignore[attr-defined]
    if n * _T < t.red4 * d:  # type: ignore[attr-defined]
        colour, comparison = RED, f"{shown}＜{t.red_text}"  # type: ignore[attr-defined]
    elif n * _T < t.yellow4 * d:  # type: ignore[attr-defined]
        colour, comparison = YELLOW, f"{t.red_text}≤{shown}＜{t.yellow_text}"  # type: ignore[attr-defined]
    else:
        colour, comparison = GREEN, f"{shown}≥{t.yellow_text}"  # type: ignore[attr-defined]
    text = (
        f"执行数{_money(executed)}÷预算数{_money(budget)}＝{_pct(executed, budget)}，"
        f"时间进度{months}÷12＝{_TIME_TEXT[months]}，{comparison}，{COLOUR_LABELS[colour]}"
    )
    return Result(BUDGET_EXECUTION, colour, _stored(n, d), text)


# --- Indicators ------------------------------------------------------------------------------


def _micro_or_none(value: Decimal | None) -> int | None:
    return None if value is None else to_micro(value)


def quantitative(
    *,
    direction: str,
    target: Decimal | None,
    actual: Decimal | None,
    months: int,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    expected: Decimal | None = None,
    name: str = "",
    unit: str = "",
) -> Result | None:
    """The warning of a quantitative indicator; None while its actual value (or its target)
    is missing. ``expected`` (the expected year-end value) matters for ``lte`` only."""
    return indicator(
        kind="quantitative",
        direction=direction,
        target=target,
        actual=actual,
        level="",
        months=months,
        thresholds=thresholds,
        expected=expected,
        name=name,
        unit=unit,
    )


def qualitative(*, level: str, name: str = "") -> Result | None:
    """达成 green, 部分达成 yellow, 未达成 red; None while no level is given."""
    return indicator_core(
        QUALITATIVE, "", None, None, None, level, 12, DEFAULT_THRESHOLDS, name, ""
    )


def indicator(
    *,
    kind: str,
    direction: str,
    target: Decimal | None,
    actual: Decimal | None,
    level: str,
    months: int,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    expected: Decimal | None = None,
    name: str = "",
    unit: str = "",
) -> Result | None:
    """The warning of one level-3 indicator, by its nature (定性 or ≥ ≤ =)."""
    _months(months)
    return indicator_core(
        kind,
        direction,
        _micro_or_none(target),
        _micro_or_none(actual),
        _micro_or_none(expected),
        level,
        months,
        thresholds,
        name,
        unit,
    )


def indicator_core(
    kind: str,
    direction: str,
    target: int | None,
    actual: int | None,
    expected: int | None,
    level: str,
    months: int,
    t: Thresholds,
    name: str,
    unit: str,
    quiet_green: bool = False,
) -> Result | None:
    """:func:`indicator` with positional arguments, values in millionths and ``months``
    already checked: the path a whole round's computation takes a million times. With
    ``quiet_green`` a green result comes without value or explanation (a round stores no row
    for an indicator on track, so nothing is formatted for it)."""
    if kind == QUALITATIVE:
        if not level:
            return None
        colour = _LEVEL_COLOURS.get(level)
        if colour is None:
            raise ValueError(f"unknown qualitative level {level!r}")
        if quiet_green and colour == GREEN:
            return QUIET_QUALITATIVE
        prefix = f"{name}：" if name else ""
        text = f"{prefix}定性指标完成情况为“{LEVEL_LABELS[level]}”，{COLOUR_LABELS[colour]}"
        return Result(QUALITATIVE, colour, None, text)
    if actual is None or target is None:
        return None
    if direction == LTE:
        return _lte(name, target, actual, expected, t, unit, quiet_green)
    return _progress(name, target, actual, months, t, unit, direction == GTE, quiet_green)


QUIET_INDICATOR = Result(INDICATOR, GREEN, None, "")
QUIET_QUALITATIVE = Result(QUALITATIVE, GREEN, None, "")


def _progress(
    name: str,
    target: int,
    actual: int,
    months: int,
    t: Thresholds,
    unit: str,
    blue: bool,
    quiet_green: bool,
) -> Result:
    """``gte``/``eq``: actual ÷ (target × months ÷ 12)."""
    if target <= 0:
        if actual >= target:
            if quiet_green:
                return QUIET_INDICATOR
            text = f"年度指标值为{_num(target)}{unit}，实际完成值{_num(actual)}{unit}已达到"
            return Result(INDICATOR, GREEN, None, _text(name, text, GREEN))
        text = f"实际完成值{_num(actual)}{unit}＜年度指标值{_num(target)}{unit}"
        return Result(INDICATOR, RED, None, _text(name, text, RED))
    n, d = actual * 12, target * months
    if blue and actual * _T >= t.blue4 * target:  # type: ignore[attr-defined]
        colour = BLUE
    elif actual == 0 or n * _T < t.red4 * d:  # type: ignore[attr-defined]
        colour = RED
    elif n * _T < t.yellow4 * d:  # type: ignore[attr-defined]
        colour = YELLOW
    elif quiet_green:
        return QUIET_INDICATOR
    else:
        colour = GREEN
    a, shown = f"{_num(actual)}{unit}", _pct(n, d, t.near)  # type: ignore[attr-defined]
    due = f"{_num(target)}{unit}×{months}÷12＝{_short(d, 12)}{unit}"
    formula = f"实际完成值{a}÷（年度指标值{due}）＝{shown}"
    if colour == BLUE:
        over = _short(t.blue4 * target, _T)  # type: ignore[attr-defined]
        comparison = f"实际完成值{a}≥年度指标值×{t.blue_text}＝{over}{unit}"  # type: ignore[attr-defined]
    elif actual == 0:
        comparison = "实际完成值为0"
    elif colour == RED:
        comparison = f"{shown}＜{t.red_text}"  # type: ignore[attr-defined]
    elif colour == YELLOW:
        comparison = f"{t.red_text}≤{shown}＜{t.yellow_text}"  # type: ignore[attr-defined]
    else:
        comparison = f"{shown}≥{t.yellow_text}"  # type: ignore[attr-defined]
    return Result(INDICATOR, colour, _stored(n, d), _text(name, f"{formula}，{comparison}", colour))


def _text(name: str, body: str, colour: str) -> str:
    """ "name：body，colour label"."""
    return (
        f"{name}：{body}，{COLOUR_LABELS[colour]}" if name else f"{body}，{COLOUR_LABELS[colour]}"
    )


def _lte(
    name: str,
    target: int,
    actual: int,
    expected: int | None,
    t: Thresholds,
    unit: str,
    quiet_green: bool,
) -> Result:
    """``lte``: a ceiling, compared as it stands (see the module's notes)."""
    if actual <= target:
        doubtful = expected is not None and expected > target
        if quiet_green and not doubtful:
            return QUIET_INDICATOR
        value = _stored(actual, target) if target > 0 else None
        body = f"实际完成值{_num(actual)}{unit}≤年度指标值{_num(target)}{unit}（反向指标）"
        if doubtful:
            body += f"，但预计全年完成值{_num(expected)}{unit}＞年度指标值"  # type: ignore[arg-type]
            return Result(INDICATOR, YELLOW, value, _text(name, body, YELLOW))
        return Result(INDICATOR, GREEN, value, _text(name, body, GREEN))
    a, tv = f"{_num(actual)}{unit}", f"{_num(target)}{unit}"
    if target <= 0:
        return Result(
            INDICATOR, RED, None, _text(name, f"实际完成值{a}＞年度指标值{tv}（反向指标）", RED)
        )
    shown = _pct(actual - target, target, t.lte_near)  # type: ignore[attr-defined]
    body = f"实际完成值{a}÷年度指标值{tv}（反向指标）＝{_pct(actual, target)}，超出{shown}"
    if actual * _T > t.ceiling4 * target:  # type: ignore[attr-defined]
        colour, body = RED, f"{body}＞{t.lte_text}"  # type: ignore[attr-defined]
    else:
        colour, body = YELLOW, f"{body}≤{t.lte_text}"  # type: ignore[attr-defined]
    return Result(INDICATOR, colour, _stored(actual, target), _text(name, body, colour))


# --- Combined --------------------------------------------------------------------------------

_LISTED = 3  # red indicators named in a combined explanation before "等N项"


def combined(
    execution: Result, indicators: Iterable[tuple[str, Result]], measured: int | None = None
) -> Result:
    """The project's overall colour from its execution warning and its indicators' warnings
    (``(name, result)`` pairs): execution on schedule (green) and targets on track (no red
    indicator) → green; exactly one of them off → yellow; both off → red. ``measured``: how
    many indicators have a colour, when ``indicators`` leaves out green ones."""
    on_schedule = execution.colour == GREEN
    pairs = list(indicators)
    red_names = [name for name, result in pairs if result.colour == RED]
    counted = len(pairs) if measured is None else measured
    on_track = not red_names
    off = (not on_schedule) + (not on_track)
    colour = (GREEN, YELLOW, RED)[off]
    execution_text = (
        "预算执行按进度（绿色）"
        if on_schedule
        else f"预算执行未按进度（{COLOUR_LABELS[execution.colour]}）"
    )
    if on_track:
        target_text = f"绩效指标无红色预警（已填报{counted}项）"
    else:
        listed = "、".join(red_names[:_LISTED])
        more = f"等{len(red_names)}项" if len(red_names) > _LISTED else ""
        target_text = f"绩效指标红色预警{len(red_names)}项（{listed}{more}）"
    verdict = ("两项均正常", "一项偏离", "两项均偏离")[off]
    text = f"{execution_text}；{target_text}；{verdict}，{COLOUR_LABELS[colour]}"
    return Result(COMBINED, colour, None, text)
