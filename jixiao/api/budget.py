"""Budget projects, their ex-ante assessment and performance targets through the API (X-3,
BUD-1…3): the budget system (预算管理一体化系统) creates projects and reads approved targets.

Every project comes through :mod:`jixiao.orgs.permissions` with ``budget.project.view`` over its
unit (lists filtered, single projects 404 outside the scope); every write goes through
:mod:`jixiao.budget.services`, which checks the action itself (403 when the caller may see the
project but not do this) and through the workflow (400 with its Chinese message while the
declaration is under review or approved). Amounts are in 万元 and answered as decimal strings.
"""

# No ``from __future__ import annotations``: ninja reads the operations' annotations
# (``Query[ProjectFilters]``) at import time and cannot resolve them as strings.

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status
from pydantic import ConfigDict, ValidationInfo, field_validator

from jixiao.api.schemas import CommentIn, Error, OrgRef, PersonRef, ValidationErrorOut
from jixiao.budget import errors as budget_errors
from jixiao.budget import permissions as actions
from jixiao.budget import queries, services
from jixiao.budget.models import Conclusion, ExAnteAssessment, Project
from jixiao.indicators.levels import level_label
from jixiao.indicators.models import Indicator, IndicatorKind, TargetBasis
from jixiao.indicators.services import indicator_path
from jixiao.lib import function_classes
from jixiao.orgs import permissions as perms
from jixiao.orgs.models import Organization
from jixiao.workflow import queries as workflow_queries
from jixiao.workflow.models import (
    CaseKind,
    StepAction,
    WorkflowCase,
    WorkflowState,
    WorkflowStep,
)

MAX_PAGE = 500
PROJECTS, TARGETS, REVIEW = "预算项目", "绩效目标", "目标审核"

UNKNOWN_FUNCTION_CODE = "未知的功能分类代码“{code}”。"
UNKNOWN_GROUP = "没有名为“{group}”的二级指标；可选：{choices}。"

router = Router()
_READ_ERRORS: dict[int, Any] = {401: Error, 404: Error}
_WRITE_ERRORS: dict[int, Any] = {
    400: Error,
    401: Error,
    403: Error,
    404: Error,
    422: ValidationErrorOut,
}

# 万元 with four decimals (one yuan), as the model keeps them; JSON numbers or strings.
Money = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=4)]
IndicatorValue = Annotated[Decimal, Field(max_digits=20, decimal_places=6)]
Score = Annotated[Decimal, Field(ge=0, max_digits=8, decimal_places=2)]
# The engine's rules for a quantitative target; "range" has no rule of its own.
TargetDirection = Literal["gte", "lte", "eq"]


# --- Shapes ----------------------------------------------------------------------------------


class WorkflowOut(Schema):
    state: WorkflowState = Field(
        description="draft 草稿、submitted 待审核、returned 已退回、approved 已批复"
    )
    state_label: str
    kind: CaseKind = Field(description="original 申报，adjustment 调整")
    kind_label: str
    level: int | None = Field(alias="current_level", description="待审核的级次（从 0 起）")
    level_label: str = Field(description="待审核的环节，如“财政审核”；不在审核中为空")
    reviewing_organization: OrgRef | None = Field(description="当前审核单位")
    locked: bool = Field(description="已批复锁定：不能修改，须申请调整")
    editable: bool = Field(alias="is_editable", description="草稿或已退回：单位可修改")
    version_number: int = Field(description="已提交的版本数")
    submitted_at: datetime | None
    decided_at: datetime | None
    due_at: datetime | None = Field(description="审核截止时间")

    @staticmethod
    def resolve_state_label(obj: WorkflowCase) -> str:
        return str(WorkflowState(obj.state).label)

    @staticmethod
    def resolve_kind_label(obj: WorkflowCase) -> str:
        return str(CaseKind(obj.kind).label)


