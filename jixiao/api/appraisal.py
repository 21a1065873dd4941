"""Employee appraisal through the API (EMP-1…7): rule sets, monthly scores, pay results,
department tables, and the office's company-wide records: settings, salary bases and the work
progress table.

Everything comes through the appraisal access helpers: a department head sees their own
department's sheets (others answer 404), the performance office its company's, an employee
only their own results (``/appraisal/me/results``). Writes go through
:mod:`jixiao.appraisal.services`, which check the action themselves (403 when the caller may see
a sheet but not do this) and the workflow (400 with its Chinese message while under review).
Scores and money are decimal strings.

The company-wide records belong to the performance office (``appraisal.manage`` over the
company). Salary bases are pay data: anyone else gets 404, as on the page. The settings and
the progress table concern everyone who takes part in the company's months (a department head,
a leader): they may read them (403 when they try to change them); anyone else gets 404.
"""

# No ``from __future__ import annotations``: ninja reads annotations at import time.

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from jixiao.api.monitoring import ProblemsOut
from jixiao.api.schemas import CommentIn, Error, OrgRef, ValidationErrorOut
from jixiao.appraisal import errors as appraisal_errors
from jixiao.appraisal import permissions as p
from jixiao.appraisal import queries, salary_excel, services
from jixiao.appraisal.models import (
    MONEY,
    AppraisalMonth,
    AppraisalSettings,
    CoefficientMethod,
    DepartmentSheet,
    EmployeeScore,
    PayMode,
    PayResult,
    ProgressStep,
    RuleItem,
    RuleSet,
    StepStatus,
)
from jixiao.orgs import permissions as perms
from jixiao.orgs.models import Organization, OrgKind
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


# --- Company-wide records of the office: settings, salary bases, work progress ----------------

SALARY_WHO = "须填写用户名或工号（只填其一）"
SALARY_TWICE = "员工“{key}”与第{first}条重复"
SALARY_AMOUNT = "工资基数“{value}”不是有效金额（元，至多两位小数）"
SALARY_REFUSED = "工资基数未保存：有{count}条有误，全部未写入。"
_BATCH: dict[int, Any] = {**_WRITE, 400: ProblemsOut}


def _company(user: Any, company_id: int | None, *, readers: bool) -> Organization:
    """The company whose records the caller asks for: ``company`` when given, else the one the
    office manages (as the pages choose it) or, for ``readers``, the one whose months the
    caller takes part in. 404 when the caller is not the office (nor, for ``readers``, takes
    part in its months)."""
    if company_id is not None:
        company = Organization.objects.filter(pk=company_id, kind=OrgKind.COMPANY).first()
    else:
        company = queries.managed_companies(user).first()
        if company is None and readers:
            company = queries.company_for_user(user)
    if company is not None and company.kind == OrgKind.COMPANY:
        if perms.can(user, p.MANAGE, company):
            return company
        if readers and queries.months_company_visible(user, company):
            return company
    raise Http404


class CompanyFilter(Schema):
    company: int | None = Field(None, description="单位（公司）id；不填为调用者所在单位")


# Settings


class BandOut(Schema):
    min: Decimal = Field(description="分数下限")
    coefficient: Decimal = Field(description="系数")


class SettingsOut(Schema):
    company: OrgRef
    saved: bool = Field(description="是否已保存过设置（否则为默认值）")
    performance_share: Decimal = Field(description="绩效工资占月工资基数的比例（0.2～1）")
    coefficient_method: str = Field(description="bands 分档系数，linear 线性公式")
    coefficient_method_label: str
    bands: list[BandOut] = Field(description="分档：得分达到下限即取该档系数（下限高的优先）")
    linear_pivot: Decimal = Field(
        description="线性公式的基准分：系数 = 1 +（得分 − 基准分）× 每分系数"
    )
    linear_slope: Decimal = Field(description="每分系数")
    coefficient_min: Decimal = Field(description="系数下限")
    coefficient_max: Decimal = Field(description="系数上限")
    pay_mode: str = Field(description="direct 按系数直接计算，pool 总额控制")
    pay_mode_label: str
    excellent_quota: Decimal | None = Field(description="优秀比例上限（%）；null 为不限")
    submit_due_day: int = Field(description="部门提交截止日（次月）")
    review_opens_day: int = Field(description="审核分析开始日")
    review_due_day: int = Field(description="审核分析截止日")
    feedback_opens_day: int = Field(description="反馈整改开始日")
    feedback_due_day: int = Field(description="反馈整改截止日")


