"""The finance bureau's interventions during monitoring (BUD-5): correction requests (责令整改),
suspending or stopping a project (暂缓/停止), moving money between projects (资金调剂) with the
budgets reconciled, refreshing the open round's forms after a budget or target change, and the
mid-year review (中期评估).

Every write is one transaction with its permission check and one audit row: the bureau acts
with ``budget.monitoring.manage`` over the project's unit, the unit answers with
``budget.monitoring.fill``. Notifications go out after commit.

A project's available budget (可用预算) is its approved amount (the declared annual total
while none was approved, as monitoring forms take it) minus what was moved out plus what was
moved in; moving money out can never take it below what the project has already spent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from jixiao.audit.services import audit_record, snapshot
from jixiao.budget import permissions as actions
from jixiao.budget.models import Project
from jixiao.budget.monitoring.errors import MonitoringError
from jixiao.budget.monitoring.models import (
    AnswerDecision,
    Colour,
    CorrectionAnswer,
    CorrectionRequest,
    CorrectionState,
    FormState,
    HoldKind,
    IndicatorProgress,
    MidYearConclusion,
    MidYearReview,
    MidYearReviewItem,
    MonitoringForm,
    MonitoringRound,
    MonitoringWarning,
    ProjectHold,
    Reallocation,
    ReallocationLine,
    RoundState,
    SpendingRecord,
)
from jixiao.budget.monitoring.services import approved_projects, form_reopen
from jixiao.budget.services import SUBJECT
from jixiao.documents.language import official_text
from jixiao.indicators.models import Indicator
from jixiao.notifications.services import notify_holders
from jixiao.orgs import permissions as perms
from jixiao.orgs.models import Organization, OrgKind, User
from jixiao.workflow.models import WorkflowCase

MANAGE, FILL, VIEW = actions.MONITORING_MANAGE, actions.MONITORING_FILL, actions.MONITORING_VIEW
ZERO = Decimal(0)
CENT = Decimal("0.01")

# --- Messages (tests assert them) -------------------------------------------------------------
NO_BUREAU = "项目不在任何财政部门的管辖范围内。"
REQUIREMENT_MISSING = "请填写整改要求。"
DEADLINE_PAST = "整改期限不能早于今天。"
ROUND_OF_OTHER_BUREAU = "所选监控轮次不属于该项目所在的财政部门或预算年度。"
NOT_AWAITING_ANSWER = "该整改要求当前为“{state}”，不能答复。"
NOT_ANSWERED = "该整改要求当前为“{state}”，没有待审核的答复。"
MEASURES_MISSING = "请填写整改措施。"
RETURN_COMMENT_MISSING = "退回整改答复须填写审核意见。"
HOLD_REASON_MISSING = "请说明暂缓或停止执行的原因。"
ALREADY_HELD = "项目已{kind}执行。"
NOT_SUSPENDED = "项目未处于暂缓执行状态，无需恢复。"
STOPPED_FINAL = "项目已停止执行，不能恢复。"
NOT_APPROVED = "项目“{project}”的绩效目标尚未批复。"
TRANSFER_REASON_MISSING = "请填写调剂原因。"
TRANSFER_NO_TARGET = "请至少填写一个调入项目及金额。"
TRANSFER_SELF = "不能把资金调入调出项目本身。"
TRANSFER_REPEATED = "调入项目“{project}”重复。"
TRANSFER_YEAR = "调入项目“{project}”与调出项目不属于同一财政部门的同一预算年度。"
TRANSFER_AMOUNT = "调剂金额应为大于0的数字（万元，最多2位小数），实际为“{value}”。"
TRANSFER_TARGET_HELD = "项目“{project}”已{kind}执行，不能调入资金。"
TRANSFER_BELOW_SPENT = (
    "调出{amount}万元后，“{project}”的可用预算{available}万元将低于已支出的{spent}万元。"
)
ADJUST_BELOW_SPENT = "调整后项目可用预算{available}万元，低于已支出的{spent}万元。"
REOPEN_FOR_NEW_TARGETS = "绩效目标调整后新增了指标，请补充填报后重新报送。"
HELD_SPENDING = "项目“{code}”已{kind}执行，不能登记支出"
REVIEW_NO_PROJECTS = "请至少选择一个项目。"
REVIEW_PROJECT = "项目“{project}”不是{year}年度已批复的项目，或不在您的管辖范围内。"
REVIEW_CONCLUDED = "该项目已作出中期评估结论。"
REVIEW_CONCLUSION = "请选择评估结论。"
REVIEW_FINDINGS = "请填写评估发现。"
ADJUST_REQUIREMENT = (
    "中期评估结论为“调整后执行”：{findings}\n请按程序申请调整绩效目标（及预算），并报送调整情况。"
)


# --- Helpers -----------------------------------------------------------------------------------


def _person(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None


def bureau_of(project: Project) -> Organization:
    """The finance bureau whose tree holds the project's unit."""
    ids = [int(seg) for seg in project.unit.path.split(".") if seg]
    bureau = (
        Organization.objects.filter(pk__in=ids, kind=OrgKind.FINANCE_BUREAU)
        .order_by("depth")
        .first()
    )
    if bureau is None:
        raise MonitoringError(NO_BUREAU)
    return bureau


