"""Accountability and the appraisal of the supervising departments (BUD-14).

``accountability_record`` keeps what was done about poor results (约谈, 通报, 扣减预算, 移交 …).

``department_scores`` scores each supervising department's own performance-management work for
a year, out of 100, from four parts weighted by ``ResultSettings`` (25 each by default):

- **及时性** — submissions made by their due date ÷ submissions due: target declarations (their
  workflow case submitted by ``declaration_due``, when set), monitoring forms (submitted by their
  round's deadline, counted once the deadline has passed or the form is in), self-evaluations
  (submitted by ``self_evaluation_due``, when set; counted once it has passed or it is in);
- **覆盖面** — approved declarations of the year with a submitted self-evaluation ÷ approved
  declarations;
- **质量** — submitted self-evaluations without a finding of the quality check
  (``queries.quality_check``) ÷ submitted self-evaluations;
- **整改完成** — rectification tasks accepted ÷ tasks due (deadline passed, or accepted).

A part with nothing to count scores its full weight, and says so. Each part's points are
weight × ratio rounded half-up to 0.01, and the total is the sum of the rounded points, so the
explanation adds up exactly. Ranks are shared by equal totals (1, 1, 3); the first
``commend_top`` are commended, the last ``notify_bottom`` (not commended) notified.

The bureau finalises (定稿) a year with ``department_appraisal_finalise``: the scores, the counts
behind each part, the rules used and ``RULE_VERSION`` are stored as a new
:class:`DepartmentAppraisal` version; earlier versions stay. Pages, the Excel and the
government assessment (through ``jixiao.lib.feeds``, key ``SOURCE_KEY``) read the latest
version once there is one; until then the page shows the live figures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from jixiao.audit.services import audit_record
from jixiao.budget.evaluation.models import SelfEvaluation
from jixiao.budget.evaluation.queries import SUBMITTED_STATES, quality_check
from jixiao.budget.evaluation.result_models import (
    AccountabilityKind,
    AccountabilityRecord,
    DepartmentAppraisal,
    DepartmentAppraisalRow,
    RectificationState,
    RectificationTask,
    ResultSettings,
)
from jixiao.budget.evaluation.results import errors
from jixiao.budget.evaluation.results.actions import RESULTS_MANAGE, RESULTS_VIEW
from jixiao.budget.evaluation.results.common import bureau_of, person, result_settings
from jixiao.budget.evaluation.results.errors import ResultsError
from jixiao.budget.models import Project
from jixiao.budget.monitoring.models import MonitoringForm
from jixiao.budget.monitoring.services import approved_projects
from jixiao.budget.services import SUBJECT as TARGET_SUBJECT
from jixiao.lib import feeds
from jixiao.orgs import permissions as perms
from jixiao.orgs.models import Organization, OrgKind, User
from jixiao.workflow.models import WorkflowCase

CENT = Decimal("0.01")
ZERO = Decimal(0)
# The version of the computation below; raise it when what is counted or how changes, so a
# stored appraisal says which rule made it.
RULE_VERSION = 1


# --- Accountability records --------------------------------------------------------------------


@transaction.atomic
def accountability_record(
    *,
    actor: User | None,
    organization: Organization,
    kind: str,
    reason: str,
    decision: str,
    decided_on: date,
    decided_by: str,
    fiscal_year: int,
    project: Project | None = None,
    amount: Decimal | None = None,
) -> AccountabilityRecord:
    """Record an accountability action against a unit or department (and its project)."""
    perms.require(actor, RESULTS_MANAGE, organization)
    if not reason.strip() or not decision.strip():
        raise ResultsError(errors.ACCOUNTABILITY_DECISION)
    if not decided_by.strip():
        raise ResultsError(errors.ACCOUNTABILITY_BY)
    if kind == AccountabilityKind.BUDGET_CUT and (amount is None or amount <= 0):
        raise ResultsError(errors.ACCOUNTABILITY_AMOUNT)
    if project is not None and not project.unit.path.startswith(organization.path):
        raise ResultsError(errors.ACCOUNTABILITY_PROJECT)
    record = AccountabilityRecord(
        bureau=bureau_of(organization),
        fiscal_year=fiscal_year,
        organization=organization,
        project=project,
        kind=kind,
        reason=reason.strip(),
        decision=decision.strip(),
        amount=amount if kind == AccountabilityKind.BUDGET_CUT else None,
        decided_on=decided_on,
        decided_by=decided_by.strip(),
        recorded_by=person(actor),
    )
    record.full_clean()
    record.save()
    audit_record(
        actor=actor,
        action="budget.accountability.record",
        obj=record,
        organization_id=organization.pk,
        new={
            "kind": kind,
            "project": project.pk if project else None,
            "decision": record.decision,
            "amount": str(record.amount) if record.amount is not None else None,
            "decided_on": decided_on.isoformat(),
        },
    )
    return record


def accountability_visible(
    user: Any, fiscal_year: int | None = None
) -> QuerySet[AccountabilityRecord]:
    rows = perms.filter_for_user(
        user,
        AccountabilityRecord.objects.select_related("organization", "project", "recorded_by"),
        RESULTS_VIEW,
        "organization",
    )
    return rows.filter(fiscal_year=fiscal_year) if fiscal_year is not None else rows


# --- The departments' appraisal ----------------------------------------------------------------

PARTS = (
    ("timeliness", "及时性"),
    ("coverage", "覆盖面"),
    ("quality", "质量"),
    ("rectification", "整改完成"),
)


@dataclass
class Part:
    key: str
    label: str
    weight: Decimal
    done: int = 0
    due: int = 0
    detail: list[str] = field(default_factory=list)
    sub: dict[str, list[int]] = field(default_factory=dict)  # what → [done, due]

    @property
    def ratio(self) -> Decimal | None:
        return None if not self.due else Decimal(self.done) / Decimal(self.due)

    @property
    def points(self) -> Decimal:
        ratio = self.ratio
        value = self.weight if ratio is None else self.weight * ratio
        return value.quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def explain(self) -> str:
        if self.ratio is None:
            return f"{self.label}：无应考核事项，按满分计{self.points}分"
        percent = (self.ratio * 100).quantize(CENT, rounding=ROUND_HALF_UP)
        detail = f"（{'；'.join(self.detail)}）" if self.detail else ""
        return (
            f"{self.label}：{self.done}/{self.due} = {percent}%{detail}，"
            f"× {self.weight.normalize():f} = {self.points}分"
        )


@dataclass
class DepartmentScore:
    department: Organization
    parts: list[Part]
    rank: int = 0
    commended: bool = False
    notified: bool = False

    @property
    def total(self) -> Decimal:
        return sum((p.points for p in self.parts), ZERO)

    @property
    def explanation(self) -> list[str]:
        lines = [p.explain for p in self.parts]
        lines.append(f"合计：{' + '.join(str(p.points) for p in self.parts)} = {self.total}分")
        return lines

    def part(self, key: str) -> Part:
        return next(p for p in self.parts if p.key == key)


@dataclass
class StoredPart:
    key: str
    label: str
    weight: Decimal
    done: int
    due: int
    points: Decimal


@dataclass
class StoredScore:
    """A department's row of a finalised version, shaped like :class:`DepartmentScore` for the
    page and the Excel; its numbers are the stored ones, never recomputed."""

    department: Organization
    parts: list[StoredPart]
    total: Decimal
    rank: int
    commended: bool
    notified: bool
    explanation: list[str]
    row: DepartmentAppraisalRow


@dataclass
class Appraisal:
    bureau: Organization
    fiscal_year: int
    settings: ResultSettings
    rows: list[Any]  # DepartmentScore (live) or StoredScore (finalised)
    version: DepartmentAppraisal | None = None  # None: computed now, not finalised

    @property
    def weights(self) -> dict[str, Decimal]:
        return self.settings.weights

    @property
    def weights_text(self) -> str:
        """``及时性25，覆盖面25，质量25，整改完成25``"""
        weights = self.weights
        return "，".join(f"{label}{_number(weights[key])}" for key, label in PARTS)

    @property
    def commended(self) -> list[DepartmentScore]:
        return [r for r in self.rows if r.commended]

    @property
    def notified(self) -> list[DepartmentScore]:
        return [r for r in self.rows if r.notified]


class _Tally:
    """done/due counters per department and part, with the sub-counts of timeliness."""

    def __init__(self) -> None:
        self.counts: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
        self.sub: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])

    def add(self, department: int | None, part: str, done: bool, sub: str = "") -> None:
        if department is None:
            return
        row = self.counts[(department, part)]
        row[0] += int(done)
        row[1] += 1
        if sub:
            cell = self.sub[(department, sub)]
            cell[0] += int(done)
            cell[1] += 1


def _on_time(at: datetime | None, due: date) -> bool:
    return at is not None and timezone.localtime(at).date() <= due


def department_scores(
    bureau: Organization, fiscal_year: int, now: datetime | None = None
) -> Appraisal:
    """Every supervising department of the bureau scored, ranked, with commendation and
    notification marks (a handful of set-based queries whatever the number of projects)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    settings = result_settings(bureau, fiscal_year)
    departments = list(
        Organization.objects.filter(
            kind=OrgKind.SUPERVISING_DEPARTMENT, path__startswith=bureau.path, is_active=True
        ).order_by("path")
    )
    tally = _Tally()
    projects = Project.objects.filter(fiscal_year=fiscal_year, unit__path__startswith=bureau.path)
    department_of = dict(projects.values_list("pk", "department_id"))
    # Timeliness: declarations.
    if settings.declaration_due is not None:
        submitted = dict(
            WorkflowCase.objects.filter(
                subject_type=TARGET_SUBJECT, subject_id__in=[str(pk) for pk in department_of]
            ).values_list("subject_id", "submitted_at")
        )
        for pk, department in department_of.items():
            at = submitted.get(str(pk))
            if at is not None or today > settings.declaration_due:
                on_time = _on_time(at, settings.declaration_due)
                tally.add(department, "timeliness", on_time, "declaration")
    # Timeliness: monitoring forms.
    for department, submitted_at, due_at in MonitoringForm.objects.filter(
        round__bureau=bureau, round__fiscal_year=fiscal_year
    ).values_list("project__department_id", "submitted_at", "round__deadline__due_at"):
        if submitted_at is not None or due_at < now:
            tally.add(
                department,
                "timeliness",
                submitted_at is not None and submitted_at <= due_at,
                "monitoring",
            )
    # Coverage and timeliness of self-evaluations.
    approved = dict(approved_projects(bureau, fiscal_year).values_list("pk", "department_id"))
    selves = {
        project: (state, at)
        for project, state, at in SelfEvaluation.objects.filter(
            project_id__in=list(approved)
        ).values_list("project_id", "state", "submitted_at")
    }
    due = settings.self_evaluation_due
    for pk, department in approved.items():
        state, at = selves.get(pk, ("", None))
        tally.add(department, "coverage", state in SUBMITTED_STATES)
        if due is not None and (at is not None or today > due):
            tally.add(department, "timeliness", _on_time(at, due), "self_evaluation")
    # Quality.
    report = quality_check(bureau, fiscal_year)
    flagged = {s.self_evaluation.pk for u in report.units for s in u.sheets}
    for pk, department in SelfEvaluation.objects.filter(
        fiscal_year=fiscal_year, state__in=SUBMITTED_STATES, unit__path__startswith=bureau.path
    ).values_list("pk", "project__department_id"):
        tally.add(department, "quality", pk not in flagged)
    # Rectification.
    for department, state, deadline in RectificationTask.objects.filter(
        feedback__bureau=bureau, feedback__fiscal_year=fiscal_year
    ).values_list("project__department_id", "state", "deadline"):
        done = state == RectificationState.DONE
        if done or deadline < today:
            tally.add(department, "rectification", done)
    rows = [_score(d, settings, tally) for d in departments]
    _rank(rows, settings)
    return Appraisal(bureau, fiscal_year, settings, rows)