class ProjectListOut(Schema):
    id: int
    fiscal_year: int = Field(description="预算年度")
    code: str = Field(description="项目代码")
    name: str = Field(description="项目名称")
    unit: OrgRef = Field(description="实施单位")
    department: OrgRef | None = Field(description="主管部门")
    function_code: str = Field(description="功能分类（类/款）代码")
    function_label: str = Field(description="功能分类名称，如“213 农林水支出 / 21303 水利”")
    annual_total: Decimal = Field(description="年度资金总额（万元）")
    approved_amount: Decimal | None = Field(description="财政批复金额（万元）；未批复为空")
    workflow: WorkflowOut | None = Field(description="绩效目标申报的审核状态")

    @staticmethod
    def resolve_workflow(obj: Project) -> WorkflowCase | None:
        return getattr(obj, "workflow_case", None)  # attached in one query by _with_cases


class ExAnteOut(Schema):
    conclusion: str = Field(
        description="support 予以支持、partial 部分支持、reject 不予支持；未评估为空"
    )
    conclusion_label: str
    total: Decimal | None = Field(description="评估总分")
    grade: str = Field(description="等级，如“优”")
    requested_amount: Decimal = Field(description="申报金额（万元）")
    approved_amount: Decimal | None = Field(description="核定金额（万元）")
    cut_amount: Decimal = Field(description="核减金额（万元）")
    has_report: bool = Field(description="已上传评估报告")
    passed: bool = Field(description="结论为支持或部分支持且附有报告：可以提交绩效目标")
    assessed_at: datetime | None

    @staticmethod
    def resolve_conclusion_label(obj: ExAnteAssessment) -> str:
        return str(Conclusion(obj.conclusion).label) if obj.conclusion else ""

    @staticmethod
    def resolve_has_report(obj: ExAnteAssessment) -> bool:
        return bool(obj.report)


class ProjectOut(ProjectListOut):
    is_new: bool = Field(description="新增项目")
    is_major_policy: bool = Field(description="重大政策和项目")
    start_year: int
    end_year: int
    annual_fiscal: Decimal = Field(description="其中：财政拨款（万元）")
    annual_carryover: Decimal = Field(description="其中：上年结转（万元）")
    annual_other: Decimal = Field(description="其中：其他资金（万元）")
    midterm_total: Decimal = Field(description="中期资金总额（万元）")
    midterm_fiscal: Decimal
    midterm_other: Decimal
    annual_goal: str = Field(description="年度目标")
    midterm_goal: str = Field(description="中期目标")
    manager: str = Field(description="项目负责人")
    manager_phone: str
    ex_ante_required: bool = Field(description="须开展事前绩效评估（新增重大政策或达到金额标准）")
    ex_ante: ExAnteOut | None = Field(description="事前绩效评估；未开展为空")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_ex_ante_required(obj: Project) -> bool:
        return services.ex_ante_required(obj)

    @staticmethod
    def resolve_ex_ante(obj: Project) -> ExAnteAssessment | None:
        try:
            return obj.ex_ante
        except ObjectDoesNotExist:
            return None


class ProjectFilters(Schema):
    fiscal_year: int | None = Field(None, description="只列出该预算年度")
    unit: int | None = Field(None, description="只列出该单位（含其下级）的项目")
    state: WorkflowState | None = Field(None, description="只列出该审核状态的项目")
    q: str = Field("", description="按项目名称、代码或单位名称搜索")


def _function_code(code: str | None) -> str | None:
    if code is not None and code not in dict(function_classes.choices()):
        raise ValueError(UNKNOWN_FUNCTION_CODE.format(code=code))
    return code


