"""The audit of a unit's own scores (``jixiao score --audit``), for re-evaluation (再评价)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .engine import SheetResult, score_sheet
from .model import Sheet
from .numbers import ZERO, engine_context

#: A published score differing from the computed one by this much or more is a deviation.
TOLERANCE = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Deviation:
    """A leaf whose published score differs from ours; ``difference`` = published − computed."""

    path: tuple[str, ...]
    published: Decimal
    computed: Decimal
    difference: Decimal

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": list(self.path),
            "published": self.published,
            "computed": self.computed,
            "difference": self.difference,
        }


@dataclass(frozen=True, slots=True)
class AuditResult:
    """Findings of an audit; ``None`` where the sheet lacks the published figures to compare."""

    deviations: tuple[Deviation, ...]
    full_sum: Decimal
    full_sum_consistent: bool
    published_total: Decimal | None
    published_sum: Decimal | None
    total_consistent: bool | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "deviations": [deviation.to_dict() for deviation in self.deviations],
            "full_sum": self.full_sum,
            "full_sum_consistent": self.full_sum_consistent,
            "published_total": self.published_total,
            "published_sum": self.published_sum,
            "total_consistent": self.total_consistent,
        }


def audit_sheet(sheet: Sheet) -> SheetResult:
    """Score the sheet and compare with the unit's published scores.

    Parse the sheet with ``parse_sheet(data, audit=True)`` so that a wrong full sum becomes a
    finding (``full_sum_consistent: false``) instead of a refusal.
    """
    result = score_sheet(sheet)
    with engine_context():
        result.audit = audit_result(sheet, result)
    return result


def audit_result(sheet: Sheet, result: SheetResult) -> AuditResult:
    """The findings for a sheet and its result."""
    published_sum = _published_sum(result)
    published_total = sheet.published_total
    consistent = None
    if published_total is not None and published_sum is not None:
        consistent = abs(published_total - published_sum) < TOLERANCE
    return AuditResult(
        deviations=_deviations(result),
        full_sum=sheet.full_sum,
        full_sum_consistent=sheet.full_sum == sheet.options.scale,
        published_total=published_total,
        published_sum=published_sum,
        total_consistent=consistent,
    )


def _deviations(result: SheetResult) -> tuple[Deviation, ...]:
    """Scored leaves whose published score differs from the computed one by 0.01 or more."""
    deviations = []
    for item in result.items:
        published = item.leaf.published_score
        if published is None or item.score is None:
            continue
        difference = published - item.score
        if abs(difference) >= TOLERANCE:
            deviations.append(Deviation(item.path, published, item.score, difference))
    return tuple(deviations)


def _published_sum(result: SheetResult) -> Decimal | None:
    """Published scores of the applicable leaves, penalties subtracted; None if one is missing.

    Left-out (not applicable) leaves are not part of the sum.
    """
    total = ZERO
    for item in result.items:
        if item.score is None:
            continue
        published = item.leaf.published_score
        if published is None:
            return None
        total += -published if item.leaf.rule.kind == "penalty" else published
    return total