SUB_LABELS = {"declaration": "目标申报", "monitoring": "监控", "self_evaluation": "自评"}


def _score(department: Organization, settings: ResultSettings, tally: _Tally) -> DepartmentScore:
    weights = settings.weights
    parts = []
    for key, label in PARTS:
        done, due = tally.counts.get((department.pk, key), (0, 0))
        part = Part(key, label, weights[key], done, due)
        if key == "timeliness":
            for sub, sub_label in SUB_LABELS.items():
                if (department.pk, sub) in tally.sub:
                    sub_done, sub_due = tally.sub[(department.pk, sub)]
                    part.sub[sub] = [sub_done, sub_due]
                    part.detail.append(f"{sub_label}{sub_done}/{sub_due}")
        parts.append(part)
    return DepartmentScore(department, parts)


def _rank(rows: list[DepartmentScore], settings: ResultSettings) -> None:
    rows.sort(key=lambda r: (-r.total, r.department.path))
    previous: Decimal | None = None
    for position, row in enumerate(rows, 1):
        row.rank = rows[position - 2].rank if row.total == previous else position
        previous = row.total
    top = min(settings.commend_top, len(rows))
    for row in rows[:top]:
        row.commended = True
    rest = rows[top:]
    for row in rest[max(0, len(rest) - settings.notify_bottom) :]:
        row.notified = True