class ProjectCreateIn(Schema):
    """A new project declaration (草稿) with the standard target framework."""

    model_config = ConfigDict(extra="forbid")

    unit: int = Field(description="实施单位（组织 ID）；须是预算单位或其下属单位")
    fiscal_year: int = Field(ge=2000, le=2100, description="预算年度")
    code: str = Field(min_length=1, max_length=40, description="项目代码，同一年度唯一")
    name: str = Field(min_length=1, max_length=200, description="项目名称")
    function_code: str = Field(description="功能分类（类/款）代码，如 21303")
    start_year: int = Field(ge=2000, le=2100)
    end_year: int = Field(ge=2000, le=2100)
    is_new: bool = True
    is_major_policy: bool = False
    annual_total: Money = Field(Decimal(0), description="年度资金总额 = 三项之和（万元）")
    annual_fiscal: Money = Decimal(0)
    annual_carryover: Money = Decimal(0)
    annual_other: Money = Decimal(0)
    midterm_total: Money = Field(Decimal(0), description="中期资金总额 = 两项之和（万元）")
    midterm_fiscal: Money = Decimal(0)
    midterm_other: Money = Decimal(0)
    annual_goal: str = ""
    midterm_goal: str = ""
    manager: str = Field("", max_length=50)
    manager_phone: str = Field("", max_length=30)

    _check_function_code = field_validator("function_code")(_function_code)

    @field_validator("end_year")
    @classmethod
    def _years_ordered(cls, end_year: int, info: ValidationInfo) -> int:
        start_year = info.data.get("start_year")
        if start_year is not None and end_year < start_year:
            raise ValueError(budget_errors.YEARS_ORDER)
        return end_year


class ProjectUpdateIn(Schema):
    """Only the fields sent are changed; the year and the unit cannot change."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(None, min_length=1, max_length=40)
    name: str = Field(None, min_length=1, max_length=200)
    function_code: str = Field(None)
    start_year: int = Field(None, ge=2000, le=2100)
    end_year: int = Field(None, ge=2000, le=2100)
    is_new: bool = Field(None)
    is_major_policy: bool = Field(None)
    annual_total: Money = Field(None)
    annual_fiscal: Money = Field(None)
    annual_carryover: Money = Field(None)
    annual_other: Money = Field(None)
    midterm_total: Money = Field(None)
    midterm_fiscal: Money = Field(None)
    midterm_other: Money = Field(None)
    annual_goal: str = Field(None)
    midterm_goal: str = Field(None)
    manager: str = Field(None, max_length=50)
    manager_phone: str = Field(None, max_length=30)

    _check_function_code = field_validator("function_code")(_function_code)


class TargetRowOut(Schema):
    id: int
    key: str = Field(description="审核意见所指的对象项，如 indicator:123")
    parent_id: int | None
    level: int
    level_label: str = Field(description="一级、二级、三级")
    is_group: bool = Field(description="一、二级为分类，三级为申报的指标")
    path: str = Field(description="如“产出指标 / 数量指标 / 新建改造供水工程”")
    name: str
    kind: str = Field(description="quantitative 定量、qualitative 定性")
    kind_label: str
    direction: str = Field(description="gte ≥、lte ≤、eq ＝")
    direction_label: str
    target_value: Decimal | None = Field(description="指标值（定量）")
    target_text: str = Field(description="指标值（定性）")
    unit: str = Field(description="度量单位")
    full_score: Decimal | None = Field(description="分值")
    basis: str = Field(
        description="指标值确定依据：plan、sector、historical、budget_standard、other"
    )
    basis_label: str
    standard_value: Decimal | None = Field(description="预算支出标准（成本指标）")
    previous_values: dict[str, Any] = Field(description="以前年度指标值，按年度")
    explanation: str


class TargetCheckOut(Schema):
    ok: bool = Field(description="没有错误：可以提交")
    errors: list[str] = Field(description="须改正的问题（阻止提交）")
    warnings: list[str] = Field(description="建议")


class ApprovedVersionOut(Schema):
    number: int = Field(description="版本号")
    created_at: datetime
    data: dict[str, Any] = Field(description="批复时的申报内容（项目字段与 indicators 指标表）")


class TargetsOut(Schema):
    project_id: int
    scale: Decimal = Field(description="三级指标分值合计应达到的分数")
    rows: list[TargetRowOut] = Field(description="指标表，按阅读顺序")
    check: TargetCheckOut = Field(description="完整性检查")
    approved_version: ApprovedVersionOut | None = Field(
        description="批复生效的绩效目标；未批复为空（调整期间仍为生效的版本）"
    )


class TargetFields(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: IndicatorKind = Field(IndicatorKind.QUANTITATIVE, description="定量或定性")
    direction: TargetDirection | None = Field(None, description="定量指标的方向")
    target_value: IndicatorValue | None = Field(None, description="指标值（定量）")
    target_text: str = Field("", max_length=500, description="指标值（定性）")
    unit: str = Field("", max_length=30, description="度量单位")
    full_score: Score | None = Field(None, description="分值")
    basis: TargetBasis | None = Field(None, description="指标值确定依据")
    standard_value: IndicatorValue | None = Field(None, description="预算支出标准（成本指标）")
    previous_values: dict[str, str] = Field({}, description='以前年度指标值，如 {"2026": "20"}')
    explanation: str = Field("", description="指标解释")


class TargetCreateIn(TargetFields):
    group: str = Field(description="所属二级指标的名称，如“数量指标”")
    name: str = Field(min_length=1, max_length=200, description="三级指标名称")


class TargetUpdateIn(Schema):
    """Only the fields sent are changed."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(None, min_length=1, max_length=200)
    kind: IndicatorKind = Field(None)
    direction: TargetDirection | None = None
    target_value: IndicatorValue | None = None
    target_text: str = Field(None, max_length=500)
    unit: str = Field(None, max_length=30)
    full_score: Score | None = None
    basis: TargetBasis | None = None
    standard_value: IndicatorValue | None = None
    previous_values: dict[str, str] = Field(None)
    explanation: str = Field(None)


