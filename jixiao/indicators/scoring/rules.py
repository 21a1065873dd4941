"""The registry of scoring rules and the built-in rules of ``jixiao-sheet/1``.

A rule is data (a ``Rule``: how to read its fields, score, flag and explain), registered by name.
A province adds its own with ``register_rule(Rule(...))`` without touching the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from types import MappingProxyType
from typing import Any

from .explain import result_text, rounding_text, with_unit
from .fields import FieldReader, is_clean_text, show
from .model import Leaf, Options, Params, Rule
from .numbers import (
    HUNDRED,
    PLAIN_HIGH,
    PLAIN_LOW,
    QUANTA,
    ZERO,
    fixed,
    percent,
    plain,
)

MSG_RULE_EXISTS = "计分规则“{name}”已注册；要替换请传 replace=True"
MSG_LEVEL = (
    "字段 level 应为 achieved（达成）、partly（部分达成）或 not_achieved（未达成），实际为{got}"
)
MSG_QUALITATIVE_BAND = "定性评价得分{score}不在“{label}”的档位{band}内"
MSG_TIERS = '字段 tiers 应为非空列表 [{{"min": …, "fraction": …}}, …]，实际为{got}'
MSG_TIER_NOT_OBJECT = '字段 {tier} 应为对象 {{"min": …, "fraction": …}}，实际为{got}'
MSG_TIER_FRACTION = "字段 {field} 应在0到1之间，实际为{got}"
MSG_TIER_DUPLICATE = "tiers 中有两个档位的 min 都是{min}"
TIER_PREFIX = "tiers[{n}]."

_REGISTRY: dict[str, Rule] = {}


def register_rule(rule: Rule, *, replace: bool = False) -> Rule:
    """Make ``rule`` available to sheets under ``rule.name``."""
    if rule.name in _REGISTRY and not replace:
        raise ValueError(MSG_RULE_EXISTS.format(name=rule.name))
    _REGISTRY[rule.name] = rule
    return rule


def unregister_rule(name: str) -> None:
    """Remove a registered rule (for tests and for provinces replacing a built-in)."""
    _REGISTRY.pop(name, None)


def registry_dict() -> dict[str, Rule]:
    """The registry itself, for fast look-ups by the parser; never modify it directly."""
    return _REGISTRY


def registered_rules() -> Mapping[str, Rule]:
    """A read-only view of the registry, by name."""
    return MappingProxyType(_REGISTRY)


# --- gte, lte, eq, lte_ratio: target and actual --------------------------------------------------

OVER_ACHIEVEMENT = Decimal("1.3")


def read_target_actual(
    reader: FieldReader, full: Decimal | None, options: Options
) -> Params | None:
    """``target`` ≥ 0, ``actual`` ≥ 0 and an optional ``unit``."""
    node = reader.node
    target, actual, unit = node.get("target"), node.get("actual"), node.get("unit")
    if (  # the common case, checked inline: this runs for most leaves of most sheets
        type(target) is Decimal
        and type(actual) is Decimal
        and target.is_finite()
        and actual.is_finite()
        and PLAIN_LOW <= target < PLAIN_HIGH
        and PLAIN_LOW <= actual < PLAIN_HIGH
        and (unit is None or (type(unit) is str and is_clean_text(unit)))
    ):
        return {"target": target, "actual": actual, "unit": unit or ""}
    target = reader.number("target")
    actual = reader.number("actual")
    unit = reader.text("unit") or ""
    if target is None or actual is None:
        return None
    return {"target": target, "actual": actual, "unit": unit}


def _values(leaf: Leaf) -> tuple[Decimal, Decimal, str, str, str]:
    """t, a, and both as written with the unit, and the full score, for explanations."""
    p = leaf.params
    t, a, unit = p["target"], p["actual"], p["unit"]
    return t, a, with_unit(t, unit), with_unit(a, unit), plain(leaf.full or ZERO)


def score_gte(p: Params, w: Decimal | None) -> Decimal:
    """a ≥ t → w, else a ÷ t × w (t = 0 → w)."""
    t, a = p["target"], p["actual"]
    return w if a >= t else a * w / t  # type: ignore[operator,return-value]


def misses_gte(p: Params) -> bool:
    """Below target, or at least 130% of it (a target set too low)."""
    t, a = p["target"], p["actual"]
    return a < t or (a > 0 and a >= t * OVER_ACHIEVEMENT)


def explain_gte(leaf: Leaf, raw: Decimal, score: Decimal, options: Options) -> str:
    t, a, ts, as_, w = _values(leaf)
    if a < t:
        computation = f"{plain(a)}÷{plain(t)}×{w}{result_text(raw, score, options)}"
        return f"完成值{as_}＜指标值{ts}，按完成比例计分：{computation}"
    text = f"完成值{as_}≥指标值{ts}，得满分{w}"
    if a > 0 and a >= t * OVER_ACHIEVEMENT:
        ratio = f"为指标值的{percent(a * HUNDRED / t)}%" if t else "大于0而指标值为0"
        text += f"；完成值{ratio}，达到130%以上，指标值可能设定偏低"
    return text


def score_lte(p: Params, w: Decimal | None) -> Decimal:
    """a ≤ t → w; t < a < 2t → (1 − (a − t) ÷ t) × w; a ≥ 2t → 0 (t = 0: w if a = 0)."""
    t, a = p["target"], p["actual"]
    if a <= t:
        return w  # type: ignore[return-value]
    if a >= t + t:
        return ZERO
    return (t + t - a) * w / t  # type: ignore[operator]


def misses_above(p: Params) -> bool:
    """Above target (lte, lte_ratio)."""
    return p["actual"] > p["target"]  # type: ignore[no-any-return]


def explain_lte(leaf: Leaf, raw: Decimal, score: Decimal, options: Options) -> str:
    t, a, ts, as_, w = _values(leaf)
    if a <= t:
        return f"完成值{as_}≤指标值{ts}，得满分{w}"
    if not t:
        return f"指标值为0，完成值{as_}＞0，得0分"
    if a >= t + t:
        return f"完成值{as_}达到指标值{ts}的2倍及以上，得0分"
    computation = f"(1－({plain(a)}－{plain(t)})÷{plain(t)})×{w}{result_text(raw, score, options)}"
    return f"完成值{as_}＞指标值{ts}，按超出比例扣分：{computation}"


def score_eq(p: Params, w: Decimal | None) -> Decimal:
    """t > 0 → max(0, 1 − |a − t| ÷ t) × w; t = 0 → w if a = 0, else 0."""
    t, a = p["target"], p["actual"]
    if a == t:
        return w  # type: ignore[return-value]
    deviation = abs(a - t)
    if deviation >= t:
        return ZERO
    return (t - deviation) * w / t  # type: ignore[operator]


def misses_eq(p: Params) -> bool:
    """Off target."""
    return p["actual"] != p["target"]  # type: ignore[no-any-return]


def explain_eq(leaf: Leaf, raw: Decimal, score: Decimal, options: Options) -> str:
    t, a, ts, as_, w = _values(leaf)
    if a == t:
        return f"完成值{as_}＝指标值{ts}，得满分{w}"
    if not t:
        return f"指标值为0，完成值{as_}≠0，得0分"
    if abs(a - t) >= t:
        return f"完成值{as_}与指标值{ts}的偏差达到指标值的100%及以上，得0分"
    computation = f"(1－|{plain(a)}－{plain(t)}|÷{plain(t)})×{w}{result_text(raw, score, options)}"
    return f"完成值{as_}≠指标值{ts}，按偏离比例计分：{computation}"


def score_lte_ratio(p: Params, w: Decimal | None) -> Decimal:
    """a ≤ t → w, else t ÷ a × w (a local rule for reverse indicators)."""
    t, a = p["target"], p["actual"]
    return w if a <= t else t * w / a  # type: ignore[operator,return-value]


def explain_lte_ratio(leaf: Leaf, raw: Decimal, score: Decimal, options: Options) -> str:
    t, a, ts, as_, w = _values(leaf)
    if a <= t:
        return f"完成值{as_}≤指标值{ts}，得满分{w}"
    computation = f"{plain(t)}÷{plain(a)}×{w}{result_text(raw, score, options)}"
    return f"完成值{as_}＞指标值{ts}，按指标值÷完成值计分：{computation}"


# --- budget_execution -------------------------------------------------------------------------


def read_budget(reader: FieldReader, full: Decimal | None, options: Options) -> Params | None:
    """``budget`` > 0 and ``executed`` ≥ 0."""
    budget = reader.positive("budget")
    executed = reader.number("executed")
    if budget is None or executed is None:
        return None
    return {"budget": budget, "executed": executed}


def score_budget(p: Params, w: Decimal | None) -> Decimal:
    """min(executed ÷ budget, 1) × w."""
    e, b = p["executed"], p["budget"]
    return w if e >= b else e * w / b  # type: ignore[operator,return-value]


def explain_budget(leaf: Leaf, raw: Decimal, score: Decimal, options: Options) -> str:
    e, b, w = leaf.params["executed"], leaf.params["budget"], plain(leaf.full or ZERO)
    rate = e * HUNDRED / b
    shown = rate.quantize(QUANTA[2], rounding=ROUND_HALF_UP)
    head = f"执行数{fixed(e)}÷预算数{fixed(b)}{'＝' if shown == rate else '≈'}{plain(shown)}%"
    if e > b:
        return f"{head}，执行率超过100%按100%计，得满分{w}"
    if e == b:
        return f"{head}，得满分{w}"
    return f"{head}，得分：{plain(shown)}%×{w}{result_text(raw, score, options)}"


# --- qualitative ------------------------------------------------------------------------------

LEVELS: dict[str, str] = {
    "achieved": "达成年度指标",
    "partly": "部分达成年度指标并具有一定效果",
    "not_achieved": "未达成年度指标且效果较差",
}


def qualitative_band(level: str, full: Decimal, options: Options) -> tuple[Decimal, Decimal, bool]:
    """(low, high, high included) of a level.

    achieved [h·w, w], partly [l·w, h·w), not_achieved [0, l·w).
    """
    high, low = options.bands
    if level == "achieved":
        return high * full, full, True
    if level == "partly":
        return low * full, high * full, False
    return ZERO, low * full, False


def band_text(band: tuple[Decimal, Decimal, bool]) -> str:
    low, high, closed = band
    return f"[{fixed(low)}, {fixed(high)}{']' if closed else ')'}"


def read_qualitative(reader: FieldReader, full: Decimal | None, options: Options) -> Params | None:
    """``level`` and the evaluator's ``score``, which must lie in the level's band."""
    level = reader.node.get("level")
    if type(level) is not str or level not in LEVELS:
        reader.fail(MSG_LEVEL.format(got=show(level)))
        level = None
    score = reader.number("score")
    if level is None or score is None or full is None:
        return None
    band = qualitative_band(level, full, options)
    low, high, closed = band
    if score < low or score > high or (score == high and not closed):
        text = band_text(band)
        reader.fail(MSG_QUALITATIVE_BAND.format(score=plain(score), label=LEVELS[level], band=text))
        return None
    return {"level": level, "score": score}


def score_qualitative(p: Params, w: Decimal | None) -> Decimal:
    return p["score"]  # type: ignore[no-any-return]


def explain_qualitative(leaf: Leaf, raw: Decimal, score: Decimal, options: Options) -> str:
    level = leaf.params["level"]
    band = band_text(qualitative_band(level, leaf.full or ZERO, options))
    given = (
        plain(score) if raw == score else f"{plain(raw)}，{rounding_text(options)}为{plain(score)}"
    )
    return f"定性评价：{LEVELS[level]}，档位{band}，评价人给分{given}"


# --- tiers ------------------------------------------------------------------------------------


def read_tiers(reader: FieldReader, full: Decimal | None, options: Options) -> Params | None:
    """``value`` and ``tiers`` [{"min", "fraction"}] (0 ≤ fraction ≤ 1); mins may be negative."""
    value = reader.number("value", negative=True)
    raw_tiers = reader.node.get("tiers")
    if not isinstance(raw_tiers, list) or not raw_tiers:
        reader.fail(MSG_TIERS.format(got=show(raw_tiers)))
        return None
    tiers = _plain_tiers(raw_tiers)
    if tiers is None:
        tiers = [_read_tier(reader, n, item) for n, item in enumerate(raw_tiers, 1)]
    if value is None or None in tiers:
        return None
    return _tiers_params(reader, value, tiers)  # type: ignore[arg-type]


def _plain_tiers(items: list[Any]) -> list[tuple[Decimal, Decimal]] | None:
    """The tiers when every one is obviously valid (the common case); else None."""
    tiers = []
    for item in items:
        if type(item) is not dict:
            return None
        low, fraction = item.get("min"), item.get("fraction")
        if type(low) is not Decimal or type(fraction) is not Decimal:
            return None
        if not (low.is_finite() and fraction.is_finite()):
            return None
        if not (
            (not low or PLAIN_LOW <= abs(low) < PLAIN_HIGH)
            and (not fraction or PLAIN_LOW <= fraction <= 1)
        ):
            return None  # tiny or huge values: let the general path check them
        tiers.append((low or ZERO, fraction or ZERO))
    return tiers


def _read_tier(reader: FieldReader, n: int, item: Any) -> tuple[Decimal, Decimal] | None:
    prefix = TIER_PREFIX.format(n=n)
    if not isinstance(item, dict):
        reader.fail(MSG_TIER_NOT_OBJECT.format(tier=prefix[:-1], got=show(item)))
        return None
    tier = FieldReader(item, reader.path, reader.errors, prefix)
    low = tier.number("min", negative=True)
    fraction = tier.number("fraction")
    if fraction is not None and fraction > 1:
        tier.fail(MSG_TIER_FRACTION.format(field=f"{prefix}fraction", got=plain(fraction)))
        return None
    return None if low is None or fraction is None else (low, fraction)


def _tiers_params(
    reader: FieldReader, value: Decimal, tiers: list[tuple[Decimal, Decimal]]
) -> Params | None:
    ordered = sorted(tiers, key=lambda tier: tier[0], reverse=True)
    for higher, lower in pairwise(ordered):
        if higher[0] == lower[0]:
            reader.fail(MSG_TIER_DUPLICATE.format(min=plain(higher[0])))
            return None
    return {"value": value, "tiers": tuple(ordered)}


def _tier_reached(p: Params) -> tuple[Decimal, Decimal] | None:
    value = p["value"]
    for tier in p["tiers"]:
        if value >= tier[0]:
            return tier  # type: ignore[no-any-return]
    return None


def score_tiers(p: Params, w: Decimal | None) -> Decimal:
    """The highest tier whose min the value reaches gives fraction × w; none → 0."""
    tier = _tier_reached(p)
    return ZERO if tier is None else tier[1] * w  # type: ignore[operator]


def explain_tiers(leaf: Leaf, raw: Decimal, score: Decimal, options: Options) -> str:
    value, tier = plain(leaf.params["value"]), _tier_reached(leaf.params)
    if tier is None:
        lowest = plain(leaf.params["tiers"][-1][0])
        return f"取值{value}，低于最低档（≥{lowest}），得0分"
    computation = f"{plain(tier[1])}×{plain(leaf.full or ZERO)}{result_text(raw, score, options)}"
    return f"取值{value}，达到“≥{plain(tier[0])}”档，得分：{computation}"


# --- bonus and penalty ------------------------------------------------------------------------


def read_points(reader: FieldReader, full: Decimal | None, options: Options) -> Params | None:
    """``points`` ≥ 0, ``count`` ≥ 0 and an optional ``cap`` ≥ 0."""
    errors = len(reader.errors)
    points = reader.number("points")
    count = reader.number("count")
    cap = reader.number("cap", required=False)
    if len(reader.errors) > errors:
        return None
    return {"points": points, "count": count, "cap": cap}


def score_points(p: Params, w: Decimal | None) -> Decimal:
    """min(points × count, cap)."""
    total, cap = p["points"] * p["count"], p["cap"]
    return cap if cap is not None and total > cap else total  # type: ignore[no-any-return]


def _explain_points(word: str, leaf: Leaf, raw: Decimal, score: Decimal, options: Options) -> str:
    p = leaf.params
    product = p["points"] * p["count"]
    head = f"{word}：{plain(p['points'])}分×{plain(p['count'])}次"
    if p["cap"] is not None and product > p["cap"]:
        return f"{head}＝{plain(product)}，超过上限{plain(p['cap'])}分，计{plain(score)}分"
    return f"{head}{result_text(raw, score, options)}"


def explain_bonus(leaf: Leaf, raw: Decimal, score: Decimal, options: Options) -> str:
    return _explain_points("加分", leaf, raw, score, options)


def explain_penalty(leaf: Leaf, raw: Decimal, score: Decimal, options: Options) -> str:
    return _explain_points("扣分", leaf, raw, score, options)


BUILTIN_RULES: tuple[Rule, ...] = (
    Rule("budget_execution", "预算执行率", read_budget, score_budget, explain_budget),
    Rule("gte", "正向指标（≥）", read_target_actual, score_gte, explain_gte, misses=misses_gte),
    Rule("lte", "反向指标（≤）", read_target_actual, score_lte, explain_lte, misses=misses_above),
    Rule("eq", "等于指标（＝）", read_target_actual, score_eq, explain_eq, misses=misses_eq),
    Rule(
        "lte_ratio",
        "反向指标（指标值÷完成值）",
        read_target_actual,
        score_lte_ratio,
        explain_lte_ratio,
        misses=misses_above,
    ),
    Rule("qualitative", "定性指标", read_qualitative, score_qualitative, explain_qualitative),
    Rule("tiers", "分档计分", read_tiers, score_tiers, explain_tiers),
    Rule("bonus", "加分项", read_points, score_points, explain_bonus, kind="bonus"),
    Rule("penalty", "扣分项", read_points, score_points, explain_penalty, kind="penalty"),
)

for _rule in BUILTIN_RULES:
    register_rule(_rule)
