"""Reads of employee appraisal shared by pages, API and exports: access helpers (404 outside
the scope), the department statistics table, dead-water flags, late departments, quotas,
reconciliation and trends — set-based, a few queries per month whatever its size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.http import Http404

from jixiao.appraisal import permissions as p
from jixiao.appraisal.models import (
    Appeal,
    AppraisalMonth,
    DepartmentSheet,
    EmployeeScore,
    PayResult,
    RuleSet,
)
from jixiao.appraisal.services import SUBJECT, company_of, settings_for
from jixiao.orgs import permissions as perms
from jixiao.orgs.models import Organization, OrgKind
from jixiao.workflow.models import EDITABLE_STATES, WorkflowCase, WorkflowState
from jixiao.workflow.queries import cases_for_subjects

GRADES = [("excellent", "优"), ("good", "良"), ("fair", "中"), ("poor", "差")]
TWO = Decimal("0.01")


# --- Access --------------------------------------------------------------------------------


def _ancestor_ids(paths: list[str]) -> set[int]:
    return {int(seg) for path in paths for seg in path.split(".") if seg}


def months_for_user(user: Any) -> QuerySet[AppraisalMonth]:
    """Months of the companies the user works in: the office over the company, a head or a
    leader over one of its departments."""
    paths = perms.action_paths(user, p.VIEW) + perms.action_paths(user, p.MANAGE)
    paths += perms.action_paths(user, p.SCORE)
    if not paths:
        return AppraisalMonth.objects.none()
    return AppraisalMonth.objects.filter(
        Q(organization_id__in=_ancestor_ids(paths)) | perms.scope_q(user, p.VIEW)
    ).select_related("organization", "period")


def get_month_for_user(user: Any, pk: Any) -> AppraisalMonth:
    try:
        return months_for_user(user).get(pk=pk)
    except (AppraisalMonth.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def sheets_for_user(user: Any, action: str = p.VIEW) -> QuerySet[DepartmentSheet]:
    return perms.filter_for_user(
        user,
        DepartmentSheet.objects.select_related("month", "department", "rule_set"),
        action,
        org_field="department",
    )


def get_sheet_for_user(user: Any, pk: Any, action: str = p.VIEW) -> DepartmentSheet:
    return perms.get_for_user(
        user,
        DepartmentSheet.objects.select_related("month", "month__period", "department", "rule_set"),
        pk,
        action,
        org_field="department",
    )


def rule_sets_for_user(user: Any) -> QuerySet[RuleSet]:
    q = perms.scope_q(user, p.MANAGE) | perms.scope_q(user, p.SCORE) | perms.scope_q(user, p.VIEW)
    return RuleSet.objects.filter(q).select_related("organization", "general")


def get_rule_set_for_user(user: Any, pk: Any) -> RuleSet:
    """Department heads also read the company's 《规定》 their rule sets use."""
    try:
        return rule_sets_for_user(user).get(pk=pk)
    except (RuleSet.DoesNotExist, ValueError, TypeError):
        pass
    general = RuleSet.objects.filter(pk=pk if str(pk).isdigit() else 0, kind="general").first()
    if general is not None and months_company_visible(user, general.organization):
        return general
    raise Http404


def months_company_visible(user: Any, company: Organization) -> bool:
    paths = perms.action_paths(user, p.VIEW) + perms.action_paths(user, p.SCORE)
    return any(path.startswith(company.path) or company.path.startswith(path) for path in paths)


def own_scores(user: Any) -> QuerySet[EmployeeScore]:
    """An employee's own months (only their own rows, whatever their roles)."""
    return (
        EmployeeScore.objects.filter(employee=user)
        .select_related("sheet", "sheet__month", "sheet__department", "sheet__rule_set")
        .order_by("-sheet__month__year", "-sheet__month__month")
    )