class ApproveIn(CommentIn):
    approved_amount: Money | None = Field(
        None, description="批复金额（万元）：财政审核时必填；主管部门审核时不用"
    )


class ItemCommentIn(Schema):
    item_key: str = Field(
        min_length=1, max_length=100, description="指标表的 key，如 indicator:123"
    )
    text: str = Field(min_length=1, description="对该项的意见")


class ReturnIn(Schema):
    comment: str = Field("", description="退回意见（必填）")
    item_comments: list[ItemCommentIn] = Field([], description="逐项意见")


class WorkflowStepOut(Schema):
    id: int
    action: StepAction
    action_label: str
    from_state: WorkflowState
    to_state: WorkflowState
    to_state_label: str
    level_label: str = Field(description="审核环节")
    actor: PersonRef | None
    organization: OrgRef | None = Field(description="代表的单位")
    comment: str
    data: dict[str, Any] | None = Field(description="附加数据，如 approved_amount")
    version_number: int | None = Field(description="提交或批复的版本号")
    created_at: datetime

    @staticmethod
    def resolve_action_label(obj: WorkflowStep) -> str:
        return str(StepAction(obj.action).label)

    @staticmethod
    def resolve_to_state_label(obj: WorkflowStep) -> str:
        return str(WorkflowState(obj.to_state).label)

    @staticmethod
    def resolve_version_number(obj: WorkflowStep) -> int | None:
        return obj.version.number if obj.version else None


class ReviewCommentOut(Schema):
    id: int
    item_key: str = Field(description="对象项；空为对整张表的意见")
    text: str
    level_label: str
    version_number: int = Field(description="针对的版本")
    author: PersonRef | None
    organization: OrgRef | None
    created_at: datetime
    resolved: bool = Field(alias="is_resolved")
    resolved_at: datetime | None
    reply: str = Field(description="单位的处理说明")


class HistoryOut(Schema):
    workflow: WorkflowOut
    steps: list[WorkflowStepOut]
    comments: list[ReviewCommentOut]


# --- Reads -----------------------------------------------------------------------------------


def _get_project(user: Any, project_id: int) -> Project:
    """The project if the caller may see it, else 404 (as for a missing one)."""
    return _with_cases([queries.get_project_for_user(user, project_id)])[0]


def _with_cases(projects: list[Project]) -> list[Project]:
    """Attach each project's workflow case, all in one query."""
    cases = workflow_queries.cases_for_subjects(services.SUBJECT, [p.pk for p in projects])
    for project in projects:
        project.workflow_case = cases.get(project.pk)  # type: ignore[attr-defined]
    return projects


