"""From a self-evaluation (or a re-evaluation) to a scoring-engine sheet and back.

Pure functions over model instances already loaded (no queries), so a page, a service and the
bulk recompute score the same way. The sheet is a ``jixiao-sheet/1`` document: budget
execution first (rule ``budget_execution``, worth ``execution_full``), then the indicators
grouped 一级 → 二级 as on the self-evaluation table; ``jixiao score`` reproduces any result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from jixiao.budget.evaluation.models import EvaluationSettings, Grade, Rounding
from jixiao.documents.language import official_text
from jixiao.indicators.scoring import (
    LeafResult,
    SheetResult,
    audit_sheet,
    parse_sheet,
    score_sheet,
)
from jixiao.indicators.scoring.model import FLAG_EXPLANATION_REQUIRED

EXECUTION_NAME = "预算执行率"
AUDIT_SCALE = Decimal(100)  # what a self-evaluation table's full scores must add up to
DEFAULT_THRESHOLDS = (Decimal(90), Decimal(80), Decimal(60))
# The grades as stored and printed (reports, frozen publications): Chinese, plain text. A page
# shows ``Grade(code).label``, in the reader's language.
GRADE_LABELS = {grade.value: official_text(grade.label) for grade in Grade}


@dataclass(frozen=True)
class Rules:
    """What scoring needs from :class:`EvaluationSettings` (defaults when none were set)."""

    excellent_min: Decimal = Decimal(90)
    good_min: Decimal = Decimal(80)
    fair_min: Decimal = Decimal(60)
    execution_full: Decimal = Decimal(10)
    decimals: int = 2
    rounding: str = Rounding.HALF_UP
    version: str = ""

    @classmethod
    def of(cls, settings: EvaluationSettings) -> Rules:
        return cls(
            settings.excellent_min,
            settings.good_min,
            settings.fair_min,
            settings.execution_full,
            settings.decimals,
            settings.rounding,
            settings.version_label,
        )

    def grades(self) -> list[dict[str, Any]]:
        return [
            {"code": Grade.EXCELLENT.value, "label": "优", "min": self.excellent_min},
            {"code": Grade.GOOD.value, "label": "良", "min": self.good_min},
            {"code": Grade.FAIR.value, "label": "中", "min": self.fair_min},
            {"code": Grade.POOR.value, "label": "差", "min": Decimal(0)},
        ]

    def grade_for(self, total: Decimal | None) -> str:
        if total is None:
            return ""
        if total >= self.excellent_min:
            return Grade.EXCELLENT
        if total >= self.good_min:
            return Grade.GOOD
        if total >= self.fair_min:
            return Grade.FAIR
        return Grade.POOR


@dataclass
class ItemOutcome:
    score: Decimal | None
    computed: Decimal | None
    flags: list[str]
    leaf: LeafResult

    @property
    def explain(self) -> str:
        """The engine's explanation, built on first use (a third of the scoring time)."""
        return self.leaf.explain


@dataclass
class Outcome:
    """The engine's result mapped back onto the rows (``items`` in the rows' order)."""

    total: Decimal
    grade: str
    execution_score: Decimal
    execution_explain: str
    items: list[ItemOutcome]
    result: SheetResult
    adjusted_without_reason: list[int] = field(default_factory=list)  # indexes into items

    def needs_explanation(self) -> list[int]:
        return [n for n, item in enumerate(self.items) if FLAG_EXPLANATION_REQUIRED in item.flags]


def _n(value: Decimal | None) -> Decimal | None:
    """A stored decimal without its column's trailing zeros (90.000000 → 90), so the
    explanations read as the form is written."""
    return None if value is None else value.normalize()


def _leaf(row: Any, *, adjust: bool, published: bool) -> dict[str, Any]:
    leaf: dict[str, Any] = {"name": row.name, "rule": row.rule, "full": _n(row.full_score)}
    if row.rule == "qualitative":
        leaf["level"] = row.level
        leaf["score"] = _n(row.assessed_score)
    else:
        leaf["target"] = _n(row.target_value)
        leaf["actual"] = _n(row.actual)
        if row.unit:
            leaf["unit"] = row.unit
    explanation = (getattr(row, "explanation", "") or getattr(row, "reason", "")).strip()
    if explanation:
        leaf["explanation"] = explanation
    override = _override(row)
    if adjust and override is not None:
        leaf["adjustment"] = {"score": override, "reason": explanation}
    if published:
        reported = getattr(row, "reported_score", None)
        leaf["published_score"] = reported if reported is not None else row.score
    return leaf


def _override(row: Any) -> Decimal | None:
    """The score a person put in place of the rule's: the unit's reported score on a
    self-evaluation row, the evaluator's adjusted score on a re-evaluation row."""
    if hasattr(row, "reported_score"):
        return row.reported_score  # type: ignore[no-any-return]
    return getattr(row, "adjusted_score", None)


