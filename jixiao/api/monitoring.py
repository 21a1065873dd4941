"""Double monitoring through the API (BUD-5): rounds, monitoring forms, spending figures pushed
by the budget system, and warnings.

Rounds and forms come through :mod:`jixiao.budget.monitoring.queries` with
``budget.monitoring.view`` (lists filtered, single objects 404 outside the scope); every write
goes through :mod:`jixiao.budget.monitoring.services`, which checks the action itself (403 when
the caller may see the form but not fill it, or may not manage rounds) and answers 400 with
its Chinese message, the located problems listed in ``problems``. Amounts are in 万元 and
answered as decimal strings.
"""

# No ``from __future__ import annotations``: ninja reads the operations' annotations at import
# time and cannot resolve them as strings.

from collections.abc import Callable
from datetime import date, datetime
from datetime import date as Day
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status
from pydantic import ConfigDict

from jixiao.api.schemas import Error, OrgRef, ProjectRef, ValidationErrorOut
from jixiao.budget import permissions as actions
from jixiao.budget.monitoring import queries, services
from jixiao.budget.monitoring import warnings as rules
from jixiao.budget.monitoring.errors import MonitoringError
from jixiao.budget.monitoring.models import (
    Colour,
    DeviationReason,
    FormState,
    IndicatorProgress,
    Level,
    Likelihood,
    MonitoringForm,
    MonitoringRound,
    MonitoringWarning,
    RoundState,
    SpendingRecord,
    WarningKind,
)
from jixiao.orgs import permissions as perms
from jixiao.orgs.errors import NO_PERMISSION, PermissionDeniedError

MAX_PAGE = 500
ROUNDS, FORMS, SPENDING, WARNINGS = "监控轮次", "绩效监控表", "支出数据", "监控预警"

router = Router(tags=["预算执行监控"])
_READ_ERRORS: dict[int, Any] = {401: Error, 404: Error}


class ProblemsOut(Error):
    problems: list[str] = Field(description="逐项的问题（如“指标“…”：须填写…”）")


_WRITE_ERRORS: dict[int, Any] = {
    400: ProblemsOut,
    401: Error,
    403: Error,
    404: Error,
    422: ValidationErrorOut,
}

Money = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=4)]
Value = Annotated[Decimal, Field(max_digits=20, decimal_places=6)]


# --- Shapes ----------------------------------------------------------------------------------


class RoundOut(Schema):
    id: int
    bureau: OrgRef = Field(description="财政部门")
    fiscal_year: int = Field(description="预算年度")
    number: int = Field(description="本年度第几轮")
    name: str = Field(description="名称，如“2027年1-7月”")
    months_elapsed: int = Field(description="监控月份数：1-N月")
    time_progress: Decimal = Field(description="时间进度 N÷12")
    start_date: date
    end_date: date = Field(description="监控期末")
    due_at: datetime = Field(description="单位填报截止时间")
    state: RoundState = Field(description="open 进行中、closed 已结束")
    state_label: str
    thresholds: dict[str, str] = Field(
        description="本轮使用的预警阈值（比值）：red_below、yellow_below、blue_at"
    )
    opened_at: datetime
    closed_at: datetime | None
    computed_at: datetime | None = Field(description="最近一次计算预警的时间")

    @staticmethod
    def resolve_time_progress(obj: MonitoringRound) -> Decimal:
        return rules.time_progress(obj.months_elapsed).quantize(Decimal("0.0001"))

    @staticmethod
    def resolve_start_date(obj: MonitoringRound) -> date:
        return obj.period.start_date

    @staticmethod
    def resolve_end_date(obj: MonitoringRound) -> date:
        return obj.period.end_date

    @staticmethod
    def resolve_due_at(obj: MonitoringRound) -> datetime:
        return obj.deadline.due_at

    @staticmethod
    def resolve_state_label(obj: MonitoringRound) -> str:
        return str(RoundState(obj.state).label)

    @staticmethod
    def resolve_thresholds(obj: MonitoringRound) -> dict[str, str]:
        return {k: str(v) for k, v in obj.thresholds.items()}