def money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _approved_ids(project_ids: Iterable[int]) -> set[int]:
    return {
        int(pk)
        for pk in WorkflowCase.objects.filter(
            subject_type=SUBJECT,
            subject_id__in=[str(pk) for pk in project_ids],
            approved_version__isnull=False,
        ).values_list("subject_id", flat=True)
    }


def _locked_project(project: Project) -> Project:
    return Project.objects.select_for_update(of=("self",)).select_related("unit").get(pk=project.pk)


# --- Correction requests (责令整改) -------------------------------------------------------------


# Links in notifications: the pages ``budget:correction`` and ``budget:project_interventions``
# (literal, as workflow.notify's links, so a service never loads the URL configuration).
CORRECTION_LINK = "/budget/monitoring/corrections/{pk}/"
PROJECT_LINK = "/budget/monitoring/projects/{pk}/interventions/"


def correction_url(request: CorrectionRequest) -> str:
    return CORRECTION_LINK.format(pk=request.pk)


def _warning_copies(round: MonitoringRound, project: Project) -> list[dict[str, Any]]:
    """The project's warnings in the round that are not green, as they read now."""
    rows = MonitoringWarning.objects.filter(round=round, project=project).exclude(
        colour=Colour.GREEN
    )
    return [
        {
            "kind": row.kind,
            "kind_label": row.get_kind_display(),
            "colour": row.colour,
            "colour_label": row.get_colour_display(),
            "indicator": row.indicator_id,
            "explain": row.explain,
        }
        for row in rows.order_by("id")
    ]


@transaction.atomic
def correction_require(
    *,
    actor: User | None,
    project: Project,
    requirement: str,
    deadline: date,
    round: MonitoringRound | None = None,
) -> CorrectionRequest:
    """The finance bureau requires the unit to correct the project by ``deadline``; with a
    round, the request names the project's form of that round and copies its warnings."""
    perms.require(actor, MANAGE, project.unit)
    bureau = bureau_of(project)
    if not requirement.strip():
        raise MonitoringError(REQUIREMENT_MISSING)
    if deadline < timezone.localdate():
        raise MonitoringError(DEADLINE_PAST)
    form, warnings = None, []
    if round is not None:
        if round.bureau_id != bureau.pk or round.fiscal_year != project.fiscal_year:
            raise MonitoringError(ROUND_OF_OTHER_BUREAU)
        form = MonitoringForm.objects.filter(round=round, project=project).first()
        warnings = _warning_copies(round, project)
    request = CorrectionRequest(
        project=project,
        bureau=bureau,
        round=round,
        form=form,
        warnings=warnings,
        requirement=requirement.strip(),
        deadline=deadline,
        requested_by=_person(actor),
    )
    request.full_clean()
    request.save()
    audit_record(
        actor=actor,
        action="budget.correction.require",
        obj=request,
        organization_id=project.unit_id,
        new={
            **snapshot(request, ["project_id", "round_id", "form_id", "requirement", "deadline"]),
            "warnings": len(warnings),
        },
    )
    notify_holders(
        organization=project.unit,
        action=FILL,
        actor=actor,
        title=f"整改要求：{project.name}（{deadline.isoformat()}前答复）",
        link=correction_url(request),
        dedupe_key=f"correction:{request.pk}:require",
    )
    return request


def _locked_request(request: CorrectionRequest) -> CorrectionRequest:
    return (
        CorrectionRequest.objects.select_for_update(of=("self",))
        .select_related("project", "project__unit", "bureau")
        .get(pk=request.pk)
    )


