"""Feedback and rectification (BUD-11, 反馈整改): a result — a self-evaluation once approved, a
key evaluation, re-evaluation or department evaluation once finished — is sent to the unit with
the bureau's opinion and one rectification task per problem, due one month later by default
(``ResultSettings.rectification_months``); the unit answers each task with its measures and
evidence, the bureau accepts it or sends it back.

Task states: 待整改 → 待验收 → 已完成整改, or 待验收 → 已退回 → 待验收 …; ``_move`` is the one
state change. Every write is one transaction with its permission check and one audit row;
notifications go out after commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from jixiao.audit.services import audit_record
from jixiao.budget.evaluation.models import (
    Evaluation,
    EvaluationKind,
    EvaluationState,
    Grade,
    ResultState,
    SelfEvaluation,
)
from jixiao.budget.evaluation.result_models import (
    AnswerDecision,
    RectificationAnswer,
    RectificationState,
    RectificationTask,
    ResultFeedback,
)
from jixiao.budget.evaluation.results import errors
from jixiao.budget.evaluation.results.actions import RESULTS_ANSWER, RESULTS_MANAGE, RESULTS_VIEW
from jixiao.budget.evaluation.results.common import bureau_of, person, result_settings
from jixiao.budget.evaluation.results.errors import ResultsError
from jixiao.documents.language import official_text
from jixiao.notifications.services import notify_holders
from jixiao.orgs import permissions as perms
from jixiao.orgs.models import Organization, User
from jixiao.periods.dates import add_months

FEEDBACK_LINK = "/budget/results/feedback/{pk}/"
TASK_LINK = "/budget/results/rectification/{pk}/"
SELF_EVALUATION_SOURCE = "绩效自评"

_TRANSITIONS = {
    RectificationState.PENDING: {RectificationState.ANSWERED},
    RectificationState.ANSWERED: {RectificationState.DONE, RectificationState.RETURNED},
    RectificationState.RETURNED: {RectificationState.ANSWERED},
    RectificationState.DONE: set(),
}


def _move(task: RectificationTask, to: str) -> None:
    """The one state change of a task; refuses what the table does not allow."""
    if to not in _TRANSITIONS[RectificationState(task.state)]:
        if to == RectificationState.ANSWERED:
            message = errors.NOT_AWAITING_ANSWER
        else:
            message = errors.NOT_ANSWERED
        raise ResultsError(message.format(state=task.get_state_display()))
    task.state = to


# --- Sending a result --------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    problem: str
    suggestion: str = ""


def _problems(rows: Iterable[Problem | str]) -> list[Problem]:
    out = []
    for row in rows:
        item = Problem(row) if isinstance(row, str) else row
        if item.problem.strip():
            out.append(Problem(item.problem.strip(), item.suggestion.strip()))
    return out


@transaction.atomic
def feedback_send(
    *,
    actor: User | None,
    self_evaluation: SelfEvaluation | None = None,
    evaluation: Evaluation | None = None,
    opinion: str = "",
    problems: Iterable[Problem | str] = (),
    today: date | None = None,
) -> ResultFeedback:
    """Send a final result to the evaluated unit with the bureau's opinion; each problem
    becomes a rectification task due ``rectification_months`` after today."""
    if (self_evaluation is None) == (evaluation is None):
        raise ResultsError(errors.ONE_RESULT)
    if self_evaluation is not None:
        result: Any = SelfEvaluation.objects.select_for_update().get(pk=self_evaluation.pk)
        final = result.state == ResultState.APPROVED
        source = SELF_EVALUATION_SOURCE
        sent = ResultFeedback.objects.filter(self_evaluation=result).exists()
    else:
        result = Evaluation.objects.select_for_update().get(pk=evaluation.pk)  # type: ignore[union-attr]
        final = result.state == EvaluationState.FINISHED
        source = official_text(EvaluationKind(result.kind).label)
        sent = ResultFeedback.objects.filter(evaluation=result).exists()
    project = result.project
    perms.require(actor, RESULTS_MANAGE, project.unit)
    if not final:
        raise ResultsError(errors.RESULT_NOT_FINAL)
    if sent:
        raise ResultsError(errors.ALREADY_SENT)
    bureau = bureau_of(project.unit)
    today = today or timezone.localdate()
    feedback = ResultFeedback(
        bureau=bureau,
        fiscal_year=project.fiscal_year,
        project=project,
        unit=project.unit,
        self_evaluation=result if self_evaluation is not None else None,
        evaluation=result if evaluation is not None else None,
        source=source,
        total=result.total,
        grade=result.grade,
        opinion=opinion.strip(),
        sent_by=person(actor),
    )
    feedback.full_clean()
    feedback.save()
    deadline = add_months(today, result_settings(bureau, project.fiscal_year).rectification_months)
    tasks = [
        RectificationTask(
            feedback=feedback,
            project=project,
            unit=project.unit,
            position=n,
            problem=p.problem,
            suggestion=p.suggestion,
            deadline=deadline,
        )
        for n, p in enumerate(_problems(problems), 1)
    ]
    RectificationTask.objects.bulk_create(tasks)
    audit_record(
        actor=actor,
        action="budget.feedback.send",
        obj=feedback,
        organization_id=project.unit_id,
        new={
            "source": source,
            "total": str(feedback.total),
            "grade": feedback.grade,
            "tasks": len(tasks),
            "deadline": deadline.isoformat() if tasks else None,
        },
    )
    grade = official_text(Grade(feedback.grade).label) if feedback.grade else "未定级"
    title = f"评价结果反馈：{project.name}（{grade}）"
    if tasks:
        title += f"，{len(tasks)}项问题须在{deadline.isoformat()}前整改"
    notify_holders(
        organization=project.unit,
        action=RESULTS_ANSWER,
        actor=actor,
        title=title,
        link=FEEDBACK_LINK.format(pk=feedback.pk),
        dedupe_key=f"feedback:{feedback.pk}",
    )
    return feedback


@transaction.atomic
def rectification_add(
    *,
    actor: User | None,
    feedback: ResultFeedback,
    problem: str,
    suggestion: str = "",
    deadline: date | None = None,
) -> RectificationTask:
    """One more problem of a result sent earlier, due as the year's rule gives unless
    ``deadline`` is set."""
    perms.require(actor, RESULTS_MANAGE, feedback.unit)
    if not problem.strip():
        raise ResultsError(errors.PROBLEM_MISSING)
    today = timezone.localdate()
    if deadline is None:
        months = result_settings(feedback.bureau, feedback.fiscal_year).rectification_months
        deadline = add_months(today, months)
    elif deadline < today:
        raise ResultsError(errors.DEADLINE_PAST)
    last = feedback.tasks.order_by("-position").values_list("position", flat=True).first() or 0
    task = RectificationTask(
        feedback=feedback,
        project=feedback.project,
        unit=feedback.unit,
        position=last + 1,
        problem=problem.strip(),
        suggestion=suggestion.strip(),
        deadline=deadline,
    )
    task.full_clean()
    task.save()
    audit_record(
        actor=actor,
        action="budget.rectification.add",
        obj=task,
        organization_id=feedback.unit_id,
        new={"problem": task.problem, "deadline": deadline.isoformat()},
    )
    notify_holders(
        organization=feedback.unit,
        action=RESULTS_ANSWER,
        actor=actor,
        title=f"整改任务：{feedback.project.name}（{deadline.isoformat()}前答复）",
        link=TASK_LINK.format(pk=task.pk),
        dedupe_key=f"rectification:{task.pk}:add",
    )
    return task


# --- Answering and accepting -------------------------------------------------------------------


def _locked(task: RectificationTask) -> RectificationTask:
    return (
        RectificationTask.objects.select_for_update(of=("self",))
        .select_related("project", "unit", "feedback", "feedback__bureau")
        .get(pk=task.pk)
    )


@transaction.atomic
def rectification_answer(
    *,
    actor: User | None,
    task: RectificationTask,
    measures: str,
    evidence: File | None,
) -> RectificationAnswer:
    """The unit answers with its measures and evidence; the task awaits the bureau."""
    perms.require(actor, RESULTS_ANSWER, task.unit)
    task = _locked(task)
    before = task.state
    _move(task, RectificationState.ANSWERED)
    if not measures.strip():
        raise ResultsError(errors.MEASURES_MISSING)
    if evidence is None:
        raise ResultsError(errors.EVIDENCE_MISSING)
    answer = RectificationAnswer(task=task, measures=measures.strip(), answered_by=person(actor))
    answer.evidence.save(evidence.name or "evidence", evidence, save=False)
    answer.full_clean()
    answer.save()
    task.answered_at = timezone.now()
    task.save(update_fields=["state", "answered_at"])
    audit_record(
        actor=actor,
        action="budget.rectification.answer",
        obj=task,
        organization_id=task.unit_id,
        old={"state": before},
        new={"state": task.state, "measures": answer.measures, "evidence": answer.evidence.name},
    )
    notify_holders(
        organization=task.feedback.bureau,
        action=RESULTS_MANAGE,
        actor=actor,
        title=f"整改答复待验收：{task.project.name}",
        link=TASK_LINK.format(pk=task.pk),
        dedupe_key=f"rectification:{task.pk}:answer:{answer.pk}",
    )
    return answer


def _decide(
    actor: User | None, task: RectificationTask, decision: str, comment: str
) -> RectificationTask:
    perms.require(actor, RESULTS_MANAGE, task.unit)
    task = _locked(task)
    before = task.state
    accepted = decision == AnswerDecision.ACCEPTED
    _move(task, RectificationState.DONE if accepted else RectificationState.RETURNED)
    answer = task.answers.order_by("-answered_at", "-id").first()
    if answer is None:  # an answered task always has its answer
        raise ResultsError(errors.NOT_ANSWERED.format(state=before))
    answer.decision = decision
    answer.comment = comment.strip()
    answer.decided_by = person(actor)
    answer.decided_at = timezone.now()
    answer.save(update_fields=["decision", "comment", "decided_by", "decided_at"])
    task.done_at = answer.decided_at if accepted else None
    task.save(update_fields=["state", "done_at"])
    audit_record(
        actor=actor,
        action="budget.rectification.accept" if accepted else "budget.rectification.return",
        obj=task,
        organization_id=task.unit_id,
        old={"state": before},
        new={"state": task.state, "comment": answer.comment},
    )
    title = "整改已验收通过" if accepted else "整改答复被退回，请重新答复"
    notify_holders(
        organization=task.unit,
        action=RESULTS_ANSWER,
        actor=actor,
        title=f"{title}：{task.project.name}",
        link=TASK_LINK.format(pk=task.pk),
        dedupe_key=f"rectification:{task.pk}:{decision}:{answer.pk}",
    )
    return task


@transaction.atomic
def rectification_accept(
    *, actor: User | None, task: RectificationTask, comment: str = ""
) -> RectificationTask:
    """The bureau accepts the answer: the task is done (已完成整改)."""
    return _decide(actor, task, AnswerDecision.ACCEPTED, comment)


@transaction.atomic
def rectification_return(
    *, actor: User | None, task: RectificationTask, comment: str
) -> RectificationTask:
    """The bureau sends the answer back with its comment; the unit answers again."""
    if not comment.strip():
        raise ResultsError(errors.RETURN_COMMENT_MISSING)
    return _decide(actor, task, AnswerDecision.RETURNED, comment)


# --- Reads -------------------------------------------------------------------------------------


def feedback_visible(user: Any) -> QuerySet[ResultFeedback]:
    return perms.filter_for_user(
        user,
        ResultFeedback.objects.select_related("project", "unit", "project__department"),
        RESULTS_VIEW,
        "unit",
    )


def get_feedback_for_user(user: Any, pk: Any) -> ResultFeedback:
    """404 outside the user's scope."""
    return perms.get_for_user(
        user,
        ResultFeedback.objects.select_related(
            "project", "unit", "bureau", "self_evaluation", "evaluation"
        ),
        pk,
        RESULTS_VIEW,
        org_field="unit",
    )


