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
from jixiao.orgs import permissions as perms
from jixiao.orgs.models import Organization, OrgKind, User
from jixiao.workflow.models import WorkflowCase

CENT = Decimal("0.01")
ZERO = Decimal(0)


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
class Appraisal:
    bureau: Organization
    fiscal_year: int
    settings: ResultSettings
    rows: list[DepartmentScore]

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


def appraisal_for_user(user: Any, bureau: Organization, fiscal_year: int) -> Appraisal:
    """The appraisal as a user may see it: a bureau manager all departments; a department
    reviewer or leader the departments in their scope."""
    appraisal = department_scores(bureau, fiscal_year)
    if perms.can(user, RESULTS_MANAGE, bureau):
        return appraisal
    visible = set(
        perms.visible_organizations(user, RESULTS_VIEW)
        .filter(pk__in=[r.department.pk for r in appraisal.rows])
        .values_list("pk", flat=True)
    )
    appraisal.rows = [r for r in appraisal.rows if r.department.pk in visible]
    return appraisal


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