class RoundFilters(Schema):
    fiscal_year: int | None = Field(None, description="只列出该预算年度")
    state: RoundState | None = Field(None, description="只列出该状态")


class RoundOpenIn(Schema):
    model_config = ConfigDict(extra="forbid")

    bureau: int = Field(description="财政部门（组织 ID）")
    fiscal_year: int = Field(ge=2000, le=2100, description="预算年度")
    months_elapsed: int = Field(ge=1, le=12, description="监控月份数：1-N月")
    due_at: datetime = Field(description="单位填报截止时间（带时区）")
    name: str = Field("", max_length=100, description="名称；不填按期间命名")
    description: str = Field("", description="填报说明")


class FormListOut(Schema):
    id: int
    round_id: int
    project: ProjectRef
    unit: OrgRef = Field(description="实施单位")
    department: OrgRef | None = Field(description="主管部门")
    budget: Decimal = Field(description="年初预算数（万元）")
    executed: Decimal | None = Field(description="单位填报的1-N月执行数；为空时按支出数据")
    executed_to_date: Decimal = Field(description="1-N月执行数：填报数，未填报为支出数据合计")
    state: FormState = Field(description="draft 填报中、submitted 已报送")
    state_label: str
    submitted_at: datetime | None
    combined_colour: str | None = Field(description="综合预警：red、yellow、green；未计算为空")
    execution_colour: str | None = Field(description="预算执行预警；未计算为空")

    @staticmethod
    def resolve_unit(obj: MonitoringForm) -> Any:
        return obj.project.unit

    @staticmethod
    def resolve_department(obj: MonitoringForm) -> Any:
        return obj.project.department

    @staticmethod
    def resolve_state_label(obj: MonitoringForm) -> str:
        return str(FormState(obj.state).label)

    @staticmethod
    def resolve_combined_colour(obj: MonitoringForm) -> str | None:
        return getattr(obj, "combined", None)

    @staticmethod
    def resolve_execution_colour(obj: MonitoringForm) -> str | None:
        return getattr(obj, "execution", None)


class FormFilters(Schema):
    round: int | None = Field(None, description="只列出该监控轮次的")
    state: FormState | None = Field(None, description="只列出该状态的")
    colour: Colour | None = Field(None, description="只列出综合预警为该颜色的")
    department: int | None = Field(None, description="只列出该主管部门的")
    unit: int | None = Field(None, description="只列出该单位的")
    q: str = Field("", description="按项目名称、代码或单位名称搜索")


class WarningOut(Schema):
    id: int
    round_id: int
    project: ProjectRef
    indicator_id: int | None = Field(description="指标预警的三级指标；项目的预警为空")
    kind: WarningKind = Field(
        description="budget_execution 预算执行、indicator 定量指标、qualitative 定性指标、"
        "combined 综合"
    )
    kind_label: str
    colour: Colour = Field(description="red 红、yellow 黄、green 绿、blue 蓝")
    colour_label: str
    value: Decimal | None = Field(description="比值（如执行进度÷时间进度）")
    explain: str = Field(description="预警的计算说明")

    @staticmethod
    def resolve_kind_label(obj: MonitoringWarning) -> str:
        return str(WarningKind(obj.kind).label)

    @staticmethod
    def resolve_colour_label(obj: MonitoringWarning) -> str:
        return str(Colour(obj.colour).label)


