"""The warning rules (RULES.md "Monitoring") at their boundaries: pure functions, no database."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.budget.monitoring import warnings as rules
from jixiao.budget.monitoring.warnings import BLUE, GREEN, RED, YELLOW, Thresholds

D = Decimal


def execution(executed: str, budget: str = "1200", months: int = 7) -> rules.Result:
    return rules.budget_execution(budget=D(budget), executed=D(executed), months=months)


def gte(actual: str | None, target: str | None = "24", months: int = 6, **kw) -> rules.Result:  # type: ignore[no-untyped-def]
    result = rules.quantitative(
        direction=kw.pop("direction", "gte"),
        target=None if target is None else D(target),
        actual=None if actual is None else D(actual),
        months=months,
        **kw,
    )
    assert result is not None
    return result


def lte(actual: str, target: str = "50", expected: str | None = None) -> rules.Result:
    return gte(actual, target, direction="lte", expected=None if expected is None else D(expected))


# --- Budget execution ----------------------------------------------------------------------


def test_the_example_of_the_issue_explains_every_number():
    result = execution("320")
    assert result.colour == RED and result.kind == rules.BUDGET_EXECUTION
    assert result.value == D("0.4571")
    assert result.explain == (
        "执行数320.00÷预算数1200.00＝26.67%，时间进度7÷12＝58.33%，执行进度比45.71%＜60%，红色预警"
    )


@pytest.mark.parametrize(
    ("executed", "colour", "value"),
    [
        ("419.99", RED, "0.6000"),  # 59.998…%: just below 60%
        ("420", YELLOW, "0.6000"),  # exactly 60%
        ("559.99", YELLOW, "0.8000"),  # just below 80%
        ("560", GREEN, "0.8000"),  # exactly 80%
        ("0", RED, "0.0000"),
        ("1500", GREEN, "2.1429"),  # spent beyond the budget: on schedule
    ],
)
def test_budget_execution_boundaries(executed, colour, value):
    result = execution(executed)
    assert result.colour == colour
    assert result.value == D(value)


def test_a_value_just_below_a_threshold_is_not_shown_as_the_threshold():
    result = execution("419.99")
    assert "60.00%＜60%" not in result.explain
    assert "执行进度比59.998571%＜60%" in result.explain
    assert "60%≤执行进度比60.00%＜80%，黄色预警" in execution("420").explain
    assert "执行进度比80.00%≥80%，绿色（正常）" in execution("560").explain


def test_month_twelve_is_the_whole_year():
    assert execution("80", "100", 12).colour == GREEN
    assert execution("79.99", "100", 12).colour == YELLOW
    assert execution("60", "100", 12).colour == YELLOW
    assert execution("59.99", "100", 12).colour == RED
    assert "时间进度12÷12＝100.00%" in execution("80", "100", 12).explain


def test_budget_zero_has_no_progress_ratio():
    nothing = execution("0", "0")
    assert (nothing.colour, nothing.value) == (GREEN, None)
    assert nothing.explain == "预算数为0.00，执行数0.00，不计算执行进度，绿色（正常）"
    spent = execution("5", "0")
    assert (spent.colour, spent.value) == (RED, None)
    assert "执行数5.00，无预算支出，红色预警" in spent.explain


@pytest.mark.parametrize("months", [0, 13, -1])
def test_months_outside_the_year_are_refused(months):
    with pytest.raises(ValueError, match="监控月份数应为1至12"):
        execution("1", months=months)


@given(
    executed=st.decimals(min_value=0, max_value=10**6, places=4),
    budget=st.decimals(min_value="0.0001", max_value=10**6, places=4),
    months=st.integers(1, 12),
)
def test_budget_execution_agrees_with_exact_fractions(executed, budget, months):
    ratio = Fraction(executed) * 12 / (Fraction(budget) * months)
    expected = RED if ratio < Fraction(3, 5) else YELLOW if ratio < Fraction(4, 5) else GREEN
    result = rules.budget_execution(budget=budget, executed=executed, months=months)
    assert result.colour == expected


# --- Quantitative indicators ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "colour"),
    [
        ("7.19", RED),  # target 24 × 6 ÷ 12 = 12 due; 59.92%
        ("7.2", YELLOW),  # exactly 60%
        ("9.59", YELLOW),
        ("9.6", GREEN),  # exactly 80%
        ("28.79", GREEN),
        ("28.8", BLUE),  # exactly 120% of the annual target
        ("0", RED),
    ],
)
def test_gte_boundaries(actual, colour):
    assert gte(actual).colour == colour


def test_gte_explains_its_computation():
    result = gte("10", name="新建改造供水工程", unit="处", months=7)
    assert result.explain == (
        "新建改造供水工程：实际完成值10处÷（年度指标值24处×7÷12＝14处）＝71.43%，"
        "60%≤71.43%＜80%，黄色预警"
    )
    assert result.value == D("0.7143")
    assert "实际完成值为0，红色预警" in gte("0").explain
    blue = gte("28.8", unit="处")
    assert "实际完成值28.8处≥年度指标值×120%＝28.8处，蓝色（超额完成）" in blue.explain


def test_gte_month_twelve():
    assert gte("60", "100", 12).colour == YELLOW
    assert gte("59.99", "100", 12).colour == RED
    assert gte("80", "100", 12).colour == GREEN
    assert gte("120", "100", 12).colour == BLUE


def test_gte_target_zero_is_reached_by_any_actual():
    zero = gte("0", "0")
    assert (zero.colour, zero.value) == (GREEN, None)
    assert "年度指标值为0，实际完成值0已达到" in zero.explain
    assert gte("5", "0").colour == GREEN  # not blue: no over-achievement of nothing


def test_eq_measures_progress_without_blue():
    assert gte("30", direction="eq").colour == GREEN
    assert gte("7.2", direction="eq").colour == YELLOW
    assert gte("7.19", direction="range").colour == RED


def test_missing_actual_or_target_gives_no_warning():
    assert rules.quantitative(direction="gte", target=D(1), actual=None, months=3) is None
    assert rules.quantitative(direction="gte", target=None, actual=D(1), months=3) is None


@pytest.mark.parametrize(
    ("actual", "expected", "colour"),
    [
        ("50", None, GREEN),  # at the ceiling
        ("30", None, GREEN),
        ("50.01", None, YELLOW),  # any excess is a warning
        ("70", None, YELLOW),  # exactly 40% over: the lte score is exactly 60%
        ("70.01", None, RED),
        ("45", "55", YELLOW),  # within the ceiling, but expected above it at year end
        ("45", "50", GREEN),
    ],
)
def test_lte_is_a_ceiling(actual, expected, colour):
    assert lte(actual, expected=expected).colour == colour


def test_lte_explains_the_excess():
    result = lte("55")
    assert result.value == D("1.1000")
    assert result.explain == (
        "实际完成值55÷年度指标值50（反向指标）＝110.00%，超出10.00%≤40%，黄色预警"
    )
    assert "超出50.00%＞40%，红色预警" in lte("75").explain
    assert "但预计全年完成值55＞年度指标值，黄色预警" in lte("45", expected="55").explain


def test_lte_target_zero_is_broken_by_anything_above_it():
    assert lte("0", "0").colour == GREEN
    assert lte("0", "0").value is None
    assert lte("0.01", "0").colour == RED
    assert lte("0", "0", expected="1").colour == YELLOW


# --- Qualitative and combined --------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "colour"),
    [("achieved", GREEN), ("partly", YELLOW), ("not_achieved", RED)],
)
def test_qualitative_levels(level, colour):
    result = rules.qualitative(level=level, name="群众饮水安全状况")
    assert result is not None and result.colour == colour and result.value is None
    assert result.explain.startswith("群众饮水安全状况：定性指标完成情况为“")


def test_qualitative_without_level_gives_no_warning():
    assert rules.qualitative(level="") is None
    with pytest.raises(ValueError, match="unknown"):
        rules.qualitative(level="maybe")


def _indicators(*colours: str) -> list[tuple[str, rules.Result]]:
    return [
        (f"指标{n}", rules.Result(rules.INDICATOR, colour, None, ""))
        for n, colour in enumerate(colours, 1)
    ]


@pytest.mark.parametrize(
    ("execution_colour", "indicators", "colour"),
    [
        (GREEN, (GREEN, YELLOW, BLUE), GREEN),  # on schedule, on track
        (GREEN, (GREEN, RED), YELLOW),  # on schedule, a red indicator
        (YELLOW, (GREEN,), YELLOW),  # behind schedule, on track
        (RED, (GREEN,), YELLOW),
        (RED, (RED,), RED),  # both off
        (YELLOW, (RED, GREEN), RED),
        (GREEN, (), GREEN),  # nothing filled in yet: no red indicator
    ],
)
def test_combined_rule(execution_colour, indicators, colour):
    execution_result = rules.Result(rules.BUDGET_EXECUTION, execution_colour, None, "")
    result = rules.combined(execution_result, _indicators(*indicators))
    assert result.colour == colour and result.kind == rules.COMBINED


def test_combined_names_the_red_indicators():
    execution_result = rules.Result(rules.BUDGET_EXECUTION, RED, None, "")
    result = rules.combined(execution_result, _indicators(RED, RED, GREEN, RED, RED))
    assert result.explain == (
        "预算执行未按进度（红色预警）；绩效指标红色预警4项（指标1、指标2、指标4等4项）；"
        "两项均偏离，红色预警"
    )


# --- Thresholds ----------------------------------------------------------------------------


def test_thresholds_are_configurable():
    strict = Thresholds(red_below=D("0.7"), yellow_below=D("0.9"), blue_at=D("1.5"))
    assert execution("420").colour == YELLOW
    result = rules.budget_execution(budget=D(1200), executed=D(420), months=7, thresholds=strict)
    assert result.colour == RED and "执行进度比60.00%＜70%" in result.explain
    assert gte("28.8", thresholds=strict).colour == GREEN  # blue only from 150%
    # lte: red once the excess is over 1 − 70% = 30%
    assert gte("65", "50", direction="lte", thresholds=strict).colour == YELLOW
    assert gte("65.01", "50", direction="lte", thresholds=strict).colour == RED
    assert Thresholds.from_json(strict.to_json()) == strict
    assert Thresholds.from_json({}) == Thresholds()


@pytest.mark.parametrize(
    ("red", "yellow", "blue"),
    [("0", "0.8", "1.2"), ("0.8", "0.6", "1.2"), ("0.6", "1.1", "1.2"), ("0.6", "0.8", "1")],
)
def test_thresholds_out_of_order_are_refused(red, yellow, blue):
    with pytest.raises(ValueError, match="预警阈值"):
        Thresholds(D(red), D(yellow), D(blue))


@given(
    direction=st.sampled_from(["gte", "eq", "lte"]),
    target=st.integers(-5, 10**9),
    actual=st.integers(0, 2 * 10**9),
    expected=st.none() | st.integers(0, 2 * 10**9),
    months=st.integers(1, 12),
)
def test_a_quiet_green_is_the_same_colour(direction, target, actual, expected, months):
    """The computation of a round skips the explanation of green indicators, nothing else."""
    args = ("quantitative", direction, target, actual, expected, "", months, Thresholds(), "x", "")
    full = rules.indicator_core(*args)
    quiet = rules.indicator_core(*args, True)
    assert full is not None and quiet is not None
    assert quiet.colour == full.colour
    if full.colour != GREEN:
        assert quiet == full