class ProjectPagination(LimitOffsetPagination):
    """Limit/offset, with the page's workflow cases fetched in one query."""

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page["items"] = _with_cases(list(page["items"]))
        return page


@router.get(
    "/budget/projects/",
    response=list[ProjectListOut],
    tags=[PROJECTS],
    summary="项目列表（仅限可见范围）",
)
@paginate(ProjectPagination, max_limit=MAX_PAGE)
def list_projects(request: HttpRequest, filters: Query[ProjectFilters]) -> QuerySet[Project]:
    qs = queries.projects_visible(request.auth)
    if filters.fiscal_year is not None:
        qs = qs.filter(fiscal_year=filters.fiscal_year)
    if filters.unit is not None:
        path = Organization.objects.filter(pk=filters.unit).values_list("path", flat=True).first()
        qs = qs.filter(unit__path__startswith=path) if path else qs.none()
    if filters.state is not None:
        cases = WorkflowCase.objects.filter(subject_type=services.SUBJECT, state=filters.state)
        qs = qs.filter(pk__in=cases.values("subject_id"))
    if filters.q:
        q = filters.q
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(unit__name__icontains=q))
    return qs.order_by("-fiscal_year", "code")


@router.get(
    "/budget/projects/{int:project_id}",
    response={200: ProjectOut, **_READ_ERRORS},
    tags=[PROJECTS],
    summary="项目：资金、目标、审核状态与事前绩效评估",
)
def get_project(request: HttpRequest, project_id: int) -> Project:
    return _get_project(request.auth, project_id)


def _target_rows(project: Project) -> list[dict[str, Any]]:
    """The indicator table in reading order, as the pages show it (one query)."""
    nodes = [row.indicator for row in queries.target_rows(project)]
    by_id = {node.pk: node for node in nodes}
    return [_target_row(node, by_id) for node in nodes]


ROW_FIELDS = [
    "id",
    "parent_id",
    "level",
    "name",
    "kind",
    "direction",
    "target_value",
    "target_text",
    "unit",
    "full_score",
    "basis",
    "standard_value",
    "previous_values",
    "explanation",
]


def _target_row(node: Indicator, by_id: dict[int, Indicator]) -> dict[str, Any]:
    return {
        **{field: getattr(node, field) for field in ROW_FIELDS},
        "key": f"indicator:{node.pk}",
        "level_label": level_label(node.level),
        "is_group": node.level < 3,
        "path": indicator_path(node, by_id),
        "kind_label": str(node.get_kind_display()) if node.kind else "",
        "direction_label": str(node.get_direction_display()) if node.direction else "",
        "basis_label": str(node.get_basis_display()) if node.basis else "",
    }


@router.get(
    "/budget/projects/{int:project_id}/targets",
    response={200: TargetsOut, **_READ_ERRORS},
    tags=[TARGETS],
    summary="绩效目标申报表：指标表、完整性检查与批复生效的版本",
)
def get_targets(request: HttpRequest, project_id: int) -> dict[str, Any]:
    project = _get_project(request.auth, project_id)
    result = services.targets_check(project)
    case = project.workflow_case  # type: ignore[attr-defined]
    return {
        "project_id": project.pk,
        "scale": services.target_tree(project).scale,
        "rows": _target_rows(project),
        "check": {"ok": result.ok, "errors": result.errors, "warnings": result.warnings},
        "approved_version": case.approved_version if case else None,
    }


@router.get(
    "/budget/projects/{int:project_id}/history",
    response={200: HistoryOut, **_READ_ERRORS},
    tags=[REVIEW],
    summary="审核记录与审核意见",
)
def get_history(request: HttpRequest, project_id: int) -> dict[str, Any]:
    case = _case(_get_project(request.auth, project_id))
    grouped = workflow_queries.comments_by_item(case)
    comments = sorted((c for items in grouped.values() for c in items), key=lambda c: c.pk)
    return {"workflow": case, "steps": list(workflow_queries.history(case)), "comments": comments}


# --- Writes ----------------------------------------------------------------------------------