class IndicatorOut(Schema):
    indicator_id: int | None
    level1: str = Field(description="一级指标")
    level2: str = Field(description="二级指标")
    name: str = Field(description="三级指标")
    kind: str = Field(description="quantitative 定量、qualitative 定性")
    direction: str = Field(description="gte ≥、lte ≤、eq ＝")
    target_value: Decimal | None = Field(description="年度指标值（定量）")
    target_text: str = Field(description="年度指标值（定性）")
    unit: str
    actual: Decimal | None = Field(description="1-N月实际完成值")
    expected: Decimal | None = Field(description="全年预计完成值")
    level: str = Field(
        description="定性完成情况：achieved 达成、partly 部分达成、not_achieved 未达成"
    )
    likelihood: str = Field(
        description="完成目标可能性：certain 确定能、possible 有可能、impossible 完全不可能"
    )
    reasons: list[str] = Field(
        description="偏差原因：funding 经费保障、institutional 制度保障、staffing 人员保障、"
        "facilities 硬件条件保障、other 其他"
    )
    reason_labels: list[str]
    measures: str = Field(description="原因说明及纠偏措施")
    colour: str | None = Field(description="按当前填报的预警颜色；尚无实际值为空")
    explain: str = Field(description="按当前填报的预警说明")


class FormOut(FormListOut):
    expected_execution: Decimal | None = Field(description="全年预计执行数（万元）")
    goal_progress: str = Field(description="年度总体目标完成情况")
    annual_goal: str = Field(description="年度总体目标（申报时）")
    indicators: list[IndicatorOut]
    warnings: list[WarningOut] = Field(description="最近一次计算的预警")

    @staticmethod
    def resolve_annual_goal(obj: MonitoringForm) -> str:
        return obj.project.annual_goal


class IndicatorIn(Schema):
    model_config = ConfigDict(extra="forbid")

    indicator_id: int = Field(description="三级指标 ID（见 indicators[].indicator_id）")
    actual: Value | None = Field(None, description="1-N月实际完成值（定量）")
    expected: Value | None = Field(None, description="全年预计完成值")
    level: Level | None = Field(None, description="定性完成情况")
    likelihood: Likelihood | None = Field(None, description="完成目标可能性")
    reasons: list[DeviationReason] | None = Field(None, description="偏差原因（可多选）")
    measures: str | None = Field(None, description="原因说明及纠偏措施")


class FormSaveIn(Schema):
    """Only the fields sent are changed (send null to clear one)."""

    model_config = ConfigDict(extra="forbid")

    executed: Money | None = Field(None, description="1-N月执行数；null 为按支出数据")
    expected_execution: Money | None = Field(None, description="全年预计执行数")
    goal_progress: str | None = Field(None, description="年度总体目标完成情况")
    indicators: list[IndicatorIn] = Field([], description="指标完成情况，只改所列的指标")


class SpendingItemIn(Schema):
    model_config = ConfigDict(extra="forbid")

    project_code: str = Field(min_length=1, max_length=40, description="项目代码")
    date: Day = Field(description="支付日期")
    amount: Decimal = Field(description="金额（万元，最多4位小数；冲销为负数）")
    reference: str = Field("", max_length=64, description="凭证号；同一项目同一凭证只登记一次")


class SpendingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    fiscal_year: int = Field(ge=2000, le=2100, description="预算年度")
    items: list[SpendingItemIn] = Field(description="支出记录，全部正确才登记（否则一条也不登记）")


class SpendingResultOut(Schema):
    created: int = Field(description="登记的条数")
    total: Decimal = Field(description="登记金额合计（万元）")
    projects: int = Field(description="涉及的项目数")


class SpendingOut(Schema):
    id: int
    project: ProjectRef
    date: Day
    amount: Decimal
    reference: str
    created_at: datetime


class SpendingFilters(Schema):
    fiscal_year: int = Field(description="预算年度")
    project: str = Field("", description="只列出该项目代码的")


class WarningFilters(Schema):
    colour: Colour | None = Field(None, description="只列出该颜色的")
    kind: WarningKind | None = Field(None, description="只列出该类型的")
    department: int | None = Field(None, description="只列出该主管部门的")


# --- Rounds ----------------------------------------------------------------------------------


@router.get("/monitoring/rounds/", response=list[RoundOut], tags=[ROUNDS], summary="监控轮次列表")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def list_rounds(request: HttpRequest, filters: Query[RoundFilters]) -> QuerySet[MonitoringRound]:
    qs = queries.rounds_visible(request.auth)
    if filters.fiscal_year is not None:
        qs = qs.filter(fiscal_year=filters.fiscal_year)
    if filters.state is not None:
        qs = qs.filter(state=filters.state)
    return qs.order_by("-fiscal_year", "months_elapsed", "pk")


