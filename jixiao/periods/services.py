"""Writes on periods and deadlines (CORE-5). Each function is one transaction, checks the
actor's permission through :mod:`jixiao.orgs.permissions` and leaves one audit row per change.
System jobs (the demo loader, a domain service acting for the platform) pass ``actor=None``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.utils import timezone

from jixiao.audit.services import audit_record, changed, snapshot
from jixiao.orgs import permissions as perms
from jixiao.orgs.errors import NO_PERMISSION
from jixiao.orgs.models import ADMIN_ROLES, Organization, OrgKind, Role, User
from jixiao.periods import completion, dates, errors
from jixiao.periods.errors import DomainError, InvalidFieldError, PermissionDeniedError
from jixiao.periods.models import Deadline, DeadlineCompletion, DeadlineTarget, Period, PeriodKind

# The note of a completion recorded when the deadline is set: the work was done before.
ALREADY_DONE = "设定截止事项时已完成"

PERIOD_FIELDS = [
    "kind",
    "fiscal_year",
    "number",
    "name",
    "start_date",
    "end_date",
    "organization_id",
]
DEADLINE_FIELDS = [
    "period_id",
    "title",
    "description",
    "topic",
    "organization_id",
    "target_kinds",
    "role",
    "opens_on",
    "due_at",
    "link",
    "is_active",
]
DEADLINE_UPDATABLE = {
    "period",
    "title",
    "description",
    "topic",
    "target_kinds",
    "targets",
    "role",
    "opens_on",
    "due_at",
    "link",
    "is_active",
}


# --- Periods -------------------------------------------------------------------------------


@transaction.atomic
def period_create(
    *,
    actor: User | None,
    kind: str,
    fiscal_year: int,
    number: int | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
    name: str = "",
    organization: Organization | None = None,
) -> Period:
    """Create a period. The standard kinds (year, half, quarter, month) take their dates and
    name from ``fiscal_year`` and ``number``; monitoring rounds and custom periods need dates
    and are named after their span ("2026年1-7月") unless ``name`` is given."""
    perms.require(actor, perms.DEADLINE_MANAGE, organization)
    if kind not in dates.STANDARD_KINDS and organization is None:
        raise InvalidFieldError(errors.PERIOD_ORG_REQUIRED, "organization")
    start, end = _period_bounds(kind, fiscal_year, number, start_date, end_date)
    if kind in dates.STANDARD_KINDS or not name.strip():
        name = dates.period_name(kind, start, end, number)
    period = Period(
        kind=kind,
        fiscal_year=fiscal_year,
        number=number,
        name=name.strip(),
        start_date=start,
        end_date=end,
        organization=organization,
    )
    if _same_period(period).exists():
        raise DomainError(errors.PERIOD_EXISTS.format(name=period.name))
    period.full_clean(validate_constraints=False)
    period.save()
    audit_record(
        actor=actor,
        action="period.create",
        obj=period,
        organization_id=period.organization_id,
        new=snapshot(period, PERIOD_FIELDS),
    )
    return period


def _period_bounds(
    kind: str, year: int, number: int | None, start: date | None, end: date | None
) -> tuple[date, date]:
    if kind in dates.STANDARD_KINDS:
        try:
            return dates.standard_bounds(kind, year, number)
        except ValueError as exc:
            label = PeriodKind(kind).label
            raise InvalidFieldError(
                errors.PERIOD_NUMBER_INVALID.format(kind=label), "number"
            ) from exc
    if kind not in PeriodKind.values:
        raise ValueError(f"unknown period kind {kind!r}")
    if start is None or end is None:
        raise InvalidFieldError(
            errors.PERIOD_DATES_REQUIRED, "start_date" if start is None else "end_date"
        )
    if end < start:
        raise InvalidFieldError(errors.PERIOD_DATES_ORDER, "end_date")
    return start, end


def _same_period(period: Period) -> Any:
    return Period.objects.filter(
        kind=period.kind,
        start_date=period.start_date,
        end_date=period.end_date,
        name=period.name,
        organization=period.organization,
    )


@transaction.atomic
def period_ensure(
    *,
    actor: User | None,
    kind: str,
    fiscal_year: int,
    number: int | None = None,
    organization: Organization | None = None,
) -> Period:
    """The standard period (year/half/quarter/month), created on first use."""
    start, end = _period_bounds(kind, fiscal_year, number, None, None)
    name = dates.period_name(kind, start, end, number)
    existing = Period.objects.filter(
        kind=kind, start_date=start, end_date=end, name=name, organization=organization
    ).first()
    if existing is not None:
        return existing
    return period_create(
        actor=actor, kind=kind, fiscal_year=fiscal_year, number=number, organization=organization
    )


# --- Deadlines -----------------------------------------------------------------------------


@transaction.atomic
def deadline_create(
    *,
    actor: User | None,
    period: Period,
    organization: Organization,
    title: str,
    due_at: datetime,
    role: str,
    opens_on: date | None = None,
    target_kinds: Iterable[str] = (),
    targets: Iterable[Organization] = (),
    topic: str = "",
    link: str = "",
    description: str = "",
) -> Deadline:
    """Set a deadline for organisations in ``organization``'s subtree: those of
    ``target_kinds`` plus the explicit ``targets``; with neither, ``organization`` itself."""
    perms.require(actor, perms.DEADLINE_MANAGE, organization)
    deadline = Deadline(
        period=period,
        organization=organization,
        title=title.strip(),
        description=description,
        topic=topic,
        target_kinds=sorted(set(target_kinds)),
        role=role,
        opens_on=opens_on,
        due_at=due_at,
        link=link.strip(),
        created_by=actor if actor is not None and actor.pk else None,
    )
    _validate(deadline)
    explicit = list(targets)
    target_ids = _resolve_targets(organization, deadline.target_kinds, explicit)
    deadline.save()
    _replace_targets(deadline, target_ids, {org.pk for org in explicit})
    audit_record(
        actor=actor,
        action="deadline.create",
        obj=deadline,
        new=_deadline_snapshot(deadline),
    )
    _complete_already_done(deadline)
    return deadline


def _complete_already_done(deadline: Deadline) -> None:
    """Targets that finished the work of the deadline's topic before it was set are complete
    from the start (completed by the system, at the time the deadline is set)."""
    chosen = DeadlineTarget.objects.filter(deadline=deadline).values("organization_id")
    targets = list(Organization.objects.filter(pk__in=chosen))
    for organization in completion.already_done(deadline, targets):
        deadline_complete(
            actor=None, deadline=deadline, organization=organization, note=ALREADY_DONE
        )


@transaction.atomic
def deadline_update(*, actor: User | None, deadline: Deadline, **values: Any) -> Deadline:
    """Change a deadline (title, dates, role, targets …; ``is_active=False`` cancels it).
    New targets are resolved again from ``target_kinds`` and the explicit ``targets``."""
    perms.require(actor, perms.DEADLINE_MANAGE, deadline.organization)
    unknown = set(values) - DEADLINE_UPDATABLE
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    before = _deadline_snapshot(deadline)
    retarget = "target_kinds" in values or "targets" in values
    explicit = values.pop("targets", None)
    if "target_kinds" in values:
        values["target_kinds"] = sorted(set(values["target_kinds"]))
    for field, value in values.items():
        setattr(deadline, field, value)
    _validate(deadline)
    if retarget:
        kept = _explicit_targets(deadline) if explicit is None else list(explicit)
        target_ids = _resolve_targets(deadline.organization, deadline.target_kinds, kept)
    deadline.save(update_fields=[*values, "updated_at"])
    if retarget:
        _replace_targets(deadline, target_ids, {org.pk for org in kept})
    old, new = changed(before, _deadline_snapshot(deadline))
    if new:
        audit_record(actor=actor, action="deadline.update", obj=deadline, old=old, new=new)
    return deadline


def _validate(deadline: Deadline) -> None:
    if timezone.is_naive(deadline.due_at):
        raise InvalidFieldError(errors.DUE_AT_NAIVE, "due_at")
    if deadline.opens_on and deadline.opens_on > timezone.localdate(deadline.due_at):
        raise InvalidFieldError(errors.OPENS_AFTER_DUE, "opens_on")
    if deadline.role not in Role.values or deadline.role in ADMIN_ROLES:
        raise InvalidFieldError(errors.ROLE_INVALID, "role")
    for kind in deadline.target_kinds:
        if kind not in OrgKind.values:
            raise InvalidFieldError(errors.KIND_INVALID.format(kind=kind), "target_kinds")
    # An internal path only: "//host" and "/\host" would leave the site.
    if deadline.link and (not deadline.link.startswith("/") or deadline.link[1:2] in ("/", "\\")):
        raise InvalidFieldError(errors.LINK_INVALID, "link")
    period_org = deadline.period.organization
    if period_org is not None and not deadline.organization.is_within(period_org.path):
        raise InvalidFieldError(errors.PERIOD_OUTSIDE_ORG, "period")
    deadline.full_clean(exclude=["created_by"])


def _resolve_targets(
    organization: Organization, kinds: Sequence[str], explicit: Sequence[Organization]
) -> list[int]:
    for org in explicit:
        if not org.is_within(organization.path) or not org.is_active:
            raise InvalidFieldError(
                errors.TARGET_OUTSIDE_ORG.format(name=org.name, org=organization.name), "targets"
            )
    ids = {org.pk for org in explicit}
    if kinds:
        ids.update(
            Organization.objects.filter(
                path__startswith=organization.path, kind__in=kinds, is_active=True
            ).values_list("pk", flat=True)
        )
    elif not explicit:
        ids.add(organization.pk)
    if not ids:
        raise InvalidFieldError(errors.NO_TARGETS, "target_kinds")
    return sorted(ids)


def _replace_targets(deadline: Deadline, target_ids: list[int], explicit_ids: set[int]) -> None:
    DeadlineTarget.objects.filter(deadline=deadline).delete()
    DeadlineTarget.objects.bulk_create(
        [
            DeadlineTarget(deadline=deadline, organization_id=pk, explicit=pk in explicit_ids)
            for pk in target_ids
        ],
        batch_size=500,
    )


def _explicit_targets(deadline: Deadline) -> list[Organization]:
    return list(
        Organization.objects.filter(
            pk__in=DeadlineTarget.objects.filter(deadline=deadline, explicit=True).values(
                "organization_id"
            )
        )
    )


def _deadline_snapshot(deadline: Deadline) -> dict[str, Any]:
    data = snapshot(deadline, DEADLINE_FIELDS)
    if deadline.pk:
        rows = DeadlineTarget.objects.filter(deadline=deadline)
        data["targets"] = sorted(
            rows.filter(explicit=True).values_list("organization_id", flat=True)
        )
        data["target_count"] = rows.count()
    return data


# --- Completion ----------------------------------------------------------------------------


def _may_complete(actor: User | None, deadline: Deadline, organization: Organization) -> bool:
    """The platform, a manager of the deadline, or a holder of the deadline's role over the
    organisation (the person who did the work) may mark it complete."""
    if actor is None or perms.can(actor, perms.DEADLINE_MANAGE, deadline.organization):
        return True
    return any(
        scope.role == deadline.role and organization.is_within(scope.path)
        for scope in perms.scopes(actor)
    )


@transaction.atomic
def deadline_complete(
    *,
    actor: User | None,
    deadline: Deadline,
    organization: Organization,
    completed_at: datetime | None = None,
    note: str = "",
) -> DeadlineCompletion:
    """Record that ``organization`` completed ``deadline``; completing twice changes nothing."""
    if not _may_complete(actor, deadline, organization):
        raise PermissionDeniedError(NO_PERMISSION)
    if not deadline.is_active:
        raise DomainError(errors.DEADLINE_INACTIVE)
    if not DeadlineTarget.objects.filter(deadline=deadline, organization=organization).exists():
        raise DomainError(errors.NOT_A_TARGET.format(name=organization.name))
    completion, created = DeadlineCompletion.objects.get_or_create(
        deadline=deadline,
        organization=organization,
        defaults={
            "completed_at": completed_at or timezone.now(),
            "completed_by": actor if actor is not None and actor.pk else None,
            "note": note,
        },
    )
    if created:
        audit_record(
            actor=actor,
            action="deadline.complete",
            obj=deadline,
            organization_id=organization.pk,
            new=_completion_snapshot(completion),
        )
    return completion


@transaction.atomic
def deadline_reopen(
    *, actor: User | None, deadline: Deadline, organization: Organization, reason: str = ""
) -> None:
    """Undo a completion (the work was returned): the organisation is pending again."""
    perms.require(actor, perms.DEADLINE_MANAGE, deadline.organization)
    completion = (
        DeadlineCompletion.objects.select_for_update()
        .filter(deadline=deadline, organization=organization)
        .first()
    )
    if completion is None:
        raise DomainError(errors.NOT_COMPLETED.format(name=organization.name))
    audit_record(
        actor=actor,
        action="deadline.reopen",
        obj=deadline,
        organization_id=organization.pk,
        old=_completion_snapshot(completion),
        new={"organization_id": organization.pk, "reason": reason},
    )
    completion.delete()


def _completion_snapshot(completion: DeadlineCompletion) -> dict[str, Any]:
    return snapshot(completion, ["organization_id", "completed_at", "completed_by_id", "note"])


@transaction.atomic
def deadline_complete_by_topic(
    *,
    actor: User | None,
    topic: str,
    organization: Organization,
    period: Period | None = None,
    completed_at: datetime | None = None,
) -> list[DeadlineCompletion]:
    """For domain services: ``organization`` has done the work of ``topic`` (e.g. submitted its
    monitoring), so every open deadline of that topic targeting it is complete."""
    deadlines = Deadline.objects.filter(
        topic=topic, is_active=True, deadline_targets__organization=organization
    ).exclude(completions__organization=organization)
    if period is not None:
        deadlines = deadlines.filter(period=period)
    return [
        deadline_complete(
            actor=actor, deadline=d, organization=organization, completed_at=completed_at
        )
        for d in deadlines.select_related("organization")
    ]


# --- Monthly windows (EMP-4) ---------------------------------------------------------------


@dataclass(frozen=True)
class MonthlyWindow:
    """A window that recurs every month: from day ``opens_day`` to day ``due_day`` (clipped to
    the month's last day), at ``due_time`` local time."""

    topic: str
    title: str
    due_day: int
    role: str
    opens_day: int | None = None
    target_kinds: tuple[str, ...] = ()
    due_time: time = dates.END_OF_DAY
    link: str = ""


# The seed's monthly plan (part 1): the performance office reviews and analyses the
# departments' summaries on the 1st–20th and feeds problems back on the 15th–28th.
DEFAULT_MONTHLY_WINDOWS: tuple[MonthlyWindow, ...] = (
    MonthlyWindow("appraisal.review", "审核分析各部门考核汇总", 20, Role.HR_OFFICER, 1),
    MonthlyWindow("appraisal.feedback", "反馈考核问题及整改意见", 28, Role.HR_OFFICER, 15),
)


@transaction.atomic
def monthly_windows_create(
    *,
    actor: User | None,
    organization: Organization,
    year: int,
    month: int,
    windows: Sequence[MonthlyWindow] = DEFAULT_MONTHLY_WINDOWS,
    period: Period | None = None,
) -> list[Deadline]:
    """The deadlines of ``windows`` in ``month`` of ``year`` for ``organization``. ``period``
    (default: that month) is what they belong to, e.g. the previous month being appraised.
    Windows that already exist for the period and organisation (same topic) are skipped, so a
    monthly job may run more than once."""
    if period is None:
        period = period_ensure(actor=actor, kind=PeriodKind.MONTH, fiscal_year=year, number=month)
    existing = set(
        Deadline.objects.filter(
            period=period, organization=organization, topic__in=[w.topic for w in windows]
        ).values_list("topic", flat=True)
    )
    created = []
    for window in windows:
        if window.topic in existing:
            continue
        opens_on = dates.clip_day(year, month, window.opens_day) if window.opens_day else None
        due_on = dates.clip_day(year, month, window.due_day)
        created.append(
            deadline_create(
                actor=actor,
                period=period,
                organization=organization,
                title=f"{period.name}{window.title}",
                opens_on=opens_on,
                due_at=dates.local_datetime(due_on, window.due_time),
                role=window.role,
                target_kinds=window.target_kinds,
                topic=window.topic,
                link=window.link,
            )
        )
    return created
