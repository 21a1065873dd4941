"""Evaluation results through the API (issue 6 item 10): self-evaluations and evaluations (a
third-party evaluator or expert sees only the evaluations assigned to them), the grades in
force, next year's proposal, rectification tasks (read, answer with evidence, accept, return)
and disclosure (proposals in scope; published items for any signed-in caller).

Everything comes through the scoped queries (404 outside the scope) and the services (403 when
the caller may see but not act; 400 with the Chinese message when the rules refuse). Scores are
decimal strings; amounts in 万元.
"""

# No ``from __future__ import annotations``: ninja reads the annotations at import time.

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from jixiao.api.schemas import CommentIn, Error, OrgRef, ProjectRef, ValidationErrorOut
from jixiao.budget.evaluation import queries, services
from jixiao.budget.evaluation.models import (
    Evaluation,
    EvaluationKind,
    EvaluationState,
    Grade,
    ResultState,
    SelfEvaluation,
)
from jixiao.budget.evaluation.result_models import (
    Publication,
    PublicationKind,
    PublicationState,
    RectificationState,
    RectificationTask,
)
from jixiao.budget.evaluation.results import disclosure, rectification

MAX_PAGE = 500
EVALUATIONS, RESULTS, RECTIFICATION, DISCLOSURE = "绩效评价", "评价结果应用", "整改", "信息公开"

router = Router()
_READ: dict[int, Any] = {401: Error, 404: Error}
_WRITE: dict[int, Any] = {400: Error, 401: Error, 403: Error, 404: Error, 422: ValidationErrorOut}


# --- Shapes ------------------------------------------------------------------------------------


def _grade(code: str) -> str:
    return str(Grade(code).label) if code in Grade.values else ""


class SelfEvaluationListOut(Schema):
    id: int
    fiscal_year: int
    project: ProjectRef
    unit: OrgRef
    state: ResultState = Field(
        description="draft 草稿、submitted 待审核、returned 已退回、approved 已批复"
    )
    total: Decimal | None = Field(description="总分")
    grade: str = Field(description="等级代码：excellent/good/fair/poor，未计分为空")
    grade_label: str = Field(description="优/良/中/差")
    submitted_at: datetime | None

    @staticmethod
    def resolve_grade_label(obj: SelfEvaluation) -> str:
        return _grade(obj.grade)


class SelfItemOut(Schema):
    id: int
    level1: str
    level2: str
    name: str
    rule: str
    target_value: Decimal | None
    target_text: str
    unit: str
    full_score: Decimal
    actual: Decimal | None
    level: str
    score: Decimal | None
    explanation: str = Field(description="偏差原因分析及改进措施")
    explain: str = Field(description="计分说明")


class SelfEvaluationOut(SelfEvaluationListOut):
    budget_full_year: Decimal
    executed: Decimal
    execution_score: Decimal | None
    conclusion: str
    rule_version: str
    items: list[SelfItemOut]

    @staticmethod
    def resolve_items(obj: SelfEvaluation) -> list[Any]:
        """With the explanations a bulk recompute left empty rebuilt, as on the page."""
        return services.explained(obj, list(queries.self_items(obj)))


class EvaluationListOut(Schema):
    id: int
    fiscal_year: int
    kind: EvaluationKind = Field(
        description="key 重点评价、reevaluation 再评价、department 部门整体"
    )
    kind_label: str
    title: str
    project: ProjectRef
    unit: OrgRef
    state: EvaluationState = Field(description="draft 准备中、scoring 评分中、finished 已完成")
    total: Decimal | None
    grade: str
    grade_label: str
    finished_at: datetime | None

    @staticmethod
    def resolve_kind_label(obj: Evaluation) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_unit(obj: Evaluation) -> Any:
        return obj.project.unit

    @staticmethod
    def resolve_grade_label(obj: Evaluation) -> str:
        return _grade(obj.grade)


class EvaluationItemOut(Schema):
    id: int
    category: str
    level1: str
    level2: str
    name: str
    full_score: Decimal
    self_score: Decimal | None = Field(description="再评价：单位自评得分")
    score: Decimal | None
    explain: str


