"""Worked examples of every scoring rule and option at its boundaries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from jixiao.indicators.scoring import (
    FORMAT,
    FieldReader,
    LeafResult,
    Options,
    Rule,
    SheetError,
    SheetResult,
    audit_sheet,
    parse_sheet,
    register_rule,
    registered_rules,
    score_sheet,
    unregister_rule,
)
from jixiao.indicators.scoring.model import Leaf, Params

D = Decimal


def sheet(*items: dict[str, Any], **options: Any) -> dict[str, Any]:
    return {"format": FORMAT, "title": "测试", **options, "items": list(items)}


def leaf(rule: str, full: Any = 10, name: str = "指标", **fields: Any) -> dict[str, Any]:
    node = {"name": name, "rule": rule, **fields}
    if full is not None:
        node["full"] = full
    return node


def score(*items: dict[str, Any], **options: Any) -> SheetResult:
    """Score the items; the scale defaults to the sum of their fulls."""
    fulls = [D(str(item.get("full", 0))) for item in items if "full" in item]
    options.setdefault("scale", sum(fulls, D(0)))
    return score_sheet(parse_sheet(sheet(*items, **options)))


def one(node: dict[str, Any], **options: Any) -> LeafResult:
    return score(node, **options).items[0]


def refused(document: dict[str, Any], audit: bool = False) -> str:
    """The messages of a refused sheet, as one text."""
    with pytest.raises(SheetError) as error:
        parse_sheet(document, audit=audit)
    assert error.value.messages
    return "\n".join(error.value.messages)


def refused_leaf(node: dict[str, Any], **options: Any) -> str:
    return refused(sheet(node, scale=node.get("full", 10), **options))


# --- grades -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "given", "grade", "label"),
    [
        ("achieved", "100", "excellent", "优"),
        ("achieved", "90", "excellent", "优"),
        ("achieved", "89.99", "good", "良"),
        ("achieved", "80", "good", "良"),
        ("partly", "79.99", "fair", "中"),
        ("partly", "60", "fair", "中"),
        ("not_achieved", "59.99", "poor", "差"),
        ("not_achieved", "0", "poor", "差"),
    ],
)
def test_default_grades_at_their_bounds(level: str, given: str, grade: str, label: str) -> None:
    result = score(leaf("qualitative", 100, level=level, score=D(given)))
    assert result.total == D(given)
    assert (result.grade.code, result.grade.label) == (grade, label)


def test_custom_grades() -> None:
    grades = [
        {"code": "excellent", "label": "优", "min": 80},
        {"code": "good", "label": "良", "min": 70},
        {"code": "fair", "label": "中", "min": 60},
        {"code": "poor", "label": "差", "min": 0},
    ]
    node = leaf("qualitative", 100, level="partly", score=D("79.99"))
    assert score(node, grades=grades).grade.label == "良"
    node = leaf("qualitative", 100, level="achieved", score=80)
    assert score(node, grades=grades).grade.label == "优"


@pytest.mark.parametrize(
    ("grades", "mention"),
    [
        ([], "grades"),
        ([{"code": "a", "label": "甲", "min": 50}], "min 应为0"),
        ([{"code": "a", "label": "甲", "min": 0}, {"code": "a", "label": "乙", "min": 5}], "code"),
        ([{"code": "a", "label": "甲", "min": 0}, {"code": "b", "label": "乙", "min": 0}], "min"),
        ([{"code": "a", "label": "甲", "min": -1}], "负数"),
        ([{"code": " ", "label": "甲", "min": 0}], "不能为空"),
        ([{"label": "甲", "min": 0}], "grades[1].code"),
        (["优"], "grades[1]"),
    ],
)
def test_bad_grades_are_refused(grades: Any, mention: str) -> None:
    assert mention in refused(sheet(leaf("gte", 100, target=1, actual=1), grades=grades))


# --- rounding and decimals --------------------------------------------------------------------


def test_half_up_rounding_at_a_half() -> None:
    # 1 ÷ 2 × 4.69 = 2.345 exactly
    node = leaf("gte", D("4.69"), target=2, actual=1, explanation="原因")
    assert one(node).score == D("2.35")
    assert one(node, rounding="down").score == D("2.34")


def test_rounding_is_exact_even_when_a_quotient_is_not() -> None:
    # 2.345 ÷ 3 × 3 = 2.345, although 2.345 ÷ 3 has no finite decimal: multiplying first
    node = leaf("gte", 3, target=3, actual=D("2.345"), explanation="原因")
    assert one(node).score == D("2.35")
    assert one(node, rounding="down").score == D("2.34")


@pytest.mark.parametrize(
    ("decimals", "rounding", "expected"),
    [
        (0, "half_up", "3"),
        (0, "down", "2"),
        (1, "half_up", "2.5"),
        (1, "down", "2.5"),
        (3, "half_up", "2.545"),
        (4, "down", "2.5450"),
    ],
)
def test_decimals_and_rounding(decimals: int, rounding: str, expected: str) -> None:
    # 254.5 ÷ 1000 × 10 = 2.545
    node = leaf("gte", 10, target=1000, actual=D("254.5"), explanation="原因")
    result = one(node, decimals=decimals, rounding=rounding)
    assert str(result.score) == expected


def test_integer_scores_round_down_like_published_county_tables() -> None:
    result = score(
        leaf("budget_execution", 10, budget=D("32.4"), executed=D("31.69")),
        leaf("gte", 90, name="数量", target=100, actual=D("99.9"), explanation="原因"),
        decimals=0,
        rounding="down",
    )
    assert [item.score for item in result.items] == [D(9), D(89)]
    assert str(result.total) == "98"
    assert "向下取整为9" in result.items[0].explain


def test_full_scores_must_fit_the_decimals() -> None:
    document = sheet(leaf("gte", D("7.5"), target=1, actual=1), scale=D("7.5"), decimals=0)
    assert "分值7.5的小数位数多于得分保留的位数（decimals 为0）" in refused(document)


def test_a_zero_full_score_is_allowed() -> None:
    result = score(
        leaf("gte", 0, name="甲", target=1, actual=0),
        leaf("gte", 100, name="乙", target=1, actual=1),
    )
    assert [item.score for item in result.items] == [D(0), D(100)]


@pytest.mark.parametrize("decimals", [5, -1, D("2.5"), "2", True])
def test_bad_decimals(decimals: Any) -> None:
    assert "decimals" in refused(sheet(leaf("gte", 100, target=1, actual=1), decimals=decimals))


@pytest.mark.parametrize("rounding", ["up", "HALF_UP", 1, ""])
def test_bad_rounding(rounding: Any) -> None:
    assert "rounding" in refused(sheet(leaf("gte", 100, target=1, actual=1), rounding=rounding))


# --- gte, lte, eq, lte_ratio ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "target", "actual", "expected"),
    [
        ("gte", 0, 0, "10.00"),
        ("gte", 0, 5, "10.00"),
        ("gte", 24, 22, "9.17"),
        ("gte", 24, 24, "10.00"),
        ("gte", 24, 100, "10.00"),
        ("gte", 24, 0, "0.00"),
        ("lte", 0, 0, "10.00"),
        ("lte", 0, D("0.01"), "0.00"),
        ("lte", 10, 10, "10.00"),
        ("lte", 10, 15, "5.00"),
        ("lte", 10, D("19.99"), "0.01"),
        ("lte", 10, 20, "0.00"),
        ("lte", 10, 25, "0.00"),
        ("eq", 0, 0, "10.00"),
        ("eq", 0, 1, "0.00"),
        ("eq", 100, 98, "9.80"),
        ("eq", 100, 102, "9.80"),
        ("eq", 100, 200, "0.00"),
        ("eq", 100, 250, "0.00"),
        ("eq", 100, 0, "0.00"),
        ("lte_ratio", 5300, 5830, "9.09"),
        ("lte_ratio", 5300, 5300, "10.00"),
        ("lte_ratio", 5300, 100, "10.00"),
        ("lte_ratio", 0, 0, "10.00"),
        ("lte_ratio", 0, 1, "0.00"),
    ],
)
def test_target_rules(rule: str, target: Any, actual: Any, expected: str) -> None:
    result = one(leaf(rule, 10, target=target, actual=actual))
    assert str(result.score) == expected
    assert D(0) <= result.score <= 10  # type: ignore[operator]


@pytest.mark.parametrize(
    ("rule", "target", "actual", "flagged"),
    [
        ("gte", 100, 99, True),
        ("gte", 100, 100, False),
        ("gte", 100, D("129.99"), False),
        ("gte", 100, 130, True),
        ("gte", 100, 500, True),
        ("gte", 0, 0, False),
        ("gte", 0, 1, True),
        ("lte", 10, 10, False),
        ("lte", 10, D("10.01"), True),
        ("lte", 10, 5, False),
        ("lte_ratio", 10, 11, True),
        ("lte_ratio", 10, 9, False),
        ("eq", 100, 100, False),
        ("eq", 100, D("99.99"), True),
        ("eq", 100, 101, True),
    ],
)
def test_explanation_required(rule: str, target: Any, actual: Any, flagged: bool) -> None:
    node = leaf(rule, 10, target=target, actual=actual)
    assert one(node).flags == (("explanation_required",) if flagged else ())
    assert one(node | {"explanation": "偏差原因：……"}).flags == ()


def test_over_achievement_keeps_the_full_score() -> None:
    result = one(leaf("gte", 10, target=36000, actual=48000, unit="人"))
    assert result.score == 10
    assert "133.33%" in result.explain and "130%" in result.explain


@pytest.mark.parametrize("blank", ["", " ", "　", "\n\t", None])
def test_blank_explanations_count_as_missing(blank: str | None) -> None:
    assert one(leaf("gte", 10, target=10, actual=9, explanation=blank)).flags == (
        "explanation_required",
    )


def test_rules_without_targets_never_require_explanations() -> None:
    items = [
        leaf("budget_execution", 10, budget=100, executed=50),
        leaf("qualitative", 10, level="not_achieved", score=1),
        leaf("tiers", 10, value=0, tiers=[{"min": 50, "fraction": 1}]),
    ]
    assert all(item.flags == () for item in score(*items).items)


# --- explanations -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("node", "text"),
    [
        (
            leaf("gte", 15, target=24, actual=22, unit="处"),
            "完成值22处＜指标值24处，按完成比例计分：22÷24×15＝13.75",
        ),
        (leaf("gte", 10, target=90, actual=96, unit="%"), "完成值96%≥指标值90%，得满分10"),
        (
            leaf("lte", 10, target=50, actual=56, unit="万元"),
            "完成值56万元＞指标值50万元，按超出比例扣分：(1－(56－50)÷50)×10＝8.80",
        ),
        (leaf("lte", 10, target=50, actual=100, unit="万元"), "100万元达到指标值50万元的2倍"),
        (
            leaf("eq", 30, target=100, actual=98, unit="%"),
            "完成值98%≠指标值100%，按偏离比例计分：(1－|98－100|÷100)×30＝29.40",
        ),
        (leaf("eq", 30, target=100, actual=100, unit="%"), "完成值100%＝指标值100%，得满分30"),
        (
            leaf("lte_ratio", 20, target=5300, actual=5830, unit="元/户"),
            "5300÷5830×20≈18.1818，四舍五入保留2位小数为18.18",
        ),
        (
            leaf("budget_execution", 10, budget=D("1200.00"), executed=D("1083.60")),
            "执行数1083.60÷预算数1200.00＝90.30%，得分：90.30%×10＝9.03",
        ),
        (
            leaf("budget_execution", 10, budget=100, executed=120),
            "执行数120.00÷预算数100.00＝120.00%，执行率超过100%按100%计，得满分10",
        ),
        (
            leaf("qualitative", 5, level="partly", score=D("3.5")),
            "定性评价：部分达成年度指标并具有一定效果，档位[3.00, 4.00)，评价人给分3.50",
        ),
        (
            leaf(
                "tiers",
                20,
                value=87,
                tiers=[{"min": 90, "fraction": 1}, {"min": 80, "fraction": D("0.85")}],
            ),
            "取值87，达到“≥80”档，得分：0.85×20＝17.00",
        ),
        (
            leaf("tiers", 20, value=7, tiers=[{"min": 60, "fraction": 1}]),
            "取值7，低于最低档（≥60），得0分",
        ),
    ],
)
def test_explanations_show_the_numbers(node: dict[str, Any], text: str) -> None:
    assert text in one(node).explain


def test_explanation_of_an_adjustment() -> None:
    node = leaf("gte", 50, target=100, actual=100, adjustment={"score": 45, "reason": "资金晚到"})
    assert "按规则计得50.00，评价人调整为45.00，理由：资金晚到" in one(node).explain


def test_explanation_of_a_missing_reason() -> None:
    assert "须填写偏差原因分析及改进措施" in one(leaf("gte", 10, target=10, actual=9)).explain


# --- budget execution -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("budget", "executed", "expected"),
    [(200, 170, "8.50"), (100, 100, "10.00"), (100, 150, "10.00"), (100, 0, "0.00")],
)
def test_budget_execution(budget: int, executed: int, expected: str) -> None:
    node = leaf("budget_execution", 10, budget=budget, executed=executed)
    assert str(one(node).score) == expected


@pytest.mark.parametrize("budget", [0, -1, D("0.00")])
def test_budget_must_be_positive(budget: Any) -> None:
    message = refused_leaf(
        leaf("budget_execution", 10, name="预算执行率", budget=budget, executed=1)
    )
    assert "“预算执行率”" in message and "budget" in message


# --- qualitative ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "given", "bands", "accepted"),
    [
        ("achieved", "8", None, True),
        ("achieved", "10", None, True),
        ("achieved", "7.99", None, False),
        ("achieved", "10.01", None, False),
        ("partly", "6", None, True),
        ("partly", "7.99", None, True),
        ("partly", "8", None, False),
        ("partly", "5.99", None, False),
        ("not_achieved", "0", None, True),
        ("not_achieved", "5.99", None, True),
        ("not_achieved", "6", None, False),
        ("partly", "5", [D("0.8"), D("0.5")], True),
        ("partly", "4.99", [D("0.8"), D("0.5")], False),
        ("not_achieved", "4.99", [D("0.8"), D("0.5")], True),
        ("achieved", "9", [1, D("0.5")], False),
        ("achieved", "10", [1, D("0.5")], True),
    ],
)
def test_qualitative_bands(level: str, given: str, bands: Any, accepted: bool) -> None:
    node = leaf("qualitative", 10, level=level, score=D(given))
    options = {} if bands is None else {"qualitative_bands": bands}
    if accepted:
        assert one(node, **options).score == D(given)
    else:
        assert "不在" in refused_leaf(node, **options)


@pytest.mark.parametrize(
    ("fields", "mention"),
    [
        ({"level": "achieved"}, "缺少字段 score"),
        ({"level": "good", "score": 9}, "level"),
        ({"score": 9}, "level"),
        ({"level": "achieved", "score": "9"}, "应为数值"),
    ],
)
def test_bad_qualitative_leaves(fields: dict[str, Any], mention: str) -> None:
    assert mention in refused_leaf(leaf("qualitative", 10, **fields))


@pytest.mark.parametrize(
    "bands", [[D("0.6"), D("0.8")], [D("0.8")], [D("1.2"), D("0.5")], [D("0.8"), 0], "0.8"]
)
def test_bad_qualitative_bands(bands: Any) -> None:
    node = leaf("qualitative", 10, level="achieved", score=10)
    assert "qualitative_bands" in refused_leaf(node, qualitative_bands=bands)


# --- tiers ------------------------------------------------------------------------------------

TIERS = [
    {"min": 60, "fraction": D("0.6")},
    {"min": 90, "fraction": 1},
    {"min": 80, "fraction": D("0.85")},
]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (100, "20.00"),
        (90, "20.00"),
        (D("89.9"), "17.00"),
        (80, "17.00"),
        (60, "12.00"),
        (59, "0.00"),
        (-5, "0.00"),
    ],
)
def test_tiers_take_the_highest_reached(value: Any, expected: str) -> None:
    assert str(one(leaf("tiers", 20, value=value, tiers=TIERS)).score) == expected


@pytest.mark.parametrize(
    ("tiers", "mention"),
    [
        ([], "tiers"),
        ([{"min": 0, "fraction": D("1.5")}], "tiers[1].fraction"),
        ([{"min": 0}], "tiers[1].fraction"),
        ([{"min": 0, "fraction": 1}, {"min": 0, "fraction": D("0.5")}], "min 都是0"),
        ([5], "tiers[1]"),
    ],
)
def test_bad_tiers(tiers: Any, mention: str) -> None:
    assert mention in refused_leaf(leaf("tiers", 20, value=1, tiers=tiers))


# --- bonus and penalty ------------------------------------------------------------------------


def test_bonus_with_and_without_cap() -> None:
    base = leaf("gte", 100, target=1, actual=1)
    capped = leaf("bonus", None, name="加分", points=2, count=3, cap=5)
    result = score(base, capped, scale=100)
    assert (result.items[1].score, result.total) == (D(5), D(105))
    assert result.items[1].leaf.full is None
    uncapped = leaf("bonus", None, name="加分", points=2, count=3)
    assert score(base, uncapped, scale=100).total == D(106)


def test_penalty_cannot_drive_the_total_below_zero() -> None:
    weak = leaf("qualitative", 100, level="not_achieved", score=5)
    penalty = leaf("penalty", None, name="扣分", points=10, count=1)
    result = score(weak, penalty, scale=100)
    assert result.total == 0 and result.grade.code == "poor"
    assert str(result.total) == "0.00"


def test_bonus_and_penalty_must_not_have_a_full_score() -> None:
    document = sheet(leaf("gte", 100, target=1, actual=1), leaf("bonus", 5, points=1, count=1))
    assert "full" in refused(document)


# --- adjustments ------------------------------------------------------------------------------


def test_adjustment_keeps_the_computed_score() -> None:
    node = leaf("gte", 50, target=100, actual=100, adjustment={"score": 45, "reason": "资金晚到"})
    result = one(node)
    assert (result.score, result.computed, result.flags) == (D(45), D(50), ("adjusted",))
    assert result.to_dict()["computed"] == D(50)


@pytest.mark.parametrize(
    ("adjustment", "mention"),
    [
        ({"score": 45}, "须说明理由"),
        ({"score": 45, "reason": ""}, "须说明理由"),
        ({"score": 45, "reason": "  \n"}, "须说明理由"),
        ({"score": 45, "reason": None}, "须说明理由"),
        ({"score": 51, "reason": "理由"}, "应在0到满分50之间"),
        ({"score": -1, "reason": "理由"}, "负数"),
        ({"reason": "理由"}, "adjustment.score"),
        (45, "adjustment"),
    ],
)
def test_bad_adjustments_are_refused(adjustment: Any, mention: str) -> None:
    node = leaf("gte", 50, name="资金到位及时率", target=100, actual=100, adjustment=adjustment)
    message = refused_leaf(node)
    assert mention in message and "“资金到位及时率”" in message


# --- not applicable ---------------------------------------------------------------------------


def test_not_applicable_rescales_to_the_scale() -> None:
    result = score(
        leaf("gte", 60, name="甲", target=100, actual=90, explanation="原因"),
        leaf("gte", 40, name="乙", target=1, actual=0, applicable=False),
    )
    na = result.items[1]
    assert (na.score, na.flags) == (None, ("not_applicable",))
    assert result.total == D(90)  # 54 × 100 ÷ 60


def test_rescaled_total_is_rounded_again() -> None:
    result = score(
        leaf("gte", 30, name="甲", target=3, actual=2, explanation="原因"),
        leaf("gte", 70, name="乙", target=1, actual=1),
        leaf("gte", 20, name="丙", target=1, actual=1, applicable=False),
        scale=120,
    )
    # (20.00 + 70) × 120 ÷ 100 = 108
    assert result.total == D("108.00")
    result = score(
        leaf("gte", 10, name="甲", target=3, actual=1, explanation="原因"),
        leaf("gte", 80, name="乙", target=1, actual=1),
        leaf("gte", 10, name="丙", target=1, actual=1, applicable=False),
    )
    # (3.33 + 80) × 100 ÷ 90 = 92.5888… → 92.59
    assert str(result.total) == "92.59"


def test_every_item_left_out_is_refused() -> None:
    document = sheet(
        leaf("gte", 60, name="甲", target=1, actual=1, applicable=False),
        leaf("gte", 40, name="乙", target=1, actual=1, applicable=False),
    )
    assert "所有指标均不适用" in refused(document)


def test_adjusting_a_left_out_item_is_refused() -> None:
    node = leaf(
        "gte", 100, target=1, actual=1, applicable=False, adjustment={"score": 1, "reason": "r"}
    )
    assert "不能调整" in refused(sheet(node))


# --- sheet-level refusals ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "mention"),
    [
        ([], "JSON 对象"),
        ({"items": [leaf("gte", 100, target=1, actual=1)]}, "缺少字段 format"),
        (
            {"format": "jixiao-sheet/2", "items": [leaf("gte", 100, target=1, actual=1)]},
            "jixiao-sheet/1",
        ),
        (sheet(), "items"),
        ({"format": FORMAT, "items": {}}, "items"),
        (sheet(leaf("gte", 100, target=1, actual=1), scale=0), "scale"),
        (sheet(leaf("gte", 90, target=1, actual=1)), "各末级指标分值合计为90，应等于满分100"),
        (sheet(leaf("bonus", None, points=1, count=1)), "没有计分指标"),
        (sheet({"name": "产出指标", "children": []}), "“产出指标”：字段 children"),
        (sheet({"name": "产出指标"}), "既没有 children 也没有 rule"),
        (
            sheet({"name": "产出", "rule": "gte", "children": [leaf("gte", 100)]}),
            "同时有 children 和 rule",
        ),
        (sheet({"rule": "gte", "full": 100, "target": 1, "actual": 1}), "“第1项”：缺少字段 name"),
        (sheet(leaf("gte", 100, name="  ", target=1, actual=1)), "name 不能为空"),
        (sheet(leaf("gte", 100, target=1, actual=1), "x"), "“第2项”：应为对象"),
        (sheet(leaf("unknown", 100)), "未知的计分规则“unknown”"),
        (sheet(leaf(["gte"], 100)), "字段 rule"),
        (sheet(leaf("gte", None, target=1, actual=1)), "缺少字段 full"),
        (sheet(leaf("gte", 100, target=1, actual=1, applicable="no")), "applicable"),
        (sheet(leaf("gte", 100, target=1, actual=1, explanation=5)), "explanation"),
        (sheet(leaf("gte", 100, target=1, actual=1, unit=5)), "unit"),
        (sheet(leaf("gte", 100, target=D("NaN"), actual=1)), "有限数值"),
        (sheet(leaf("gte", 100, target=D("Infinity"), actual=1)), "有限数值"),
        (sheet(leaf("gte", 100, target=D("1e20"), actual=1)), "超出允许范围"),
        (sheet(leaf("gte", 100, target=D("1e-20"), actual=1)), "超出允许范围"),
        (sheet(leaf("gte", 100, target=1, actual=True)), "应为数值"),
        (sheet(leaf("gte", 100, name="a\ud800", target=1, actual=1)), "“第1项”"),
    ],
)
def test_refusals_say_where_and_what(document: Any, mention: str) -> None:
    assert mention in refused(document)


def test_missing_field_names_the_whole_path() -> None:
    document = sheet(
        {
            "name": "产出指标",
            "children": [
                {
                    "name": "数量指标",
                    "children": [leaf("gte", 100, name="新建改造供水工程", actual=22)],
                }
            ],
        }
    )
    assert "“产出指标 / 数量指标 / 新建改造供水工程”：缺少字段 target" in refused(document)


def test_every_problem_is_reported_at_once() -> None:
    document = sheet(
        leaf("gte", 50, name="甲", target=-1, actual=1),
        leaf("lte", 50, name="乙", target=1),
    )
    message = refused(document)
    assert "“甲”：字段 target 不能为负数" in message and "“乙”：缺少字段 actual" in message


def test_floats_and_ints_are_accepted_from_python_callers() -> None:
    result = score(leaf("gte", 10.5, target=24, actual=22.0, explanation="原因"))
    assert result.items[0].score == D("9.63")


def test_deep_trees_are_refused() -> None:
    node: dict[str, Any] = leaf("gte", 100, target=1, actual=1)
    for level in range(40):
        node = {"name": f"第{level}层", "children": [node]}
    assert "层级过深" in refused(sheet(node))


# --- audit ------------------------------------------------------------------------------------


def audit(*items: dict[str, Any], **options: Any) -> Any:
    result = audit_sheet(parse_sheet(sheet(*items, **options), audit=True))
    assert result.audit is not None
    return result.audit


def test_audit_with_inconsistent_totals() -> None:
    findings = audit(
        leaf("gte", 60, name="甲", target=100, actual=90, published_score=60, explanation="原因"),
        leaf("gte", 40, name="乙", target=1, actual=1, published_score=40),
        published_total=98,
    )
    assert [(d.path, d.published, d.computed, d.difference) for d in findings.deviations] == [
        (("甲",), D(60), D(54), D(6))
    ]
    assert (findings.published_sum, findings.total_consistent) == (D(100), False)
    assert findings.full_sum_consistent is True


def test_audit_with_consistent_totals_and_small_differences() -> None:
    findings = audit(
        leaf(
            "gte", 60, name="甲", target=3, actual=2, published_score=D("40.001"), explanation="r"
        ),
        leaf("gte", 40, name="乙", target=1, actual=1, published_score=40),
        published_total=D("80.005"),
    )
    assert findings.deviations == ()
    assert findings.total_consistent is True


def test_audit_with_missing_published_scores() -> None:
    findings = audit(
        leaf("gte", 60, name="甲", target=1, actual=1, published_score=60),
        leaf("gte", 40, name="乙", target=1, actual=1),
        published_total=100,
    )
    assert (findings.published_sum, findings.total_consistent) == (None, None)
    findings = audit(leaf("gte", 100, target=1, actual=1, published_score=100))
    assert (findings.published_sum, findings.total_consistent) == (D(100), None)


def test_audit_reports_a_wrong_full_sum_and_counts_penalties() -> None:
    findings = audit(
        leaf("gte", 60, name="甲", target=1, actual=1, published_score=60),
        leaf("gte", 50, name="乙", target=1, actual=1, published_score=50),
        leaf("penalty", None, name="扣分", points=1, count=2, published_score=2),
        published_total=108,
    )
    assert (findings.full_sum, findings.full_sum_consistent) == (D(110), False)
    assert (findings.published_sum, findings.total_consistent) == (D(108), True)


def test_audit_to_dict_order() -> None:
    result = audit_sheet(parse_sheet(sheet(leaf("gte", 100, target=1, actual=1)), audit=True))
    assert list(result.to_dict()["audit"]) == [
        "deviations",
        "full_sum",
        "full_sum_consistent",
        "published_total",
        "published_sum",
        "total_consistent",
    ]


# --- registering a rule -----------------------------------------------------------------------


def _read_ratio(reader: FieldReader, full: Decimal | None, options: Options) -> Params | None:
    target, actual = reader.number("target"), reader.number("actual")
    return None if target is None or actual is None else {"target": target, "actual": actual}


def _score_ratio(params: Params, full: Decimal | None) -> Decimal:
    """A local reverse rule: target ÷ actual × w, capped at w."""
    target, actual = params["target"], params["actual"]
    return full if actual <= target else target * full / actual  # type: ignore[operator,return-value]


def _explain_ratio(leaf: Leaf, raw: Decimal, score: Decimal, options: Options) -> str:
    return f"按B/A×分值计分，得{score}"


def test_a_province_can_register_its_own_rule() -> None:
    rule = Rule("ratio_ba", "B/A计分", _read_ratio, _score_ratio, _explain_ratio)
    register_rule(rule)
    try:
        assert registered_rules()["ratio_ba"] is rule
        result = one(leaf("ratio_ba", 20, target=5300, actual=5830))
        assert result.score == D("18.18")
        assert result.explain == "按B/A×分值计分，得18.18"
        with pytest.raises(ValueError, match="已注册"):
            register_rule(rule)
        assert "缺少字段 actual" in refused_leaf(leaf("ratio_ba", 20, target=1))
    finally:
        unregister_rule("ratio_ba")
    assert "未知的计分规则" in refused_leaf(leaf("ratio_ba", 20, target=1, actual=1))


def test_rules_can_be_given_per_call() -> None:
    rule = Rule("ratio_ba", "B/A计分", _read_ratio, _score_ratio, _explain_ratio)
    rules = {**registered_rules(), "ratio_ba": rule}
    document = sheet(leaf("ratio_ba", 100, target=1, actual=2))
    assert score_sheet(parse_sheet(document, rules=rules)).total == D(50)
    assert "ratio_ba" not in registered_rules()


def test_a_rule_scoring_out_of_range_is_an_error() -> None:
    rule = Rule("broken", "错误规则", _read_ratio, lambda params, full: D(999), _explain_ratio)
    document = sheet(leaf("broken", 100, target=1, actual=2))
    parsed = parse_sheet(document, rules={"broken": rule})
    with pytest.raises(SheetError, match="不是0到满分100之间"):
        score_sheet(parsed)


def test_options_are_typed() -> None:
    options = parse_sheet(
        sheet(leaf("gte", 10, target=1, actual=1), scale=10, decimals=1, rounding="down")
    ).options
    assert (options.scale, options.decimals, options.rounding) == (D(10), 1, "down")
    assert options.round(D("2.99")) == D("2.9")