def tasks_visible(
    user: Any, *, fiscal_year: int | None = None, state: str = ""
) -> QuerySet[RectificationTask]:
    rows = perms.filter_for_user(
        user,
        RectificationTask.objects.select_related(
            "project", "unit", "project__department", "feedback"
        ),
        RESULTS_VIEW,
        "unit",
    )
    if fiscal_year is not None:
        rows = rows.filter(feedback__fiscal_year=fiscal_year)
    if state:
        rows = rows.filter(state=state)
    return rows


def get_task_for_user(user: Any, pk: Any) -> RectificationTask:
    """404 outside the user's scope."""
    try:
        return tasks_visible(user).select_related("feedback__bureau").get(pk=pk)
    except (RectificationTask.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


OVERDUE = Q(state__in=[RectificationState.PENDING, RectificationState.RETURNED])


def overdue_tasks(
    user: Any, today: date | None = None, fiscal_year: int | None = None
) -> QuerySet[RectificationTask]:
    """Tasks past their deadline still waiting for the unit (not answered, or sent back)."""
    today = today or timezone.localdate()
    return tasks_visible(user, fiscal_year=fiscal_year).filter(OVERDUE, deadline__lt=today)


def unresolved_tasks(user: Any, fiscal_year: int | None = None) -> QuerySet[RectificationTask]:
    """Tasks not yet accepted (waiting for the unit or for the bureau)."""
    return tasks_visible(user, fiscal_year=fiscal_year).exclude(state=RectificationState.DONE)


@dataclass(frozen=True)
class DepartmentCounts:
    department: Organization | None
    total: int
    done: int
    waiting: int  # answered, awaiting the bureau
    unresolved: int
    overdue: int


def counts_by_department(
    user: Any, fiscal_year: int | None = None, today: date | None = None
) -> list[DepartmentCounts]:
    """Tasks per supervising department: total, done, awaiting acceptance, unresolved,
    overdue (one query)."""
    today = today or timezone.localdate()
    rows = (
        tasks_visible(user, fiscal_year=fiscal_year)
        .order_by()
        .values("project__department")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(state=RectificationState.DONE)),
            waiting=Count("id", filter=Q(state=RectificationState.ANSWERED)),
            overdue=Count("id", filter=OVERDUE & Q(deadline__lt=today)),
        )
    )
    departments = Organization.objects.in_bulk(
        [r["project__department"] for r in rows if r["project__department"]]
    )
    out = [
        DepartmentCounts(
            departments.get(r["project__department"]),
            r["total"],
            r["done"],
            r["waiting"],
            r["total"] - r["done"],
            r["overdue"],
        )
        for r in rows
    ]
    return sorted(
        out, key=lambda c: (-c.overdue, -c.unresolved, c.department.path if c.department else "")
    )