class BandIn(Schema):
    min: Decimal = Field(description="分数下限（最低一档为0）")
    coefficient: Decimal = Field(description="系数（不小于0）")


class SettingsIn(Schema):
    performance_share: Decimal | None = Field(None, description="绩效工资占比（0.2～1）")
    coefficient_method: CoefficientMethod | None = None
    bands: list[BandIn] | None = None
    linear_pivot: Decimal | None = None
    linear_slope: Decimal | None = None
    coefficient_min: Decimal | None = None
    coefficient_max: Decimal | None = None
    pay_mode: PayMode | None = None
    excellent_quota: Decimal | None = Field(None, description="优秀比例上限（%）；null 为不限")
    submit_due_day: int | None = None
    review_opens_day: int | None = None
    review_due_day: int | None = None
    feedback_opens_day: int | None = None
    feedback_due_day: int | None = None


def _fixed(s: AppraisalSettings, name: str) -> Decimal | None:
    """A decimal setting with its column's places, whether stored, defaulted or just set."""
    value = getattr(s, name)
    places = AppraisalSettings._meta.get_field(name).decimal_places  # type: ignore[union-attr]
    return None if value is None else Decimal(value).quantize(Decimal(1).scaleb(-places))


def _settings(s: AppraisalSettings, company: Organization) -> dict[str, Any]:
    return {
        "company": company,
        "saved": s.pk is not None,
        "performance_share": _fixed(s, "performance_share"),
        "coefficient_method": s.coefficient_method,
        "coefficient_method_label": str(s.get_coefficient_method_display()),
        "bands": [{"min": b["min"], "coefficient": b["coefficient"]} for b in s.bands],
        "linear_pivot": _fixed(s, "linear_pivot"),
        "linear_slope": _fixed(s, "linear_slope"),
        "coefficient_min": _fixed(s, "coefficient_min"),
        "coefficient_max": _fixed(s, "coefficient_max"),
        "pay_mode": s.pay_mode,
        "pay_mode_label": str(s.get_pay_mode_display()),
        "excellent_quota": _fixed(s, "excellent_quota"),
        "submit_due_day": s.submit_due_day,
        "review_opens_day": s.review_opens_day,
        "review_due_day": s.review_due_day,
        "feedback_opens_day": s.feedback_opens_day,
        "feedback_due_day": s.feedback_due_day,
    }


@router.get(
    "/appraisal/settings/",
    response={200: SettingsOut, **_READ},
    summary="考核设置：绩效工资占比、系数分档或公式、优秀比例（绩效办；部门负责人、领导可查看）",
)
def get_settings(request: HttpRequest, filters: Query[CompanyFilter]) -> dict[str, Any]:
    company = _company(request.auth, filters.company, readers=True)
    return _settings(services.settings_for(company), company)


@router.patch(
    "/appraisal/settings/",
    response={200: SettingsOut, **_WRITE},
    summary="修改考核设置（绩效办；只改所传字段）",
)
def patch_settings(
    request: HttpRequest, payload: SettingsIn, filters: Query[CompanyFilter]
) -> dict[str, Any]:
    company = _company(request.auth, filters.company, readers=True)
    values = {
        k: v
        for k, v in payload.model_dump(exclude_unset=True).items()
        if v is not None or k == "excellent_quota"  # a null quota: no limit
    }
    if "bands" in values:
        values["bands"] = [
            {"min": str(b["min"]), "coefficient": str(b["coefficient"])} for b in values["bands"]
        ]
    saved = services.appraisal_settings_set(actor=request.auth, organization=company, **values)
    return _settings(saved, company)


