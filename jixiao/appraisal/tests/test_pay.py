"""Performance pay arithmetic: coefficients, explanations, and allocation to the cent."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from jixiao.appraisal.pay import Band, PayRules, allocate, coefficient, compute

BANDS = (
    Band(Decimal(90), Decimal("1.2")),
    Band(Decimal(80), Decimal(1)),
    Band(Decimal(0), Decimal("0.6")),
)
D = Decimal


def test_bands_pick_the_highest_band_reached() -> None:
    rules = PayRules(share=D("0.5"), method="bands", bands=BANDS)
    assert coefficient(rules, D(95))[0] == D("1.2")
    assert coefficient(rules, D(90))[0] == D("1.2")
    assert coefficient(rules, D("89.99"))[0] == D(1)
    assert coefficient(rules, D(10))[0] == D("0.6")


def test_linear_formula_is_clamped() -> None:
    rules = PayRules(share=D(1), method="linear", pivot=D(80), slope=D("0.02"), low=D("0.5"))
    assert coefficient(rules, D(90))[0] == D("1.2")
    assert coefficient(rules, D(0))[0] == D("0.5")
    value, text = coefficient(rules, D(0))
    assert "限定在" in text and value == D("0.5")


def test_pay_moves_up_and_down_and_explains_itself() -> None:
    rules = PayRules(share=D("0.4"), method="bands", bands=BANDS)
    high, low = compute(rules, [(D(5000), D(92)), (D(5000), D(70))])
    assert high.standard == low.standard == D("2000.00")
    assert high.pay == D("2400.00") and low.pay == D("1200.00")
    assert "标准绩效工资2,000.00元" in high.lines[0]
    assert high.lines[-1] == "与标准绩效工资相比增加400.00元"
    assert low.lines[-1] == "与标准绩效工资相比减少800.00元"


def test_pool_mode_pays_out_exactly_the_pool() -> None:
    rules = PayRules(share=D("0.3"), method="bands", bands=BANDS, mode="pool")
    people = [(D("4321.17"), D(95)), (D(3000), D(85)), (D("2999.99"), D(50))]
    result = compute(rules, people)
    assert sum(r.pay for r in result) == sum(r.standard for r in result)
    assert result[0].pay > result[0].standard and result[2].pay < result[2].standard


def test_allocate_splits_a_cent_by_largest_remainder() -> None:
    assert allocate(D("0.10"), [D(1), D(1), D(1)]) == [D("0.04"), D("0.03"), D("0.03")]
    assert allocate(D(0), [D(0), D(0)]) == [D(0), D(0)]


money = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False)
weight = st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False)


@given(total=money, weights=st.lists(weight, min_size=1, max_size=60))
def test_allocate_always_sums_to_the_cent(total: Decimal, weights: list[Decimal]) -> None:
    parts = allocate(total, weights)
    assert sum(parts) == total
    assert all(part >= 0 and part == part.quantize(D("0.01")) for part in parts)
    if sum(weights) > 0:
        share = [total * w / sum(weights) for w in weights]
        assert all(abs(part - exact) < D("0.01") for part, exact in zip(parts, share, strict=True))


@given(
    people=st.lists(
        st.tuples(money, st.decimals(min_value=0, max_value=120, places=2)),
        min_size=1,
        max_size=40,
    ),
    share=st.decimals(min_value=D("0.2"), max_value=1, places=2),
)
def test_pool_reconciles_to_the_cent(people: list, share: Decimal) -> None:
    rules = PayRules(share=share, method="bands", bands=BANDS, mode="pool")
    result = compute(rules, people)
    assert sum(r.pay for r in result) == sum(r.standard for r in result)
    direct = compute(PayRules(share=share, method="bands", bands=BANDS), people)
    for r in direct:
        assert r.pay == (r.standard * r.coefficient).quantize(D("0.01"))
