"""Employee appraisal through the API (EMP-1…7): rule sets, monthly scores, pay results and
department tables.

Everything comes through the appraisal access helpers: a department head sees their own
department's sheets (others answer 404), the performance office its company's, an employee
only their own results (``/appraisal/me/results``). Writes go through
:mod:`jixiao.appraisal.services`, which check the action themselves (403 when the caller may see
a sheet but not do this) and the workflow (400 with its Chinese message while under review).
Scores and money are decimal strings.
"""

# No ``from __future__ import annotations``: ninja reads annotations at import time.

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from jixiao.api.schemas import CommentIn, Error, OrgRef, ValidationErrorOut
from jixiao.appraisal import permissions as p
from jixiao.appraisal import queries, services
from jixiao.appraisal.models import (
    AppraisalMonth,
    DepartmentSheet,
    EmployeeScore,
    PayResult,
    RuleItem,
    RuleSet,
)
from jixiao.orgs import permissions as perms
from jixiao.workflow.models import WorkflowCase, WorkflowState

router = Router(tags=["员工绩效考核"])
_READ: dict[int, Any] = {401: Error, 404: Error}
_WRITE: dict[int, Any] = {400: Error, 401: Error, 403: Error, 404: Error, 422: ValidationErrorOut}


# --- Shapes ----------------------------------------------------------------------------------


class ItemOut(Schema):
    id: int
    kind: str = Field(description="scored 考核项目、bonus 加分项目、penalty 扣分项目")
    name: str
    standard: str = Field(description="考核标准")
    full_score: Decimal | None = Field(description="满分（考核项目）")
    points: Decimal | None = Field(description="每次分值（加分、扣分项目）")
    cap: Decimal | None = Field(description="每月上限")


class RuleSetOut(Schema):
    id: int
    organization: OrgRef
    kind: str = Field(description="department 部门考核细则，general 《规定》通用奖惩")
    name: str
    version: int
    status: str = Field(description="draft 草稿、trial 试行、final 定稿、superseded 已取代")
    status_label: str
    general_id: int | None = Field(description="适用的《规定》版本")
    items: list[ItemOut]

    @staticmethod
    def resolve_status_label(obj: RuleSet) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_items(obj: RuleSet) -> list[RuleItem]:
        return list(obj.items.all())


class MonthOut(Schema):
    id: int
    organization: OrgRef
    year: int
    month: int
    status: str = Field(description="open 考核中，closed 已锁定")
    submit_due: date = Field(description="部门提交截止日期")
    pay_computed_at: datetime | None


class DepartmentRowOut(Schema):
    sheet_id: int
    department: OrgRef
    rule_set_version: int | None
    state: str = Field(description="draft、submitted、returned、approved")
    headcount: int
    grades: dict[str, int] = Field(description="等级分布：excellent 优、good 良、fair 中、poor 差")
    mean: Decimal | None
    minimum: Decimal | None
    maximum: Decimal | None
    spread: Decimal | None
    standard_total: Decimal = Field(description="标准绩效工资合计（元）")
    pay_total: Decimal = Field(description="应发绩效工资合计（元）")
    pay_effect: Decimal = Field(description="增减额（元）")
    reviewer_name: str = Field(description="审核")
    statistician_name: str = Field(description="统计")
    dead_water: list[str] = Field(description="“一潭死水”预警原因")


class ScoreOut(Schema):
    employee_id: int
    employee_number: str
    name: str
    scores: dict[str, str] = Field(description="各考核项目得分（键为项目 id）")
    complete: bool
    scored_total: Decimal
    bonus_total: Decimal
    penalty_total: Decimal
    total: Decimal
    grade: str
    grade_label: str
    items: list[dict] = Field(description="计分引擎的逐项说明")


class SheetOut(Schema):
    id: int
    month_id: int
    department: OrgRef
    rule_set_id: int | None
    state: str
    scores: list[ScoreOut]


class ScoresIn(Schema):
    scores: dict[int, dict[int, Decimal | None]] = Field(
        description="员工 id → {考核项目 id: 得分}；null 清除该项"
    )


class PayOut(Schema):
    employee_id: int
    name: str
    department: OrgRef
    salary_base: Decimal
    share: Decimal
    standard: Decimal
    score: Decimal
    coefficient: Decimal
    pay: Decimal
    lines: list[str] = Field(description="逐行计算说明")


class ReconciliationOut(Schema):
    pool: Decimal = Field(description="绩效工资总额（标准绩效工资合计）")
    employees_total: Decimal
    departments_total: Decimal
    difference: Decimal
    employees: int