class EvaluationOut(EvaluationListOut):
    methods: list[str] = Field(description="评价方法")
    standards: list[str] = Field(description="评价标准")
    conclusion: str
    items: list[EvaluationItemOut]

    @staticmethod
    def resolve_methods(obj: Evaluation) -> list[str]:
        return obj.method_labels

    @staticmethod
    def resolve_standards(obj: Evaluation) -> list[str]:
        return obj.standard_labels

    @staticmethod
    def resolve_items(obj: Evaluation) -> list[Any]:
        return list(queries.evaluation_items(obj))


class GradeOut(Schema):
    project: ProjectRef
    unit: OrgRef
    total: Decimal | None
    grade: str
    grade_label: str
    source: str = Field(
        description="结果来源：重点评价、再评价、部门整体支出评价、绩效自评；未评价为空"
    )


class ProposalRowOut(Schema):
    project: ProjectRef
    grade: str
    grade_label: str
    base: Decimal = Field(description="本年度金额（万元）")
    proposed: Decimal = Field(description="下年度建议金额（万元）")
    cut: Decimal
    action: str = Field(description="处理建议，如“压减10%”")


class DepartmentProposalOut(Schema):
    department: OrgRef | None
    base: Decimal
    proposed: Decimal
    control: Decimal | None = Field(description="预算控制数（万元）")
    control_cut: Decimal = Field(description="扣减控制数（万元）")


class ProposalOut(Schema):
    fiscal_year: int = Field(description="建议所属年度（评价年度的下一年）")
    fair_cut: Decimal = Field(description="“中”等级压减比例")
    base: Decimal
    proposed: Decimal
    cut: Decimal
    control_cut: Decimal
    rows: list[ProposalRowOut]
    departments: list[DepartmentProposalOut]


class AnswerOut(Schema):
    id: int
    measures: str
    evidence: str = Field(description="佐证材料文件名")
    answered_at: datetime
    decision: str = Field(description="accepted 验收通过、returned 退回；未验收为空")
    comment: str
    decided_at: datetime | None

    @staticmethod
    def resolve_evidence(obj: Any) -> str:
        return obj.evidence.name.rsplit("/", 1)[-1] if obj.evidence else ""


class TaskOut(Schema):
    id: int
    project: ProjectRef
    unit: OrgRef
    position: int
    problem: str = Field(description="存在问题")
    suggestion: str = Field(description="整改建议")
    deadline: date = Field(description="整改期限")
    state: RectificationState = Field(
        description="pending 待整改、answered 待验收、returned 已退回、done 已完成整改"
    )
    state_label: str
    overdue: bool = Field(description="已过期限且仍待单位整改")
    source: str = Field(description="评价结果来源")
    answers: list[AnswerOut]

    @staticmethod
    def resolve_state_label(obj: RectificationTask) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_overdue(obj: RectificationTask) -> bool:
        return obj.awaits_unit and obj.deadline < timezone.localdate()

    @staticmethod
    def resolve_source(obj: RectificationTask) -> str:
        return obj.feedback.source

    @staticmethod
    def resolve_answers(obj: RectificationTask) -> list[Any]:
        return sorted(obj.answers.all(), key=lambda answer: answer.pk)  # prefetched in lists


class PublicationOut(Schema):
    id: int
    fiscal_year: int
    kind: PublicationKind = Field(
        description="targets 绩效目标、self_evaluation 自评结果、report 评价报告"
    )
    title: str
    project: ProjectRef
    unit: OrgRef
    department: OrgRef | None
    sector: str = Field(description="功能分类（类）代码")
    state: PublicationState = Field(
        description="proposed 待审核、rejected 未通过、published 已公开、withdrawn 已撤回"
    )
    published_at: datetime | None


class PublishedOut(PublicationOut):
    content: dict = Field(description="公开时固定的内容")


# --- Helpers -----------------------------------------------------------------------------------


class YearFilters(Schema):
    fiscal_year: int | None = Field(None, description="预算年度")


# --- Evaluations -------------------------------------------------------------------------------


class SelfEvaluationFilters(YearFilters):
    state: ResultState | None = None


@router.get(
    "/budget/self-evaluations/",
    response=list[SelfEvaluationListOut],
    tags=[EVALUATIONS],
    summary="绩效自评表列表（仅限可见范围）",
)
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def list_self_evaluations(
    request: HttpRequest, filters: Query[SelfEvaluationFilters]
) -> QuerySet[SelfEvaluation]:
    qs = queries.self_evaluations_visible(request.auth)
    if filters.fiscal_year is not None:
        qs = qs.filter(fiscal_year=filters.fiscal_year)
    if filters.state is not None:
        qs = qs.filter(state=filters.state)
    return qs.order_by("-fiscal_year", "project__code")