@contextmanager
def _field_errors() -> Iterator[None]:
    """Model validation the schema could not do answers 422 with the fields, like ninja's own
    validation, instead of a 400 without them."""
    try:
        yield
    except DjangoValidationError as exc:
        raise NinjaValidationError(_as_ninja_errors(exc)) from exc


def _as_ninja_errors(exc: DjangoValidationError) -> list[dict[str, Any]]:
    if not hasattr(exc, "error_dict"):
        return [{"type": "value_error", "loc": ["body", "payload"], "msg": m} for m in exc.messages]
    return [
        {
            "type": "value_error",
            "loc": ["body", "payload"] + ([] if field == NON_FIELD_ERRORS else [field]),
            "msg": message,
        }
        for field, messages in exc.message_dict.items()
        for message in messages
    ]


def _invalid(field: str, message: str) -> NinjaValidationError:
    return NinjaValidationError(
        [{"type": "value_error", "loc": ["body", "payload", field], "msg": message}]
    )


@router.post(
    "/budget/projects/",
    response={201: ProjectOut, **_WRITE_ERRORS},
    tags=[PROJECTS],
    summary="新建项目（草稿，含标准指标框架）",
)
def create_project(request: HttpRequest, payload: ProjectCreateIn) -> Status:
    """A unit outside the caller's view answers 404; one the caller may see but not declare
    for (a leader, a reviewer) 403."""
    unit = perms.get_organization_for_user(request.auth, payload.unit, actions.PROJECT_VIEW)
    with _field_errors():
        project = services.project_create(
            actor=request.auth, unit=unit, **payload.model_dump(exclude={"unit"})
        )
    return Status(201, _get_project(request.auth, project.pk))


@router.patch(
    "/budget/projects/{int:project_id}",
    response={200: ProjectOut, **_WRITE_ERRORS},
    tags=[PROJECTS],
    summary="修改项目（草稿或已退回时）",
)
def update_project(request: HttpRequest, project_id: int, payload: ProjectUpdateIn) -> Project:
    project = _get_project(request.auth, project_id)
    with _field_errors():
        services.project_update(
            actor=request.auth, project=project, **payload.model_dump(exclude_unset=True)
        )
    return _get_project(request.auth, project_id)


def _indicator_values(values: dict[str, Any], current: Indicator | None = None) -> dict[str, Any]:
    """Model values of a target from the API's: blank instead of null for the text choices, and,
    as the declaration form of the pages does, the scoring rule that goes with the kind and
    direction and only the target value (number or text) that goes with the kind."""
    if "basis" in values:
        values["basis"] = values["basis"] or ""
    if "direction" in values:
        values["direction"] = values["direction"] or ""
    if {"kind", "direction"} & set(values):
        kind = values.get("kind", current.kind if current else IndicatorKind.QUANTITATIVE)
        if kind == IndicatorKind.QUALITATIVE:
            values.update(direction="", rule="qualitative", target_value=None)
        else:
            values["rule"] = values.get("direction", current.direction if current else "")
            values["target_text"] = ""
    return values


def _target_out(project: Project, indicator: Indicator) -> dict[str, Any]:
    by_id = {n.pk: n for n in services.target_tree(project).indicators.all()}
    return _target_row(by_id[indicator.pk], by_id)


def _target(project: Project, indicator_id: int) -> Indicator:
    """A declared (level-3 or deeper) indicator of this project, else 404."""
    qs = Indicator.objects.filter(tree_id=project.annual_tree_id, level__gte=3)
    return get_object_or_404(qs, pk=indicator_id)


@router.post(
    "/budget/projects/{int:project_id}/targets",
    response={201: TargetRowOut, **_WRITE_ERRORS},
    tags=[TARGETS],
    summary="新增三级指标（在指定的二级指标下）",
)
def add_target(request: HttpRequest, project_id: int, payload: TargetCreateIn) -> Status:
    project = _get_project(request.auth, project_id)
    groups = (
        services.target_tree(project)
        .indicators.filter(level=2)
        .order_by("parent__position", "position", "id")
    )
    parent = next((g for g in groups if g.name == payload.group), None)
    if parent is None:
        choices = "、".join(g.name for g in groups)
        raise _invalid("group", UNKNOWN_GROUP.format(group=payload.group, choices=choices))
    values = _indicator_values(payload.model_dump(exclude={"group", "name"}))
    with _field_errors():
        indicator = services.target_indicator_add(
            actor=request.auth, project=project, parent=parent, name=payload.name, **values
        )
    return Status(201, _target_out(project, indicator))