@router.get(
    "/monitoring/rounds/{int:round_id}",
    response={200: RoundOut, **_READ_ERRORS},
    tags=[ROUNDS],
    summary="监控轮次",
)
def get_round(request: HttpRequest, round_id: int) -> MonitoringRound:
    return queries.get_round_for_user(request.auth, round_id)


@router.post(
    "/monitoring/rounds/",
    response={201: RoundOut, **_WRITE_ERRORS},
    tags=[ROUNDS],
    summary="开启监控轮次（财政部门）",
)
def open_round(request: HttpRequest, payload: RoundOpenIn) -> Status:
    """Creates a form for every approved declaration of the bureau's tree. 403 for a caller
    who manages no monitoring; 404 for a bureau outside the caller's scope."""
    if not perms.can(request.auth, actions.MONITORING_MANAGE):
        raise PermissionDeniedError(NO_PERMISSION)
    bureau = perms.get_organization_for_user(
        request.auth, payload.bureau, actions.MONITORING_MANAGE
    )
    round = _refusing(
        lambda: services.round_open(
            actor=request.auth, bureau=bureau, **payload.model_dump(exclude={"bureau"})
        )
    )
    if isinstance(round, Status):
        return round
    return Status(201, queries.get_round_for_user(request.auth, round.pk))


@router.post(
    "/monitoring/rounds/{int:round_id}/compute",
    response={200: RoundOut, **_WRITE_ERRORS},
    tags=[ROUNDS],
    summary="计算本轮全部项目的预警（财政部门）",
)
def compute_round(request: HttpRequest, round_id: int) -> MonitoringRound:
    round = queries.get_round_for_user(request.auth, round_id)
    services.round_compute_warnings(actor=request.auth, round=round)
    return queries.get_round_for_user(request.auth, round_id)


# --- Forms -----------------------------------------------------------------------------------


@router.get(
    "/monitoring/forms/",
    response=list[FormListOut],
    tags=[FORMS],
    summary="绩效监控表列表（仅限可见范围）",
)
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def list_forms(request: HttpRequest, filters: Query[FormFilters]) -> QuerySet[MonitoringForm]:
    """Each form with its colours as last computed and its executed amount to date, in one
    query (``queries.form_rows``)."""
    user = request.auth
    round = None if filters.round is None else queries.get_round_for_user(user, filters.round)
    qs = queries.form_rows(
        user,
        round,
        department=str(filters.department or ""),
        unit=str(filters.unit or ""),
        state=filters.state or "",
        colour=filters.colour or "",
        q=filters.q,
    )
    return qs.order_by("-round__fiscal_year", "round__months_elapsed", "project__code", "pk")


def _form_out(user: Any, form_id: int) -> MonitoringForm:
    """The form with its colours, spending to date, indicator rows (each with the warning it
    would get now) and its stored warnings: four queries."""
    form = queries.get_form_for_user(user, form_id)
    row = queries.form_rows(user, form.round).get(pk=form.pk)
    row.indicators = [_indicator(form.round, r) for r in queries.progress_rows(form)]
    row.warnings = list(queries.form_warnings(form).select_related("project"))
    return row


def _indicator(round: MonitoringRound, row: IndicatorProgress) -> dict[str, Any]:
    parent = row.indicator.parent if row.indicator else None
    try:
        result = services.progress_warning(round, row)
    except ValueError:
        result = None
    return {
        "indicator_id": row.indicator_id,
        "level1": parent.parent.name if parent and parent.parent else "",
        "level2": parent.name if parent else "",
        "name": row.indicator_name,
        **{
            f: getattr(row, f)
            for f in (
                "kind",
                "direction",
                "target_value",
                "target_text",
                "unit",
                "actual",
                "expected",
                "level",
                "likelihood",
                "reasons",
                "measures",
            )
        },
        "reason_labels": row.reason_labels,
        "colour": result.colour if result else None,
        "explain": result.explain if result else "",
    }