def sheet_of(
    *,
    title: str,
    budget: Decimal,
    executed: Decimal,
    rows: Sequence[Any],
    rules: Rules,
    adjust: frozenset[int] = frozenset(),
    published_total: Decimal | None = None,
    scale: Decimal | None = None,
    flat: bool = False,
) -> tuple[dict[str, Any], list[int]]:
    """The sheet and the order of ``rows`` in it (the engine lists leaves group by group).
    ``adjust``: indexes of rows whose override goes in as an adjustment."""
    order: list[int] = []
    items: list[dict[str, Any]] = [
        {
            "name": EXECUTION_NAME,
            "rule": "budget_execution",
            "full": rules.execution_full,
            "budget": _n(budget),
            "executed": _n(executed),
        }
    ]
    if flat:  # no groups: the same scores, a cheaper sheet (the bulk recompute)
        for n, row in enumerate(rows):
            items.append(_leaf(row, adjust=n in adjust, published=False))
            order.append(n)
        groups: dict[str, dict[str, list[int]]] = {}
    else:
        groups = {}
        for n, row in enumerate(rows):
            groups.setdefault(row.level1, {}).setdefault(row.level2, []).append(n)
    for level1, level2s in groups.items():
        children = []
        for level2, indexes in level2s.items():
            leaves = []
            for n in indexes:
                leaves.append(
                    _leaf(rows[n], adjust=n in adjust, published=published_total is not None)
                )
                order.append(n)
            children.append({"name": level2 or level1, "children": leaves})
        items.append({"name": level1, "children": children})
    if scale is None:  # scoring: the table's own full scores (execution + indicators)
        scale = rules.execution_full + sum((row.full_score for row in rows), Decimal(0))
    sheet: dict[str, Any] = {
        "format": "jixiao-sheet/1",
        "title": title,
        "scale": scale,
        "decimals": rules.decimals,
        "rounding": str(rules.rounding),
        "grades": rules.grades(),
        "items": items,
    }
    if published_total is not None:
        sheet["published_total"] = published_total
    return sheet, order


def score_rows(
    *,
    title: str,
    budget: Decimal,
    executed: Decimal,
    rows: Sequence[Any],
    rules: Rules,
    flat: bool = False,
) -> Outcome:
    """Score the rows; a row whose override differs from the rule's score takes it as an
    adjustment when it carries a reason, and is listed in ``adjusted_without_reason`` when
    not. Raises ``SheetError`` for incomplete or invalid rows."""
    sheet, order = sheet_of(
        title=title, budget=budget, executed=executed, rows=rows, rules=rules, flat=flat
    )
    result = score_sheet(parse_sheet(sheet))
    adjust, missing = set(), []
    for position, n in enumerate(order):
        override = _override(rows[n])
        computed = result.items[position + 1].computed
        if override is None or override == computed:
            continue
        explanation = getattr(rows[n], "explanation", "") or getattr(rows[n], "reason", "")
        if explanation.strip():
            adjust.add(n)
        else:
            missing.append(n)
    if adjust:
        sheet, order = sheet_of(
            title=title,
            budget=budget,
            executed=executed,
            rows=rows,
            rules=rules,
            adjust=frozenset(adjust),
            flat=flat,
        )
        result = score_sheet(parse_sheet(sheet))
    return _outcome(result, order, len(rows), sorted(missing))


def _outcome(result: SheetResult, order: list[int], count: int, missing: list[int]) -> Outcome:
    """The outcome with the engine's grade (the sheet carries the year's thresholds)."""
    items: list[ItemOutcome | None] = [None] * count
    for position, n in enumerate(order):
        leaf = result.items[position + 1]
        items[n] = ItemOutcome(leaf.score, leaf.computed, list(leaf.flags), leaf)
    execution = result.items[0]
    return Outcome(
        total=result.total,
        grade=result.grade.code,
        execution_score=execution.score or Decimal(0),
        execution_explain=execution.explain,
        items=items,  # type: ignore[arg-type]
        result=result,
        adjusted_without_reason=missing,
    )


def audit_rows(
    *,
    title: str,
    budget: Decimal,
    executed: Decimal,
    rows: Sequence[Any],
    rules: Rules,
    published_total: Decimal,
    published_execution: Decimal | None,
) -> tuple[SheetResult, list[int]]:
    """The engine's audit of the scores as the unit reported them (再评价 starts here): the
    rules' scores without adjustments, compared with the reported ones."""
    sheet, order = sheet_of(
        title=title,
        budget=budget,
        executed=executed,
        rows=rows,
        rules=rules,
        published_total=published_total,
        scale=AUDIT_SCALE,
    )
    if published_execution is not None:
        sheet["items"][0]["published_score"] = published_execution
    return audit_sheet(parse_sheet(sheet, audit=True)), order
