"""Reads of periods and deadlines shared by pages, the reminder job and the domains (CORE-5).

Everything here is set-based: statuses and counts are SQL annotations, the people concerned by
a deadline come from a few queries whatever the number of organisations.

Status as a user sees it: a deadline is pending while an organisation *visible to that user*
has not completed it. The finance bureau's reviewer sees a county-wide deadline as overdue
while any unit is late; a unit's operator sees it as completed once their unit is done.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.orgs import permissions as perms
from jixiao.orgs.models import Organization, RoleAssignment, User
from jixiao.periods.models import Deadline, DeadlineCompletion, DeadlineTarget, Period

_CHUNK = 500  # ids per IN (...) list, well below SQLite's parameter limit


class DeadlineStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    COMPLETED = "completed", _("已完成")
    OVERDUE = "overdue", _("已逾期")
    CANCELLED = "cancelled", _("已取消")


# --- Targets and completions ---------------------------------------------------------------


def _completed() -> Exists:
    """Inside a DeadlineTarget queryset: this target has completed its deadline."""
    return Exists(
        DeadlineCompletion.objects.filter(
            deadline_id=OuterRef("deadline_id"), organization_id=OuterRef("organization_id")
        )
    )


def _targets(user: Any = None) -> QuerySet[DeadlineTarget]:
    qs = DeadlineTarget.objects.filter(organization__is_active=True)
    if user is not None:
        qs = qs.filter(perms.scope_q(user, perms.DEADLINE_VIEW))
    return qs


def target_organizations(deadline: Deadline) -> QuerySet[Organization]:
    """The (active) organisations that must complete ``deadline``."""
    ids = DeadlineTarget.objects.filter(deadline=deadline).values("organization_id")
    return Organization.objects.filter(pk__in=ids, is_active=True).order_by("path")


def pending_organizations(deadline: Deadline) -> QuerySet[Organization]:
    """The targets that have not completed ``deadline``."""
    done = DeadlineCompletion.objects.filter(deadline=deadline).values("organization_id")
    return target_organizations(deadline).exclude(pk__in=done)


def target_rows(deadline: Deadline, user: Any = None, show: str = "") -> QuerySet[DeadlineTarget]:
    """The deadline's targets visible to ``user`` with their completion (``completed_at``,
    ``completed_by_name``, ``completion_note``), pending ones first. ``show``: "pending" or
    "completed" to keep only those."""
    completion = DeadlineCompletion.objects.filter(
        deadline_id=OuterRef("deadline_id"), organization_id=OuterRef("organization_id")
    )
    qs = (
        _targets(user)
        .filter(deadline=deadline)
        .select_related("organization", "organization__parent")
        .annotate(
            is_completed=_completed(),
            completed_at=Subquery(completion.values("completed_at")[:1]),
            completed_by_name=Subquery(
                completion.annotate(
                    name=Coalesce(
                        NullIf("completed_by__full_name", Value("")),
                        "completed_by__username",
                    )
                ).values("name")[:1]
            ),
            completion_note=Subquery(completion.values("note")[:1]),
        )
    )
    if show == "pending":
        qs = qs.filter(is_completed=False)
    elif show == "completed":
        qs = qs.filter(is_completed=True)
    return qs.order_by("is_completed", "organization__path")


def explicit_target_ids(deadline: Deadline) -> list[int]:
    """The targets named by hand (not found through the deadline's target kinds)."""
    rows = DeadlineTarget.objects.filter(deadline=deadline, explicit=True)
    return list(rows.values_list("organization_id", flat=True))


def target_for_user(deadline: Deadline, user: Any, organization_pk: Any) -> Organization:
    """A target organisation of ``deadline`` that ``user`` may see; 404 otherwise."""
    ids = _targets(user).filter(deadline=deadline).values("organization_id")
    try:
        return Organization.objects.get(pk=organization_pk, pk__in=ids)
    except (Organization.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


# --- Deadlines with their status -----------------------------------------------------------


def deadlines_visible(user: Any) -> QuerySet[Deadline]:
    """Deadlines set inside the user's scope, and those that target an organisation in it
    (a unit's operator sees the bureau's deadline for all budget units)."""
    targeted = _targets(user).filter(deadline_id=OuterRef("pk"))
    return Deadline.objects.filter(
        perms.scope_q(user, perms.DEADLINE_VIEW, "organization") | Q(Exists(targeted))
    )


def _count(qs: QuerySet) -> Coalesce:
    counted = qs.order_by().values("deadline_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_status(
    qs: QuerySet[Deadline], user: Any = None, now: datetime | None = None
) -> QuerySet[Deadline]:
    """Annotate ``target_count``, ``pending_count`` (over the targets ``user`` sees; all of
    them when None) and ``status`` as of ``now``. The status rests on an EXISTS, which stops
    at the first pending organisation; the counts are only computed for the rows shown."""
    now = now or timezone.now()
    targets = _targets(user).filter(deadline_id=OuterRef("pk"))
    pending = targets.filter(~_completed())
    rules = [
        (Q(is_active=False), DeadlineStatus.CANCELLED, 3),
        (~Exists(pending), DeadlineStatus.COMPLETED, 2),
        (Q(due_at__lt=now), DeadlineStatus.OVERDUE, 0),
    ]
    return qs.annotate(
        target_count=_count(targets),
        pending_count=_count(pending),
        status=Case(
            *[When(condition, then=Value(status)) for condition, status, _ in rules],
            default=Value(DeadlineStatus.OPEN),
            output_field=models.CharField(),
        ),
        # Overdue first, then open, completed, cancelled.
        status_rank=Case(
            *[When(condition, then=Value(rank)) for condition, _, rank in rules],
            default=Value(1),
            output_field=IntegerField(),
        ),
    )


def status_counts(qs: QuerySet[Deadline]) -> dict[str, int]:
    """How many deadlines of ``qs`` (annotated by :func:`with_status`) have each status, and
    ``all``: one GROUP BY."""
    counts = dict.fromkeys(DeadlineStatus.values, 0)
    rows = qs.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n")
    counts.update(rows)
    counts["all"] = sum(counts.values())
    return counts


@dataclass(frozen=True)
class DeadlineFilter:
    status: str = ""
    year: int | None = None
    q: str = ""


def deadlines_for_list(user: Any, f: DeadlineFilter, now: datetime | None = None) -> QuerySet:
    """The list page before the status filter (its counts are the badges above the table)."""
    qs = with_status(deadlines_visible(user), user, now)
    if f.year:
        qs = qs.filter(period__fiscal_year=f.year)
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(topic__icontains=f.q))
    return qs.select_related("period", "organization")


def filter_status(qs: QuerySet[Deadline], status: str) -> QuerySet[Deadline]:
    if status in DeadlineStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("status_rank", "due_at", "pk")


def deadline_years(user: Any) -> list[int]:
    return list(
        deadlines_visible(user)
        .order_by("-period__fiscal_year")
        .values_list("period__fiscal_year", flat=True)
        .distinct()
    )


def get_deadline_for_user(user: Any, pk: Any, write: bool = False) -> Deadline:
    """The only way pages obtain a deadline: 404 when it is missing or out of the user's
    scope; 403 when ``write`` and the user may see but not manage it."""
    qs = with_status(deadlines_visible(user), user).select_related(
        "period", "organization", "created_by"
    )
    try:
        deadline = qs.get(pk=pk)
    except (Deadline.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if write and not perms.can(user, perms.DEADLINE_MANAGE, deadline.organization):
        raise PermissionDenied
    return deadline


def overdue_list(user: Any = None, now: datetime | None = None) -> QuerySet[Deadline]:
    """Deadlines past due with pending organisations (``pending_count`` of ``target_count``),
    the most overdue first; within ``user``'s scope when given."""
    base = deadlines_visible(user) if user is not None else Deadline.objects.all()
    return (
        with_status(base, user, now)
        .filter(status=DeadlineStatus.OVERDUE)
        .select_related("period", "organization")
        .order_by("due_at", "pk")
    )


def upcoming_for_user(user: Any, now: datetime | None = None, days: int = 14) -> QuerySet[Deadline]:
    """Open deadlines the user sees that fall due within ``days``, soonest first."""
    now = now or timezone.now()
    return (
        with_status(deadlines_visible(user), user, now)
        .filter(status=DeadlineStatus.OPEN, due_at__lt=now + timedelta(days=days))
        .select_related("period", "organization")
        .order_by("due_at", "pk")
    )


# --- Periods ------------------------------------------------------------------------------


def periods_for_user(user: Any) -> QuerySet[Period]:
    """Periods a manager may set deadlines in: the shared ones and those of their scope."""
    own = perms.scope_q(user, perms.DEADLINE_MANAGE, "organization")
    return Period.objects.filter(Q(organization__isnull=True) | own).order_by(
        "-fiscal_year", "start_date", "kind"
    )


def organizations_to_manage(user: Any) -> QuerySet[Organization]:
    return perms.visible_organizations(user, perms.DEADLINE_MANAGE).filter(is_active=True)


# --- People concerned ---------------------------------------------------------------------


@dataclass(frozen=True)
class Concerned:
    """A person who answers for ``organizations`` (pending targets) of a deadline."""

    user: User
    organizations: tuple[Organization, ...]


def _path_ids(path: str) -> list[int]:
    """The ids of an organisation and its ancestors, read from its materialised path."""
    return [int(segment) for segment in path.split(".") if segment]


def _chunks(items: Iterable[int], size: int = _CHUNK) -> Iterator[list[int]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def concerned_people(
    deadline: Deadline, pending: Iterable[Organization] | None = None
) -> list[Concerned]:
    """Active people holding the deadline's role over a pending target: assigned to the
    target itself or to an ancestor whose subtree covers it (a supervising department's
    operator answers for its units). Each person once, with the targets they answer for."""
    if pending is None:
        pending = pending_organizations(deadline).only("pk", "name", "path")
    under: dict[int, list[Organization]] = defaultdict(list)
    for org in pending:
        for pk in _path_ids(org.path):
            under[pk].append(org)
    covered: dict[int, dict[int, Organization]] = defaultdict(dict)
    for chunk in _chunks(sorted(under)):
        rows = RoleAssignment.objects.filter(
            role=deadline.role,
            organization_id__in=chunk,
            organization__is_active=True,
            user__is_active=True,
        ).values_list("user_id", "organization_id")
        for user_id, org_id in rows:
            covered[user_id].update((org.pk, org) for org in under[org_id])
    users = User.objects.in_bulk(list(covered))
    return [
        Concerned(users[uid], tuple(sorted(orgs.values(), key=lambda o: o.path)))
        for uid, orgs in sorted(covered.items())
    ]


def deadline_managers(deadline: Deadline) -> list[User]:
    """Who follows the overdue list: the person who set the deadline and the holders of a
    managing role (DEADLINE_MANAGE) over its organisation."""
    ids = set(
        RoleAssignment.objects.filter(
            role__in=perms.roles_with(perms.DEADLINE_MANAGE),
            organization_id__in=_path_ids(deadline.organization.path),
            organization__is_active=True,
        ).values_list("user_id", flat=True)
    )
    if deadline.created_by_id:
        ids.add(deadline.created_by_id)
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))
