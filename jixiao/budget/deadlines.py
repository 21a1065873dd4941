"""Budget deadlines (CORE-5) that learn when a unit has done the work: the submit services of
target declarations and self-evaluations call :func:`targets_complete` and
:func:`self_evaluations_complete` inside their transaction, with their actor.

A unit's deadline of a topic is completed once all of its work for the fiscal year the deadline
is about is done, not at its first submission. A return (退回) later does not un-complete it:
a completed deadline stays completed, as for the monitoring forms; a manager may reopen it by
hand (``periods.services.deadline_reopen``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q

from jixiao.budget.evaluation.models import ResultState, SelfEvaluation
from jixiao.budget.models import Project
from jixiao.orgs.models import Organization, User
from jixiao.periods import completion
from jixiao.periods import services as periods
from jixiao.periods.models import Deadline, DeadlineCompletion, Period
from jixiao.workflow.models import WorkflowCase, WorkflowState

TARGET_TOPIC = "budget.target"
SELF_EVALUATION_TOPIC = "budget.self_evaluation"
PROJECT_SUBJECT = "budget.project"  # budget.services.SUBJECT, not imported: services imports us

# Which year's periods a deadline about the work of fiscal year ``Y`` hangs on. Targets for
# year Y are declared during year Y-1 (the deadline for the 2027 budget's declarations hangs on
# the 2026 YEAR period); a self-evaluation of year Y is about that year and hangs on its own
# period (the 2025 self-evaluation, reported in 2026, on the 2025 YEAR period). Any period of
# that fiscal year counts (year, half, custom …), so a bureau may also set them on a shorter one.
PERIOD_YEAR_OFFSET = {TARGET_TOPIC: -1, SELF_EVALUATION_TOPIC: 0}


def period_year(topic: str, fiscal_year: int) -> int:
    """The fiscal year of the periods carrying ``topic``'s deadlines about ``fiscal_year``."""
    return fiscal_year + PERIOD_YEAR_OFFSET[topic]


def targets_complete(
    *, actor: User | None, unit: Organization, fiscal_year: int
) -> list[DeadlineCompletion]:
    """Complete ``unit``'s target-declaration deadlines about ``fiscal_year`` when every one of
    its declarations of that year is submitted or approved (an approved one stays done while an
    adjustment of it is under way)."""
    if not _has_open(TARGET_TOPIC, unit, fiscal_year) or not targets_done(unit, fiscal_year):
        return []
    return _complete(actor, TARGET_TOPIC, unit, fiscal_year)


def targets_done(unit: Organization, fiscal_year: int) -> bool:
    """Every declaration of ``unit`` for ``fiscal_year`` is submitted or approved."""
    return unit.pk in units_with_targets_done([unit.pk], fiscal_year)


def units_with_targets_done(unit_ids: list[int], fiscal_year: int) -> set[int]:
    """Those of ``unit_ids`` with declarations for ``fiscal_year``, all submitted or approved
    (two queries, for one unit or a whole deadline's targets)."""
    done = Q(state__in=[WorkflowState.SUBMITTED, WorkflowState.APPROVED]) | Q(
        approved_version__isnull=False
    )
    done_ids = WorkflowCase.objects.filter(done, subject_type=PROJECT_SUBJECT).values("subject_id")
    declarations = Project.objects.filter(unit_id__in=unit_ids, fiscal_year=fiscal_year)
    return _all_of(declarations, declarations.exclude(pk__in=done_ids))


def _all_of(work: Any, pending: Any) -> set[int]:
    """Units that have some of ``work`` and none of it ``pending``."""
    having = set(work.order_by().values_list("unit_id", flat=True).distinct())
    return having - set(pending.order_by().values_list("unit_id", flat=True).distinct())


def self_evaluations_complete(
    *, actor: User | None, unit: Organization, fiscal_year: int
) -> list[DeadlineCompletion]:
    """Complete ``unit``'s self-evaluation deadlines about ``fiscal_year`` when every approved
    declaration of the unit for that year has a submitted or approved self-evaluation."""
    if not _has_open(SELF_EVALUATION_TOPIC, unit, fiscal_year):
        return []
    if not self_evaluations_done(unit, fiscal_year):
        return []
    return _complete(actor, SELF_EVALUATION_TOPIC, unit, fiscal_year)


def self_evaluations_done(unit: Organization, fiscal_year: int) -> bool:
    """Every approved declaration of ``unit`` for ``fiscal_year`` has a submitted or approved
    self-evaluation."""
    return unit.pk in units_with_self_evaluations_done([unit.pk], fiscal_year)


def units_with_self_evaluations_done(unit_ids: list[int], fiscal_year: int) -> set[int]:
    """Those of ``unit_ids`` with approved declarations for ``fiscal_year``, each with a
    submitted or approved self-evaluation (two queries)."""
    approved_ids = WorkflowCase.objects.filter(
        subject_type=PROJECT_SUBJECT, approved_version__isnull=False
    ).values("subject_id")
    evaluated_ids = SelfEvaluation.objects.filter(
        unit_id__in=unit_ids,
        fiscal_year=fiscal_year,
        state__in=[ResultState.SUBMITTED, ResultState.APPROVED],
    ).values("project_id")
    approved = Project.objects.filter(
        unit_id__in=unit_ids, fiscal_year=fiscal_year, pk__in=approved_ids
    )
    return _all_of(approved, approved.exclude(pk__in=evaluated_ids))


def _has_open(topic: str, unit: Organization, fiscal_year: int) -> bool:
    """Whether ``unit`` has an active deadline of ``topic`` about ``fiscal_year`` that it has
    not completed yet (most submissions have none: no need to look at the work)."""
    return (
        Deadline.objects.filter(
            topic=topic,
            is_active=True,
            period__fiscal_year=period_year(topic, fiscal_year),
            deadline_targets__organization=unit,
        )
        .exclude(completions__organization=unit)
        .exists()
    )


def _complete(
    actor: User | None, topic: str, unit: Organization, fiscal_year: int
) -> list[DeadlineCompletion]:
    return [
        completion
        for period in Period.objects.filter(
            fiscal_year=period_year(topic, fiscal_year),
            deadlines__topic=topic,
            deadlines__deadline_targets__organization=unit,
        ).distinct()
        for completion in periods.deadline_complete_by_topic(
            actor=actor, topic=topic, organization=unit, period=period
        )
    ]


def _already_done(done: Callable[[list[int], int], set[int]], topic: str) -> Any:
    """For ``periods.completion``: a deadline of ``topic`` set after some units finished (the
    same rule as on submission, for all its targets at once)."""

    def check(deadline: Deadline, targets: list[Organization]) -> list[Organization]:
        fiscal_year = deadline.period.fiscal_year - PERIOD_YEAR_OFFSET[topic]
        finished = done([unit.pk for unit in targets], fiscal_year)
        return [unit for unit in targets if unit.pk in finished]

    return check


def install() -> None:
    completion.register(TARGET_TOPIC, _already_done(units_with_targets_done, TARGET_TOPIC))
    completion.register(
        SELF_EVALUATION_TOPIC,
        _already_done(units_with_self_evaluations_done, SELF_EVALUATION_TOPIC),
    )
