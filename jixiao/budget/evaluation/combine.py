"""Combining several experts' scores of one item (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from jixiao.budget.evaluation.models import Combination

CENT = Decimal("0.01")


def combine(scores: Sequence[Decimal], how: str) -> Decimal:
    """The combined score, half-up to two decimals: the mean, or (``trimmed_mean``) the mean
    without one highest and one lowest score. With fewer than three scores there is nothing
    to trim, and the plain mean is taken."""
    if not scores:
        raise ValueError("no scores to combine")
    values = sorted(scores)
    if how == Combination.TRIMMED_MEAN and len(values) >= 3:
        values = values[1:-1]
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT, rounding=ROUND_HALF_UP)


def explain(scores: Sequence[Decimal], how: str, result: Decimal) -> str:
    """How the combined score was reached, in Chinese."""
    shown = "、".join(f"{s.normalize():f}" for s in scores)
    if how == Combination.TRIMMED_MEAN and len(scores) >= 3:
        return f"{len(scores)}位评价人评分{shown}，去掉最高分和最低分后平均为{result}"
    return f"{len(scores)}位评价人评分{shown}，平均为{result}"
