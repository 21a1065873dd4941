"""Writes of employee appraisal (EMP-1…7): each one transaction, permission check and audit
row inside. Scores go through the scoring engine; pay through :mod:`jixiao.appraisal.pay`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from jixiao.appraisal import errors, pay
from jixiao.appraisal import permissions as p
from jixiao.appraisal.models import (
    DEFAULT_BANDS,
    Appeal,
    AppealStatus,
    AppraisalEvent,
    AppraisalMonth,
    AppraisalSettings,
    DepartmentSheet,
    EmployeeScore,
    ItemKind,
    MonthStatus,
    PayMode,
    PayProfile,
    PayResult,
    ProgressStep,
    RuleItem,
    RuleSet,
    RuleSetFeedback,
    RuleSetKind,
    RuleSetStatus,
)
from jixiao.appraisal.scoring import RULE
from jixiao.audit.services import audit_record, audited_update, snapshot
from jixiao.indicators.scoring import parse_sheet, score_sheet
from jixiao.orgs import permissions as perms
from jixiao.orgs.errors import NO_PERMISSION, PermissionDeniedError
from jixiao.orgs.models import Organization, OrgKind, Role, User
from jixiao.periods import dates
from jixiao.periods.models import PeriodKind
from jixiao.periods.services import (
    DEFAULT_MONTHLY_WINDOWS,
    MonthlyWindow,
    deadline_complete_by_topic,
    monthly_windows_create,
    period_ensure,
)
from jixiao.workflow import services as wf
from jixiao.workflow.models import WorkflowCase, WorkflowState

SUBMIT_TOPIC = "appraisal.submit"
SUBJECT = p.SHEET_WORKFLOW


def _require_any(actor: User | None, actions: Iterable[str], org: Organization) -> None:
    if actor is not None and not any(perms.can(actor, a, org) for a in actions):
        raise PermissionDeniedError(NO_PERMISSION)


def company_of(org: Organization) -> Organization:
    """The company an organisation belongs to (itself, for a company)."""
    if org.kind == OrgKind.COMPANY:
        return org
    ids = [int(s) for s in org.path.split(".") if s]
    company = (
        Organization.objects.filter(pk__in=ids, kind=OrgKind.COMPANY).order_by("-depth").first()
    )
    return company or org


# --- Settings ------------------------------------------------------------------------------


def settings_for(organization: Organization) -> AppraisalSettings:
    """The company's settings, or the defaults (unsaved) when it has none yet."""
    company = company_of(organization)
    found = AppraisalSettings.objects.filter(organization=company).first()
    return found or AppraisalSettings(organization=company, bands=list(DEFAULT_BANDS))


SETTINGS_FIELDS = [
    "performance_share",
    "coefficient_method",
    "bands",
    "linear_pivot",
    "linear_slope",
    "coefficient_min",
    "coefficient_max",
    "pay_mode",
    "excellent_quota",
    "submit_due_day",
    "review_opens_day",
    "review_due_day",
    "feedback_opens_day",
    "feedback_due_day",
]


@transaction.atomic
def appraisal_settings_set(
    *, actor: User | None, organization: Organization, **values: Any
) -> AppraisalSettings:
    perms.require(actor, p.MANAGE, organization)
    current = settings_for(organization)
    share = values.get("performance_share", current.performance_share)
    if share is None or not Decimal("0.2") <= Decimal(share) <= 1:
        raise errors.AppraisalError(errors.SHARE_RANGE)
    bands = values.get("bands", current.bands)
    _check_bands(bands)
    low = values.get("coefficient_min", current.coefficient_min)
    high = values.get("coefficient_max", current.coefficient_max)
    if low < 0 or high < low:
        raise errors.AppraisalError(errors.COEFFICIENT_RANGE)
    if current.pk is None:
        current.save()
    return audited_update(
        current,
        values,
        actor=actor,
        action="appraisal.settings.set",
        allowed=set(SETTINGS_FIELDS),
        fields=SETTINGS_FIELDS,
        organization_id=current.organization_id,
    )


def _check_bands(bands: Any) -> None:
    try:
        mins = [Decimal(str(b["min"])) for b in bands]
        coefs = [Decimal(str(b["coefficient"])) for b in bands]
    except (TypeError, KeyError, InvalidOperation) as exc:
        raise errors.AppraisalError(errors.BANDS_INVALID) from exc
    if not mins or min(mins) != 0 or any(c < 0 for c in coefs):
        raise errors.AppraisalError(errors.BANDS_INVALID)


def pay_rules(s: AppraisalSettings) -> pay.PayRules:
    return pay.PayRules(
        share=s.performance_share,
        method=s.coefficient_method,
        bands=tuple(
            pay.Band(Decimal(str(b["min"])), Decimal(str(b["coefficient"]))) for b in s.bands
        ),
        pivot=s.linear_pivot,
        slope=s.linear_slope,
        low=s.coefficient_min,
        high=s.coefficient_max,
        mode=s.pay_mode,
    )


# --- Rule sets -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemSpec:
    kind: str
    name: str
    full_score: Decimal | None = None
    points: Decimal | None = None
    cap: Decimal | None = None
    standard: str = ""


def rule_set_writers(rule_set_org: Organization) -> tuple[str, ...]:
    return (p.MANAGE, p.SCORE) if rule_set_org.kind == OrgKind.DEPARTMENT else (p.MANAGE,)


def general_in_force(organization: Organization) -> RuleSet | None:
    """The company's 《规定》 version in force (the latest trial or final one)."""
    return (
        RuleSet.objects.filter(
            organization=company_of(organization),
            kind=RuleSetKind.GENERAL,
            status__in=[RuleSetStatus.TRIAL, RuleSetStatus.FINAL],
        )
        .order_by("-version")
        .first()
    )