class PayListOut(Schema):
    month_id: int
    reconciliation: ReconciliationOut | None = Field(description="全单位核对（仅绩效办）")
    results: list[PayOut]


class MyResultOut(Schema):
    month_id: int
    year: int
    month: int
    department: OrgRef
    approved: bool
    total: Decimal | None
    grade_label: str
    items: list[dict]
    pay: PayOut | None


# --- Helpers ---------------------------------------------------------------------------------


def _score(row: EmployeeScore) -> dict[str, Any]:
    return {
        "employee_id": row.employee_id,
        "employee_number": row.employee.employee_number,
        "name": str(row.employee),
        "scores": row.scores or {},
        "complete": row.complete,
        "scored_total": row.scored_total,
        "bonus_total": row.bonus_total,
        "penalty_total": row.penalty_total,
        "total": row.total,
        "grade": row.grade,
        "grade_label": row.grade_label,
        "items": row.items,
    }


def _pay(r: PayResult) -> dict[str, Any]:
    return {
        "employee_id": r.employee_id,
        "name": str(r.employee),
        "department": r.department,
        "salary_base": r.salary_base,
        "share": r.share,
        "standard": r.standard,
        "score": r.score,
        "coefficient": r.coefficient,
        "pay": r.pay,
        "lines": r.lines,
    }


def _sheet(sheet: DepartmentSheet) -> dict[str, Any]:
    rows = EmployeeScore.objects.filter(sheet=sheet).select_related("employee")
    return {
        "id": sheet.pk,
        "month_id": sheet.month_id,
        "department": sheet.department,
        "rule_set_id": sheet.rule_set_id,
        "state": queries.state_of(services.case_of(sheet)),
        "scores": [_score(r) for r in rows],
    }


# --- Rule sets ------------------------------------------------------------------------------


@router.get("/appraisal/rule-sets/", response=list[RuleSetOut], summary="考核细则（可见范围内）")
def list_rule_sets(request: HttpRequest) -> list[RuleSet]:
    return list(
        queries.rule_sets_for_user(request.auth)
        .prefetch_related("items")
        .order_by("organization__path", "kind", "-version")
    )


@router.get(
    "/appraisal/rule-sets/{int:rule_set_id}",
    response={200: RuleSetOut, **_READ},
    summary="考核细则的一个版本及其项目",
)
def get_rule_set(request: HttpRequest, rule_set_id: int) -> RuleSet:
    return queries.get_rule_set_for_user(request.auth, rule_set_id)


# --- Months and department tables ------------------------------------------------------------


@router.get("/appraisal/months/", response=list[MonthOut], summary="考核月份")
def list_months(request: HttpRequest) -> list[AppraisalMonth]:
    return list(queries.months_for_user(request.auth)[:120])


@router.get(
    "/appraisal/months/{int:month_id}/departments",
    response={200: list[DepartmentRowOut], **_READ},
    summary="部门绩效考核统计分析表（可见部门）",
)
def month_departments(request: HttpRequest, month_id: int) -> list[dict[str, Any]]:
    month = queries.get_month_for_user(request.auth, month_id)
    rows = queries.department_rows(month, queries.sheets_for_user(request.auth))
    flags = {r.sheet.pk: why for r, why in queries.dead_water(rows, month, timezone.localdate())}
    return [
        {
            "sheet_id": r.sheet.pk,
            "department": r.sheet.department,
            "rule_set_version": r.sheet.rule_set.version if r.sheet.rule_set else None,
            "state": r.state,
            "headcount": r.headcount,
            "grades": r.grades,
            "mean": r.mean,
            "minimum": r.minimum,
            "maximum": r.maximum,
            "spread": r.spread,
            "standard_total": r.standard_total,
            "pay_total": r.pay_total,
            "pay_effect": r.pay_effect,
            "reviewer_name": r.sheet.reviewer_name,
            "statistician_name": r.sheet.statistician_name,
            "dead_water": flags.get(r.sheet.pk, []),
        }
        for r in rows
    ]


