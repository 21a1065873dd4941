"""Reads of the workflow shared by pages, the API and the domains: review queues with their
counts and deadlines, who sees which case, history, comments and versions.

Everything is set-based. Who may review a case at its current level is one SQL condition built
from the registered definitions and the user's scopes (a handful of ``LIKE 'path%'`` terms),
so the queue, its counts and the "awaiting me" flag of every row come from one query each.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import BooleanField, Case, Count, F, Min, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from jixiao.orgs import permissions as perms
from jixiao.workflow.definitions import definitions, find_definition
from jixiao.workflow.diff import SnapshotDiff, diff_snapshots
from jixiao.workflow.models import (
    ReviewComment,
    WorkflowCase,
    WorkflowState,
    WorkflowStep,
    WorkflowVersion,
)

# --- Conditions ----------------------------------------------------------------------------


def _any(conditions: Iterable[Q]) -> Q | None:
    result: Q | None = None
    for condition in conditions:
        result = condition if result is None else result | condition
    return result


def _scoped(user: Any, actions: Iterable[str], org_field: str) -> Q | None:
    """Rows whose ``org_field`` lies in the user's scope for any of ``actions``."""
    return _any(
        perms.scope_q(user, action, org_field)
        for action in sorted(set(actions))
        if action and perms.action_paths(user, action)
    )


def awaiting_q(user: Any, definition_key: str | None = None) -> Q | None:
    """Cases waiting for ``user``'s decision: submitted, at a level whose action the user holds
    over the reviewing organisation, and not submitted by the user. None: nothing, ever."""
    parts = []
    for definition in definitions(definition_key):
        for index, level in enumerate(definition.levels):
            scope = _scoped(user, [level.action], "reviewing_organization")
            if scope is not None:
                parts.append(Q(definition_key=definition.key, current_level=index) & scope)
    condition = _any(parts)
    if condition is None:
        return None
    return Q(state=WorkflowState.SUBMITTED) & condition & ~Q(submitted_by=user)


def visible_q(user: Any, definition_key: str | None = None) -> Q | None:
    """Cases ``user`` may see: those of organisations in the user's scope for submitting,
    reviewing at any level, or viewing that kind of form."""
    parts = []
    for definition in definitions(definition_key):
        actions = {definition.submit_action, definition.view_action, *definition.review_actions}
        scope = _scoped(user, actions, "organization")
        if scope is not None:
            parts.append(Q(definition_key=definition.key) & scope)
    return _any(parts)


def _flag(condition: Q | None) -> Case | Value:
    if condition is None:
        return Value(False)
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


# --- Cases ---------------------------------------------------------------------------------


def visible_cases(
    user: Any, definition_key: str | None = None, now: datetime | None = None
) -> QuerySet[WorkflowCase]:
    """The cases ``user`` may see, for list pages: organisations joined, and annotated
    ``awaiting_me`` (the user can decide it now) and ``overdue`` (its review is late)."""
    condition = visible_q(user, definition_key)
    if condition is None:
        return WorkflowCase.objects.none()
    now = now or timezone.now()
    awaiting = awaiting_q(user, definition_key)
    return (
        WorkflowCase.objects.filter(condition)
        .select_related("organization", "reviewing_organization")
        .annotate(
            awaiting_me=_flag(awaiting),
            overdue=_flag(Q(state=WorkflowState.SUBMITTED, due_at__lt=now)),
        )
    )


def review_queue(
    user: Any, definition_key: str | None = None, now: datetime | None = None
) -> QuerySet[WorkflowCase]:
    """The cases waiting for ``user``'s review, the most urgent first (by deadline, then by
    submission); see :func:`visible_cases` for the annotations."""
    condition = awaiting_q(user, definition_key)
    if condition is None:
        return WorkflowCase.objects.none()
    return (
        visible_cases(user, definition_key, now)
        .filter(condition)
        .order_by(F("due_at").asc(nulls_last=True), "submitted_at", "id")
    )


def get_case_for_user(user: Any, pk: Any, definition_key: str | None = None) -> WorkflowCase:
    """The only way to fetch a case for a person: 404 when missing or out of their scope."""
    try:
        return visible_cases(user, definition_key).get(pk=pk)
    except (WorkflowCase.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def cases_for_subjects(subject_type: str, ids: Iterable[int]) -> dict[int, WorkflowCase]:
    """The cases of many subjects in one query, by subject id (absent: never opened)."""
    rows = WorkflowCase.objects.filter(subject_type=subject_type, subject_id__in=list(ids))
    return {case.subject_id: case for case in rows.select_related("reviewing_organization")}


# --- Counts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueSummary:
    """What a list page shows above its table: the user's queue and the visible cases by
    state (tabs with counts)."""

    awaiting: int = 0
    overdue: int = 0
    next_due_at: datetime | None = None
    by_state: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_state.values())

    @property
    def tabs(self) -> list[tuple[str, str, int]]:
        """(state, label, count) in the workflow's order."""
        return [(s.value, s.label, self.by_state.get(s.value, 0)) for s in WorkflowState]


def queue_summary(
    user: Any, definition_key: str | None = None, now: datetime | None = None
) -> QueueSummary:
    """Counts for ``user`` in one aggregate query."""
    visible = visible_q(user, definition_key)
    if visible is None:
        return QueueSummary(by_state={s.value: 0 for s in WorkflowState})
    now = now or timezone.now()
    awaiting = awaiting_q(user, definition_key) or Q(pk__in=[])
    counts = WorkflowCase.objects.filter(visible).aggregate(
        awaiting=Count("pk", filter=awaiting),
        overdue=Count("pk", filter=awaiting & Q(due_at__lt=now)),
        next_due_at=Min("due_at", filter=awaiting),
        **{f"state_{s.value}": Count("pk", filter=Q(state=s.value)) for s in WorkflowState},
    )
    return QueueSummary(
        awaiting=counts["awaiting"],
        overdue=counts["overdue"],
        next_due_at=counts["next_due_at"],
        by_state={s.value: counts[f"state_{s.value}"] for s in WorkflowState},
    )


# --- History, comments, versions -----------------------------------------------------------


def history(case: WorkflowCase) -> QuerySet[WorkflowStep]:
    """The case's steps in order, with who acted, for which organisation, and the version."""
    return (
        WorkflowStep.objects.filter(case=case)
        .select_related("actor", "organization", "version")
        .order_by("id")
    )


def comments_by_item(case: WorkflowCase) -> dict[str, list[ReviewComment]]:
    """Every comment of every round, grouped by item ("" = the whole form), oldest first."""
    rows = (
        ReviewComment.objects.filter(case=case)
        .select_related("author", "organization", "resolved_by")
        .order_by("id")
    )
    grouped: dict[str, list[ReviewComment]] = {}
    for comment in rows:
        grouped.setdefault(comment.item_key, []).append(comment)
    return grouped


def versions(case: WorkflowCase) -> QuerySet[WorkflowVersion]:
    return WorkflowVersion.objects.filter(case=case).select_related("created_by").order_by("number")


def diff_versions(a: WorkflowVersion, b: WorkflowVersion) -> SnapshotDiff:
    """What changed from version ``a`` to version ``b`` of one case, field by field and row
    by row (rows matched by the definition's ``row_key``)."""
    if a.case_id != b.case_id:
        raise ValueError("versions of different cases cannot be compared")
    definition = find_definition(a.case.definition_key)
    return diff_snapshots(a.data, b.data, definition.row_key if definition else "key")