def results_to_send(user: Any, fiscal_year: int) -> dict[str, list[Any]]:
    """Final results of the year in the user's management scope not yet sent to the unit."""
    selves = perms.filter_for_user(
        user,
        SelfEvaluation.objects.filter(
            fiscal_year=fiscal_year, state=ResultState.APPROVED, feedback__isnull=True
        ).select_related("project", "unit"),
        RESULTS_MANAGE,
        "unit",
    )
    evaluations = perms.filter_for_user(
        user,
        Evaluation.objects.filter(
            fiscal_year=fiscal_year, state=EvaluationState.FINISHED, feedback__isnull=True
        ).select_related("project", "project__unit"),
        RESULTS_MANAGE,
        "project__unit",
    )
    return {
        "self_evaluations": list(selves.order_by("unit__path", "project__code")),
        "evaluations": list(evaluations.order_by("project__code")),
    }


def problems_suggested(result: SelfEvaluation | Evaluation) -> list[str]:
    """Problems the data suggests, to prefill the bureau's list: rows scored below full with
    the unit's explanation, an execution rate under 90 %."""
    out = []
    if isinstance(result, SelfEvaluation):
        for row in result.items.order_by("position", "id"):
            if row.score is not None and row.score < row.full_score:
                text = f"“{row.name}”未完全达到目标（得分{row.score}/{row.full_score}）"
                if row.explanation.strip():
                    text += f"：{row.explanation.strip()}"
                out.append(text)
        rate = result.execution_rate
        if rate is not None and rate < 0.9:
            out.append(f"预算执行率{rate * 100:.1f}%，低于90%")
    else:
        for row in result.items.order_by("position", "id"):
            if row.score is not None and row.full_score and row.score < row.full_score * 8 / 10:
                out.append(f"“{row.level2} · {row.name}”得分偏低（{row.score}/{row.full_score}）")
    return out
