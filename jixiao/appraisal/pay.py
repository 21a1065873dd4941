"""Performance pay, pure: coefficients from scores, pay per employee, and the allocation of
a pool to the cent. No Django, so the arithmetic is tested in isolation (with hypothesis)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
COEF = Decimal("0.0001")


@dataclass(frozen=True)
class Band:
    min: Decimal
    coefficient: Decimal


@dataclass(frozen=True)
class PayRules:
    share: Decimal
    method: str  # "bands" | "linear"
    bands: tuple[Band, ...] = ()
    pivot: Decimal = Decimal(80)
    slope: Decimal = Decimal("0.01")
    low: Decimal = Decimal("0.5")
    high: Decimal = Decimal("1.5")
    mode: str = "direct"  # "direct" | "pool"


@dataclass
class PayLine:
    """One employee's pay and how it was reached, line by line (Chinese)."""

    standard: Decimal
    coefficient: Decimal
    pay: Decimal
    lines: list[str] = field(default_factory=list)


def money(value: Decimal) -> str:
    return f"{value.quantize(CENT):,}"


def coefficient(rules: PayRules, score: Decimal) -> tuple[Decimal, str]:
    """The coefficient for ``score`` and the sentence that explains it."""
    if rules.method == "bands":
        for band in sorted(rules.bands, key=lambda b: b.min, reverse=True):
            if score >= band.min:
                return band.coefficient, (
                    f"总分{score}分，达到“{band.min}分及以上”档，绩效系数{band.coefficient}"
                )
        return Decimal(0), f"总分{score}分，未达到任何分档，绩效系数0"
    raw = Decimal(1) + (score - rules.pivot) * rules.slope
    value = min(max(raw, rules.low), rules.high).quantize(COEF, rounding=ROUND_HALF_UP)
    text = f"绩效系数＝1＋（{score}－{rules.pivot}）×{rules.slope}＝{raw.normalize()}"
    if raw != value:
        text += f"，限定在{rules.low}～{rules.high}之间，取{value}"
    return value, text


def standard_pay(base: Decimal, share: Decimal) -> Decimal:
    return (base * share).quantize(CENT, rounding=ROUND_HALF_UP)


def allocate(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split ``total`` (to the cent) in proportion to ``weights`` by the largest-remainder
    method: the parts sum to ``total`` exactly. All weights zero: equal parts."""
    cents = int((total / CENT).to_integral_value(rounding=ROUND_HALF_UP))
    if not weights:
        return []
    weight_sum = sum(weights, Decimal(0))
    if weight_sum <= 0:
        weights = [Decimal(1)] * len(weights)
        weight_sum = Decimal(len(weights))
    exact = [Decimal(cents) * w / weight_sum for w in weights]
    floors = [int(e.to_integral_value(rounding=ROUND_DOWN)) for e in exact]
    left = cents - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(c) * CENT for c in floors]


def compute(rules: PayRules, people: Sequence[tuple[Decimal, Decimal]]) -> list[PayLine]:
    """Pay for ``people`` given as (salary base, score)."""
    result: list[PayLine] = []
    for base, score in people:
        standard = standard_pay(base, rules.share)
        coef, why = coefficient(rules, score)
        lines = [
            f"月工资基数{money(base)}元×绩效工资占比{(rules.share * 100).normalize()}%"
            f"＝标准绩效工资{money(standard)}元",
            why,
        ]
        pay = (standard * coef).quantize(CENT, rounding=ROUND_HALF_UP)
        result.append(PayLine(standard, coef, pay, lines))
    if rules.mode == "pool":
        _share_pool(result)
    else:
        for line in result:
            line.lines.append(
                f"应发绩效工资＝{money(line.standard)}元×{line.coefficient}＝{money(line.pay)}元"
            )
    for line in result:
        delta = line.pay - line.standard
        word = "增加" if delta > 0 else "减少" if delta < 0 else "无变化"
        tail = f"{money(abs(delta))}元" if delta else ""
        line.lines.append(f"与标准绩效工资相比{word}{tail}")
    return result


def _share_pool(result: list[PayLine]) -> None:
    """The pool (Σ standard) shared in proportion to standard × coefficient, to the cent."""
    pool = sum((line.standard for line in result), Decimal(0))
    weights = [line.standard * line.coefficient for line in result]
    weight_sum = sum(weights, Decimal(0))
    for line, amount in zip(result, allocate(pool, weights), strict=True):
        line.pay = amount
        line.lines.append(
            f"总额控制：绩效工资总额{money(pool)}元按“标准绩效工资×系数”分配，"
            f"本人权重{(line.standard * line.coefficient).normalize()}"
            f"／合计{weight_sum.normalize()}，应发{money(amount)}元（尾差按最大余额法分配到分）"
        )