@transaction.atomic
def correction_answer(
    *,
    actor: User | None,
    request: CorrectionRequest,
    measures: str,
    attachment: File | None = None,
) -> CorrectionAnswer:
    """The unit answers with the measures it took (and a file): the request awaits the
    bureau's decision."""
    perms.require(actor, FILL, request.project.unit)
    request = _locked_request(request)
    if not request.awaits_unit:
        raise MonitoringError(NOT_AWAITING_ANSWER.format(state=request.get_state_display()))
    if not measures.strip():
        raise MonitoringError(MEASURES_MISSING)
    answer = CorrectionAnswer(
        request=request, measures=measures.strip(), answered_by=_person(actor)
    )
    if attachment is not None:
        answer.attachment.save(attachment.name or "attachment", attachment, save=False)
    answer.full_clean()
    answer.save()
    before = request.state
    request.state = CorrectionState.ANSWERED
    request.answered_at = timezone.now()
    request.save(update_fields=["state", "answered_at"])
    audit_record(
        actor=actor,
        action="budget.correction.answer",
        obj=request,
        organization_id=request.project.unit_id,
        old={"state": before},
        new={
            "state": request.state,
            "answer": answer.pk,
            "measures": answer.measures,
            "attachment": answer.attachment.name or "",
        },
    )
    notify_holders(
        organization=request.bureau,
        action=MANAGE,
        actor=actor,
        title=f"整改答复待审核：{request.project.name}",
        link=correction_url(request),
        dedupe_key=f"correction:{request.pk}:answer:{answer.pk}",
    )
    return answer


def _decide(
    actor: User | None, request: CorrectionRequest, decision: str, comment: str
) -> CorrectionRequest:
    perms.require(actor, MANAGE, request.project.unit)
    request = _locked_request(request)
    if request.state != CorrectionState.ANSWERED:
        raise MonitoringError(NOT_ANSWERED.format(state=request.get_state_display()))
    answer = request.answers.order_by("-answered_at", "-id").first()
    if answer is None:  # an answered request always has its answer
        raise MonitoringError(NOT_ANSWERED.format(state=request.get_state_display()))
    answer.decision = decision
    answer.comment = comment.strip()
    answer.decided_by = _person(actor)
    answer.decided_at = timezone.now()
    answer.save(update_fields=["decision", "comment", "decided_by", "decided_at"])
    accepted = decision == AnswerDecision.ACCEPTED
    request.state = CorrectionState.CLOSED if accepted else CorrectionState.RETURNED
    request.closed_at = answer.decided_at if accepted else None
    request.save(update_fields=["state", "closed_at"])
    audit_record(
        actor=actor,
        action="budget.correction.accept" if accepted else "budget.correction.return",
        obj=request,
        organization_id=request.project.unit_id,
        old={"state": CorrectionState.ANSWERED},
        new={"state": request.state, "answer": answer.pk, "comment": answer.comment},
    )
    verdict = "整改已办结" if accepted else "整改答复被退回"
    notify_holders(
        organization=request.project.unit,
        action=FILL,
        actor=actor,
        title=f"{verdict}：{request.project.name}",
        link=correction_url(request),
        dedupe_key=f"correction:{request.pk}:decide:{answer.pk}",
    )
    return request


@transaction.atomic
def correction_accept(
    *, actor: User | None, request: CorrectionRequest, comment: str = ""
) -> CorrectionRequest:
    """The bureau accepts the unit's answer: the request is closed (已办结)."""
    return _decide(actor, request, AnswerDecision.ACCEPTED, comment)


@transaction.atomic
def correction_return(
    *, actor: User | None, request: CorrectionRequest, comment: str
) -> CorrectionRequest:
    """The bureau sends the answer back with its comment; the unit answers again."""
    if not comment.strip():
        raise MonitoringError(RETURN_COMMENT_MISSING)
    return _decide(actor, request, AnswerDecision.RETURNED, comment)


def corrections_for_user(
    user: Any, *, fiscal_year: int | None = None, state: str = ""
) -> QuerySet[CorrectionRequest]:
    rows = perms.filter_for_user(
        user,
        CorrectionRequest.objects.select_related("project", "project__unit", "round"),
        VIEW,
        "project__unit",
    )
    if fiscal_year is not None:
        rows = rows.filter(project__fiscal_year=fiscal_year)
    if state:
        rows = rows.filter(state=state)
    return rows