def rule_set_in_force(department: Organization) -> RuleSet | None:
    return (
        RuleSet.objects.filter(
            organization=department,
            kind=RuleSetKind.DEPARTMENT,
            status__in=[RuleSetStatus.TRIAL, RuleSetStatus.FINAL],
        )
        .order_by("-version")
        .first()
    )


@transaction.atomic
def rule_set_create(
    *,
    actor: User | None,
    organization: Organization,
    name: str,
    kind: str = RuleSetKind.DEPARTMENT,
    items: Iterable[ItemSpec] = (),
    note: str = "",
) -> RuleSet:
    """A first version (draft) of a department's 考核细则, or of the company's 《规定》."""
    if kind == RuleSetKind.DEPARTMENT and organization.kind != OrgKind.DEPARTMENT:
        raise errors.AppraisalError(errors.NOT_A_DEPARTMENT)
    if kind == RuleSetKind.GENERAL and organization.kind != OrgKind.COMPANY:
        raise errors.AppraisalError(errors.NOT_A_COMPANY)
    _require_any(actor, rule_set_writers(organization), organization)
    last = RuleSet.objects.filter(organization=organization, kind=kind).order_by("-version").first()
    rule_set = RuleSet(
        organization=organization,
        kind=kind,
        name=name.strip(),
        version=(last.version + 1) if last else 1,
        previous=last,
        note=note,
        created_by=actor if actor is not None and actor.pk else None,
    )
    rule_set.full_clean()
    rule_set.save()
    for position, spec in enumerate(items, start=1):
        _item_add(rule_set, spec, position)
    audit_record(
        actor=actor,
        action="appraisal.rule_set.create",
        obj=rule_set,
        new={**snapshot(rule_set, ["name", "kind", "version"]), "items": rule_set.items.count()},
    )
    return rule_set


