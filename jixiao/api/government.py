"""Government performance assessment through the API (GOV-1…5): schemes, items, values and
results.

Schemes come through ``government.scheme.view`` over the assessed organisation (the leadership
group's office, leaders); items through :func:`jixiao.government.queries.get_item_for_user`,
so a responsible person sees only the items assigned to them (and an office head those of the
office) and anything else answers 404. Writes go through :mod:`jixiao.government.services`,
which answer 403 when the caller may see the item but not do this (a leader entering values),
and 400 with the Chinese message when the rules refuse (a period of another year, an item
under review)."""

# No ``from __future__ import annotations``: ninja reads the annotations at import time.

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from jixiao.api.schemas import Error, OrgRef, PersonRef, ValidationErrorOut
from jixiao.government import errors, external, queries, services
from jixiao.government.errors import GovernmentError
from jixiao.government.models import Item, ItemValue, Part, Scheme, SchemeState
from jixiao.government.scoring import ItemScore, SchemeResult, scheme_result

router = Router(tags=["政府绩效管理"])
MAX_PAGE = 500
_READ_ERRORS: dict[int, Any] = {401: Error, 404: Error}
_WRITE_ERRORS: dict[int, Any] = {
    400: Error,
    401: Error,
    403: Error,
    404: Error,
    422: ValidationErrorOut,
}

Score = Annotated[Decimal, Field(ge=0, max_digits=6, decimal_places=2)]
Value = Annotated[Decimal, Field(max_digits=20, decimal_places=6)]


class RaterOut(Schema):
    name: str = Field(description="评价主体，如“分管领导”")
    weight: Decimal = Field(description="权重（%）")
    is_assessment: bool = Field(description="考核组：得分由两部分指标体系计算")
    score: Decimal | None = Field(description="评分（考核组为计算值）")


class SchemeOut(Schema):
    id: int
    year: int
    name: str
    organization: OrgRef = Field(description="考核对象（乡镇或部门）")
    quantitative_weight: Decimal = Field(description="量化评估权重（%）")
    social_weight: Decimal = Field(description="社会评估权重（%）")
    bonus_points: Decimal = Field(description="加分")
    bonus_reason: str
    state: str = Field(description="draft 设置中、active 实施中")
    state_label: str
    published_at: datetime | None = Field(description="在公开网站公开的时间；未公开为空")

    @staticmethod
    def resolve_state_label(obj: Scheme) -> str:
        return str(SchemeState(obj.state).label)


class ValueOut(Schema):
    period: str = Field(description="期间：2026-03（按月）或 2026-Q1（按季度）")
    value: Decimal
    progress_note: str = Field(description="进展情况")
    problems: str = Field(description="存在问题")
    measures: str = Field(description="措施")


class ItemOut(Schema):
    id: int
    scheme_id: int
    part: str = Field(description="quantitative 量化评估、social 社会评估")
    part_label: str
    name: str = Field(description="考核事项（末级指标）")
    path: str = Field(description="所在指标，如“经济发展水平 / 地区生产总值增长率”")
    full_score: Decimal | None = Field(description="分值")
    direction: str = Field(description="gte ≥、lte ≤、eq =；定性为空")
    target_value: Decimal | None = Field(description="年度目标值")
    unit: str
    office: OrgRef | None = Field(description="责任科室")
    responsible: PersonRef | None = Field(description="责任人")
    standard: str = Field(description="考核标准")
    deadline: date | None = Field(description="完成时限")
    frequency: str = Field(description="monthly 按月、quarterly 按季度")
    self_score: Decimal | None = Field(description="自评得分")
    self_check: str = Field(description="自查情况")
    self_explanation: str = Field(description="自评说明")
    review_score: Decimal | None = Field(description="领导小组办公室考核得分")
    review_comment: str
    feed_source: str = Field(
        description="取数来源，如 budget.department_appraisal（财政部门定稿的预算绩效管理工作"
        "考核）；不从外部取数为空"
    )
    feed_version: str = Field(description="所取的版本，如“第2版（2027-03-01定稿）”")
    fed_value: Decimal | None = Field(description="取数完成值（作为实际完成值计分）")
    fed_explanation: str = Field(description="取数说明（来源的计分依据）")
    fed_at: datetime | None = Field(description="取数时间")

    @staticmethod
    def resolve_part_label(obj: Item) -> str:
        return str(Part(obj.part).label)

    @staticmethod
    def resolve_name(obj: Item) -> str:
        return obj.indicator.name

    @staticmethod
    def resolve_path(obj: Item) -> str:
        parent = obj.indicator.parent
        return f"{parent.name} / {obj.indicator.name}" if parent else obj.indicator.name

    @staticmethod
    def resolve_full_score(obj: Item) -> Decimal | None:
        return obj.indicator.full_score

    @staticmethod
    def resolve_direction(obj: Item) -> str:
        return obj.indicator.direction

    @staticmethod
    def resolve_target_value(obj: Item) -> Decimal | None:
        return obj.indicator.target_value

    @staticmethod
    def resolve_unit(obj: Item) -> str:
        return obj.indicator.unit