def overdue_corrections(user: Any, today: date | None = None) -> QuerySet[CorrectionRequest]:
    """Requests past their deadline that still wait for the unit (not answered, or returned)."""
    today = today or timezone.localdate()
    return corrections_for_user(user).filter(
        state__in=[CorrectionState.PENDING, CorrectionState.RETURNED], deadline__lt=today
    )


def get_correction_for_user(user: Any, pk: Any) -> CorrectionRequest:
    """404 outside the user's scope."""
    return perms.get_for_user(
        user,
        CorrectionRequest.objects.select_related(
            "project", "project__unit", "project__department", "round", "form", "bureau"
        ),
        pk,
        VIEW,
        "project__unit",
    )


# --- Suspension and stop (暂缓/停止) -----------------------------------------------------------


def active_hold(project: Project) -> ProjectHold | None:
    return ProjectHold.objects.filter(project=project, ended_at__isnull=True).first()


def held_kinds(project_ids: Iterable[int]) -> dict[int, str]:
    """Project id → the kind of its hold in force, for the projects that have one."""
    return dict(
        ProjectHold.objects.filter(
            project_id__in=list(project_ids), ended_at__isnull=True
        ).values_list("project_id", "kind")
    )


def _hold(actor: User | None, project: Project, kind: str, reason: str) -> ProjectHold:
    perms.require(actor, MANAGE, project.unit)
    project = _locked_project(project)
    if not reason.strip():
        raise MonitoringError(HOLD_REASON_MISSING)
    current = active_hold(project)
    if current is not None and (current.kind == HoldKind.STOPPED or current.kind == kind):
        raise MonitoringError(ALREADY_HELD.format(kind=current.get_kind_display()))
    if current is not None:  # a suspension that becomes a stop
        current.ended_at, current.ended_by = timezone.now(), _person(actor)
        current.end_reason = reason.strip()
        current.save(update_fields=["ended_at", "ended_by", "end_reason"])
    hold = ProjectHold(project=project, kind=kind, reason=reason.strip(), started_by=_person(actor))
    hold.full_clean(validate_constraints=False)
    hold.save()
    audit_record(
        actor=actor,
        action=f"budget.project.{'suspend' if kind == HoldKind.SUSPENDED else 'stop'}",
        obj=project,
        organization_id=project.unit_id,
        old={"hold": current.kind if current else ""},
        new={"hold": kind, "reason": hold.reason},
    )
    notify_holders(
        organization=project.unit,
        action=FILL,
        actor=actor,
        title=f"项目{official_text(HoldKind(hold.kind).label)}执行：{project.name}",
        link=PROJECT_LINK.format(pk=project.pk),
        dedupe_key=f"hold:{hold.pk}",
    )
    return hold


@transaction.atomic
def project_suspend(*, actor: User | None, project: Project, reason: str) -> ProjectHold:
    """暂缓: the project takes no spending until it is resumed."""
    return _hold(actor, project, HoldKind.SUSPENDED, reason)


@transaction.atomic
def project_stop(*, actor: User | None, project: Project, reason: str) -> ProjectHold:
    """停止: the project takes no more spending, for good (a suspension may become a stop)."""
    return _hold(actor, project, HoldKind.STOPPED, reason)


@transaction.atomic
def project_resume(*, actor: User | None, project: Project, reason: str = "") -> ProjectHold:
    """恢复执行 of a suspended project."""
    perms.require(actor, MANAGE, project.unit)
    project = _locked_project(project)
    hold = active_hold(project)
    if hold is None:
        raise MonitoringError(NOT_SUSPENDED)
    if hold.kind == HoldKind.STOPPED:
        raise MonitoringError(STOPPED_FINAL)
    hold.ended_at, hold.ended_by, hold.end_reason = timezone.now(), _person(actor), reason.strip()
    hold.save(update_fields=["ended_at", "ended_by", "end_reason"])
    audit_record(
        actor=actor,
        action="budget.project.resume",
        obj=project,
        organization_id=project.unit_id,
        old={"hold": HoldKind.SUSPENDED},
        new={"hold": "", "reason": hold.end_reason},
    )
    notify_holders(
        organization=project.unit,
        action=FILL,
        actor=actor,
        title=f"项目恢复执行：{project.name}",
        link=PROJECT_LINK.format(pk=project.pk),
        dedupe_key=f"hold:{hold.pk}:resume",
    )
    return hold