def _item_add(rule_set: RuleSet, spec: ItemSpec, position: int) -> RuleItem:
    if rule_set.kind == RuleSetKind.GENERAL and spec.kind == ItemKind.SCORED:
        raise errors.AppraisalError(errors.GENERAL_ITEMS_ONLY)
    if spec.kind == ItemKind.SCORED:
        if spec.full_score is None or spec.full_score <= 0 or spec.points is not None:
            raise errors.AppraisalError(errors.ITEM_FIELDS_SCORED)
    elif (
        spec.points is None
        or spec.points <= 0
        or spec.full_score is not None
        or (spec.cap is not None and spec.cap < 0)
    ):
        raise errors.AppraisalError(errors.ITEM_FIELDS_POINTS)
    item = RuleItem(
        rule_set=rule_set,
        kind=spec.kind,
        name=spec.name.strip(),
        standard=spec.standard,
        full_score=spec.full_score,
        points=spec.points,
        cap=spec.cap if spec.kind != ItemKind.SCORED else None,
        position=position,
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def rule_item_add(*, actor: User | None, rule_set: RuleSet, spec: ItemSpec) -> RuleItem:
    _require_any(actor, rule_set_writers(rule_set.organization), rule_set.organization)
    _ensure_draft(rule_set)
    last = rule_set.items.order_by("-position").values_list("position", flat=True).first()
    position = last or 0
    item = _item_add(rule_set, spec, position + 1)
    audit_record(
        actor=actor,
        action="appraisal.rule_set.update",
        obj=rule_set,
        new={"added": snapshot(item, ["kind", "name", "full_score", "points", "cap"])},
    )
    return item


@transaction.atomic
def rule_item_delete(*, actor: User | None, item: RuleItem) -> None:
    rule_set = item.rule_set
    _require_any(actor, rule_set_writers(rule_set.organization), rule_set.organization)
    _ensure_draft(rule_set)
    old = snapshot(item, ["kind", "name", "full_score", "points", "cap"])
    item.delete()
    audit_record(actor=actor, action="appraisal.rule_set.update", obj=rule_set, old=old)


def _ensure_draft(rule_set: RuleSet) -> None:
    if rule_set.status != RuleSetStatus.DRAFT:
        raise errors.AppraisalError(errors.RULE_SET_NOT_DRAFT)


_TRANSITIONS = {
    RuleSetStatus.DRAFT: {RuleSetStatus.TRIAL, RuleSetStatus.FINAL},
    RuleSetStatus.TRIAL: {RuleSetStatus.FINAL},
}


@transaction.atomic
def rule_set_set_status(*, actor: User | None, rule_set: RuleSet, status: str) -> RuleSet:
    """Put a version on trial (试行) or finalise it (定稿); the version it replaces is
    superseded. Only the performance office decides."""
    perms.require(actor, p.MANAGE, rule_set.organization)
    old = RuleSetStatus(rule_set.status)
    if status not in _TRANSITIONS.get(old, set()):
        new_label = RuleSetStatus(status).label if status in RuleSetStatus.values else status
        raise errors.AppraisalError(errors.RULE_SET_TRANSITION.format(old=old.label, new=new_label))
    _check_items(rule_set)
    if rule_set.kind == RuleSetKind.DEPARTMENT and rule_set.general_id is None:
        rule_set.general = general_in_force(rule_set.organization)
    RuleSet.objects.filter(
        organization=rule_set.organization,
        kind=rule_set.kind,
        status__in=[RuleSetStatus.TRIAL, RuleSetStatus.FINAL],
    ).exclude(pk=rule_set.pk).update(status=RuleSetStatus.SUPERSEDED)
    rule_set.status = status
    rule_set.status_changed_at = timezone.now()
    rule_set.save(update_fields=["status", "status_changed_at", "general"])
    audit_record(
        actor=actor,
        action="appraisal.rule_set.status",
        obj=rule_set,
        old={"status": old.value},
        new={"status": status},
    )
    return rule_set


def _check_items(rule_set: RuleSet) -> None:
    if rule_set.kind != RuleSetKind.DEPARTMENT:
        return
    fulls = [i.full_score for i in rule_set.items.all() if i.kind == ItemKind.SCORED]
    if not fulls:
        raise errors.AppraisalError(errors.NO_SCORED_ITEMS)
    total = sum(fulls, Decimal(0))
    if total != 100:
        raise errors.AppraisalError(errors.FULL_SUM.format(total=_n(total)))


@transaction.atomic
def rule_set_feedback_add(*, actor: User | None, rule_set: RuleSet, text: str) -> RuleSetFeedback:
    """A department's problem with a version (recorded for the next one)."""
    _require_any(actor, (p.MANAGE, p.SCORE), rule_set.organization)
    feedback = RuleSetFeedback(
        rule_set=rule_set,
        organization=rule_set.organization,
        text=text.strip(),
        author=actor if actor is not None and actor.pk else None,
    )
    feedback.full_clean()
    feedback.save()
    audit_record(
        actor=actor,
        action="appraisal.rule_set.feedback",
        obj=rule_set,
        new={"feedback": feedback.text},
    )
    return feedback


@transaction.atomic
def rule_set_revise(
    *,
    actor: User | None,
    rule_set: RuleSet,
    note: str,
    feedback: Iterable[RuleSetFeedback] = (),
) -> RuleSet:
    """The next version (a draft) copied from ``rule_set``, answering ``feedback``."""
    _require_any(actor, rule_set_writers(rule_set.organization), rule_set.organization)
    specs = [
        ItemSpec(i.kind, i.name, i.full_score, i.points, i.cap, i.standard)
        for i in rule_set.items.all()
    ]
    new = rule_set_create(
        actor=actor,
        organization=rule_set.organization,
        name=rule_set.name,
        kind=rule_set.kind,
        items=specs,
        note=note,
    )
    ids = [f.pk for f in feedback if f.rule_set_id == rule_set.pk]
    RuleSetFeedback.objects.filter(pk__in=ids).update(resolved_in=new)
    return new


# --- Months --------------------------------------------------------------------------------


def departments_of(company: Organization) -> list[Organization]:
    return list(
        Organization.objects.filter(
            path__startswith=company.path, kind=OrgKind.DEPARTMENT, is_active=True
        ).order_by("path")
    )


def roster(department: Organization) -> list[User]:
    """The people appraised in ``department``: active members of it and its teams."""
    return list(
        User.objects.filter(
            organization__path__startswith=department.path,
            is_active=True,
            is_service_account=False,
        ).order_by("employee_number", "id")
    )


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def month_windows(s: AppraisalSettings) -> list[MonthlyWindow]:
    review, feedback = DEFAULT_MONTHLY_WINDOWS
    return [
        MonthlyWindow(
            SUBMIT_TOPIC,
            "提交部门考核汇总",
            s.submit_due_day,
            Role.DEPARTMENT_HEAD,
            1,
            target_kinds=(OrgKind.DEPARTMENT,),
        ),
        MonthlyWindow(
            review.topic, review.title, s.review_due_day, review.role, s.review_opens_day
        ),
        MonthlyWindow(
            feedback.topic, feedback.title, s.feedback_due_day, feedback.role, s.feedback_opens_day
        ),
    ]


@transaction.atomic
def appraisal_month_open(
    *, actor: User | None, organization: Organization, year: int, month: int
) -> AppraisalMonth:
    """Open a month: the period, the deadlines of the following month (departments submit by
    the due day; the office reviews and feeds back in its windows), and a sheet per
    department with its roster and the rule set version in force."""
    if organization.kind != OrgKind.COMPANY:
        raise errors.AppraisalError(errors.NOT_A_COMPANY)
    perms.require(actor, p.MANAGE, organization)
    label = f"{year}年{month}月"
    if AppraisalMonth.objects.filter(organization=organization, year=year, month=month).exists():
        raise errors.AppraisalError(errors.MONTH_EXISTS.format(label=label))
    s = settings_for(organization)
    period = period_ensure(actor=actor, kind=PeriodKind.MONTH, fiscal_year=year, number=month)
    ny, nm = _next_month(year, month)
    monthly_windows_create(
        actor=actor,
        organization=organization,
        year=ny,
        month=nm,
        windows=month_windows(s),
        period=period,
    )
    record = AppraisalMonth.objects.create(
        organization=organization,
        period=period,
        year=year,
        month=month,
        submit_due=dates.clip_day(ny, nm, s.submit_due_day),
        opened_by=actor if actor is not None and actor.pk else None,
    )
    general = general_in_force(organization)
    for department in departments_of(organization):
        sheet = DepartmentSheet.objects.create(
            month=record, department=department, rule_set=rule_set_in_force(department)
        )
        EmployeeScore.objects.bulk_create(
            EmployeeScore(sheet=sheet, employee=person) for person in roster(department)
        )
    audit_record(
        actor=actor,
        action="appraisal.month.open",
        obj=record,
        new={"period": period.name, "general": general.pk if general else None},
    )
    return record


def _ensure_month_open(month: AppraisalMonth) -> None:
    if month.status != MonthStatus.OPEN:
        raise errors.AppraisalError(errors.MONTH_CLOSED.format(label=month.label))


def case_of(sheet: DepartmentSheet) -> WorkflowCase | None:
    return WorkflowCase.objects.filter(subject_type=SUBJECT, subject_id=sheet.pk).first()


def _ensure_editable(actor: User | None, sheet: DepartmentSheet) -> None:
    perms.require(actor, p.SCORE, sheet.department)
    _ensure_month_open(sheet.month)
    wf.ensure_editable(case_of(sheet))
    if sheet.rule_set_id is None:
        raise errors.AppraisalError(errors.NO_RULE_SET.format(department=sheet.department.name))


# --- Scoring -------------------------------------------------------------------------------


@dataclass
class SheetItems:
    """The items that apply to a sheet: its rule set's, plus the general rules'."""

    scored: list[RuleItem]
    points: dict[int, RuleItem]  # bonus and penalty items by id

    @property
    def by_id(self) -> dict[int, RuleItem]:
        return {**{i.pk: i for i in self.scored}, **self.points}


def sheet_items(sheet: DepartmentSheet) -> SheetItems:
    rule_set = sheet.rule_set
    if rule_set is None:
        return SheetItems([], {})
    ids = [rule_set.pk] + ([rule_set.general_id] if rule_set.general_id else [])
    items = list(RuleItem.objects.filter(rule_set_id__in=ids).order_by("rule_set_id", "position"))
    items.sort(key=lambda i: (i.rule_set_id != rule_set.pk, i.position, i.pk))
    scored = [i for i in items if i.kind == ItemKind.SCORED]
    return SheetItems(scored, {i.pk: i for i in items if i.kind != ItemKind.SCORED})


def score_employee(
    row: EmployeeScore,
    items: SheetItems,
    events: list[AppraisalEvent],
    title: str = "",
) -> None:
    """Compute ``row``'s totals and explanation with the scoring engine (not saved)."""
    entered = row.scores or {}
    row.complete = bool(items.scored) and all(
        entered.get(str(i.pk)) is not None for i in items.scored
    )
    if not row.complete:
        row.scored_total = row.bonus_total = row.penalty_total = row.total = Decimal(0)
        row.grade = row.grade_label = ""
        row.items = []
        return
    leaves: list[dict[str, Any]] = [
        {
            "name": i.name,
            "rule": RULE,
            "full": _n(i.full_score),
            "score": _n(Decimal(str(entered[str(i.pk)]))),
        }
        for i in items.scored
    ]
    counts: dict[int, Decimal] = {}
    for event in events:
        counts[event.item_id] = counts.get(event.item_id, Decimal(0)) + event.count
    for item_id, count in counts.items():
        item = items.points[item_id]
        leaf = {"name": item.name, "rule": item.kind, "points": _n(item.points), "count": _n(count)}
        if item.cap is not None:
            leaf["cap"] = _n(item.cap)
        leaves.append(leaf)
    scale = sum((i.full_score for i in items.scored), Decimal(0))
    result = score_sheet(
        parse_sheet(
            {"format": "jixiao-sheet/1", "title": title or "考核", "scale": scale, "items": leaves}
        )
    )
    row.scored_total = result.scored_total
    row.bonus_total = result.bonus_total
    row.penalty_total = result.penalty_total
    row.total = result.total
    row.grade, row.grade_label = result.grade.code, result.grade.label
    row.items = [
        {
            "name": r.leaf.name,
            "kind": r.leaf.rule.kind,
            "full": str(r.leaf.full) if r.leaf.full is not None else None,
            "score": str(r.score),
            "explain": r.explain,
        }
        for r in result.items
    ]


def _n(value: Decimal | None) -> Decimal:
    """Without trailing zeros, so explanations read "5分×3次" rather than "5.00分×3.00次"."""
    number = (value or Decimal(0)).normalize()
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number


SCORE_FIELDS = [
    "scores",
    "complete",
    "scored_total",
    "bonus_total",
    "penalty_total",
    "total",
    "grade",
    "grade_label",
    "items",
]


def recompute(
    sheet: DepartmentSheet,
    employee_ids: Iterable[int] | None = None,
    rows: list[EmployeeScore] | None = None,
    items: SheetItems | None = None,
) -> int:
    """Recompute and write the employees' totals of ``sheet``: ``rows`` already loaded (with
    their new ``scores``), else those of ``employee_ids``, else all. ``items``: the sheet's
    items when already read."""
    items = items or sheet_items(sheet)
    if rows is None:
        rows = list(EmployeeScore.objects.filter(sheet=sheet).select_related("employee"))
        if employee_ids is not None:
            wanted = set(employee_ids)
            rows = [r for r in rows if r.employee_id in wanted]
    events: dict[int, list[AppraisalEvent]] = {}
    for event in AppraisalEvent.objects.filter(sheet=sheet):
        events.setdefault(event.employee_id, []).append(event)
    for row in rows:
        score_employee(row, items, events.get(row.employee_id, []), str(row.employee))
    write_scores(rows)
    return len(rows)


def write_scores(rows: list[EmployeeScore]) -> None:
    """Save the computed columns of many rows. On PostgreSQL one ``UPDATE … FROM (VALUES …)``
    per thousand rows: Django's ``bulk_update`` builds a ``CASE`` per column and row, which
    PostgreSQL plans slowly (seconds for a department of a hundred). Elsewhere ``bulk_update``.
    """
    if connection.vendor != "postgresql":
        EmployeeScore.objects.bulk_update(rows, SCORE_FIELDS, batch_size=500)
        return
    table = EmployeeScore._meta.db_table
    columns = "id, scores, complete, scored_total, bonus_total, penalty_total, total, grade, "
    columns += "grade_label, items"
    row_sql = "(%s, %s::jsonb, %s, %s::numeric, %s::numeric, %s::numeric, %s::numeric, %s, %s, "
    row_sql += "%s::jsonb)"
    sets = ", ".join(f"{c} = v.{c}" for c in SCORE_FIELDS)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 1000):
            chunk = rows[start : start + 1000]
            params: list[Any] = []
            for r in chunk:
                params += [
                    r.pk,
                    json.dumps(r.scores, ensure_ascii=False),
                    r.complete,
                    r.scored_total,
                    r.bonus_total,
                    r.penalty_total,
                    r.total,
                    r.grade,
                    r.grade_label,
                    json.dumps(r.items, ensure_ascii=False),
                ]
            values = ", ".join([row_sql] * len(chunk))
            cursor.execute(
                f"UPDATE {table} AS t SET {sets} FROM (VALUES {values}) AS v({columns}) "  # noqa: S608 (fixed identifiers; values are parameters)
                "WHERE t.id = v.id",
                params,
            )