class ItemDetailOut(ItemOut):
    state: str = Field(description="自评的审核状态：draft、submitted、returned、approved")
    actual: Decimal | None = Field(description="累计完成值")
    completion: Decimal | None = Field(description="完成进度（%）= 完成值 ÷ 年度目标")
    values: list[ValueOut]

    @staticmethod
    def resolve_state(obj: Item) -> str:
        return obj.api_state  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def resolve_actual(obj: Item) -> Decimal | None:
        return obj.api_progress.actual  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def resolve_completion(obj: Item) -> Decimal | None:
        return obj.api_progress.completion  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def resolve_values(obj: Item) -> list[ItemValue]:
        return list(obj.values.all())


class ItemFilters(Schema):
    scheme: int | None = Field(None, description="方案ID")
    mine: bool = Field(False, description="只列出本人负责（或本人科室负责人）的事项")


class ValueIn(Schema):
    period: str = Field(max_length=10, description="2026-03 或 2026-Q1")
    value: Value
    progress_note: str = ""
    problems: str = ""
    measures: str = ""


class SelfEvaluationIn(Schema):
    self_check: str
    self_score: Score
    self_explanation: str


class ReviewIn(Schema):
    score: Score
    comment: str = ""


class FeedIn(Schema):
    item_id: int | None = Field(
        None, description="取数的事项；不填为已关联的事项或标准名称的事项（预算绩效管理工作）"
    )


class ItemResultOut(Schema):
    item_id: int
    name: str
    part: str
    full_score: Decimal
    score: Decimal
    actual: Decimal | None
    reviewed: bool = Field(description="已由领导小组办公室考核；否则按完成值暂计")
    explain: str = Field(description="得分说明")


class PartOut(Schema):
    part: str
    label: str
    total: Decimal = Field(description="该部分得分（百分制）")
    weight: Decimal
    weighted: Decimal = Field(description="折算得分（精确值）")


class ResultOut(Schema):
    scheme_id: int
    total: Decimal = Field(description="总分（四舍五入保留两位小数）")
    exact_total: Decimal = Field(description="总分精确值")
    grade: str
    assessment: Decimal = Field(description="考核组得分 = 两部分折算得分之和")
    bonus: Decimal
    complete: bool = Field(description="全部事项已考核、全部评价主体已评分")
    parts: list[PartOut]
    raters: list[RaterOut]
    explanation: list[str] = Field(description="计算过程，逐行中文说明")
    items: list[ItemResultOut]


def _item_result(s: ItemScore) -> dict[str, Any]:
    return {
        "item_id": s.item.pk,
        "name": s.item.indicator.name,
        "part": s.item.part,
        "full_score": s.full,
        "score": s.score,
        "actual": s.actual,
        "reviewed": s.reviewed,
        "explain": s.explain,
    }


def _result_out(result: SchemeResult) -> dict[str, Any]:
    return {
        "scheme_id": result.scheme.pk,
        "total": result.total,
        "exact_total": result.exact_total,
        "grade": result.grade,
        "assessment": result.assessment,
        "bonus": result.bonus,
        "complete": result.complete,
        "parts": [
            {
                "part": p.part,
                "label": str(p.label),
                "total": p.total,
                "weight": p.weight,
                "weighted": p.weighted,
            }
            for p in result.parts
        ],
        "raters": [
            {
                "name": r.name,
                "weight": r.weight,
                "is_assessment": r.is_assessment,
                "score": r.score,
            }
            for r in result.raters
        ],
        "explanation": result.explanation(),
        "items": [_item_result(s) for s in result.items],
    }


def _item_detail(user: Any, pk: int) -> Item:
    """The item with its state, progress and values attached for ``ItemDetailOut``."""
    item = queries.get_item_for_user(user, pk)
    [progress] = queries.progress_rows([item], timezone.localdate())
    case = queries.case_of(item)
    item.api_state = case.state if case else "draft"  # type: ignore[attr-defined]
    item.api_progress = progress  # type: ignore[attr-defined]
    return item