@router.get(
    "/budget/self-evaluations/{int:self_evaluation_id}",
    response={200: SelfEvaluationOut, **_READ},
    tags=[EVALUATIONS],
    summary="绩效自评表：得分、等级与逐项计分",
)
def get_self_evaluation(request: HttpRequest, self_evaluation_id: int) -> SelfEvaluation:
    return queries.get_self_evaluation_for_user(request.auth, self_evaluation_id)


class EvaluationFilters(YearFilters):
    kind: EvaluationKind | None = None
    state: EvaluationState | None = None


@router.get(
    "/budget/evaluations/",
    response=list[EvaluationListOut],
    tags=[EVALUATIONS],
    summary="重点评价、再评价与部门整体评价列表（第三方评价人员仅见指派给本人的）",
)
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def list_evaluations(
    request: HttpRequest, filters: Query[EvaluationFilters]
) -> QuerySet[Evaluation]:
    qs = queries.evaluations_visible(request.auth)
    if filters.fiscal_year is not None:
        qs = qs.filter(fiscal_year=filters.fiscal_year)
    if filters.kind is not None:
        qs = qs.filter(kind=filters.kind)
    if filters.state is not None:
        qs = qs.filter(state=filters.state)
    return qs


@router.get(
    "/budget/evaluations/{int:evaluation_id}",
    response={200: EvaluationOut, **_READ},
    tags=[EVALUATIONS],
    summary="绩效评价：方法、标准、逐项得分与结论",
)
def get_evaluation(request: HttpRequest, evaluation_id: int) -> Evaluation:
    return queries.get_evaluation_for_user(request.auth, evaluation_id)


# --- Grades and the proposal -------------------------------------------------------------------


class RequiredYear(Schema):
    fiscal_year: int = Field(description="评价的预算年度")


@router.get(
    "/budget/results/grades/",
    response={200: list[GradeOut], **_READ},
    tags=[RESULTS],
    summary="各项目现行评价结果与等级（仅限可见范围）",
)
def list_grades(request: HttpRequest, filters: Query[RequiredYear]) -> list[dict[str, Any]]:
    bureau = queries.results_bureau(request.auth)
    return [
        {
            "project": r.project,
            "unit": r.project.unit,
            "total": r.total,
            "grade": r.grade,
            "grade_label": str(r.grade_label) if r.grade else "",
            "source": str(r.source),
        }
        for r in queries.project_results(request.auth, bureau, filters.fiscal_year)
    ]


@router.get(
    "/budget/results/proposal/",
    response={200: ProposalOut, **_READ},
    tags=[RESULTS],
    summary="按评价等级提出的下年度预算安排建议（含合计与主管部门控制数）",
)
def get_proposal(request: HttpRequest, filters: Query[RequiredYear]) -> dict[str, Any]:
    plan = queries.proposal(request.auth, queries.results_bureau(request.auth), filters.fiscal_year)
    return {
        "fiscal_year": plan.fiscal_year,
        "fair_cut": plan.fair_cut,
        "base": plan.base,
        "proposed": plan.proposed,
        "cut": plan.cut,
        "control_cut": plan.control_cut,
        "rows": [
            {
                "project": r.result.project,
                "grade": r.result.grade,
                "grade_label": str(r.result.grade_label) if r.result.grade else "",
                "base": r.base,
                "proposed": r.proposed,
                "cut": r.cut,
                "action": r.action,
            }
            for r in plan.rows
        ],
        "departments": [
            {
                "department": d.department,
                "base": d.base,
                "proposed": d.proposed,
                "control": d.control,
                "control_cut": d.control_cut,
            }
            for d in plan.departments
        ],
    }


# --- Rectification -----------------------------------------------------------------------------


class TaskFilters(YearFilters):
    state: RectificationState | None = None
    overdue: bool = Field(False, description="只列逾期未整改的")


