"""Chinese explanations: the shared pieces and the sentence for a whole leaf result."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from .model import FLAG_ADJUSTED, FLAG_EXPLANATION_REQUIRED, Options
from .numbers import QUANTA, plain, short

if TYPE_CHECKING:
    from .engine import LeafResult

TEXT_NOT_APPLICABLE = "不适用，剔除后按满分折算"
TEXT_EXPLANATION_REQUIRED = "须填写偏差原因分析及改进措施（explanation）"
TEXT_ADJUSTED = "按规则计得{computed}，评价人调整为{score}，理由：{reason}"
TEXT_ROUNDED = "{how}为{score}"
_HOW = {
    ("half_up", True): "四舍五入取整",
    ("half_up", False): "四舍五入保留{decimals}位小数",
    ("down", True): "向下取整",
    ("down", False): "向下舍去保留{decimals}位小数",
}


def rounding_text(options: Options) -> str:
    """How the sheet rounds leaf scores, e.g. 四舍五入保留2位小数 or 向下取整."""
    how = _HOW[(options.rounding, options.decimals == 0)]
    return how.format(decimals=options.decimals)


def result_text(raw: Decimal, score: Decimal, options: Options) -> str:
    """The end of a formula: ＝13.75, or ≈18.2857，四舍五入保留2位小数为18.29."""
    if raw == score:
        return f"＝{plain(score)}"
    places = options.decimals + 2
    exact = raw == raw.quantize(QUANTA[places], rounding=ROUND_HALF_UP)
    rounded = TEXT_ROUNDED.format(how=rounding_text(options), score=plain(score))
    return f"{'＝' if exact else '≈'}{short(raw, places)}，{rounded}"


def with_unit(value: Decimal, unit: str) -> str:
    """A value as written on the form, with its unit: 22处, 93.5%."""
    return f"{plain(value)}{unit}"


def leaf_explanation(result: LeafResult) -> str:
    """The explanation of one leaf result: the rule's computation, then flags and adjustment."""
    leaf = result.leaf
    if result.score is None or result.raw is None or result.computed is None:
        return TEXT_NOT_APPLICABLE
    parts = [leaf.rule.explain(leaf, result.raw, result.computed, result.options)]
    if FLAG_EXPLANATION_REQUIRED in result.flags:
        parts.append(TEXT_EXPLANATION_REQUIRED)
    if FLAG_ADJUSTED in result.flags and leaf.adjustment is not None:
        adjusted = TEXT_ADJUSTED.format(
            computed=plain(result.computed),
            score=plain(result.score),
            reason=leaf.adjustment.reason,
        )
        parts.append(adjusted)
    return "；".join(parts)