def _visible_rows(user: Any, bureau: Organization, appraisal: Appraisal) -> Appraisal:
    """A bureau manager sees all departments; a department reviewer or leader the departments
    in their scope."""
    if perms.can(user, RESULTS_MANAGE, bureau):
        return appraisal
    visible = set(
        perms.visible_organizations(user, RESULTS_VIEW)
        .filter(pk__in=[r.department.pk for r in appraisal.rows])
        .values_list("pk", flat=True)
    )
    appraisal.rows = [r for r in appraisal.rows if r.department.pk in visible]
    return appraisal


def appraisal_for_user(
    user: Any,
    bureau: Organization,
    fiscal_year: int,
    *,
    version: int | None = None,
    live: bool = False,
) -> Appraisal:
    """The appraisal as a user may see it: the latest finalised version (or the one asked
    for), the live computation while there is none or when ``live``. Raises
    ``DepartmentAppraisal.DoesNotExist`` for a version number that does not exist."""
    stored = None
    if not live:
        versions = appraisal_versions(bureau, fiscal_year)
        stored = versions.get(version=version) if version is not None else versions.first()
    appraisal = (
        stored_appraisal(stored) if stored is not None else department_scores(bureau, fiscal_year)
    )
    return _visible_rows(user, bureau, appraisal)