# Salary bases


class SalaryBaseOut(Schema):
    employee_id: int
    username: str
    employee_number: str = Field(description="工号")
    name: str = Field(description="姓名")
    department: OrgRef
    salary_base: Decimal | None = Field(description="月工资基数（元）；未设置为 null")


class SalaryBaseFilters(CompanyFilter):
    department: str = Field("", description="部门代码：只列出该部门（含下级）的员工")


class SalaryBaseItemIn(Schema):
    username: str = Field("", description="用户名（与工号只填其一）")
    employee_number: str = Field("", description="工号（与用户名只填其一）")
    salary_base: Decimal = Field(description="月工资基数（元），至多两位小数")


class SalaryBasesIn(Schema):
    items: list[SalaryBaseItemIn] = Field(min_length=1, description="每名员工一条")


class SalaryBasesResultOut(Schema):
    created: int = Field(description="新设置工资基数的人数")
    updated: int = Field(description="修改工资基数的人数")
    unchanged: int = Field(description="与现有工资基数相同、未写入的条数")


@router.get(
    "/appraisal/salary-bases/",
    response={200: list[SalaryBaseOut], **_READ},
    summary="员工工资基数（绩效办；本单位各部门的在职员工）",
)
def list_salary_bases(
    request: HttpRequest, filters: Query[SalaryBaseFilters]
) -> list[dict[str, Any]]:
    company = _company(request.auth, filters.company, readers=False)
    people = salary_excel.employees(company)
    if filters.department:
        chosen = next(
            (d for d in services.departments_of(company) if d.code == filters.department), None
        )
        if chosen is None:
            raise Http404
        people = [e for e in people if e.department.path.startswith(chosen.path)]
    bases = salary_excel.bases_of(people)
    return [
        {
            "employee_id": e.user.pk,
            "username": e.user.username,
            "employee_number": e.user.employee_number,
            "name": e.user.display_name,
            "department": e.department,
            "salary_base": bases.get(e.user.pk),
        }
        for e in people
    ]


class _Refused(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems)
        self.problems = problems


def _amount_ok(value: Decimal) -> bool:
    """A sum the salary-base column holds: finite, at most its decimals and digits."""
    places = MONEY["decimal_places"]
    if not value.is_finite() or abs(value) >= Decimal(10) ** (MONEY["max_digits"] - places):
        return False
    return value == value.quantize(Decimal(1).scaleb(-places))


def _salary_changes(
    items: list[SalaryBaseItemIn], people: list[salary_excel.Employee]
) -> list[tuple[salary_excel.Employee, Decimal]]:
    """Every item checked (all problems listed, ``第N条：…``), or ``_Refused``."""
    by_number = {e.user.employee_number: e for e in people if e.user.employee_number}
    by_username = {e.user.username: e for e in people}
    seen: dict[int, int] = {}
    problems: list[str] = []
    changes = []
    for n, item in enumerate(items, start=1):
        number, username = item.employee_number.strip(), item.username.strip()
        if bool(number) == bool(username):
            problems.append(f"第{n}条：{SALARY_WHO}")
            continue
        key = number or username
        employee = by_number.get(number) if number else by_username.get(username)
        if employee is None:
            problems.append(f"第{n}条：{salary_excel.EMPLOYEE_NOT_COVERED.format(key=key)}")
            continue
        if employee.user.pk in seen:
            twice = SALARY_TWICE.format(key=key, first=seen[employee.user.pk])
            problems.append(f"第{n}条：{twice}")
            continue
        seen[employee.user.pk] = n
        if not _amount_ok(item.salary_base):
            problems.append(f"第{n}条：{SALARY_AMOUNT.format(value=item.salary_base)}")
            continue
        if item.salary_base < 0:
            problems.append(f"第{n}条：{appraisal_errors.SALARY_NEGATIVE}")
            continue
        changes.append((n, employee, item.salary_base))
    if problems:
        raise _Refused(problems)
    return [(e, base) for _, e, base in changes]