def get_own_score(user: Any, pk: Any) -> EmployeeScore:
    try:
        return own_scores(user).get(pk=pk)
    except (EmployeeScore.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def appeals_for_user(user: Any) -> QuerySet[Appeal]:
    return perms.filter_for_user(
        user,
        Appeal.objects.select_related(
            "employee", "score", "score__sheet", "score__sheet__month", "score__sheet__department"
        ),
        p.MANAGE,
        org_field="score__sheet__department",
    )


# --- Workflow state per sheet ---------------------------------------------------------------


def cases_by_sheet(sheet_ids: list[int]) -> dict[int, WorkflowCase]:
    return cases_for_subjects(SUBJECT, sheet_ids)


def state_of(case: WorkflowCase | None) -> str:
    return case.state if case is not None else WorkflowState.DRAFT


# --- The department statistics table (EMP-5) ----------------------------------------------


@dataclass
class DepartmentRow:
    sheet: DepartmentSheet
    state: str
    headcount: int = 0
    scored: int = 0
    grades: dict[str, int] = field(default_factory=dict)
    mean: Decimal | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    standard_total: Decimal = Decimal(0)
    pay_total: Decimal = Decimal(0)
    up: int = 0
    down: int = 0
    paid: int = 0

    @property
    def spread(self) -> Decimal | None:
        if self.minimum is None or self.maximum is None:
            return None
        return self.maximum - self.minimum

    @property
    def pay_effect(self) -> Decimal:
        return self.pay_total - self.standard_total

    @property
    def excellent_share(self) -> Decimal | None:
        if not self.scored:
            return None
        return (Decimal(self.grades.get("excellent", 0)) * 100 / self.scored).quantize(TWO)

    @property
    def state_label(self) -> str:
        return WorkflowState(self.state).label


def department_rows(
    month: AppraisalMonth, sheets: QuerySet[DepartmentSheet]
) -> list[DepartmentRow]:
    """One row per department sheet: headcount, grade distribution, mean/min/max/spread and
    the pay effect — four queries for the whole month."""
    sheets = sheets.filter(month=month).select_related("department", "rule_set")
    ids = [s.pk for s in sheets]
    cases = cases_by_sheet(ids)
    rows = {s.pk: DepartmentRow(s, state_of(cases.get(s.pk))) for s in sheets}
    grade_counts = {
        f"g_{code}": Count("pk", filter=Q(complete=True, grade=code)) for code, _ in GRADES
    }
    stats = (
        EmployeeScore.objects.filter(sheet_id__in=ids)
        .values("sheet_id")
        .annotate(
            headcount=Count("pk"),
            scored=Count("pk", filter=Q(complete=True)),
            total_sum=Sum("total", filter=Q(complete=True)),
            low=Min("total", filter=Q(complete=True)),
            high=Max("total", filter=Q(complete=True)),
            **grade_counts,
        )
    )
    for s in stats:
        row = rows[s["sheet_id"]]
        row.headcount, row.scored = s["headcount"], s["scored"]
        row.grades = {code: s[f"g_{code}"] for code, _ in GRADES}
        if row.scored:
            row.mean = (Decimal(s["total_sum"]) / row.scored).quantize(TWO, ROUND_HALF_UP)
            row.minimum = Decimal(s["low"]).quantize(TWO)
            row.maximum = Decimal(s["high"]).quantize(TWO)
    pay = (
        PayResult.objects.filter(month=month, sheet_id__in=ids)
        .values("sheet_id")
        .annotate(
            standard_total=Sum("standard"),
            pay_total=Sum("pay"),
            paid=Count("pk"),
            up=Count("pk", filter=Q(coefficient__gt=1)),
            down=Count("pk", filter=Q(coefficient__lt=1)),
        )
    )
    for s in pay:
        row = rows[s["sheet_id"]]
        row.standard_total = Decimal(s["standard_total"]).quantize(TWO)
        row.pay_total = Decimal(s["pay_total"]).quantize(TWO)
        row.paid, row.up, row.down = s["paid"], s["up"], s["down"]
    return list(rows.values())


@dataclass
class Reconciliation:
    """Pay totals: employees → departments → organisation, against the pool."""

    pool: Decimal
    employees_total: Decimal
    departments_total: Decimal
    employees: int
    difference: Decimal

    @property
    def balanced(self) -> bool:
        return self.employees_total == self.departments_total


def reconciliation(month: AppraisalMonth, rows: list[DepartmentRow]) -> Reconciliation:
    totals = PayResult.objects.filter(month=month).aggregate(
        pool=Sum("standard"), paid=Sum("pay"), n=Count("pk")
    )
    pool = Decimal(totals["pool"] or 0).quantize(TWO)
    paid = Decimal(totals["paid"] or 0).quantize(TWO)
    departments = sum((r.pay_total for r in rows), Decimal(0))
    return Reconciliation(pool, paid, departments, totals["n"], pool - paid)


# --- Dead water (EMP-6), late departments, quotas -----------------------------------------

SAME_SCORE = "全员得分相同（{score}分）"
PAY_FLAT = "绩效工资无浮动（全员系数为1）"
NOT_SUBMITTED = "逾期未提交考核汇总"


def dead_water(rows: list[DepartmentRow], month: AppraisalMonth, today: date) -> list[tuple]:
    """(row, reasons) for departments that do not really appraise."""
    flagged = []
    for row in rows:
        reasons = []
        if row.scored >= 2 and row.scored == row.headcount and row.spread == 0:
            reasons.append(SAME_SCORE.format(score=row.minimum))
        if row.paid >= 2 and row.up == 0 and row.down == 0:
            reasons.append(PAY_FLAT)
        if (
            row.state == WorkflowState.DRAFT
            and row.sheet.submitted_at is None
            and is_late(month, today)
        ):
            reasons.append(NOT_SUBMITTED)
        if reasons:
            flagged.append((row, reasons))
    return flagged


def is_late(month: AppraisalMonth, today: date) -> bool:
    return today > month.submit_due


def late_departments(rows: list[DepartmentRow], month: AppraisalMonth, today: date) -> list:
    if not is_late(month, today):
        return []
    return [r for r in rows if r.state in EDITABLE_STATES]


def quota_warnings(rows: list[DepartmentRow], quota: Decimal | None) -> list[tuple]:
    """(row, share) for the departments whose share of 优 exceeds ``quota`` (``quota_for``)."""
    if quota is None:
        return []
    return [
        (r, r.excellent_share)
        for r in rows
        if r.excellent_share is not None and r.excellent_share > quota
    ]


def quota_for(month: AppraisalMonth) -> Decimal | None:
    return settings_for(month.organization).excellent_quota


# --- Trends --------------------------------------------------------------------------------


def trends(company: Organization, sheets: QuerySet[DepartmentSheet], last: int = 12) -> dict:
    """Mean score and pay effect per department and month, for the last ``last`` months."""
    months = list(AppraisalMonth.objects.filter(organization=company).order_by("-year", "-month"))
    months = list(reversed(months[:last]))
    ids = [m.pk for m in months]
    means = (
        EmployeeScore.objects.filter(sheet__in=sheets.filter(month_id__in=ids), complete=True)
        .values("sheet__month_id", "sheet__department__name", "sheet__department__path")
        .annotate(total=Sum("total"), n=Count("pk"))
    )
    table: dict[str, dict[int, Decimal]] = defaultdict(dict)
    order: dict[str, str] = {}
    for m in means:
        name = m["sheet__department__name"]
        order[name] = m["sheet__department__path"]
        table[name][m["sheet__month_id"]] = (Decimal(m["total"]) / m["n"]).quantize(TWO)
    return {
        "months": months,
        "rows": [
            (name, [table[name].get(m.pk) for m in months])
            for name in sorted(table, key=lambda n: order[n])
        ],
    }


def managed_companies(user: Any) -> QuerySet[Organization]:
    """The companies whose performance office ``user`` is (``appraisal.manage`` over them), in
    tree order: the pages, the salary-base workbook and the API take the first."""
    return perms.visible_organizations(user, p.MANAGE).filter(kind=OrgKind.COMPANY)


def company_for_user(user: Any) -> Organization | None:
    month = months_for_user(user).first()
    if month is not None:
        return month.organization
    paths = perms.action_paths(user, p.MANAGE) or perms.action_paths(user, p.SCORE)
    if not paths:
        return None
    org = Organization.objects.filter(path=paths[0]).first()
    return company_of(org) if org else None
