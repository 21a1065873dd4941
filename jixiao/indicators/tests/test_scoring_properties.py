"""Properties of the scoring engine, checked on generated sheets (hypothesis)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.indicators.scoring import FORMAT, Options, parse_sheet, score_sheet

D = Decimal
TARGET_RULES = ("gte", "lte", "eq", "lte_ratio")

values = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
fulls = st.decimals(min_value=1, max_value=100, places=0, allow_nan=False, allow_infinity=False)
decimals_option = st.integers(min_value=0, max_value=4)
rounding_option = st.sampled_from(["half_up", "down"])


def document(items: list[dict[str, Any]], **options: Any) -> dict[str, Any]:
    scale = sum((item["full"] for item in items if "full" in item), D(0))
    return {"format": FORMAT, "scale": scale, **options, "items": items}


def leaf_score(node: dict[str, Any], **options: Any) -> Decimal:
    score = score_sheet(parse_sheet(document([node], **options))).items[0].score
    assert score is not None
    return score


@st.composite
def scored_leaves(draw: st.DrawFn, full: Decimal | None = None) -> dict[str, Any]:
    """Any scored leaf with valid fields."""
    w = draw(fulls) if full is None else full
    rule = draw(st.sampled_from((*TARGET_RULES, "budget_execution", "qualitative", "tiers")))
    node: dict[str, Any] = {"name": "指标", "rule": rule, "full": w}
    if rule in TARGET_RULES:
        node.update(target=draw(values), actual=draw(values))
    elif rule == "budget_execution":
        node.update(budget=draw(values.filter(bool)), executed=draw(values))
    elif rule == "qualitative":
        node.update(level="achieved", score=draw(st.decimals(min_value=w * D("0.8"), max_value=w)))
    else:
        tiers = draw(
            st.lists(
                st.tuples(values, st.decimals(0, 1, places=2)),
                min_size=1,
                max_size=4,
                unique_by=lambda t: t[0],
            )
        )
        node.update(value=draw(values), tiers=[{"min": m, "fraction": f} for m, f in tiers])
    return node


@st.composite
def leaves_with_options(draw: st.DrawFn) -> tuple[dict[str, Any], int, str]:
    """A leaf whose full score has at most the decimals the sheet keeps."""
    decimals = draw(decimals_option)
    full = draw(st.decimals(min_value=D("0.0001"), max_value=100, places=decimals))
    return draw(scored_leaves(full=full)), decimals, draw(rounding_option)


@settings(max_examples=200, deadline=None, database=None)
@given(leaves_with_options())
def test_a_leaf_score_lies_between_zero_and_full(case: tuple[dict[str, Any], int, str]) -> None:
    node, decimals, rounding = case
    assert 0 <= leaf_score(node, decimals=decimals, rounding=rounding) <= node["full"]


@settings(max_examples=200, deadline=None, database=None)
@given(fulls, values, values, values, decimals_option)
def test_gte_is_monotone_in_actual(
    w: Decimal, t: Decimal, a1: Decimal, a2: Decimal, decimals: int
) -> None:
    low, high = sorted((a1, a2))
    node = {"name": "指标", "rule": "gte", "full": w, "target": t}
    assert leaf_score(node | {"actual": low}, decimals=decimals) <= leaf_score(
        node | {"actual": high}, decimals=decimals
    )


@settings(max_examples=200, deadline=None, database=None)
@given(fulls, values, values, values, st.sampled_from(["lte", "lte_ratio"]))
def test_lte_is_monotone_non_increasing_in_actual(
    w: Decimal, t: Decimal, a1: Decimal, a2: Decimal, rule: str
) -> None:
    low, high = sorted((a1, a2))
    node = {"name": "指标", "rule": rule, "full": w, "target": t}
    assert leaf_score(node | {"actual": low}) >= leaf_score(node | {"actual": high})


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(scored_leaves(), min_size=1, max_size=12), decimals_option, rounding_option)
def test_total_is_the_sum_of_rounded_leaf_scores(
    nodes: list[dict[str, Any]], decimals: int, rounding: str
) -> None:
    for index, node in enumerate(nodes):
        node["name"] = f"指标{index}"
    if not sum(node["full"] for node in nodes):
        nodes[0]["full"] = D(1)
        nodes[0].update(rule="gte", target=D(1), actual=D(1))
    result = score_sheet(parse_sheet(document(nodes, decimals=decimals, rounding=rounding)))
    assert result.total == sum(item.score for item in result.items)  # type: ignore[misc]
    quantum = D(1).scaleb(-decimals)
    assert all(item.score == item.score.quantize(quantum) for item in result.items)  # type: ignore[union-attr]


@settings(max_examples=200, deadline=None, database=None)
@given(
    st.lists(st.tuples(st.integers(1, 40), st.booleans()), min_size=2, max_size=15),
    decimals_option,
    rounding_option,
)
def test_rescaling_keeps_the_scale(
    leaves: list[tuple[int, bool]], decimals: int, rounding: str
) -> None:
    """A sheet whose applicable leaves all reach their full scores totals the scale."""
    leaves[0] = (leaves[0][0], True)
    nodes = [
        {
            "name": f"指标{i}",
            "rule": "gte",
            "full": D(w),
            "target": D(5),
            "actual": D(5),
            "applicable": ok,
        }
        for i, (w, ok) in enumerate(leaves)
    ]
    result = score_sheet(parse_sheet(document(nodes, decimals=decimals, rounding=rounding)))
    assert result.total == result.scale
    assert [item.score is None for item in result.items] == [not ok for _, ok in leaves]


@settings(max_examples=200, deadline=None, database=None)
@given(
    st.decimals(min_value=0, max_value=200, places=2),
    st.decimals(min_value=0, max_value=200, places=2),
    st.lists(st.decimals(min_value=1, max_value=150, places=1), max_size=5, unique=True),
)
def test_grades_are_monotone_in_the_total(t1: Decimal, t2: Decimal, mins: list[Decimal]) -> None:
    from jixiao.indicators.scoring import Grade

    low, high = sorted((t1, t2))
    grades = (Grade("poor", "差", D(0)), *(Grade(f"g{m}", f"等{m}", m) for m in mins))
    for options in (Options(), Options(grades=grades)):
        assert options.grade_for(low).min <= options.grade_for(high).min
        assert options.grade_for(high).min <= high
