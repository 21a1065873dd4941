"""Evaluation results through the API (issue 6 item 10): self-evaluations and evaluations (a
third-party evaluator or expert sees only the evaluations assigned to them), the grades in
force, next year's proposal, rectification tasks (read, answer with evidence, accept, return),
disclosure (proposals in scope; published items for any signed-in caller) and the finalised
appraisal of the supervising departments' budget-performance work (BUD-14: versions, one
version's stored rows — a department only its own — and 定稿 by the bureau).

Everything comes through the scoped queries (404 outside the scope) and the services (403 when
the caller may see but not act; 400 with the Chinese message when the rules refuse). Scores are
decimal strings; amounts in 万元.
"""

# No ``from __future__ import annotations``: ninja reads the annotations at import time.

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from jixiao.api.errors import ApiError
from jixiao.api.schemas import (
    CommentIn,
    Error,
    OrgRef,
    PersonRef,
    ProjectRef,
    ValidationErrorOut,
)
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
    DepartmentAppraisal,
    Publication,
    PublicationKind,
    PublicationState,
    RectificationState,
    RectificationTask,
)
from jixiao.budget.evaluation.results import accountability, disclosure, rectification
from jixiao.budget.evaluation.results.actions import RESULTS_MANAGE, RESULTS_VIEW
from jixiao.orgs import permissions as perms
from jixiao.orgs.models import Organization, OrgKind

MAX_PAGE = 500
EVALUATIONS, RESULTS, RECTIFICATION, DISCLOSURE = "绩效评价", "评价结果应用", "整改", "信息公开"
APPRAISAL = "部门预算绩效管理工作考核"
APPRAISAL_NOT_FINALISED = "{year}年度的部门预算绩效管理工作考核尚未定稿。"

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


# --- The departments' appraisal (BUD-14) ---------------------------------------------------------


class AppraisalVersionOut(Schema):
    fiscal_year: int = Field(description="考核的预算年度")
    version: int = Field(description="定稿版本号，从 1 起；重新定稿为下一版本，之前的版本保留")
    finalised_at: datetime = Field(description="定稿时间")
    finalised_by: PersonRef | None = Field(description="定稿人")
    reason: str = Field(description="定稿说明（重新定稿的原因；第1版可为空）")
    rule_version: int = Field(description="计分规则版本")
    computed_at: datetime = Field(description="得分的计算时点")


class AppraisalSubCountOut(Schema):
    key: str = Field(description="declaration 目标申报、monitoring 监控、self_evaluation 自评")
    label: str
    done: int = Field(description="按时提交数")
    due: int = Field(description="应提交数")


class AppraisalPartOut(Schema):
    key: str = Field(
        description="timeliness 及时性、coverage 覆盖面、quality 质量、rectification 整改完成"
    )
    label: str
    weight: Decimal = Field(description="权重（该部分满分）")
    done: int = Field(description="按时、已完成或合格的事项数")
    due: int = Field(description="应考核事项数；为 0 时按满分计")
    points: Decimal = Field(description="得分：权重 × 完成比例，四舍五入到 0.01")
    sub: list[AppraisalSubCountOut] = Field(description="及时性的分项计数；其他部分为空")


class AppraisalRowOut(Schema):
    department: OrgRef = Field(description="主管部门")
    department_name: str = Field(description="定稿时的部门名称")
    rank: int = Field(description="名次（总分相同名次相同）")
    parts: list[AppraisalPartOut] = Field(description="四个部分的得分与计分依据")
    total: Decimal = Field(description="总分（各部分得分之和）")
    commended: bool = Field(description="通报表扬")
    notified: bool = Field(description="通报批评")
    explanation: list[str] = Field(description="计分说明，逐行，末行为合计")


class AppraisalOut(AppraisalVersionOut):
    bureau: OrgRef = Field(description="财政部门")
    latest_version: int = Field(description="本年度最新的定稿版本号")
    rules: dict = Field(
        description="定稿时使用的规则：weights 各部分权重、commend_top 表扬名额、"
        "notify_bottom 通报名额、declaration_due / self_evaluation_due 提交期限"
    )
    rows: list[AppraisalRowOut] = Field(description="按名次排列；主管部门只得到本部门的一行")


class FinaliseIn(Schema):
    reason: str = Field("", max_length=2000, description="定稿说明（重新定稿时必填）")