def _parse_score(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise errors.AppraisalError(errors.SCORE_NOT_A_NUMBER.format(value=value)) from exc
    if not number.is_finite():
        raise errors.AppraisalError(errors.SCORE_NOT_A_NUMBER.format(value=value))
    return number


def _validated_scores(
    sheet: DepartmentSheet,
    items: SheetItems,
    rows: Mapping[int, Mapping[int, Any]],
    names: Mapping[int, str],
) -> dict[int, dict[str, str | None]]:
    """Employee id → {item id: the score as stored, None for a blank (cleared)}."""
    scored = {i.pk: i for i in items.scored}
    result: dict[int, dict[str, str | None]] = {}
    for employee_id, values in rows.items():
        if employee_id not in names:
            raise errors.AppraisalError(errors.UNKNOWN_EMPLOYEE)
        clean: dict[str, str | None] = {}
        for item_id, raw in values.items():
            item = scored.get(int(item_id))
            if item is None:
                raise errors.AppraisalError(errors.UNKNOWN_ITEM)
            number = _parse_score(raw)
            if number is None:
                clean[str(item.pk)] = None
                continue
            if number < 0 or number > item.full_score:  # type: ignore[operator]
                raise errors.AppraisalError(
                    errors.SCORE_RANGE.format(
                        employee=names[employee_id],
                        item=item.name,
                        score=number,
                        full=_n(item.full_score),
                    )
                )
            clean[str(item.pk)] = str(number.quantize(Decimal("0.01")))
        result[employee_id] = clean
    return result


@transaction.atomic
def appraisal_scores_save(
    *,
    actor: User | None,
    sheet: DepartmentSheet,
    rows: Mapping[int, Mapping[int, Any]],
    action: str = "appraisal.scores.save",
) -> int:
    """Enter item scores: ``rows`` maps employee id → {item id: score or blank}. Only the
    employees given change; each is recomputed by the engine."""
    _ensure_editable(actor, sheet)
    return _scores_save(actor, sheet, rows, action)


def _scores_save(
    actor: User | None,
    sheet: DepartmentSheet,
    rows: Mapping[int, Mapping[int, Any]],
    action: str,
    items: SheetItems | None = None,
) -> int:
    """``appraisal_scores_save`` once the sheet is known to be editable."""
    items = items or sheet_items(sheet)
    found = EmployeeScore.objects.filter(sheet=sheet).select_related("employee")
    existing = {r.employee_id: r for r in found}
    names = {k: str(r.employee) for k, r in existing.items()}
    changed = []
    for employee_id, values in _validated_scores(sheet, items, rows, names).items():
        row = existing[employee_id]
        merged = {**(row.scores or {}), **values}
        merged = {item: score for item, score in merged.items() if score is not None}
        if merged != row.scores:
            row.scores = merged
            changed.append(employee_id)
    recompute(sheet, rows=[existing[e] for e in changed], items=items)
    audit_record(
        actor=actor,
        action=action,
        obj=sheet,
        new={"employees": len(changed)},
    )
    return len(changed)


def previous_sheet(sheet: DepartmentSheet) -> DepartmentSheet | None:
    return (
        DepartmentSheet.objects.filter(
            department=sheet.department,
            month__organization=sheet.month.organization,
        )
        .filter(_before(sheet.month.year, sheet.month.month))
        .order_by("-month__year", "-month__month")
        .first()
    )


def _before(year: int, month: int) -> Q:
    return Q(month__year__lt=year) | Q(month__year=year, month__month__lt=month)


@transaction.atomic
def appraisal_scores_copy_previous(*, actor: User | None, sheet: DepartmentSheet) -> int:
    """Fill this month's grid from last month's (items matched by name, so a new rule-set
    version keeps what still applies); the head then changes what differs."""
    _ensure_editable(actor, sheet)
    previous = previous_sheet(sheet)
    if previous is None:
        raise errors.AppraisalError(errors.NO_PREVIOUS)
    old_names = {str(i.pk): i.name for i in sheet_items(previous).scored}
    items = sheet_items(sheet)
    new_ids = {i.name: i.pk for i in items.scored}
    rows: dict[int, dict[int, Any]] = {}
    for old in EmployeeScore.objects.filter(sheet=previous):
        values = {
            new_ids[old_names[k]]: v
            for k, v in (old.scores or {}).items()
            if old_names.get(k) in new_ids
        }
        if values:
            rows[old.employee_id] = values
    mine = set(EmployeeScore.objects.filter(sheet=sheet).values_list("employee_id", flat=True))
    rows = {k: v for k, v in rows.items() if k in mine}
    if not rows:
        raise errors.AppraisalError(errors.NO_PREVIOUS)
    return _scores_save(actor, sheet, rows, "appraisal.scores.copy", items)


@transaction.atomic
def appraisal_event_add(
    *,
    actor: User | None,
    sheet: DepartmentSheet,
    employee: User,
    item: RuleItem,
    evidence_text: str,
    count: Decimal = Decimal(1),
    evidence_file: UploadedFile | None = None,
) -> AppraisalEvent:
    _ensure_editable(actor, sheet)
    if item.pk not in sheet_items(sheet).points:
        raise errors.AppraisalError(errors.NOT_BONUS_OR_PENALTY)
    if not EmployeeScore.objects.filter(sheet=sheet, employee=employee).exists():
        raise errors.AppraisalError(errors.UNKNOWN_EMPLOYEE)
    if not evidence_text.strip():
        raise errors.AppraisalError(errors.EVIDENCE_REQUIRED)
    if count <= 0:
        raise errors.AppraisalError(errors.COUNT_POSITIVE)
    event = AppraisalEvent(
        sheet=sheet,
        employee=employee,
        item=item,
        count=count,
        evidence_text=evidence_text.strip(),
        created_by=actor if actor is not None and actor.pk else None,
    )
    if evidence_file is not None:
        event.evidence_file = evidence_file
    event.full_clean()
    event.save()
    recompute(sheet, [employee.pk])
    audit_record(
        actor=actor,
        action="appraisal.event.create",
        obj=event,
        organization_id=sheet.department_id,
        new=snapshot(event, ["employee_id", "item_id", "count", "evidence_text"]),
    )
    return event


@transaction.atomic
def appraisal_event_delete(*, actor: User | None, event: AppraisalEvent) -> None:
    sheet = event.sheet
    _ensure_editable(actor, sheet)
    old = snapshot(event, ["employee_id", "item_id", "count", "evidence_text"])
    employee_id = event.employee_id
    audit_record(
        actor=actor,
        action="appraisal.event.delete",
        obj=event,
        organization_id=sheet.department_id,
        old=old,
    )
    event.delete()
    recompute(sheet, [employee_id])


@transaction.atomic
def appraisal_sheet_sign(
    *,
    actor: User | None,
    sheet: DepartmentSheet,
    reviewer_name: str,
    statistician_name: str,
    summary: str = "",
) -> DepartmentSheet:
    _ensure_editable(actor, sheet)
    fields = ["reviewer_name", "statistician_name", "summary"]
    return audited_update(
        sheet,
        {
            "reviewer_name": reviewer_name.strip(),
            "statistician_name": statistician_name.strip(),
            "summary": summary.strip(),
        },
        actor=actor,
        action="appraisal.sheet.sign",
        allowed=set(fields),
        fields=fields,
        organization_id=sheet.department_id,
    )


# --- Review --------------------------------------------------------------------------------


def sheet_snapshot(sheet: DepartmentSheet) -> dict[str, Any]:
    rows = EmployeeScore.objects.filter(sheet=sheet).select_related("employee")
    return {
        "rule_set": sheet.rule_set_id,
        "rule_set_version": sheet.rule_set.version if sheet.rule_set else None,
        "reviewer_name": sheet.reviewer_name,
        "statistician_name": sheet.statistician_name,
        "rows": [
            {
                "key": str(r.employee_id),
                "name": str(r.employee),
                "total": str(r.total),
                "grade": r.grade_label,
                "scores": r.scores,
            }
            for r in rows
        ],
        "events": AppraisalEvent.objects.filter(sheet=sheet).count(),
    }


@transaction.atomic
def appraisal_sheet_submit(
    *, actor: User | None, sheet: DepartmentSheet, comment: str = ""
) -> WorkflowCase:
    """The department submits its month: every employee must be fully scored."""
    _ensure_editable(actor, sheet)
    missing = list(
        EmployeeScore.objects.filter(sheet=sheet, complete=False).select_related("employee")
    )
    if missing:
        names = "、".join(str(r.employee) for r in missing[:5]) + ("等" if len(missing) > 5 else "")
        raise errors.AppraisalError(
            errors.INCOMPLETE_SCORES.format(count=len(missing), names=names)
        )
    case = wf.case_open(
        actor=actor,
        subject_type=SUBJECT,
        subject_id=sheet.pk,
        organization=sheet.department,
        definition_key=p.SHEET_WORKFLOW,
        title=f"{sheet.department.name}{sheet.month.label}考核汇总",
    )
    wf.case_submit(actor=actor, case=case, snapshot=sheet_snapshot(sheet), comment=comment)
    sheet.submitted_at = timezone.now()
    sheet.save(update_fields=["submitted_at"])
    deadline_complete_by_topic(
        actor=actor, topic=SUBMIT_TOPIC, organization=sheet.department, period=sheet.month.period
    )
    return case


@transaction.atomic
def appraisal_sheet_return(
    *,
    actor: User | None,
    sheet: DepartmentSheet,
    comment: str,
    item_comments: Iterable[tuple[str, str]] = (),
) -> WorkflowCase:
    """The office returns a summary with its problems and rectification opinion."""
    _ensure_month_open(sheet.month)
    case = case_of(sheet)
    if case is None:
        raise errors.AppraisalError(errors.NOT_SUBMITTED)
    return wf.case_return(actor=actor, case=case, comment=comment, item_comments=item_comments)


@transaction.atomic
def appraisal_sheet_approve(
    *, actor: User | None, sheet: DepartmentSheet, comment: str = ""
) -> WorkflowCase:
    """The office approves: the department's month is locked and pay is (re)computed."""
    _ensure_month_open(sheet.month)
    case = case_of(sheet)
    if case is None:
        raise errors.AppraisalError(errors.NOT_SUBMITTED)
    case = wf.case_approve(actor=actor, case=case, comment=comment)
    if case.state == WorkflowState.APPROVED:
        appraisal_pay_compute(actor=actor, month=sheet.month, sheet=sheet)
    return case


# --- Pay -----------------------------------------------------------------------------------


@transaction.atomic
def pay_profile_set(*, actor: User | None, employee: User, salary_base: Decimal) -> PayProfile:
    perms.require(actor, p.MANAGE, employee.organization)
    if salary_base < 0:
        raise errors.AppraisalError(errors.SALARY_NEGATIVE)
    profile = PayProfile.objects.filter(employee=employee).first()
    old = {"salary_base": profile.salary_base} if profile else {}
    profile = profile or PayProfile(employee=employee)
    profile.salary_base = salary_base
    profile.full_clean()
    profile.save()
    audit_record(
        actor=actor,
        action="appraisal.pay_profile.set",
        obj=profile,
        organization_id=employee.organization_id,
        old=old,
        new={"salary_base": salary_base},
    )
    return profile


NO_SALARY_BASE = "未设置工资基数，按0元计算"
PAY_COLUMNS = [
    "month_id",
    "sheet_id",
    "department_id",
    "employee_id",
    "salary_base",
    "share",
    "standard",
    "score",
    "coefficient",
    "pay",
    "lines",
]


def _insert_pay(results: list[PayResult]) -> None:
    """Insert pay rows: ``COPY`` on PostgreSQL (``bulk_create`` spends most of its time in
    Python building and quoting the statement), ``bulk_create`` elsewhere."""
    if connection.vendor != "postgresql":
        PayResult.objects.bulk_create(results, batch_size=1000)
        return
    columns = ", ".join(PAY_COLUMNS)
    with connection.cursor() as wrapper:
        copy = wrapper.cursor.copy(f"COPY {PayResult._meta.db_table} ({columns}) FROM STDIN")
        with copy as stream:
            for r in results:
                values = [getattr(r, c) for c in PAY_COLUMNS[:-1]]
                stream.write_row((*values, json.dumps(r.lines, ensure_ascii=False)))


def approved_sheet_ids(month: AppraisalMonth) -> list[int]:
    ids = list(DepartmentSheet.objects.filter(month=month).values_list("pk", flat=True))
    return list(
        WorkflowCase.objects.filter(
            subject_type=SUBJECT, subject_id__in=ids, state=WorkflowState.APPROVED
        ).values_list("subject_id", flat=True)
    )


@transaction.atomic
def appraisal_pay_compute(
    *, actor: User | None, month: AppraisalMonth, sheet: DepartmentSheet | None = None
) -> int:
    """Performance pay of every employee of the approved departments of ``month``, replacing
    the previous results. With ``sheet`` (just approved) in direct mode only that department
    is (re)computed: its pay does not depend on the others', and an office approving a hundred
    departments one by one must not recompute the whole company each time. In pool mode the
    pool is shared across all approved departments, so they are all recomputed."""
    perms.require(actor, p.MANAGE, month.organization)
    _ensure_month_open(month)
    rules = pay_rules(settings_for(month.organization))
    approved = approved_sheet_ids(month)
    sheet_ids = approved
    if sheet is not None and rules.mode == PayMode.DIRECT:
        sheet_ids = [i for i in approved if i == sheet.pk]
    rows = list(
        EmployeeScore.objects.filter(sheet_id__in=sheet_ids)
        .order_by("sheet__department__path", "employee__employee_number", "employee_id")
        .values_list("employee_id", "sheet_id", "sheet__department_id", "total")
    )
    bases = dict(
        PayProfile.objects.filter(
            employee_id__in=EmployeeScore.objects.filter(sheet_id__in=sheet_ids).values(
                "employee_id"
            )
        ).values_list("employee_id", "salary_base")
    )
    zero = Decimal(0)
    lines = pay.compute(rules, [(bases.get(r[0], zero), r[3]) for r in rows])
    # This computation's rows, and any of a department no longer approved, go.
    PayResult.objects.filter(month=month).filter(
        Q(sheet_id__in=sheet_ids) | ~Q(sheet_id__in=approved)
    ).delete()
    _insert_pay(
        [
            PayResult(
                month=month,
                sheet_id=sheet_id,
                department_id=department_id,
                employee_id=employee_id,
                salary_base=bases.get(employee_id, zero),
                share=rules.share,
                standard=line.standard,
                score=total,
                coefficient=line.coefficient,
                pay=line.pay,
                lines=line.lines + ([] if employee_id in bases else [NO_SALARY_BASE]),
            )
            for (employee_id, sheet_id, department_id, total), line in zip(rows, lines, strict=True)
        ]
    )
    month.pay_computed_at = timezone.now()
    month.save(update_fields=["pay_computed_at"])
    total = sum((line.pay for line in lines), Decimal(0))
    audit_record(
        actor=actor,
        action="appraisal.pay.compute",
        obj=month,
        new={
            "employees": len(rows),
            "total": total,
            "mode": rules.mode,
            "department": sheet.department_id if sheet is not None else None,
        },
    )
    return len(rows)


@transaction.atomic
def appraisal_month_close(*, actor: User | None, month: AppraisalMonth) -> AppraisalMonth:
    """Lock the month once every department is approved and pay is computed."""
    perms.require(actor, p.MANAGE, month.organization)
    month.refresh_from_db(from_queryset=AppraisalMonth.objects.select_for_update())
    _ensure_month_open(month)
    approved = set(approved_sheet_ids(month))
    pending = [
        s.department.name
        for s in DepartmentSheet.objects.filter(month=month).select_related("department")
        if s.pk not in approved
    ]
    if pending:
        raise errors.AppraisalError(errors.MONTH_INCOMPLETE.format(names="、".join(pending)))
    if month.pay_computed_at is None:
        raise errors.AppraisalError(errors.PAY_NOT_COMPUTED)
    month.status = MonthStatus.CLOSED
    month.closed_at = timezone.now()
    month.save(update_fields=["status", "closed_at"])
    for window in DEFAULT_MONTHLY_WINDOWS:  # the office's review and feedback are done
        deadline_complete_by_topic(
            actor=actor, topic=window.topic, organization=month.organization, period=month.period
        )
    audit_record(
        actor=actor,
        action="appraisal.month.close",
        obj=month,
        old={"status": MonthStatus.OPEN},
        new={"status": MonthStatus.CLOSED},
    )
    return month


# --- Appeals -------------------------------------------------------------------------------


@transaction.atomic
def appraisal_appeal_create(*, actor: User, score: EmployeeScore, reason: str) -> Appeal:
    """An employee appeals their own approved month."""
    if score.employee_id != actor.pk:
        raise PermissionDeniedError(errors.APPEAL_NOT_OWN)
    if score.sheet_id not in approved_sheet_ids(score.sheet.month):
        raise errors.AppraisalError(errors.APPEAL_NOT_FINAL)
    if not reason.strip():
        raise errors.AppraisalError(errors.APPEAL_REASON)
    if Appeal.objects.filter(score=score, status=AppealStatus.PENDING).exists():
        raise errors.AppraisalError(errors.APPEAL_PENDING)
    appeal = Appeal.objects.create(score=score, employee=actor, reason=reason.strip())
    audit_record(
        actor=actor,
        action="appraisal.appeal.create",
        obj=appeal,
        organization_id=score.sheet.department_id,
        new={"reason": appeal.reason},
    )
    return appeal


@transaction.atomic
def appraisal_appeal_decide(
    *, actor: User | None, appeal: Appeal, status: str, decision: str
) -> Appeal:
    """Decide an appeal. Upheld: the department's month is reopened for correction — the sheet
    goes back to the head as an adjustment of the workflow (and the month is unlocked if it
    was), to be corrected, resubmitted and approved again, which recomputes the pay."""
    perms.require(actor, p.MANAGE, appeal.score.sheet.department)
    if appeal.status != AppealStatus.PENDING:
        raise errors.AppraisalError(errors.APPEAL_DECIDED)
    if status not in (AppealStatus.UPHELD, AppealStatus.REJECTED) or not decision.strip():
        raise errors.AppraisalError(errors.APPEAL_DECISION)
    appeal.status = status
    appeal.decision = decision.strip()
    appeal.decided_by = actor if actor is not None and actor.pk else None
    appeal.decided_at = timezone.now()
    appeal.save(update_fields=["status", "decision", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action="appraisal.appeal.decide",
        obj=appeal,
        organization_id=appeal.score.sheet.department_id,
        old={"status": AppealStatus.PENDING},
        new={"status": status, "decision": appeal.decision},
    )
    if status == AppealStatus.UPHELD:
        _reopen_for_appeal(actor, appeal)
    return appeal


def _reopen_for_appeal(actor: User | None, appeal: Appeal) -> None:
    sheet = appeal.score.sheet
    month = sheet.month
    if month.status == MonthStatus.CLOSED:
        month.status, month.closed_at = MonthStatus.OPEN, None
        month.save(update_fields=["status", "closed_at"])
        audit_record(
            actor=actor,
            action="appraisal.month.reopen",
            obj=month,
            old={"status": MonthStatus.CLOSED},
            new={"status": MonthStatus.OPEN, "appeal": appeal.pk},
        )
    case = case_of(sheet)
    if case is not None and case.state == WorkflowState.APPROVED:
        # The office decides, but the adjustment belongs to the department (its submit
        # action): the platform opens it on the office's decision, recorded above.
        wf.case_request_adjustment(
            actor=None,
            case=case,
            reason=f"{appeal.employee}的申诉成立：{appeal.decision}",
        )


# --- Work progress (EMP-7) -----------------------------------------------------------------

STEP_FIELDS = ["title", "start_date", "end_date", "owner", "status", "note", "position"]


@transaction.atomic
def progress_step_save(
    *,
    actor: User | None,
    organization: Organization,
    year: int,
    step: ProgressStep | None = None,
    **values: Any,
) -> ProgressStep:
    perms.require(actor, p.MANAGE, organization)
    start: date | None = values.get("start_date", step.start_date if step else None)
    end: date | None = values.get("end_date", step.end_date if step else None)
    if start and end and end < start:
        raise errors.AppraisalError(errors.STEP_DATES)
    if step is not None:
        return audited_update(
            step,
            values,
            actor=actor,
            action="appraisal.progress.save",
            allowed=set(STEP_FIELDS),
            fields=STEP_FIELDS,
            organization_id=organization.pk,
        )
    step = ProgressStep(organization=organization, year=year, **values)
    step.full_clean()
    step.save()
    audit_record(
        actor=actor,
        action="appraisal.progress.save",
        obj=step,
        new=snapshot(step, STEP_FIELDS),
    )
    return step


# --- Excel import of the grid --------------------------------------------------------------


@transaction.atomic
def appraisal_scores_import(*, actor: User | None, sheet: DepartmentSheet, upload: Any) -> int:
    """Import the grid from Excel, all or nothing (see :mod:`jixiao.appraisal.excel`)."""
    from jixiao.appraisal import excel

    _ensure_editable(actor, sheet)
    rows = excel.read_grid(upload, sheet)
    return _scores_save(actor, sheet, rows, "appraisal.scores.import")