@transaction.atomic
def _salary_write(actor: Any, company: Organization, items: list[SalaryBaseItemIn]) -> dict:
    people = salary_excel.employees(company)
    changes = _salary_changes(items, people)
    result, refused = salary_excel.bases_write(actor=actor, changes=changes)
    if refused:  # the service's refusals: located, everything rolled back
        raise _Refused([f"“{changes[i][0].key}”：{message}" for i, message in refused])
    return {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}


@router.put(
    "/appraisal/salary-bases/",
    response={200: SalaryBasesResultOut, **_BATCH},
    summary="批量设置员工工资基数（绩效办、薪酬系统推送；全部或全不）",
)
def put_salary_bases(
    request: HttpRequest, payload: SalaryBasesIn, filters: Query[CompanyFilter]
) -> Any:
    """Each item names one employee by 工号 or username and gives the monthly base. Every item
    is checked first; one wrong item refuses the batch (400, each problem in ``problems`` as
    ``第N条：…``) and nothing is written. Items equal to the current base write nothing; the
    others go through the same service as the page (one audit row each)."""
    company = _company(request.auth, filters.company, readers=False)
    try:
        return _salary_write(request.auth, company, payload.items)
    except _Refused as refused:
        detail = SALARY_REFUSED.format(count=len(refused.problems))
        return Status(400, {"detail": detail, "problems": refused.problems})


# Work progress (绩效考核工作进度表, EMP-7)


class StepOut(Schema):
    id: int
    year: int
    position: int = Field(description="序号")
    title: str = Field(description="工作事项")
    start_date: date = Field(description="开始日期")
    end_date: date = Field(description="完成时限")
    owner: str = Field(description="责任人")
    status: str = Field(description="planned 未开始、in_progress 进行中、done 已完成、delayed 滞后")
    status_label: str
    note: str = Field(description="备注")

    @staticmethod
    def resolve_status_label(obj: ProgressStep) -> str:
        return str(obj.get_status_display())


class ProgressFilters(CompanyFilter):
    year: int | None = Field(None, description="年度；不填为今年")


class StepIn(Schema):
    status: StepStatus | None = Field(None, description="状态")
    start_date: date | None = Field(None, description="开始日期")
    end_date: date | None = Field(None, description="完成时限（不早于开始日期）")
    title: str | None = Field(None, description="工作事项")
    owner: str | None = Field(None, description="责任人")
    note: str | None = Field(None, description="备注")


@router.get(
    "/appraisal/progress/",
    response={200: list[StepOut], **_READ},
    summary="绩效考核工作进度表（年度各项工作、时间安排与状态）",
)
def list_progress(request: HttpRequest, filters: Query[ProgressFilters]) -> list[ProgressStep]:
    company = _company(request.auth, filters.company, readers=True)
    year = filters.year or timezone.localdate().year
    return list(ProgressStep.objects.filter(organization=company, year=year))


@router.patch(
    "/appraisal/progress/{int:step_id}",
    response={200: StepOut, **_WRITE},
    summary="更新一项工作的状态或时间（绩效办；只改所传字段）",
)
def patch_progress_step(request: HttpRequest, step_id: int, payload: StepIn) -> ProgressStep:
    step = ProgressStep.objects.select_related("organization").filter(pk=step_id).first()
    if step is None:
        raise Http404
    company = _company(request.auth, step.organization_id, readers=True)
    values = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    for key in ("title", "owner", "note"):
        if key in values:
            values[key] = values[key].strip()
    return services.progress_step_save(
        actor=request.auth, organization=company, year=step.year, step=step, **values
    )
