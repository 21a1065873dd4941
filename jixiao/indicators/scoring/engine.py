"""Scoring a validated sheet: leaf scores, rescaling, bonus and penalty, total and grade."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .explain import leaf_explanation
from .fields import located, show
from .jsonout import dumps
from .model import (
    FLAG_ADJUSTED,
    FLAG_EXPLANATION_REQUIRED,
    FLAG_NOT_APPLICABLE,
    Grade,
    Leaf,
    Options,
    Sheet,
)
from .numbers import ZERO, engine_context, plain
from .sheet import SheetError

if TYPE_CHECKING:
    from .audit import AuditResult

MSG_ARITHMETIC = "计分规则“{rule}”计算出错：{error}"
MSG_OUT_OF_RANGE = "计分规则“{rule}”算出的得分{score}不是0到满分{full}之间的 Decimal 数值"

_NO_FLAGS: tuple[str, ...] = ()
_EXPLANATION_FLAGS = (FLAG_EXPLANATION_REQUIRED,)
_NOT_APPLICABLE_FLAGS = (FLAG_NOT_APPLICABLE,)


@dataclass(slots=True, eq=False)
class LeafResult:
    """The score of one leaf; ``score`` is None for a left-out (not applicable) leaf.

    ``computed`` is the rule's rounded score (equal to ``score`` unless adjusted), ``raw`` the
    rule's unrounded score. ``explain`` is built on first use.
    """

    leaf: Leaf
    score: Decimal | None
    computed: Decimal | None
    raw: Decimal | None
    flags: tuple[str, ...]
    options: Options
    _explain: str | None = field(default=None, repr=False)

    @property
    def path(self) -> tuple[str, ...]:
        return self.leaf.path

    @property
    def adjusted(self) -> bool:
        return FLAG_ADJUSTED in self.flags

    @property
    def explain(self) -> str:
        """How the score was reached, in Chinese."""
        if self._explain is None:
            with engine_context():
                self._explain = leaf_explanation(self)
        return self._explain

    def to_dict(self) -> dict[str, Any]:
        """The item as in the output of ``jixiao score`` (numbers as ``Decimal``)."""
        item: dict[str, Any] = {
            "path": list(self.leaf.path),
            "rule": self.leaf.rule.name,
            "full": self.leaf.full,
            "score": self.score,
            "flags": list(self.flags),
            "explain": self.explain,
        }
        if self.adjusted:
            item["computed"] = self.computed
        return item


@dataclass(slots=True, eq=False)
class SheetResult:
    """The scored sheet: every leaf in input order, totals and grade (and the audit, if asked).

    ``scored_total`` is the sum of the rounded scored leaves, rescaled when items are left out;
    ``total`` = max(0, scored_total + bonus_total − penalty_total).
    """

    title: str
    scale: Decimal
    total: Decimal
    grade: Grade
    items: tuple[LeafResult, ...]
    scored_total: Decimal
    bonus_total: Decimal
    penalty_total: Decimal
    audit: AuditResult | None = None

    def to_dict(self) -> dict[str, Any]:
        """The output of ``jixiao score`` as a dict (numbers as ``Decimal``), in its field order."""
        result: dict[str, Any] = {
            "title": self.title,
            "scale": self.scale,
            "total": self.total,
            "grade": self.grade.code,
            "grade_label": self.grade.label,
            "items": [item.to_dict() for item in self.items],
        }
        if self.audit is not None:
            result["audit"] = self.audit.to_dict()
        return result

    def to_json(self, indent: int | None = 1) -> str:
        """The output of ``jixiao score``: JSON, Chinese kept, numbers exact."""
        return dumps(self.to_dict(), indent)


def score_sheet(sheet: Sheet) -> SheetResult:
    """Score a validated sheet (see ``parse_sheet``).

    Raises ``SheetError`` only if a registered rule fails or scores outside its range.
    """
    with engine_context():
        return _score(sheet)


def _score(sheet: Sheet) -> SheetResult:
    options = sheet.options
    items: list[LeafResult] = []
    scored = bonus = penalty = left_out = ZERO
    for leaf in sheet.leaves:
        result = score_leaf(leaf, options)
        items.append(result)
        kind = leaf.rule.kind
        if result.score is None:
            if kind == "scored":
                left_out += leaf.full  # type: ignore[operator]
        elif kind == "scored":
            scored += result.score
        elif kind == "bonus":
            bonus += result.score
        else:
            penalty += result.score
    if left_out:
        scored = options.round(scored * options.scale / (options.scale - left_out))
    total = scored + bonus - penalty
    if total < 0:
        total = ZERO.quantize(options.quantum)
    grade = options.grade_for(total)
    return SheetResult(
        sheet.title, options.scale, total, grade, tuple(items), scored, bonus, penalty
    )


def score_leaf(leaf: Leaf, options: Options) -> LeafResult:
    """One leaf's rounded score and flags (the caller provides the engine context).

    The rule's score is checked to be a Decimal in [0, full]: a registered rule may be wrong.
    """
    if not leaf.applicable:
        return LeafResult(leaf, None, None, None, _NOT_APPLICABLE_FLAGS, options)
    rule, full = leaf.rule, leaf.full
    try:
        raw = rule.score(leaf.params, full)
    except ArithmeticError as error:
        message = MSG_ARITHMETIC.format(rule=rule.name, error=type(error).__name__)
        raise SheetError([located(leaf.path, message)]) from error
    if (
        type(raw) is not Decimal
        or not raw.is_finite()
        or raw < 0
        or (full is not None and raw > full)
    ):
        raise _bad_score(leaf, raw)
    computed = raw.quantize(options.quantum, rounding=options.rounding_mode)
    flags = _NO_FLAGS
    if rule.misses is not None and not leaf.explanation and rule.misses(leaf.params):
        flags = _EXPLANATION_FLAGS
    adjustment = leaf.adjustment
    if adjustment is None:
        return LeafResult(leaf, computed, computed, raw, flags, options)
    score = adjustment.score.quantize(options.quantum, rounding=options.rounding_mode)
    return LeafResult(leaf, score, computed, raw, (*flags, FLAG_ADJUSTED), options)


def _bad_score(leaf: Leaf, raw: object) -> SheetError:
    """The error for a rule that scored outside [0, full] or returned no Decimal."""
    upper = "" if leaf.full is None else plain(leaf.full)
    message = MSG_OUT_OF_RANGE.format(rule=leaf.rule.name, score=show(raw), full=upper)
    return SheetError([located(leaf.path, message)])