def spending_hold_problems(codes_to_ids: dict[str, int]) -> dict[str, str]:
    """Project code → why it takes no spending, for the held projects among them (used by
    ``services.spending_record``)."""
    kinds = held_kinds(codes_to_ids.values())
    labels = dict(HoldKind.choices)
    return {
        code: HELD_SPENDING.format(code=code, kind=labels[kinds[pk]])
        for code, pk in codes_to_ids.items()
        if pk in kinds
    }


# --- Budgets: approved, moved, available, spent ---------------------------------------------


def _base(project: Project) -> Decimal:
    return project.approved_amount if project.approved_amount is not None else project.annual_total


def moves(project_ids: Iterable[int]) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
    """Project id → moved out, and project id → moved in (only projects with moves): two
    grouped queries for any number of projects."""
    ids = list(project_ids)
    outs = (
        Reallocation.objects.filter(source_id__in=ids)
        .values("source_id")
        .annotate(total=Sum("amount"))
        .values_list("source_id", "total")
    )
    ins = (
        ReallocationLine.objects.filter(target_id__in=ids)
        .values("target_id")
        .annotate(total=Sum("amount"))
        .values_list("target_id", "total")
    )
    return dict(outs), dict(ins)


def net_moves(project_ids: Iterable[int]) -> dict[int, Decimal]:
    """Project id → moved in − moved out (only projects with moves)."""
    outs, ins = moves(project_ids)
    return {pk: ins.get(pk, ZERO) - outs.get(pk, ZERO) for pk in outs.keys() | ins.keys()}


def available_budget(project: Project) -> Decimal:
    """Approved budget − moved out + moved in."""
    return _base(project) + net_moves([project.pk]).get(project.pk, ZERO)


def ensure_covers_spending(project: Project, approved_amount: Decimal) -> None:
    """Refuse an approved amount (a budget adjustment) that, with the money moved, would leave
    the project less than it has already spent."""
    available = approved_amount + net_moves([project.pk]).get(project.pk, ZERO)
    paid = spent([project.pk]).get(project.pk, ZERO)
    if available < paid:
        raise MonitoringError(
            ADJUST_BELOW_SPENT.format(available=money(available), spent=money(paid))
        )


def spent(project_ids: Iterable[int]) -> dict[int, Decimal]:
    """Project id → everything paid so far (reversals included)."""
    rows = (
        SpendingRecord.objects.filter(project_id__in=list(project_ids))
        .values("project_id")
        .annotate(total=Sum("amount"))
    )
    return {row["project_id"]: row["total"] for row in rows}


@dataclass(frozen=True)
class BudgetRow:
    project: Project
    approved: Decimal
    moved_out: Decimal
    moved_in: Decimal
    spent: Decimal
    hold: str  # HoldKind value or ""

    @property
    def available(self) -> Decimal:
        return self.approved - self.moved_out + self.moved_in

    @property
    def hold_label(self) -> str:
        return str(dict(HoldKind.choices).get(self.hold, ""))


@dataclass(frozen=True)
class Reconciliation:
    """A year's budgets before and after the moves: the totals must agree to the cent."""

    fiscal_year: int
    rows: list[BudgetRow]

    def _total(self, field: str) -> Decimal:
        return sum((getattr(row, field) for row in self.rows), ZERO)

    @property
    def approved_total(self) -> Decimal:
        return self._total("approved")

    @property
    def moved_out_total(self) -> Decimal:
        return self._total("moved_out")

    @property
    def moved_in_total(self) -> Decimal:
        return self._total("moved_in")

    @property
    def available_total(self) -> Decimal:
        return self._total("available")

    @property
    def spent_total(self) -> Decimal:
        return self._total("spent")

    @property
    def balanced(self) -> bool:
        return (
            self.approved_total == self.available_total
            and self.moved_out_total == self.moved_in_total
        )


def budget_rows(projects: QuerySet[Project]) -> list[BudgetRow]:
    """The budget figures of the projects: five queries for any number of projects."""
    projects = list(projects.select_related("unit").order_by("code"))
    ids = [p.pk for p in projects]
    (outs, ins), paid, holds = moves(ids), spent(ids), held_kinds(ids)
    return [
        BudgetRow(
            project=p,
            approved=_base(p),
            moved_out=outs.get(p.pk, ZERO),
            moved_in=ins.get(p.pk, ZERO),
            spent=paid.get(p.pk, ZERO),
            hold=holds.get(p.pk, ""),
        )
        for p in projects
    ]


