"""Surveys through the API (BUD-9, GOV-5): questionnaires in the caller's scope, their
satisfaction figures, and building, publishing and closing them.

Surveys come through :func:`jixiao.surveys.queries.get_survey_for_user` with
``surveys.survey.view`` over their organisation (lists filtered, single surveys 404 outside
the scope); writes go through :mod:`jixiao.surveys.services`, which check
``surveys.survey.manage`` themselves (403 when the caller may see the survey but not change
it) and the survey's state (400 with the Chinese message). Answers are given on the public
page, not through this API.
"""

# No ``from __future__ import annotations``: ninja reads the operations' annotations at import.

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from jixiao.api.schemas import Error, OrgRef, ValidationErrorOut
from jixiao.orgs import permissions as perms
from jixiao.surveys import queries, services
from jixiao.surveys.models import QuestionKind, SatisfactionMethod, Survey, SurveyState
from jixiao.surveys.permissions import SURVEY_MANAGE, SURVEY_VIEW
from jixiao.surveys.services import MAX_TOKENS, OptionSpec

MAX_PAGE = 500
SURVEYS = "问卷调查"

router = Router(tags=[SURVEYS])
_READ_ERRORS: dict[int, Any] = {401: Error, 404: Error}
_WRITE_ERRORS: dict[int, Any] = {400: Error, 401: Error, 403: Error, 404: Error}
_WRITE_ERRORS[422] = ValidationErrorOut

Points = Annotated[Decimal, Field(max_digits=7, decimal_places=2)]


# --- Shapes ----------------------------------------------------------------------------------


class OptionOut(Schema):
    id: int
    label: str
    points: Decimal | None = Field(description="分值（按分值计算满意度时使用）")
    satisfied: bool = Field(description="算作满意（按满意选项占比计算时使用）")


class QuestionOut(Schema):
    id: int
    position: int
    kind: QuestionKind = Field(description="single 单选、multiple 多选、rating 评分、text 填空")
    text: str
    help_text: str
    required: bool
    satisfaction: SatisfactionMethod = Field(
        description="计入满意度的方法：share 满意选项占比、points 平均分值÷满分；空为不计入"
    )
    options: list[OptionOut]

    @staticmethod
    def resolve_options(obj: Any) -> list[Any]:
        return list(obj.options.all())


class SurveyListOut(Schema):
    id: int
    title: str
    organization: OrgRef = Field(description="发布单位")
    subject_type: str = Field(description="关联对象类型，如 budget.project")
    subject_id: str = Field(description="关联对象编号")
    subject_label: str = Field(description="关联对象名称")
    state: SurveyState = Field(description="draft 草稿、open 收集中、closed 已结束")
    state_label: str
    token_required: bool = Field(description="仅凭邀请码作答")
    ip_hourly_limit: int = Field(description="公开链接同一网络每小时最多提交份数")
    answer_count: int = Field(description="答卷份数")
    public_url: str | None = Field(description="公开答题链接；草稿为空")
    published_at: datetime | None
    closed_at: datetime | None

    @staticmethod
    def resolve_state_label(obj: Survey) -> str:
        return str(SurveyState(obj.state).label)

    @staticmethod
    def resolve_answer_count(obj: Survey) -> int:
        count = getattr(obj, "answer_count", None)
        return count if count is not None else obj.responses.count()

    @staticmethod
    def resolve_public_url(obj: Survey, context: Any) -> str | None:
        if not obj.slug:
            return None
        path = reverse("surveys:answer", kwargs={"slug": obj.slug})
        return context["request"].build_absolute_uri(path)


class SurveyOut(SurveyListOut):
    description: str
    questions: list[QuestionOut]

    @staticmethod
    def resolve_questions(obj: Survey) -> list[Any]:
        return queries.questions_with_options(obj)


class OptionFigureOut(Schema):
    option_id: int
    label: str
    count: int = Field(description="选择人数")
    share: Decimal | None = Field(description="占回答该题份数的百分比")
    points: Decimal | None
    satisfied: bool


class QuestionFiguresOut(Schema):
    question_id: int
    number: int = Field(description="题号（从 1 起）")
    text: str
    satisfaction: str
    answered: int = Field(description="回答该题的份数")
    rate: Decimal | None = Field(description="该题满意度（%）")
    options: list[OptionFigureOut]


class SatisfactionOut(Schema):
    survey_id: int
    rate: Decimal | None = Field(description="满意度（%，0–100，两位小数）；无回答时为空")
    answers: int = Field(description="答卷份数")
    per_question: list[QuestionFiguresOut] = Field(description="计入满意度的各题")
    explain: str = Field(description="计算说明（中文）")


class SurveyFilters(Schema):
    state: SurveyState | None = None
    organization: int | None = Field(None, description="组织 id（含下级）")
    subject_type: str | None = None
    subject_id: str | None = None
    q: str | None = Field(None, description="标题、关联对象或单位名称包含")


class OptionIn(Schema):
    label: str = Field(min_length=1, max_length=200)
    points: Points | None = None
    satisfied: bool = False


class QuestionIn(Schema):
    kind: QuestionKind
    text: str = Field(min_length=1, max_length=500)
    help_text: str = Field("", max_length=300)
    required: bool = True
    satisfaction: SatisfactionMethod = SatisfactionMethod.NONE
    options: list[OptionIn] = Field(
        default_factory=list, description="评分题留空时使用五级量表（非常满意100 … 非常不满意0）"
    )