def _appraisal_bureau(user: Any) -> Organization:
    """The bureau whose appraisal the caller reads: its managers, and whoever reads results over
    one of its supervising departments (a department reviewer, a leader). 404 for anyone else:
    a unit has no row in the appraisal, an evaluator or a person of another tree no results."""
    bureau = queries.results_bureau(user)
    if perms.can(user, RESULTS_MANAGE, bureau):
        return bureau
    departments = perms.visible_organizations(user, RESULTS_VIEW).filter(
        kind=OrgKind.SUPERVISING_DEPARTMENT, path__startswith=bureau.path
    )
    if not departments.exists():
        raise Http404
    return bureau


def _part_out(part: Any, inputs: dict[str, Any]) -> dict[str, Any]:
    sub = inputs.get(part.key, {}).get("sub", {})
    return {
        "key": part.key,
        "label": part.label,
        "weight": part.weight,
        "done": part.done,
        "due": part.due,
        "points": part.points,
        "sub": [
            {"key": key, "label": label, "done": sub[key][0], "due": sub[key][1]}
            for key, label in accountability.SUB_LABELS.items()
            if key in sub
        ],
    }


def _appraisal_out(user: Any, bureau: Organization, fiscal_year: int, version: int | None) -> Any:
    """One stored version with the rows the caller may see (as on the page); never the live
    computation. 404 while nothing is finalised or for a version that does not exist."""
    latest = accountability.appraisal_versions(bureau, fiscal_year).first()
    if latest is None:
        raise ApiError(404, APPRAISAL_NOT_FINALISED.format(year=fiscal_year))
    try:
        appraisal = accountability.appraisal_for_user(
            user, bureau, fiscal_year, version=latest.version if version is None else version
        )
    except DepartmentAppraisal.DoesNotExist as exc:
        raise Http404 from exc
    stored = appraisal.version
    if stored is None:  # pragma: no cover (a version number is always given: never live)
        raise Http404
    return {
        "fiscal_year": stored.fiscal_year,
        "version": stored.version,
        "finalised_at": stored.finalised_at,
        "finalised_by": stored.finalised_by,
        "reason": stored.reason,
        "rule_version": stored.rule_version,
        "computed_at": stored.computed_at,
        "bureau": bureau,
        "latest_version": latest.version,
        "rules": stored.rules,
        "rows": [
            {
                "department": row.department,
                "department_name": row.row.department_name,
                "rank": row.rank,
                "parts": [_part_out(part, row.row.inputs) for part in row.parts],
                "total": row.total,
                "commended": row.commended,
                "notified": row.notified,
                "explanation": row.explanation,
            }
            for row in appraisal.rows
        ],
    }


@router.get(
    "/budget/results/department-appraisals/",
    response={200: list[AppraisalVersionOut], **_READ},
    tags=[APPRAISAL],
    summary="部门预算绩效管理工作考核的历次定稿（本级财政部门、指定年度，最新在前）",
)
def list_appraisal_versions(
    request: HttpRequest, filters: Query[RequiredYear]
) -> QuerySet[DepartmentAppraisal]:
    bureau = _appraisal_bureau(request.auth)
    return accountability.appraisal_versions(bureau, filters.fiscal_year)


@router.get(
    "/budget/results/department-appraisals/{int:fiscal_year}/latest",
    response={200: AppraisalOut, **_READ},
    tags=[APPRAISAL],
    summary="部门预算绩效管理工作考核最新定稿：各部门得分、名次、表扬与通报、计分依据与说明",
)
def get_latest_appraisal(request: HttpRequest, fiscal_year: int) -> Any:
    bureau = _appraisal_bureau(request.auth)
    return _appraisal_out(request.auth, bureau, fiscal_year, None)


@router.get(
    "/budget/results/department-appraisals/{int:fiscal_year}/versions/{int:version}",
    response={200: AppraisalOut, **_READ},
    tags=[APPRAISAL],
    summary="部门预算绩效管理工作考核的指定定稿版本",
)
def get_appraisal_version(request: HttpRequest, fiscal_year: int, version: int) -> Any:
    bureau = _appraisal_bureau(request.auth)
    return _appraisal_out(request.auth, bureau, fiscal_year, version)


@router.post(
    "/budget/results/department-appraisals/{int:fiscal_year}/finalise",
    response={201: AppraisalOut, **_WRITE},
    tags=[APPRAISAL],
    summary="财政部门对部门预算绩效管理工作考核定稿（保存为新版本；重新定稿须说明原因）",
)
def finalise_appraisal(request: HttpRequest, fiscal_year: int, payload: FinaliseIn) -> Status:
    bureau = _appraisal_bureau(request.auth)
    stored = accountability.department_appraisal_finalise(
        actor=request.auth, bureau=bureau, fiscal_year=fiscal_year, reason=payload.reason
    )
    return Status(201, _appraisal_out(request.auth, bureau, fiscal_year, stored.version))