@router.get(
    "/government/schemes/",
    response={200: list[SchemeOut], **_READ_ERRORS},
    summary="考核方案列表",
)
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def list_schemes(request: HttpRequest, year: int | None = None) -> Any:
    rows = queries.schemes_for_user(request.auth)
    return rows.filter(year=year) if year else rows


@router.get(
    "/government/schemes/{int:scheme_id}",
    response={200: SchemeOut, **_READ_ERRORS},
    summary="考核方案",
)
def get_scheme(request: HttpRequest, scheme_id: int) -> Scheme:
    return queries.get_scheme_for_user(request.auth, scheme_id)


@router.get(
    "/government/schemes/{int:scheme_id}/result",
    response={200: ResultOut, **_READ_ERRORS},
    summary="考核结果（量化评估、社会评估、各评价主体、加分，逐项说明）",
)
def get_result(request: HttpRequest, scheme_id: int) -> dict[str, Any]:
    scheme = queries.get_scheme_for_user(request.auth, scheme_id)
    return _result_out(scheme_result(scheme, external.scheme_feeds))


@router.get(
    "/government/items/",
    response={200: list[ItemOut], **_READ_ERRORS},
    summary="考核事项列表（责任人只看到自己的事项）",
)
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def list_items(request: HttpRequest, filters: Query[ItemFilters]) -> Any:
    rows = queries.my_items(request.auth) if filters.mine else queries.items_for_user(request.auth)
    rows = rows.select_related("indicator__parent")
    return rows.filter(scheme_id=filters.scheme) if filters.scheme else rows


@router.get(
    "/government/items/{int:item_id}",
    response={200: ItemDetailOut, **_READ_ERRORS},
    summary="考核事项（含期间完成值和进度）",
)
def get_item(request: HttpRequest, item_id: int) -> Item:
    return _item_detail(request.auth, item_id)


@router.post(
    "/government/items/{int:item_id}/values",
    response={200: ValueOut, **_WRITE_ERRORS},
    summary="填报（或更正）一期完成值",
)
def set_value(request: HttpRequest, item_id: int, payload: ValueIn) -> ItemValue:
    item = queries.get_item_for_user(request.auth, item_id)
    row = services.item_value_set(actor=request.auth, item=item, **payload.model_dump())
    return ItemValue.objects.get(pk=row.pk)  # as stored: six decimals


@router.post(
    "/government/items/{int:item_id}/self-evaluation",
    response={200: ItemDetailOut, **_WRITE_ERRORS},
    summary="自查自评",
)
def self_evaluate(request: HttpRequest, item_id: int, payload: SelfEvaluationIn) -> Any:
    item = queries.get_item_for_user(request.auth, item_id)
    services.item_self_evaluate(actor=request.auth, item=item, **payload.model_dump())
    return _item_detail(request.auth, item_id)


@router.post(
    "/government/items/{int:item_id}/submit",
    response={200: ItemDetailOut, **_WRITE_ERRORS},
    summary="提交自评（须有自评得分和佐证材料）",
)
def submit(request: HttpRequest, item_id: int) -> Any:
    item = queries.get_item_for_user(request.auth, item_id)
    services.item_submit(actor=request.auth, item=item)
    return _item_detail(request.auth, item_id)


@router.post(
    "/government/items/{int:item_id}/review",
    response={200: ItemDetailOut, **_WRITE_ERRORS},
    summary="领导小组办公室考核评分",
)
def review(request: HttpRequest, item_id: int, payload: ReviewIn) -> Status:
    item = queries.get_item_for_user(request.auth, item_id)
    services.item_review(actor=request.auth, item=item, **payload.model_dump())
    return Status(200, _item_detail(request.auth, item_id))


@router.post(
    "/government/schemes/{int:scheme_id}/feeds/{key}",
    response={200: ItemDetailOut, **_WRITE_ERRORS},
    summary="从外部考核取数（如：从财政部门定稿的预算绩效考核取数）",
)
def feed_pull(request: HttpRequest, scheme_id: int, key: str, payload: FeedIn) -> Any:
    scheme = queries.get_scheme_for_user(request.auth, scheme_id, manage=True)
    source = services.feed_source(key)
    if payload.item_id is not None:
        item = get_object_or_404(Item, pk=payload.item_id, scheme=scheme)
    else:
        item = services.feed_item(scheme, source)
        if item is None:
            raise GovernmentError(
                errors.FEED_NO_ITEM.format(name=source.item_name, label=source.label)
            )
    services.item_feed_pull(actor=request.auth, item=item, source_key=source.key)
    return _item_detail(request.auth, item.pk)
