"""Decimal helpers of the scoring engine: constants, the engine's context, number formatting.

The engine never uses binary floating point. Every public entry point runs inside
``engine_context()`` so that the caller's decimal context (precision, traps) cannot change a
score, and a computation that is not representable raises instead of silently rounding.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from decimal import (
    ROUND_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

#: Largest accepted magnitude (exclusive): 10^16, far above any budget in 元.
MAX_ADJUSTED_EXPONENT = 15
#: Smallest accepted non-zero magnitude: 10^-12.
MIN_ADJUSTED_EXPONENT = -12

#: Non-zero magnitudes in [PLAIN_LOW, PLAIN_HIGH) are accepted without further checks; parsing
#: uses them for its fast paths.
PLAIN_LOW = ONE.scaleb(MIN_ADJUSTED_EXPONENT)
PLAIN_HIGH = ONE.scaleb(MAX_ADJUSTED_EXPONENT + 1)

#: Rounding options of ``jixiao-sheet/1`` and their decimal modes ("down" is toward zero).
ROUNDING_MODES: dict[str, str] = {"half_up": ROUND_HALF_UP, "down": ROUND_DOWN}
MAX_DECIMALS = 4
#: QUANTA[d] is the exponent used to round to d decimals (Decimal("0.01") for d = 2).
QUANTA: tuple[Decimal, ...] = tuple(ONE.scaleb(-d) for d in range(MAX_DECIMALS + 3))

# 50 significant digits: products of two values as written on forms (bounded to 10^16, at most
# some twenty digits) are exact, and every rule divides once, correctly rounded, so a score that
# is exactly x.xx5 is seen as such by the half-up rounding.
_ENGINE_CONTEXT = Context(
    prec=50,
    rounding=ROUND_HALF_EVEN,
    Emax=999_999,
    Emin=-999_999,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)


def engine_context() -> AbstractContextManager[Context]:
    """The decimal context every engine computation runs in."""
    return localcontext(_ENGINE_CONTEXT)


def to_decimal(value: object) -> Decimal | None:
    """A JSON-ish number as Decimal (floats through their shortest repr); None if not a number.

    ``bool`` is not a number here, although Python treats it as an ``int``.
    """
    kind = type(value)
    if kind is Decimal:
        return value  # type: ignore[return-value]
    if kind is int:
        return Decimal(value)  # type: ignore[arg-type]
    if kind is float:
        return Decimal(repr(value))
    return None


def plain(value: Decimal) -> str:
    """A decimal in positional notation, as a JSON number or for a Chinese explanation."""
    return format(value, "f")


def fixed(value: Decimal, places: int = 2) -> str:
    """At least ``places`` decimals (money, percentages), more if the value has them."""
    if value.as_tuple().exponent >= -places:  # type: ignore[operator]
        return plain(value.quantize(QUANTA[places]))
    return plain(value)


def short(value: Decimal, places: int) -> str:
    """Rounded half-up to at most ``places`` decimals, trailing zeros dropped."""
    return plain(value.quantize(QUANTA[places], rounding=ROUND_HALF_UP).normalize())


def percent(value: Decimal) -> str:
    """A ratio already multiplied by 100, shown half-up with 2 decimals: 90.30."""
    return plain(value.quantize(QUANTA[2], rounding=ROUND_HALF_UP))
