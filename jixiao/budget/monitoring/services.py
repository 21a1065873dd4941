"""Writes of double monitoring (BUD-5): thresholds, rounds, the units' forms and the spending
pushed by the budget system. ``round_compute_warnings`` lives in :mod:`.compute`.

Each function is one transaction, checks permission through ``jixiao.orgs.permissions``
(``budget.monitoring.manage`` for the finance bureau, ``budget.monitoring.fill`` for the unit)
and writes one audit row. A round's filling deadline is a ``periods`` Deadline (topic
``budget.monitoring``) targeting the units that own forms; a unit's completion is marked when
its last form of the round is submitted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from jixiao.audit.services import audit_record, changed, snapshot
from jixiao.budget import permissions as actions
from jixiao.budget.models import Project
from jixiao.budget.monitoring import errors
from jixiao.budget.monitoring import warnings as rules
from jixiao.budget.monitoring.errors import MonitoringError, refused
from jixiao.budget.monitoring.models import (
    DeviationReason,
    FormState,
    IndicatorProgress,
    Level,
    Likelihood,
    MonitoringForm,
    MonitoringRound,
    RoundState,
    SpendingRecord,
    WarningThresholds,
)
from jixiao.budget.services import SUBJECT
from jixiao.indicators.models import Indicator
from jixiao.orgs import permissions as perms
from jixiao.orgs.errors import NO_PERMISSION, PermissionDeniedError
from jixiao.orgs.models import Organization, OrgKind, Role, User
from jixiao.periods import dates
from jixiao.periods import services as periods
from jixiao.periods.models import DeadlineCompletion, DeadlineTarget, PeriodKind
from jixiao.workflow.models import WorkflowCase

TOPIC = "budget.monitoring"
ROUND_FIELDS = ["fiscal_year", "number", "name", "months_elapsed", "period_id", "deadline_id"]
FORM_FIELDS = ("executed", "expected_execution", "goal_progress")
PROGRESS_FIELDS = ("actual", "expected", "level", "likelihood", "reasons", "measures")
FIELD_LABELS = {
    "executed": "执行数",
    "expected_execution": "全年预计执行数",
    "actual": "1-N月实际完成值",
    "expected": "全年预计完成值",
}
MAX_AMOUNT = Decimal(10) ** 14  # MONEY: 18 digits, 4 decimals


def _person(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None


# --- Thresholds ------------------------------------------------------------------------------


def thresholds_for(bureau: Organization, fiscal_year: int) -> rules.Thresholds:
    """The bureau's thresholds for the year; RULES.md's defaults when none were set."""
    row = WarningThresholds.objects.filter(bureau=bureau, fiscal_year=fiscal_year).first()
    return row.as_rules() if row is not None else rules.DEFAULT_THRESHOLDS


@transaction.atomic
def thresholds_set(
    *,
    actor: User | None,
    bureau: Organization,
    fiscal_year: int,
    red_below: Decimal,
    yellow_below: Decimal,
    blue_at: Decimal,
) -> WarningThresholds:
    """Set the bureau's warning thresholds for a year. Open rounds of that year take them
    (their next computation uses them); closed rounds keep the thresholds they used."""
    perms.require(actor, actions.MONITORING_MANAGE, bureau)
    try:
        new = rules.Thresholds(red_below, yellow_below, blue_at)
    except ValueError as exc:
        raise MonitoringError(errors.THRESHOLDS_INVALID) from exc
    row = WarningThresholds.objects.filter(bureau=bureau, fiscal_year=fiscal_year).first()
    old = None if row is None else row.as_rules().to_json()
    row = row or WarningThresholds(bureau=bureau, fiscal_year=fiscal_year)
    row.red_below, row.yellow_below, row.blue_at = red_below, yellow_below, blue_at
    row.full_clean()
    row.save()
    open_rounds = MonitoringRound.objects.filter(
        bureau=bureau, fiscal_year=fiscal_year, state=RoundState.OPEN
    )
    updated = list(open_rounds.values_list("pk", flat=True))
    open_rounds.update(thresholds=new.to_json())
    audit_record(
        actor=actor,
        action="budget.monitoring.thresholds",
        obj=row,
        organization_id=bureau.pk,
        old=old,
        new={**new.to_json(), "open_rounds": updated},
    )
    return row


# --- Rounds ----------------------------------------------------------------------------------


def approved_projects(bureau: Organization, fiscal_year: int) -> QuerySet[Project]:
    """Declarations of the bureau's tree for the year whose targets are approved (an approved
    version is in force, also while an adjustment of it is under way)."""
    approved = WorkflowCase.objects.filter(
        subject_type=SUBJECT, approved_version__isnull=False
    ).values("subject_id")
    return Project.objects.filter(
        fiscal_year=fiscal_year, unit__path__startswith=bureau.path, pk__in=approved
    )


@transaction.atomic
def round_open(
    *,
    actor: User | None,
    bureau: Organization,
    fiscal_year: int,
    months_elapsed: int,
    due_at: datetime,
    name: str = "",
    opens_on: date | None = None,
    description: str = "",
) -> MonitoringRound:
    """Open the round of months 1…``months_elapsed``: its period and its filling deadline for
    the units, and a form with one progress row per level-3 indicator for every approved
    declaration of the bureau's tree, written in bulk."""
    perms.require(actor, actions.MONITORING_MANAGE, bureau)
    if bureau.kind != OrgKind.FINANCE_BUREAU:
        raise MonitoringError(errors.NOT_A_BUREAU)
    if not 1 <= months_elapsed <= 12:
        raise MonitoringError(errors.MONTHS_INVALID)
    start, end = date(fiscal_year, 1, 1), dates.month_end(fiscal_year, months_elapsed)
    name = name.strip() or dates.span_name(start, end)
    existing = MonitoringRound.objects.filter(
        bureau=bureau, fiscal_year=fiscal_year, months_elapsed=months_elapsed
    ).first()
    if existing is not None:
        raise MonitoringError(errors.ROUND_EXISTS.format(year=fiscal_year, name=existing.name))
    projects = list(
        approved_projects(bureau, fiscal_year).values_list(
            "pk", "unit_id", "approved_amount", "annual_total"
        )
    )
    if not projects:
        raise MonitoringError(errors.NO_APPROVED_PROJECTS.format(year=fiscal_year))
    from jixiao.budget.monitoring.interventions import net_moves

    moved = net_moves(pk for pk, _, _, _ in projects)  # money moved between projects (调剂)
    number = MonitoringRound.objects.filter(bureau=bureau, fiscal_year=fiscal_year).count() + 1
    period = periods.period_create(
        actor=actor,
        kind=PeriodKind.MONITORING_ROUND,
        fiscal_year=fiscal_year,
        number=number,
        start_date=start,
        end_date=end,
        name=name,
        organization=bureau,
    )
    deadline = periods.deadline_create(
        actor=actor,
        period=period,
        organization=bureau,
        title=f"{name}绩效运行监控表填报",
        due_at=due_at,
        role=Role.UNIT_OPERATOR,
        opens_on=opens_on,
        targets=Organization.objects.filter(
            pk__in={unit_id for _, unit_id, _, _ in projects}, is_active=True
        ),
        topic=TOPIC,
        description=description
        or "填报预算执行情况和绩效目标完成情况，说明偏差原因并提出纠偏措施。",
    )
    round = MonitoringRound(
        bureau=bureau,
        fiscal_year=fiscal_year,
        number=number,
        name=name,
        months_elapsed=months_elapsed,
        period=period,
        deadline=deadline,
        thresholds=thresholds_for(bureau, fiscal_year).to_json(),
        opened_by=_person(actor),
    )
    round.full_clean(exclude=["period", "deadline"])
    round.save()
    MonitoringForm.objects.bulk_create(
        (
            MonitoringForm(
                round=round,
                project_id=pk,
                budget=(approved if approved is not None else total) + moved.get(pk, 0),
            )
            for pk, _, approved, total in projects
        ),
        batch_size=2000,
    )
    indicators = _create_progress(round)
    audit_record(
        actor=actor,
        action="budget.monitoring.round_open",
        obj=round,
        organization_id=bureau.pk,
        new={
            **snapshot(round, ROUND_FIELDS),
            "thresholds": round.thresholds,
            "forms": len(projects),
            "indicators": indicators,
        },
    )
    return round