@router.get(
    "/appraisal/months/{int:month_id}/pay",
    response={200: PayListOut, **_READ},
    summary="绩效工资结果（可见部门；绩效办另含全单位核对）",
)
def month_pay(request: HttpRequest, month_id: int) -> dict[str, Any]:
    month = queries.get_month_for_user(request.auth, month_id)
    sheets = queries.sheets_for_user(request.auth).filter(month=month)
    results = PayResult.objects.filter(month=month, sheet__in=sheets).select_related(
        "employee", "department"
    )
    reconciliation = None
    if perms.can(request.auth, p.MANAGE, month.organization):
        rows = queries.department_rows(month, sheets)
        rec = queries.reconciliation(month, rows)
        reconciliation = {
            "pool": rec.pool,
            "employees_total": rec.employees_total,
            "departments_total": rec.departments_total,
            "difference": rec.difference,
            "employees": rec.employees,
        }
    return {
        "month_id": month.pk,
        "reconciliation": reconciliation,
        "results": [_pay(r) for r in results],
    }


# --- Sheets: scores, submit, review -----------------------------------------------------------


@router.get(
    "/appraisal/sheets/{int:sheet_id}",
    response={200: SheetOut, **_READ},
    summary="部门月度考核：每名员工的各项得分与总分",
)
def get_sheet(request: HttpRequest, sheet_id: int) -> dict[str, Any]:
    return _sheet(queries.get_sheet_for_user(request.auth, sheet_id))


@router.put(
    "/appraisal/sheets/{int:sheet_id}/scores",
    response={200: SheetOut, **_WRITE},
    summary="录入得分（部门负责人）",
)
def put_scores(request: HttpRequest, sheet_id: int, payload: ScoresIn) -> dict[str, Any]:
    sheet = queries.get_sheet_for_user(request.auth, sheet_id)
    services.appraisal_scores_save(actor=request.auth, sheet=sheet, rows=payload.scores)
    return _sheet(sheet)


def _state(case: WorkflowCase) -> dict[str, Any]:
    return {"state": case.state, "state_label": str(WorkflowState(case.state).label)}


class StateOut(Schema):
    state: str
    state_label: str


@router.post(
    "/appraisal/sheets/{int:sheet_id}/submit",
    response={200: StateOut, **_WRITE},
    summary="提交绩效办审核（部门负责人）",
)
def submit_sheet(
    request: HttpRequest, sheet_id: int, payload: CommentIn | None = None
) -> dict[str, Any]:
    sheet = queries.get_sheet_for_user(request.auth, sheet_id)
    comment = payload.comment if payload else ""
    return _state(services.appraisal_sheet_submit(actor=request.auth, sheet=sheet, comment=comment))


@router.post(
    "/appraisal/sheets/{int:sheet_id}/return",
    response={200: StateOut, **_WRITE},
    summary="退回整改（绩效办，须填问题及整改意见）",
)
def return_sheet(request: HttpRequest, sheet_id: int, payload: CommentIn) -> dict[str, Any]:
    sheet = queries.get_sheet_for_user(request.auth, sheet_id)
    case = services.appraisal_sheet_return(actor=request.auth, sheet=sheet, comment=payload.comment)
    return _state(case)


@router.post(
    "/appraisal/sheets/{int:sheet_id}/approve",
    response={200: StateOut, **_WRITE},
    summary="审核通过并计算绩效工资（绩效办）",
)
def approve_sheet(
    request: HttpRequest, sheet_id: int, payload: CommentIn | None = None
) -> dict[str, Any]:
    sheet = queries.get_sheet_for_user(request.auth, sheet_id)
    comment = payload.comment if payload else ""
    case = services.appraisal_sheet_approve(actor=request.auth, sheet=sheet, comment=comment)
    return _state(case)


# --- Self-service ------------------------------------------------------------------------------


@router.get(
    "/appraisal/me/results",
    response=list[MyResultOut],
    summary="本人的月度考核结果与绩效工资（仅本人）",
)
def my_results(request: HttpRequest) -> list[dict[str, Any]]:
    scores = list(queries.own_scores(request.auth))
    cases = queries.cases_by_sheet([s.sheet_id for s in scores])
    pay = {
        r.month_id: r
        for r in PayResult.objects.filter(employee=request.auth).select_related(
            "employee", "department"
        )
    }
    out = []
    for s in scores:
        approved = queries.state_of(cases.get(s.sheet_id)) == WorkflowState.APPROVED
        result = pay.get(s.sheet.month_id)
        out.append(
            {
                "month_id": s.sheet.month_id,
                "year": s.sheet.month.year,
                "month": s.sheet.month.month,
                "department": s.sheet.department,
                "approved": approved,
                "total": s.total if approved else None,
                "grade_label": s.grade_label if approved else "",
                "items": s.items if approved else [],
                "pay": _pay(result) if result else None,
            }
        )
    return out