@router.get(
    "/monitoring/forms/{int:form_id}",
    response={200: FormOut, **_READ_ERRORS},
    tags=[FORMS],
    summary="绩效监控表：预算执行、指标完成情况与预警",
)
def get_form(request: HttpRequest, form_id: int) -> MonitoringForm:
    return _form_out(request.auth, form_id)


def _refusing(call: Callable[[], Any]) -> Any:
    """The service's result, or a 400 naming every problem it found."""
    try:
        return call()
    except MonitoringError as exc:
        return Status(400, {"detail": exc.message, "problems": exc.problems or [exc.message]})


@router.patch(
    "/monitoring/forms/{int:form_id}",
    response={200: FormOut, **_WRITE_ERRORS},
    tags=[FORMS],
    summary="填报绩效监控表（保存草稿，单位）",
)
def save_form(request: HttpRequest, form_id: int, payload: FormSaveIn) -> Any:
    """Refused as a whole (400) when a value is invalid or an indicator whose likelihood is
    not 确定能, or whose warning would be red, lacks its reasons and measures."""
    form = queries.get_form_for_user(request.auth, form_id)
    values = payload.model_dump(exclude_unset=True)
    indicators = values.pop("indicators", [])
    progress = {
        item["indicator_id"]: {k: v for k, v in item.items() if k != "indicator_id"}
        for item in indicators
    }
    done = _refusing(
        lambda: services.form_save(actor=request.auth, form=form, progress=progress, **values)
    )
    return done if isinstance(done, Status) else _form_out(request.auth, form_id)


@router.post(
    "/monitoring/forms/{int:form_id}/submit",
    response={200: FormOut, **_WRITE_ERRORS},
    tags=[FORMS],
    summary="报送绩效监控表（单位）",
)
def submit_form(request: HttpRequest, form_id: int) -> Any:
    form = queries.get_form_for_user(request.auth, form_id)
    done = _refusing(lambda: services.form_submit(actor=request.auth, form=form))
    return done if isinstance(done, Status) else _form_out(request.auth, form_id)


# --- Spending --------------------------------------------------------------------------------


@router.post(
    "/monitoring/spending/",
    response={201: SpendingResultOut, **_WRITE_ERRORS},
    tags=[SPENDING],
    summary="推送支出数据（预算管理一体化系统，批量，全部或全不）",
)
def push_spending(request: HttpRequest, payload: SpendingIn) -> Any:
    items = [
        services.SpendingItem(i.project_code, i.date, i.amount, i.reference) for i in payload.items
    ]
    result = _refusing(
        lambda: services.spending_record(
            actor=request.auth, fiscal_year=payload.fiscal_year, items=items
        )
    )
    if isinstance(result, Status):
        return result
    return Status(201, result)


@router.get(
    "/monitoring/spending/",
    response=list[SpendingOut],
    tags=[SPENDING],
    summary="支出数据（仅限可见范围，新的在前）",
)
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def list_spending(
    request: HttpRequest, filters: Query[SpendingFilters]
) -> QuerySet[SpendingRecord]:
    return queries.spending_visible(request.auth, filters.fiscal_year, filters.project)


# --- Warnings --------------------------------------------------------------------------------


@router.get(
    "/monitoring/rounds/{int:round_id}/warnings",
    response=list[WarningOut],
    tags=[WARNINGS],
    summary="本轮预警（仅限可见范围）",
)
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def list_warnings(
    request: HttpRequest, round_id: int, filters: Query[WarningFilters]
) -> QuerySet[MonitoringWarning]:
    round = queries.get_round_for_user(request.auth, round_id)
    return queries.warning_rows(
        request.auth,
        round,
        colour=filters.colour or "",
        kind=filters.kind or "",
        department=str(filters.department or ""),
    )
