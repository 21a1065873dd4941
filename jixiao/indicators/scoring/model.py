"""Typed input of the scoring engine: options, rules, leaves and the sheet."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal

from .fields import FieldReader
from .numbers import QUANTA, ROUNDING_MODES

RuleKind = Literal["scored", "bonus", "penalty"]
#: The validated, rule-specific fields of a leaf (target, actual, unit, …).
Params = Mapping[str, Any]

MSG_GRADES_FROM_ZERO = "等级设置不能为空，且最低一档的 min 应为0"

FLAG_EXPLANATION_REQUIRED = "explanation_required"
FLAG_NOT_APPLICABLE = "not_applicable"
FLAG_ADJUSTED = "adjusted"


@dataclass(frozen=True, slots=True)
class Grade:
    """A grade reached by totals of at least ``min`` (excellent 优 ≥ 90 …)."""

    code: str
    label: str
    min: Decimal


DEFAULT_GRADES: tuple[Grade, ...] = (
    Grade("excellent", "优", Decimal(90)),
    Grade("good", "良", Decimal(80)),
    Grade("fair", "中", Decimal(60)),
    Grade("poor", "差", Decimal(0)),
)
DEFAULT_BANDS: tuple[Decimal, Decimal] = (Decimal("0.8"), Decimal("0.6"))
DEFAULT_SCALE = Decimal(100)
DEFAULT_DECIMALS = 2
DEFAULT_ROUNDING = "half_up"


@dataclass(frozen=True, slots=True)
class Options:
    """Sheet-wide options: scale, rounding, qualitative bands and grades.

    ``grades`` are kept sorted from the highest ``min`` down; the lowest ``min`` must be 0, so
    that every total has a grade. Note that the default grades (优 ≥ 90 …) are absolute: a sheet
    on another scale passes its own.
    """

    scale: Decimal = DEFAULT_SCALE
    decimals: int = DEFAULT_DECIMALS
    rounding: str = DEFAULT_ROUNDING
    bands: tuple[Decimal, Decimal] = DEFAULT_BANDS
    grades: tuple[Grade, ...] = DEFAULT_GRADES
    quantum: Decimal = field(init=False, repr=False, compare=False)
    rounding_mode: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.grades or min(grade.min for grade in self.grades) != 0:
            raise ValueError(MSG_GRADES_FROM_ZERO)
        object.__setattr__(self, "quantum", QUANTA[self.decimals])
        object.__setattr__(self, "rounding_mode", ROUNDING_MODES[self.rounding])
        ordered = tuple(sorted(self.grades, key=lambda grade: grade.min, reverse=True))
        object.__setattr__(self, "grades", ordered)

    def round(self, value: Decimal) -> Decimal:
        """A leaf score or total rounded as the sheet says (half-up to 2 decimals by default)."""
        return value.quantize(self.quantum, rounding=self.rounding_mode)

    def grade_for(self, total: Decimal) -> Grade:
        """The highest grade whose ``min`` the total reaches."""
        for grade in self.grades:
            if total >= grade.min:
                return grade
        return self.grades[-1]


@lru_cache(maxsize=128)
def make_options(
    scale: Decimal = DEFAULT_SCALE,
    decimals: int = DEFAULT_DECIMALS,
    rounding: str = DEFAULT_ROUNDING,
    bands: tuple[Decimal, Decimal] = DEFAULT_BANDS,
    grades: tuple[Grade, ...] = DEFAULT_GRADES,
) -> Options:
    """``Options``, shared between sheets with the same options (building one is not free)."""
    return Options(scale, decimals, rounding, bands, grades)


ReadFn = Callable[[FieldReader, "Decimal | None", Options], "Params | None"]
ScoreFn = Callable[[Params, "Decimal | None"], Decimal]
MissFn = Callable[[Params], bool]
ExplainFn = Callable[["Leaf", Decimal, Decimal, Options], str]


@dataclass(frozen=True, slots=True)
class Rule:
    """A scoring rule, registered by name (see ``rules.register_rule``).

    - ``read(reader, full, options)`` validates the rule's own fields and returns them as params
      (None when a field is bad: the reader has recorded why);
    - ``score(params, full)`` gives the unrounded score, within [0, full] for a scored rule;
    - ``misses(params)``, if given, tells whether the leaf misses its target (or over-achieves
      it) so that an explanation is required;
    - ``explain(leaf, raw, score, options)`` says in Chinese how ``score`` (rounded) was reached.

    ``kind`` is "scored" (counts toward the scale, needs ``full``), "bonus" or "penalty" (outside
    the scale, no ``full``).
    """

    name: str
    label: str
    read: ReadFn
    score: ScoreFn
    explain: ExplainFn
    kind: RuleKind = "scored"
    misses: MissFn | None = None


@dataclass(frozen=True, slots=True)
class Adjustment:
    """An evaluator's score replacing the rule's, with the required reason."""

    score: Decimal
    reason: str


@dataclass(slots=True)
class Leaf:
    """One scored item (末级指标), a bonus or a penalty item.

    Treated as immutable; not frozen because frozen dataclasses are several times slower to build
    and a sheet has many leaves.
    """

    path: tuple[str, ...]
    rule: Rule
    full: Decimal | None
    params: Params
    applicable: bool = True
    explanation: str = ""
    adjustment: Adjustment | None = None
    published_score: Decimal | None = None

    @property
    def name(self) -> str:
        return self.path[-1]


@dataclass(frozen=True, slots=True)
class Sheet:
    """A validated ``jixiao-sheet/1`` sheet: its options and its leaves in input order."""

    title: str
    options: Options
    leaves: tuple[Leaf, ...]
    full_sum: Decimal
    published_total: Decimal | None = None