@router.get(
    "/budget/rectifications/",
    response=list[TaskOut],
    tags=[RECTIFICATION],
    summary="整改任务列表（仅限可见范围）",
)
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def list_tasks(request: HttpRequest, filters: Query[TaskFilters]) -> QuerySet[RectificationTask]:
    if filters.overdue:
        qs = rectification.overdue_tasks(request.auth, fiscal_year=filters.fiscal_year)
    else:
        qs = rectification.tasks_visible(request.auth, fiscal_year=filters.fiscal_year)
    if filters.state is not None:
        qs = qs.filter(state=filters.state)
    return qs.prefetch_related("answers").order_by("deadline", "id")


@router.get(
    "/budget/rectifications/{int:task_id}",
    response={200: TaskOut, **_READ},
    tags=[RECTIFICATION],
    summary="整改任务与历次答复",
)
def get_task(request: HttpRequest, task_id: int) -> RectificationTask:
    return rectification.get_task_for_user(request.auth, task_id)


@router.post(
    "/budget/rectifications/{int:task_id}/answer",
    response={200: TaskOut, **_WRITE},
    tags=[RECTIFICATION],
    summary="单位答复整改任务（multipart：整改措施 measures 与佐证材料 evidence）",
)
def answer_task(
    request: HttpRequest,
    task_id: int,
    measures: Form[str],
    evidence: File[UploadedFile] = None,  # type: ignore[assignment]
) -> RectificationTask:
    task = rectification.get_task_for_user(request.auth, task_id)
    rectification.rectification_answer(
        actor=request.auth, task=task, measures=measures, evidence=evidence
    )
    return rectification.get_task_for_user(request.auth, task_id)


@router.post(
    "/budget/rectifications/{int:task_id}/accept",
    response={200: TaskOut, **_WRITE},
    tags=[RECTIFICATION],
    summary="财政部门验收通过整改答复",
)
def accept_task(request: HttpRequest, task_id: int, payload: CommentIn) -> RectificationTask:
    task = rectification.get_task_for_user(request.auth, task_id)
    rectification.rectification_accept(actor=request.auth, task=task, comment=payload.comment)
    return rectification.get_task_for_user(request.auth, task_id)


@router.post(
    "/budget/rectifications/{int:task_id}/return",
    response={200: TaskOut, **_WRITE},
    tags=[RECTIFICATION],
    summary="财政部门退回整改答复（须填写意见）",
)
def return_task(request: HttpRequest, task_id: int, payload: CommentIn) -> RectificationTask:
    task = rectification.get_task_for_user(request.auth, task_id)
    rectification.rectification_return(actor=request.auth, task=task, comment=payload.comment)
    return rectification.get_task_for_user(request.auth, task_id)


# --- Disclosure --------------------------------------------------------------------------------


class PublicationFilters(YearFilters):
    state: PublicationState | None = None


@router.get(
    "/budget/publications/",
    response=list[PublicationOut],
    tags=[DISCLOSURE],
    summary="公开申请与已公开事项（仅限可见范围）",
)
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def list_publications(
    request: HttpRequest, filters: Query[PublicationFilters]
) -> QuerySet[Publication]:
    qs = disclosure.publications_visible(request.auth, state=filters.state or "")
    if filters.fiscal_year is not None:
        qs = qs.filter(fiscal_year=filters.fiscal_year)
    return qs.order_by("-fiscal_year", "-id")


class PublishedFilters(YearFilters):
    department: int | None = Field(None, description="主管部门 id")
    sector: str = Field("", description="功能分类（类）代码，如 213")
    kind: PublicationKind | None = None
    q: str = Field("", description="搜索：标题、项目代码、单位")


@router.get(
    "/budget/published/",
    response=list[PublicationOut],
    tags=[DISCLOSURE],
    summary="已公开的绩效信息（与公开网站相同）",
)
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def list_published(request: HttpRequest, filters: Query[PublishedFilters]) -> QuerySet[Publication]:
    return disclosure.published(
        fiscal_year=filters.fiscal_year,
        department=filters.department,
        sector=filters.sector[:3],
        kind=filters.kind or "",
        q=filters.q[:100],
    )


@router.get(
    "/budget/published/{int:publication_id}",
    response={200: PublishedOut, **_READ},
    tags=[DISCLOSURE],
    summary="一项已公开的绩效信息及其内容；未公开或已撤回的答复 404",
)
def get_published(request: HttpRequest, publication_id: int) -> Publication:
    return disclosure.get_published(publication_id)