def reconciliation(bureau: Organization, fiscal_year: int) -> Reconciliation:
    """Every approved project of the bureau's tree for the year (and any project that money
    was moved from or to), approved → available."""
    moved = Reallocation.objects.filter(bureau=bureau, fiscal_year=fiscal_year)
    involved = Q(pk__in=approved_projects(bureau, fiscal_year).values("pk"))
    involved |= Q(pk__in=moved.values("source_id"))
    involved |= Q(pk__in=ReallocationLine.objects.filter(reallocation__in=moved).values("target"))
    return Reconciliation(fiscal_year, budget_rows(Project.objects.filter(involved)))


def reallocations_for_user(user: Any, fiscal_year: int) -> QuerySet[Reallocation]:
    return (
        perms.filter_for_user(user, Reallocation.objects.all(), VIEW, "source__unit")
        .filter(fiscal_year=fiscal_year)
        .select_related("source", "source__unit", "created_by")
        .prefetch_related("lines__target")
    )


# --- Moving money (资金调剂) -------------------------------------------------------------------


def _transfer_amount(value: Any) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise MonitoringError(TRANSFER_AMOUNT.format(value=value)) from exc
    if not number.is_finite() or number <= 0 or number != number.quantize(CENT):
        raise MonitoringError(TRANSFER_AMOUNT.format(value=value))
    if number >= Decimal(10) ** 14:
        raise MonitoringError(TRANSFER_AMOUNT.format(value=value))
    return number.quantize(CENT)


@transaction.atomic
def reallocation_create(
    *,
    actor: User | None,
    source: Project,
    lines: Sequence[tuple[Project, Decimal | str]],
    reason: str,
) -> Reallocation:
    """Move money (万元, two decimals) from ``source`` to one or more projects of the same
    bureau and year. The source keeps at least what it has spent; the targets must not be
    suspended or stopped; both ends must be approved. The open round's forms of every project
    involved take their new budget."""
    perms.require(actor, MANAGE, source.unit)
    for target, _ in lines:
        perms.require(actor, MANAGE, target.unit)
    if not reason.strip():
        raise MonitoringError(TRANSFER_REASON_MISSING)
    if not lines:
        raise MonitoringError(TRANSFER_NO_TARGET)
    ids = sorted({source.pk, *(target.pk for target, _ in lines)})
    locked = Project.objects.select_for_update().select_related("unit").in_bulk(ids)
    source = locked[source.pk]
    bureau = bureau_of(source)
    parsed = _lines(source, bureau, [(locked[t.pk], amount) for t, amount in lines])
    approved = _approved_ids(ids)
    for project in locked.values():
        if project.pk not in approved:
            raise MonitoringError(NOT_APPROVED.format(project=project.name))
    total = sum((amount for _, amount in parsed), ZERO)
    available = available_budget(source) - total
    paid = spent([source.pk]).get(source.pk, ZERO)
    if available < paid:
        raise MonitoringError(
            TRANSFER_BELOW_SPENT.format(
                amount=money(total),
                project=source.name,
                available=money(available),
                spent=money(paid),
            )
        )
    move = Reallocation(
        bureau=bureau,
        fiscal_year=source.fiscal_year,
        source=source,
        amount=total,
        reason=reason.strip(),
        created_by=_person(actor),
    )
    move.full_clean()
    move.save()
    ReallocationLine.objects.bulk_create(
        ReallocationLine(reallocation=move, target=target, amount=amount)
        for target, amount in parsed
    )
    audit_record(
        actor=actor,
        action="budget.reallocation.create",
        obj=move,
        organization_id=bureau.pk,
        new={
            "fiscal_year": move.fiscal_year,
            "source": source.code,
            "amount": total,
            "lines": [{"target": t.code, "amount": a} for t, a in parsed],
            "reason": move.reason,
            "source_available": available,
        },
    )
    open_forms_refresh(actor=actor, projects=list(locked.values()))
    return move


def _lines(
    source: Project, bureau: Organization, lines: Sequence[tuple[Project, Any]]
) -> list[tuple[Project, Decimal]]:
    parsed, seen = [], set()
    holds = held_kinds(target.pk for target, _ in lines)
    labels = dict(HoldKind.choices)
    for target, value in lines:
        if target.pk == source.pk:
            raise MonitoringError(TRANSFER_SELF)
        if target.pk in seen:
            raise MonitoringError(TRANSFER_REPEATED.format(project=target.name))
        seen.add(target.pk)
        if target.fiscal_year != source.fiscal_year or not target.unit.path.startswith(bureau.path):
            raise MonitoringError(TRANSFER_YEAR.format(project=target.name))
        if target.pk in holds:
            raise MonitoringError(
                TRANSFER_TARGET_HELD.format(project=target.name, kind=labels[holds[target.pk]])
            )
        parsed.append((target, _transfer_amount(value)))
    return parsed