@router.patch(
    "/budget/projects/{int:project_id}/targets/{int:indicator_id}",
    response={200: TargetRowOut, **_WRITE_ERRORS},
    tags=[TARGETS],
    summary="修改三级指标",
)
def update_target(
    request: HttpRequest, project_id: int, indicator_id: int, payload: TargetUpdateIn
) -> dict[str, Any]:
    project = _get_project(request.auth, project_id)
    indicator = _target(project, indicator_id)
    values = _indicator_values(payload.model_dump(exclude_unset=True), indicator)
    with _field_errors():
        services.target_indicator_update(
            actor=request.auth, project=project, indicator=indicator, **values
        )
    return _target_out(project, indicator)


@router.delete(
    "/budget/projects/{int:project_id}/targets/{int:indicator_id}",
    response={204: None, **_WRITE_ERRORS},
    tags=[TARGETS],
    summary="删除三级指标",
)
def delete_target(request: HttpRequest, project_id: int, indicator_id: int) -> Status:
    project = _get_project(request.auth, project_id)
    indicator = _target(project, indicator_id)
    services.target_indicator_delete(actor=request.auth, project=project, indicator=indicator)
    return Status(204, None)


# --- Review ----------------------------------------------------------------------------------


def _case(project: Project) -> WorkflowCase:
    case = getattr(project, "workflow_case", None)
    return case if case is not None else services.case_of(project)


@router.post(
    "/budget/projects/{int:project_id}/submit",
    response={200: WorkflowOut, **_WRITE_ERRORS},
    tags=[REVIEW],
    summary="提交绩效目标审核（单位）",
)
def submit_project(
    request: HttpRequest, project_id: int, payload: CommentIn | None = None
) -> WorkflowCase:
    """Refused (400) while the targets are incomplete or a required ex-ante assessment has
    not passed; the message says what is missing."""
    project = _get_project(request.auth, project_id)
    comment = payload.comment if payload else ""
    return services.target_submit(actor=request.auth, project=project, comment=comment)


@router.post(
    "/budget/projects/{int:project_id}/withdraw",
    response={200: WorkflowOut, **_WRITE_ERRORS},
    tags=[REVIEW],
    summary="撤回（单位，尚未有审核通过时）",
)
def withdraw_project(
    request: HttpRequest, project_id: int, payload: CommentIn | None = None
) -> WorkflowCase:
    project = _get_project(request.auth, project_id)
    comment = payload.comment if payload else ""
    return services.target_withdraw(actor=request.auth, project=project, comment=comment)


@router.post(
    "/budget/projects/{int:project_id}/approve",
    response={200: WorkflowOut, **_WRITE_ERRORS},
    tags=[REVIEW],
    summary="审核通过（主管部门、财政；财政批复须填批复金额）",
)
def approve_project(request: HttpRequest, project_id: int, payload: ApproveIn) -> WorkflowCase:
    project = _get_project(request.auth, project_id)
    return services.target_approve(
        actor=request.auth,
        project=project,
        comment=payload.comment,
        approved_amount=payload.approved_amount,
    )


@router.post(
    "/budget/projects/{int:project_id}/return",
    response={200: WorkflowOut, **_WRITE_ERRORS},
    tags=[REVIEW],
    summary="退回（须填退回意见，可逐项提出意见）",
)
def return_project(request: HttpRequest, project_id: int, payload: ReturnIn) -> WorkflowCase:
    project = _get_project(request.auth, project_id)
    return services.target_return(
        actor=request.auth,
        project=project,
        comment=payload.comment,
        item_comments=[(item.item_key, item.text) for item in payload.item_comments],
    )