def _create_progress(round: MonitoringRound) -> int:
    """One progress row per level-3 indicator of every form's declaration, copying the
    target: a single INSERT … SELECT (the same SQL on SQLite and PostgreSQL)."""
    q = connection.ops.quote_name
    progress, form = IndicatorProgress._meta.db_table, MonitoringForm._meta.db_table
    project, indicator = Project._meta.db_table, Indicator._meta.db_table
    sql = (
        f"INSERT INTO {q(progress)} (form_id, indicator_id, indicator_name, kind, direction,"  # noqa: S608 (table names from the models)
        " target_value, target_text, unit, actual, expected, level, likelihood, reasons,"
        " measures)"
        " SELECT f.id, i.id, i.name, i.kind, i.direction, i.target_value, i.target_text,"
        " i.unit, NULL, NULL, '', '', '[]', ''"
        f" FROM {q(form)} f JOIN {q(project)} p ON p.id = f.project_id"
        f" JOIN {q(indicator)} i ON i.tree_id = p.annual_tree_id"
        " WHERE f.round_id = %s AND i.level = 3"
        " ORDER BY f.id, i.parent_id, i.position, i.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [round.pk])
        return cursor.rowcount


@transaction.atomic
def round_close(*, actor: User | None, round: MonitoringRound) -> MonitoringRound:
    """Compute the round's warnings a last time and close it: no more filling; the warnings
    and the thresholds they used stay as they are."""
    from jixiao.budget.monitoring.compute import compute_locked

    perms.require(actor, actions.MONITORING_MANAGE, round.bureau)
    round = MonitoringRound.objects.select_for_update().get(pk=round.pk)
    ensure_open(round)
    result = compute_locked(actor=actor, round=round)
    round.state = RoundState.CLOSED
    round.closed_at = timezone.now()
    round.save(update_fields=["state", "closed_at"])
    audit_record(
        actor=actor,
        action="budget.monitoring.round_close",
        obj=round,
        organization_id=round.bureau_id,
        old={"state": RoundState.OPEN},
        new={"state": RoundState.CLOSED, "warnings": result.by_colour},
    )
    return round


def round_compute_warnings(*, actor: User | None, round: MonitoringRound) -> Any:
    """The warnings of the whole round, recomputed (:func:`.compute.round_compute_warnings`;
    here too so that pages, API and CLI find every write of monitoring in one module)."""
    from jixiao.budget.monitoring import compute

    return compute.round_compute_warnings(actor=actor, round=round)


def ensure_open(round: MonitoringRound) -> None:
    if round.state != RoundState.OPEN:
        raise MonitoringError(errors.ROUND_CLOSED.format(name=round.name))


# --- Forms -----------------------------------------------------------------------------------


def _locked_form(form: MonitoringForm) -> MonitoringForm:
    return (
        MonitoringForm.objects.select_for_update(of=("self",))
        .select_related("round", "round__deadline", "project", "project__unit")
        .get(pk=form.pk)
    )


def _editable_form(actor: User | None, form: MonitoringForm) -> MonitoringForm:
    """The form, locked, after the permission and state checks every unit write shares."""
    perms.require(actor, actions.MONITORING_FILL, form.project.unit)
    form = _locked_form(form)
    ensure_open(form.round)
    if form.state != FormState.DRAFT:
        raise MonitoringError(errors.FORM_SUBMITTED)
    return form


def _snapshot(form: MonitoringForm, rows: Iterable[IndicatorProgress]) -> dict[str, Any]:
    data = snapshot(form, list(FORM_FIELDS))
    for row in rows:
        data[f"indicator:{row.indicator_id}"] = snapshot(row, list(PROGRESS_FIELDS))
    return data


@transaction.atomic
def form_save(
    *,
    actor: User | None,
    form: MonitoringForm,
    progress: Mapping[int, Mapping[str, Any]] | None = None,
    **values: Any,
) -> MonitoringForm:
    """The unit fills its form: ``values`` among executed, expected_execution, goal_progress;
    ``progress`` by indicator id: actual, expected, level, likelihood, reasons (a list of
    DeviationReason codes), measures. Only the keys given change. Refused as a whole, with
    every problem named, when a value is invalid or when an indicator whose likelihood is not
    确定能, or whose warning would be red, lacks its reasons and measures."""
    form = _editable_form(actor, form)
    unknown = set(values) - set(FORM_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    rows = {row.indicator_id: row for row in form.progress.all()}
    before = _snapshot(form, rows.values())
    problems: list[str] = []
    for field, value in values.items():
        if field == "goal_progress":
            form.goal_progress = str(value or "").strip()
        else:
            setattr(form, field, _amount(field, value, problems))
    touched = []
    for key, changes in (progress or {}).items():
        row = rows.get(_int(key))
        if row is None:
            problems.append(errors.UNKNOWN_INDICATOR.format(indicator=key))
            continue
        _apply(row, changes, problems)
        touched.append(row)
    problems += _rule_problems(form.round, rows.values())
    problems += _field_problems(form, touched)
    if problems:
        raise refused(errors.FORM_INVALID, problems)
    form.save(update_fields=[*values, "updated_at"])
    if touched:
        IndicatorProgress.objects.bulk_update(touched, list(PROGRESS_FIELDS))
    old, new = changed(before, _snapshot(form, rows.values()))
    if new:
        audit_record(
            actor=actor,
            action="budget.monitoring.form_save",
            obj=form,
            organization_id=form.project.unit_id,
            old=old,
            new=new,
        )
    return form


def _int(key: Any) -> int | None:
    try:
        return int(key)
    except (TypeError, ValueError):
        return None


def _decimal(value: Any) -> Decimal | None:
    """None for an empty value; raises ValueError for what is not a finite number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(value) from exc
    if not number.is_finite():
        raise ValueError(value)
    return number


def _amount(field: str, value: Any, problems: list[str]) -> Decimal | None:
    label = FIELD_LABELS[field]
    try:
        number = _decimal(value)
    except ValueError:
        problems.append(errors.AMOUNT_NOT_A_NUMBER.format(field=label, value=value))
        return None
    if number is not None and number < 0:
        problems.append(errors.AMOUNT_NEGATIVE.format(field=label))
    return number


def _apply(row: IndicatorProgress, changes: Mapping[str, Any], problems: list[str]) -> None:
    unknown = set(changes) - set(PROGRESS_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    name = row.indicator_name
    for field in ("actual", "expected"):
        if field in changes:
            try:
                setattr(row, field, _decimal(changes[field]))
            except ValueError:
                label = FIELD_LABELS[field]
                problems.append(
                    errors.NOT_A_NUMBER.format(name=name, field=label, value=changes[field])
                )
    if "level" in changes:
        row.level = changes["level"] or ""
        if row.level and row.level not in Level.values:
            problems.append(errors.LEVEL_INVALID.format(name=name, value=row.level))
    if "likelihood" in changes:
        row.likelihood = changes["likelihood"] or ""
        if row.likelihood and row.likelihood not in Likelihood.values:
            problems.append(errors.LIKELIHOOD_INVALID.format(name=name, value=row.likelihood))
    if "reasons" in changes:
        row.reasons = _reasons(row, changes["reasons"], problems)
    if "measures" in changes:
        row.measures = str(changes["measures"] or "").strip()
    if row.is_qualitative and row.actual is not None:
        problems.append(errors.QUALITATIVE_LEVEL.format(name=name))
    if not row.is_qualitative and row.level:
        problems.append(errors.QUANTITATIVE_LEVEL.format(name=name))


def _reasons(row: IndicatorProgress, value: Any, problems: list[str]) -> list[str]:
    codes = [value] if isinstance(value, str) else list(value or [])
    invalid = [code for code in codes if code not in DeviationReason.values]
    for code in invalid:
        problems.append(errors.REASON_INVALID.format(name=row.indicator_name, value=code))
    return [code for code in DeviationReason.values if code in codes]  # in the form's order


def progress_warning(round: MonitoringRound, row: IndicatorProgress) -> rules.Result | None:
    """The warning the row would get now, under the round's thresholds."""
    return rules.indicator(
        kind=row.kind,
        direction=row.direction,
        target=row.target_value,
        actual=row.actual,
        level=row.level,
        months=round.months_elapsed,
        thresholds=round.threshold_rules,
        expected=row.expected,
        name=row.indicator_name,
        unit=row.unit,
    )


def _rule_problems(round: MonitoringRound, rows: Iterable[IndicatorProgress]) -> list[str]:
    """Reasons and measures when the likelihood is not 确定能 (and the expected year-end value
    of a quantitative indicator), or when the indicator's warning would be red."""
    problems = []
    for row in rows:
        if row.likelihood not in ("", *Likelihood.values) or row.level not in ("", *Level.values):
            continue  # already named as invalid
        explained = bool(row.reasons) and bool(row.measures)
        name = row.indicator_name
        if row.likelihood and row.likelihood != Likelihood.CERTAIN:
            label = Likelihood(row.likelihood).label
            if not explained:
                problems.append(errors.REASONS_FOR_LIKELIHOOD.format(name=name, likelihood=label))
            if not row.is_qualitative and row.expected is None:
                problems.append(errors.EXPECTED_FOR_LIKELIHOOD.format(name=name, likelihood=label))
            continue
        if not explained:
            try:
                result = progress_warning(round, row)
            except ValueError:  # too many decimals: named by _field_problems
                continue
            if result is not None and result.is_red:
                problems.append(errors.REASONS_FOR_RED.format(name=name, explain=result.explain))
    return problems


def _field_problems(form: MonitoringForm, rows: Iterable[IndicatorProgress]) -> list[str]:
    """What the model fields refuse (digits, lengths), named by indicator."""
    problems = []
    checks: list[tuple[str, Any, list[str]]] = [("", form, ["round", "project", "submitted_by"])]
    # Choices are checked, with their own messages, by _apply.
    checks += [
        (row.indicator_name, row, ["form", "indicator", "level", "likelihood"]) for row in rows
    ]
    for name, obj, exclude in checks:
        try:
            obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                label = str(obj._meta.get_field(field).verbose_name)
                where = f"指标“{name}”：" if name else ""
                problems += [f"{where}{label}：{message}" for message in messages]
    return problems


@transaction.atomic
def form_submit(*, actor: User | None, form: MonitoringForm) -> MonitoringForm:
    """The unit submits its form, complete: every indicator with its actual value (or level)
    and likelihood, reasons and measures where required. When it is the unit's last form of
    the round, the unit's deadline is marked complete."""
    form = _editable_form(actor, form)
    rows = list(form.progress.all())
    problems = _completeness_problems(rows) + _rule_problems(form.round, rows)
    if problems:
        raise refused(errors.FORM_INVALID, problems)
    form.state = FormState.SUBMITTED
    form.submitted_at = timezone.now()
    form.submitted_by = _person(actor)
    form.save(update_fields=["state", "submitted_at", "submitted_by", "updated_at"])
    audit_record(
        actor=actor,
        action="budget.monitoring.form_submit",
        obj=form,
        organization_id=form.project.unit_id,
        old={"state": FormState.DRAFT},
        new={"state": FormState.SUBMITTED},
    )
    _complete_unit(actor, form)
    return form


def _completeness_problems(rows: Iterable[IndicatorProgress]) -> list[str]:
    problems = []
    for row in rows:
        name = row.indicator_name
        if row.is_qualitative and not row.level:
            problems.append(errors.LEVEL_MISSING.format(name=name))
        if not row.is_qualitative and row.actual is None:
            problems.append(errors.ACTUAL_MISSING.format(name=name))
        if not row.likelihood:
            problems.append(errors.LIKELIHOOD_MISSING.format(name=name))
    return problems


def _complete_unit(actor: User | None, form: MonitoringForm) -> None:
    deadline, unit = form.round.deadline, form.project.unit
    pending = MonitoringForm.objects.filter(
        round_id=form.round_id, project__unit_id=unit.pk, state=FormState.DRAFT
    )
    targeted = DeadlineTarget.objects.filter(deadline=deadline, organization=unit).exists()
    if deadline.is_active and targeted and not pending.exists():
        periods.deadline_complete(actor=actor, deadline=deadline, organization=unit)


@transaction.atomic
def form_reopen(*, actor: User | None, form: MonitoringForm, reason: str) -> MonitoringForm:
    """The finance bureau returns a submitted form to the unit (the unit's deadline is
    pending again)."""
    perms.require(actor, actions.MONITORING_MANAGE, form.project.unit)
    form = _locked_form(form)
    ensure_open(form.round)
    if form.state != FormState.SUBMITTED:
        raise MonitoringError(errors.FORM_NOT_SUBMITTED)
    if not reason.strip():
        raise MonitoringError(errors.REOPEN_REASON)
    form.state = FormState.DRAFT
    form.save(update_fields=["state", "updated_at"])
    audit_record(
        actor=actor,
        action="budget.monitoring.form_reopen",
        obj=form,
        organization_id=form.project.unit_id,
        old={"state": FormState.SUBMITTED},
        new={"state": FormState.DRAFT, "reason": reason.strip()},
    )
    deadline, unit = form.round.deadline, form.project.unit
    if DeadlineCompletion.objects.filter(deadline=deadline, organization=unit).exists():
        periods.deadline_reopen(actor=actor, deadline=deadline, organization=unit, reason=reason)
    return form


# --- Spending --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpendingItem:
    """One payment as the budget system sends it: project code, date, amount in 万元 and the
    voucher number (optional; a voucher is recorded once)."""

    code: str
    date: date | str
    amount: Decimal | int | str
    reference: str = ""


@dataclass(frozen=True)
class SpendingResult:
    created: int
    total: Decimal
    projects: int


@transaction.atomic
def spending_record(
    *,
    actor: User | None,
    fiscal_year: int,
    items: Iterable[SpendingItem | Sequence[Any]],
) -> SpendingResult:
    """Record payments pushed by the budget system, all or nothing: when any item is wrong
    (unknown project or out of the actor's scope, a date outside the year, an amount that is
    not a non-zero number, a voucher recorded before), nothing is written and every problem is
    named by its item number (第3条 …)."""
    if actor is not None and not perms.can(actor, actions.MONITORING_MANAGE):
        raise PermissionDeniedError(NO_PERMISSION)
    raws = list(items)
    rows = [_item(raw) for raw in raws]
    if not rows:
        raise MonitoringError(errors.SPENDING_EMPTY)
    codes = {item.code for item in rows if item is not None}
    projects = {
        code: (pk, path)
        for code, pk, path in Project.objects.filter(
            fiscal_year=fiscal_year, code__in=codes
        ).values_list("code", "pk", "unit__path")
    }
    paths = None if actor is None else perms.action_paths(actor, actions.MONITORING_MANAGE)
    references = {
        (item.code, item.reference) for item in rows if item is not None and item.reference
    }
    recorded = set(
        SpendingRecord.objects.filter(
            project_id__in=[projects[c][0] for c, _ in references if c in projects],
            reference__in=[r for _, r in references],
        ).values_list("project__code", "reference")
    )
    from jixiao.budget.monitoring.interventions import spending_hold_problems

    held = spending_hold_problems({code: pk for code, (pk, _) in projects.items()})
    problems: list[str] = []
    records: list[SpendingRecord] = []
    seen: set[tuple[str, str]] = set()
    for number, (raw, item) in enumerate(zip(raws, rows, strict=True), 1):
        found = _spending_problems(raw, item, fiscal_year, projects, paths, recorded, seen)
        if item is not None and item.code in held:  # suspended or stopped (暂缓/停止)
            found.append(held[item.code])
        problems += [errors.SPENDING_ROW.format(row=number, problem=p) for p in found]
        if not found and item is not None:
            records.append(
                SpendingRecord(
                    project_id=projects[item.code][0],
                    date=item.date,
                    amount=item.amount,
                    reference=item.reference,
                    created_by=_person(actor),
                )
            )
    if problems:
        raise refused(errors.SPENDING_REFUSED, problems)
    SpendingRecord.objects.bulk_create(records, batch_size=2000)
    total = sum((r.amount for r in records), Decimal(0))
    result = SpendingResult(len(records), total, len({r.project_id for r in records}))
    audit_record(
        actor=actor,
        action="budget.spending.record",
        object_type="budget.spendingrecord",
        object_repr=f"{fiscal_year}年度支出数据{result.created}条",
        new={
            "fiscal_year": fiscal_year,
            "records": result.created,
            "projects": result.projects,
            "total": total,
        },
    )
    return result


@dataclass(frozen=True)
class _Parsed:
    code: str
    date: date | None
    amount: Decimal | None
    reference: str
    raw_date: Any
    raw_amount: Any


def _item(raw: SpendingItem | Sequence[Any]) -> _Parsed | None:
    """The item with its date and amount typed (None where they are not valid)."""
    if isinstance(raw, SpendingItem):
        code, day, amount, reference = raw.code, raw.date, raw.amount, raw.reference
    elif isinstance(raw, list | tuple) and len(raw) in (3, 4):
        code, day, amount, *rest = raw
        reference = rest[0] if rest else ""
    else:
        return None
    return _Parsed(
        code=str(code or "").strip(),
        date=_date(day),
        amount=_spending_amount(amount),
        reference=str(reference or "").strip(),
        raw_date=day,
        raw_amount=amount,
    )


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def _spending_amount(value: Any) -> Decimal | None:
    try:
        number = _decimal(value)
    except ValueError:
        return None
    if number is None or number == 0 or abs(number) >= MAX_AMOUNT:
        return None
    if number.as_tuple().exponent < -4:  # type: ignore[operator]
        return None
    return number


def _spending_problems(
    raw: Any,
    item: _Parsed | None,
    year: int,
    projects: dict[str, tuple[int, str]],
    paths: list[str] | None,
    recorded: set[tuple[str, str]],
    seen: set[tuple[str, str]],
) -> list[str]:
    if item is None:
        return [errors.SPENDING_SHAPE.format(value=raw)]
    problems = []
    found = projects.get(item.code)
    if found is None or (paths is not None and not any(found[1].startswith(p) for p in paths)):
        problems.append(errors.SPENDING_NO_PROJECT.format(code=item.code, year=year))
    if item.date is None:
        problems.append(errors.SPENDING_NOT_A_DATE.format(value=item.raw_date))
    elif item.date.year != year:
        problems.append(errors.SPENDING_DATE.format(date=item.date.isoformat(), year=year))
    if item.amount is None:
        problems.append(errors.SPENDING_AMOUNT.format(value=item.raw_amount))
    if item.reference:
        key = (item.code, item.reference)
        if key in recorded:
            problems.append(errors.SPENDING_DUPLICATE.format(reference=item.reference))
        elif key in seen:
            problems.append(errors.SPENDING_REPEATED.format(reference=item.reference))
        seen.add(key)
    return problems