# --- Finalising (定稿) ---------------------------------------------------------------------------


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _rules_snapshot(settings: ResultSettings) -> dict[str, Any]:
    return {
        "weights": {key: _number(value) for key, value in settings.weights.items()},
        "commend_top": settings.commend_top,
        "notify_bottom": settings.notify_bottom,
        "declaration_due": settings.declaration_due.isoformat()
        if settings.declaration_due
        else None,
        "self_evaluation_due": settings.self_evaluation_due.isoformat()
        if settings.self_evaluation_due
        else None,
        # None: the defaults, the bureau never saved rules for the year.
        "updated_at": settings.updated_at.isoformat() if settings.pk else None,
    }


def _inputs(score: DepartmentScore) -> dict[str, Any]:
    return {
        p.key: {"done": p.done, "due": p.due, "weight": _number(p.weight), "sub": p.sub}
        for p in score.parts
    }


@transaction.atomic
def department_appraisal_finalise(
    *,
    actor: User | None,
    bureau: Organization,
    fiscal_year: int,
    reason: str = "",
    now: datetime | None = None,
) -> DepartmentAppraisal:
    """定稿: store the year's department scores as they are now, as the next version. The first
    version needs no reason; finalising again does (the earlier versions stay as history)."""
    perms.require(actor, RESULTS_MANAGE, bureau)
    if bureau.kind != OrgKind.FINANCE_BUREAU:
        raise ResultsError(errors.APPRAISAL_BUREAU)
    # One finaliser at a time per bureau: the bureau row is the lock.
    Organization.objects.select_for_update().filter(pk=bureau.pk).first()
    previous = appraisal_versions(bureau, fiscal_year).prefetch_related("rows").first()
    if previous is not None and not reason.strip():
        raise ResultsError(errors.APPRAISAL_REASON.format(version=previous.version))
    now = now or timezone.now()
    appraisal = department_scores(bureau, fiscal_year, now)
    if not appraisal.rows:
        raise ResultsError(errors.APPRAISAL_EMPTY)
    stored = DepartmentAppraisal(
        bureau=bureau,
        fiscal_year=fiscal_year,
        version=(previous.version + 1) if previous is not None else 1,
        rule_version=RULE_VERSION,
        rules=_rules_snapshot(appraisal.settings),
        reason=reason.strip(),
        computed_at=now,
        finalised_by=person(actor),
        finalised_at=timezone.now(),
    )
    stored.full_clean()
    stored.save()
    DepartmentAppraisalRow.objects.bulk_create(
        DepartmentAppraisalRow(
            appraisal=stored,
            department=row.department,
            department_name=row.department.name,
            rank=row.rank,
            **{p.key: p.points for p in row.parts},
            total=row.total,
            commended=row.commended,
            notified=row.notified,
            inputs=_inputs(row),
            explanation=row.explanation,
        )
        for row in appraisal.rows
    )
    audit_record(
        actor=actor,
        action="budget.department_appraisal.finalise",
        obj=stored,
        organization_id=bureau.pk,
        old=_audit_totals(previous) if previous is not None else None,
        new={
            "fiscal_year": fiscal_year,
            "version": stored.version,
            "rule_version": RULE_VERSION,
            "reason": stored.reason,
            "totals": {r.department.name: str(r.total) for r in appraisal.rows},
        },
    )
    return stored