class SurveyCreateIn(Schema):
    organization: int = Field(description="发布单位的组织 id")
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    subject_type: str = Field("", max_length=64)
    subject_id: str = Field("", max_length=64)
    subject_label: str = Field("", max_length=255)
    ip_hourly_limit: int | None = Field(None, ge=1, le=100000)
    questions: list[QuestionIn] = Field(default_factory=list, description="依次添加的题目")


class PublishIn(Schema):
    tokens: int = Field(0, ge=0, le=MAX_TOKENS, description="生成的一次性邀请码数量")
    token_required: bool = Field(False, description="仅凭邀请码作答")


class TokenOut(Schema):
    code: str
    used: bool

    @staticmethod
    def resolve_used(obj: Any) -> bool:
        return obj.used_at is not None


# --- Operations ------------------------------------------------------------------------------


@router.get("/surveys/", response=list[SurveyListOut], summary="问卷列表（仅限可见范围）")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def list_surveys(request: HttpRequest, filters: Query[SurveyFilters]) -> QuerySet[Survey]:
    rows = queries.surveys_for_user(request.auth, state=filters.state or "", q=filters.q or "")
    if filters.organization is not None:
        org = perms.visible_organizations(request.auth, SURVEY_VIEW).filter(pk=filters.organization)
        path = org.values_list("path", flat=True).first()
        rows = rows.filter(organization__path__startswith=path) if path else rows.none()
    if filters.subject_type:
        rows = rows.filter(subject_type=filters.subject_type)
    if filters.subject_id:
        rows = rows.filter(subject_id=filters.subject_id)
    return rows.order_by("-created_at", "-pk")


@router.get("/surveys/{int:survey_id}", response={200: SurveyOut, **_READ_ERRORS}, summary="问卷")
def get_survey(request: HttpRequest, survey_id: int) -> Survey:
    return queries.get_survey_for_user(request.auth, survey_id)


@router.get(
    "/surveys/{int:survey_id}/satisfaction",
    response={200: SatisfactionOut, **_READ_ERRORS},
    summary="满意度及计算说明",
)
def get_satisfaction(request: HttpRequest, survey_id: int) -> dict[str, Any]:
    survey = queries.get_survey_for_user(request.auth, survey_id)
    figures = queries.satisfaction(survey)
    return {
        "survey_id": survey.pk,
        "rate": figures.rate,
        "answers": figures.answers,
        "per_question": figures.per_question,
        "explain": figures.explain,
    }


def _question_args(question: QuestionIn) -> dict[str, Any]:
    return {
        "kind": question.kind,
        "text": question.text,
        "help_text": question.help_text,
        "required": question.required,
        "satisfaction": question.satisfaction,
        "options": [OptionSpec(o.label, o.points, o.satisfied) for o in question.options],
    }


@router.post("/surveys/", response={201: SurveyOut, **_WRITE_ERRORS}, summary="新建问卷（草稿）")
def create_survey(request: HttpRequest, payload: SurveyCreateIn) -> Status:
    """An organisation outside the caller's view answers 404; one the caller may see but not
    manage surveys for (a leader) 403. With ``questions``, all or nothing."""
    organization = perms.get_organization_for_user(request.auth, payload.organization, SURVEY_VIEW)
    values = payload.model_dump(exclude={"organization", "questions"})
    with transaction.atomic():
        survey = services.survey_create(actor=request.auth, organization=organization, **values)
        for question in payload.questions:
            services.question_add(actor=request.auth, survey=survey, **_question_args(question))
    return Status(201, queries.get_survey_for_user(request.auth, survey.pk))


@router.post(
    "/surveys/{int:survey_id}/questions",
    response={201: QuestionOut, **_WRITE_ERRORS},
    summary="添加题目（草稿时）",
)
def add_question(request: HttpRequest, survey_id: int, payload: QuestionIn) -> Status:
    survey = queries.get_survey_for_user(request.auth, survey_id)
    question = services.question_add(actor=request.auth, survey=survey, **_question_args(payload))
    return Status(201, question)


@router.post(
    "/surveys/{int:survey_id}/publish",
    response={200: SurveyOut, **_WRITE_ERRORS},
    summary="发布：生成公开链接和邀请码",
)
def publish_survey(request: HttpRequest, survey_id: int, payload: PublishIn) -> Survey:
    survey = queries.get_survey_for_user(request.auth, survey_id)
    services.survey_publish(
        actor=request.auth,
        survey=survey,
        tokens=payload.tokens,
        token_required=payload.token_required,
    )
    return queries.get_survey_for_user(request.auth, survey_id)


@router.post(
    "/surveys/{int:survey_id}/close",
    response={200: SurveyOut, **_WRITE_ERRORS},
    summary="结束收集",
)
def close_survey(request: HttpRequest, survey_id: int) -> Survey:
    survey = queries.get_survey_for_user(request.auth, survey_id)
    services.survey_close(actor=request.auth, survey=survey)
    return queries.get_survey_for_user(request.auth, survey_id)


@router.get(
    "/surveys/{int:survey_id}/tokens",
    response={200: list[TokenOut], **_WRITE_ERRORS},
    summary="邀请码（可管理问卷者）",
)
def list_tokens(request: HttpRequest, survey_id: int) -> list[Any]:
    survey = queries.get_survey_for_user(request.auth, survey_id)
    perms.require(request.auth, SURVEY_MANAGE, survey.organization)
    return list(survey.tokens.order_by("pk"))