# --- The open round's forms after a budget or target change --------------------------------


def _target_rows(project: Project) -> list[Indicator]:
    if project.annual_tree_id is None:
        return []
    return list(
        Indicator.objects.filter(tree_id=project.annual_tree_id, level=3).order_by(
            "parent_id", "position", "id"
        )
    )


COPIED = ("indicator_name", "kind", "direction", "target_value", "target_text", "unit")


def _copy_target(row: IndicatorProgress, indicator: Indicator) -> None:
    row.indicator_name = indicator.name
    row.kind = indicator.kind
    row.direction = indicator.direction
    row.target_value = indicator.target_value
    row.target_text = indicator.target_text
    row.unit = indicator.unit


def open_forms_refresh(*, actor: User | None, projects: Sequence[Project]) -> int:
    """Bring the projects' forms of open rounds up to date: the budget becomes the available
    budget, the progress rows follow the approved targets — rows of targets that remain keep
    what the unit entered and take the new target, removed targets lose their rows, new ones
    get empty rows. Called inside the services that change budgets or targets (their
    transaction, their permission check); one audit row per form that changed."""
    forms = list(
        MonitoringForm.objects.select_for_update(of=("self",))
        .filter(project__in=[p.pk for p in projects], round__state=RoundState.OPEN)
        .select_related("project", "round")
    )
    nets = net_moves(p.pk for p in projects)
    changed = 0
    for form in forms:
        if _refresh_form(actor, form, _base(form.project) + nets.get(form.project_id, ZERO)):
            changed += 1
    return changed


def _refresh_form(actor: User | None, form: MonitoringForm, budget: Decimal) -> bool:
    targets = {i.pk: i for i in _target_rows(form.project)}
    rows = list(form.progress.all())
    gone = [row for row in rows if row.indicator_id not in targets]
    kept = [row for row in rows if row.indicator_id in targets]
    updated = []
    for row in kept:
        before = [getattr(row, f) for f in COPIED]
        _copy_target(row, targets[row.indicator_id])
        if before != [getattr(row, f) for f in COPIED]:
            updated.append(row)
    have = {row.indicator_id for row in kept}
    added = []
    for pk, indicator in targets.items():
        if pk not in have:
            row = IndicatorProgress(form=form, indicator=indicator)
            _copy_target(row, indicator)
            added.append(row)
    old_budget = form.budget
    if not (gone or updated or added or old_budget != budget):
        return False
    IndicatorProgress.objects.filter(pk__in=[row.pk for row in gone]).delete()
    IndicatorProgress.objects.bulk_update(updated, list(COPIED))
    IndicatorProgress.objects.bulk_create(added)
    form.budget = budget
    form.save(update_fields=["budget", "updated_at"])
    reopen = bool(added) and form.state == FormState.SUBMITTED
    audit_record(
        actor=actor,
        action="budget.monitoring.form_refresh",
        obj=form,
        organization_id=form.project.unit_id,
        old={"budget": old_budget, "removed": [row.indicator_name for row in gone]},
        new={
            "budget": budget,
            "updated": [row.indicator_name for row in updated],
            "added": [row.indicator_name for row in added],
        },
    )
    if reopen:  # the unit fills the new targets' rows
        form_reopen(actor=actor, form=form, reason=REOPEN_FOR_NEW_TARGETS)
    return True


# --- Mid-year review (中期评估) -----------------------------------------------------------------


@transaction.atomic
def midyear_review_create(
    *,
    actor: User | None,
    bureau: Organization,
    fiscal_year: int,
    projects: Sequence[Project],
    due_date: date,
    title: str = "",
) -> MidYearReview:
    """The bureau chooses approved projects of its tree for a mid-year review."""
    perms.require(actor, MANAGE, bureau)
    if not projects:
        raise MonitoringError(REVIEW_NO_PROJECTS)
    allowed = set(approved_projects(bureau, fiscal_year).values_list("pk", flat=True))
    for project in projects:
        if project.pk not in allowed:
            raise MonitoringError(REVIEW_PROJECT.format(project=project.name, year=fiscal_year))
    review = MidYearReview(
        bureau=bureau,
        fiscal_year=fiscal_year,
        title=title.strip() or f"{fiscal_year}年度中期评估",
        due_date=due_date,
        created_by=_person(actor),
    )
    review.full_clean()
    review.save()
    MidYearReviewItem.objects.bulk_create(
        MidYearReviewItem(review=review, project=project)
        for project in {p.pk: p for p in projects}.values()
    )
    audit_record(
        actor=actor,
        action="budget.midyear.create",
        obj=review,
        organization_id=bureau.pk,
        new={
            "fiscal_year": fiscal_year,
            "title": review.title,
            "due_date": due_date,
            "projects": sorted(p.code for p in projects),
        },
    )
    return review