def _audit_totals(version: DepartmentAppraisal) -> dict[str, Any]:
    return {
        "version": version.version,
        "totals": {r.department_name: str(r.total) for r in version.rows.all()},
    }


def appraisal_versions(bureau: Organization, fiscal_year: int) -> QuerySet[DepartmentAppraisal]:
    """The finalised versions of the year, newest first."""
    return (
        DepartmentAppraisal.objects.filter(bureau=bureau, fiscal_year=fiscal_year)
        .select_related("finalised_by")
        .order_by("-version")
    )


def _stored_settings(version: DepartmentAppraisal) -> ResultSettings:
    """The rules as they were used, as an unsaved ResultSettings (for the weights shown)."""
    rules = version.rules
    weights = {key: Decimal(value) for key, value in rules.get("weights", {}).items()}
    return ResultSettings(
        bureau=version.bureau,
        fiscal_year=version.fiscal_year,
        weight_timeliness=weights.get("timeliness", ZERO),
        weight_coverage=weights.get("coverage", ZERO),
        weight_quality=weights.get("quality", ZERO),
        weight_rectification=weights.get("rectification", ZERO),
        commend_top=rules.get("commend_top", 0),
        notify_bottom=rules.get("notify_bottom", 0),
        declaration_due=_date(rules.get("declaration_due")),
        self_evaluation_due=_date(rules.get("self_evaluation_due")),
    )


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def stored_appraisal(version: DepartmentAppraisal) -> Appraisal:
    """A finalised version with its stored rows, ranked as stored (one query for the rows)."""
    rows = []
    for row in version.rows.select_related("department").order_by("rank", "department__path"):
        parts = [
            StoredPart(
                key,
                label,
                Decimal(row.inputs.get(key, {}).get("weight", "0")),
                int(row.inputs.get(key, {}).get("done", 0)),
                int(row.inputs.get(key, {}).get("due", 0)),
                getattr(row, key),
            )
            for key, label in PARTS
        ]
        rows.append(
            StoredScore(
                row.department,
                parts,
                row.total,
                row.rank,
                row.commended,
                row.notified,
                list(row.explanation),
                row,
            )
        )
    return Appraisal(version.bureau, version.fiscal_year, _stored_settings(version), rows, version)


# --- Feeding the department's government assessment ---------------------------------------------

SOURCE_KEY = "budget.department_appraisal"


def _list_label(row: DepartmentAppraisalRow) -> str:
    return "，通报表扬" if row.commended else ("，通报批评" if row.notified else "")


def department_budget_score(organization: Organization, year: int) -> feeds.FedValue | None:
    """The department's stored total of the latest finalised version of ``year`` (None while
    the bureau has not finalised, or for an organisation that is not a supervising
    department), with the stored explanation."""
    if organization.kind != OrgKind.SUPERVISING_DEPARTMENT:
        return None
    try:
        bureau = bureau_of(organization)
    except ResultsError:
        return None
    version = appraisal_versions(bureau, year).first()
    if version is None:
        return None
    row = version.rows.filter(department=organization).first()
    if row is None:
        return None
    day = timezone.localtime(version.finalised_at).date().isoformat()
    label = f"第{version.version}版（{day}定稿）"
    explanation = (
        f"{bureau.name}{year}年度部门预算绩效管理工作考核{label}："
        f"总分{row.total}分，第{row.rank}名{_list_label(row)}"
        f"（{'；'.join(row.explanation)}）"
    )
    return feeds.FedValue(
        value=row.total,
        explanation=explanation,
        reference=f"budget.department_appraisal_row:{row.pk}",
        version=label,
        as_of=version.finalised_at,
    )


def budget_cycle_year(assessment_year: int) -> int:
    """A department's assessment of year Y takes the budget cycle that ends in Y: fiscal year
    Y−1, whose self-evaluations, evaluations and rectification are done during Y."""
    return assessment_year - 1


SOURCE = feeds.Source(
    key=SOURCE_KEY,
    label="预算绩效考核",
    item_name="预算绩效管理工作",
    latest=department_budget_score,
    source_year=budget_cycle_year,
)


def rows_for_export(appraisal: Appraisal) -> Iterable[dict[str, Any]]:
    for row in appraisal.rows:
        yield {
            "rank": row.rank,
            "department": row.department.name,
            **{p.key: p.points for p in row.parts},
            "total": row.total,
            "list": "通报表扬" if row.commended else ("通报批评" if row.notified else ""),
            "explanation": "\n".join(row.explanation),
        }