@transaction.atomic
def midyear_review_conclude(
    *,
    actor: User | None,
    item: MidYearReviewItem,
    findings: str,
    conclusion: str,
    act: bool = False,
    deadline: date | None = None,
) -> MidYearReviewItem:
    """Record the review of one project: findings and a conclusion. With ``act`` the
    conclusion is carried out: 暂缓 suspends and 停止 stops the project, 继续执行 resumes a
    suspended one, 调整后执行 requires the unit (a correction request, due ``deadline`` or in
    15 days) to adjust its targets through the review."""
    item = (
        MidYearReviewItem.objects.select_for_update(of=("self",))
        .select_related("review", "project", "project__unit")
        .get(pk=item.pk)
    )
    project = item.project
    perms.require(actor, MANAGE, project.unit)
    if item.conclusion:
        raise MonitoringError(REVIEW_CONCLUDED)
    if conclusion not in MidYearConclusion.values:
        raise MonitoringError(REVIEW_CONCLUSION)
    if not findings.strip():
        raise MonitoringError(REVIEW_FINDINGS)
    item.findings, item.conclusion = findings.strip(), conclusion
    item.concluded_by, item.concluded_at = _person(actor), timezone.now()
    item.action = _carry_out(actor, item, deadline) if act else ""
    item.save(update_fields=["findings", "conclusion", "action", "concluded_by", "concluded_at"])
    audit_record(
        actor=actor,
        action="budget.midyear.conclude",
        obj=item,
        organization_id=project.unit_id,
        new=snapshot(item, ["project_id", "findings", "conclusion", "action"]),
    )
    return item


def _carry_out(actor: User | None, item: MidYearReviewItem, deadline: date | None) -> str:
    project, findings = item.project, item.findings
    reason = f"{item.review.title}：{findings}"
    if item.conclusion == MidYearConclusion.SUSPEND:
        project_suspend(actor=actor, project=project, reason=reason)
        return "已暂缓执行"
    if item.conclusion == MidYearConclusion.STOP:
        project_stop(actor=actor, project=project, reason=reason)
        return "已停止执行"
    if item.conclusion == MidYearConclusion.ADJUST:
        request = correction_require(
            actor=actor,
            project=project,
            requirement=ADJUST_REQUIREMENT.format(findings=findings),
            deadline=deadline or timezone.localdate() + timedelta(days=15),
        )
        return f"已要求调整（整改要求{request.pk}）"
    hold = active_hold(project)
    if hold is not None and hold.kind == HoldKind.SUSPENDED:
        project_resume(actor=actor, project=project, reason=reason)
        return "已恢复执行"
    return ""


def midyear_reviews_for_user(user: Any) -> QuerySet[MidYearReview]:
    return perms.filter_for_user(user, MidYearReview.objects.all(), VIEW, "bureau")


def get_midyear_review_for_user(user: Any, pk: Any) -> MidYearReview:
    return perms.get_for_user(user, MidYearReview.objects.all(), pk, VIEW, "bureau")


def midyear_items(review: MidYearReview) -> QuerySet[MidYearReviewItem]:
    return review.items.select_related("project", "project__unit", "concluded_by").order_by(
        "project__code"
    )


LABELS = {
    "budget.correction.require": "责令整改",
    "budget.correction.answer": "答复整改要求",
    "budget.correction.accept": "整改办结",
    "budget.correction.return": "退回整改答复",
    "budget.project.suspend": "暂缓项目执行",
    "budget.project.stop": "停止项目执行",
    "budget.project.resume": "恢复项目执行",
    "budget.reallocation.create": "资金调剂",
    "budget.monitoring.form_refresh": "更新绩效监控表预算及指标",
    "budget.midyear.create": "发起中期评估",
    "budget.midyear.conclude": "中期评估结论",
}
