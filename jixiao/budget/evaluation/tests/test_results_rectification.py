"""Feedback and rectification (BUD-11): results sent to the unit with one task per problem,
due one month later (configurable per year); answers with measures and evidence; acceptance
or return; overdue and unresolved lists by department."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from jixiao.audit.models import AuditEvent
from jixiao.budget.evaluation import services as evaluation_services
from jixiao.budget.evaluation.result_models import RectificationState, RectificationTask
from jixiao.budget.evaluation.results import errors, rectification, rules
from jixiao.budget.evaluation.results.errors import ResultsError
from jixiao.budget.evaluation.tests.factories import approved, submitted
from jixiao.budget.evaluation.tests.results_factories import finished_key, sent
from jixiao.budget.monitoring.tests.factories import YEAR, approved_project
from jixiao.notifications.models import Notification
from jixiao.orgs.errors import PermissionDeniedError
from jixiao.periods.dates import add_months

D = Decimal
pytestmark = pytest.mark.django_db


def evidence(name: str = "整改报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 evidence", content_type="application/pdf")


def test_add_months_keeps_the_day_or_the_month_end() -> None:
    assert add_months(date(2028, 3, 15), 1) == date(2028, 4, 15)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2027, 12, 31), 2) == date(2028, 2, 29)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)


def test_an_approved_self_evaluation_is_sent_with_a_task_per_problem(
    personas, django_capture_on_commit_callbacks
) -> None:
    self_evaluation = approved(personas.unit_a)
    with django_capture_on_commit_callbacks(execute=True):
        feedback = rectification.feedback_send(
            actor=personas.finance_reviewer,
            self_evaluation=self_evaluation,
            opinion="总体完成较好。",
            problems=[
                rectification.Problem("绩效目标设置不够细化", "细化数量指标"),
                "  ",
                "资金支付进度偏慢",
            ],
            today=date(YEAR + 1, 3, 10),
        )
    assert feedback.source == "绩效自评" and feedback.total == self_evaluation.total
    assert feedback.grade == self_evaluation.grade and feedback.unit == personas.unit_a
    tasks = list(feedback.tasks.order_by("position"))
    assert [t.problem for t in tasks] == ["绩效目标设置不够细化", "资金支付进度偏慢"]
    assert tasks[0].suggestion == "细化数量指标"
    assert {t.deadline for t in tasks} == {date(YEAR + 1, 4, 10)}  # one month
    assert {t.state for t in tasks} == {RectificationState.PENDING}
    note = Notification.objects.get(recipient=personas.unit_a_operator)
    assert note.title.startswith("评价结果反馈：") and "2项问题须在" in note.title
    assert note.link == f"/budget/results/feedback/{feedback.pk}/"
    event = AuditEvent.objects.get(action="budget.feedback.send")
    assert event.new_values["tasks"] == 2
    with pytest.raises(ResultsError) as exc:
        rectification.feedback_send(actor=None, self_evaluation=self_evaluation)
    assert exc.value.message == errors.ALREADY_SENT


def test_the_rectification_period_is_configurable_per_year(personas) -> None:
    rules.result_settings_set(
        actor=personas.finance_reviewer,
        bureau=personas.bureau,
        fiscal_year=YEAR,
        rectification_months=2,
    )
    self_evaluation = approved(personas.unit_a)
    feedback = rectification.feedback_send(
        actor=None, self_evaluation=self_evaluation, problems=["问题"], today=date(YEAR + 1, 1, 31)
    )
    assert feedback.tasks.get().deadline == date(YEAR + 1, 3, 31)
    with pytest.raises(ResultsError) as exc:
        rules.result_settings_set(
            actor=None, bureau=personas.bureau, fiscal_year=YEAR, rectification_months=13
        )
    assert exc.value.message == errors.MONTHS_RANGE
    with pytest.raises(PermissionDeniedError):
        rules.result_settings_set(
            actor=personas.unit_a_operator, bureau=personas.bureau, fiscal_year=YEAR
        )


def test_only_final_results_are_sent_and_only_by_the_bureau(personas) -> None:
    pending = submitted(personas.unit_a)
    with pytest.raises(ResultsError) as exc:
        rectification.feedback_send(actor=None, self_evaluation=pending)
    assert exc.value.message == errors.RESULT_NOT_FINAL
    with pytest.raises(ResultsError) as exc:
        rectification.feedback_send(actor=None)
    assert exc.value.message == errors.ONE_RESULT
    evaluation_services.self_evaluation_approve(actor=None, self_evaluation=pending)
    evaluation_services.self_evaluation_approve(actor=None, self_evaluation=pending)
    for outsider in (personas.unit_a_operator, personas.department_reviewer, personas.leader):
        with pytest.raises(PermissionDeniedError):
            rectification.feedback_send(actor=outsider, self_evaluation=pending)
    rectification.feedback_send(actor=personas.finance_reviewer, self_evaluation=pending)


def test_a_finished_key_evaluation_is_sent(personas) -> None:
    project = approved_project(personas.unit_a, "K001")
    evaluation = finished_key(personas, project, fraction=D("0.7"))
    suggested = rectification.problems_suggested(evaluation)
    assert suggested and all("得分偏低" in p for p in suggested)
    feedback = rectification.feedback_send(
        actor=personas.finance_reviewer, evaluation=evaluation, problems=suggested[:1]
    )
    assert feedback.source == "重点评价" and feedback.grade == "fair"
    assert feedback.total == evaluation.total == D(70)


def test_the_unit_answers_and_the_bureau_returns_then_accepts(
    personas, django_capture_on_commit_callbacks
) -> None:
    feedback = sent(personas)
    task = feedback.tasks.order_by("position").first()
    with pytest.raises(ResultsError) as exc:
        rectification.rectification_answer(
            actor=personas.unit_a_operator, task=task, measures=" ", evidence=evidence()
        )
    assert exc.value.message == errors.MEASURES_MISSING
    with pytest.raises(ResultsError) as exc:
        rectification.rectification_answer(
            actor=personas.unit_a_operator, task=task, measures="已细化", evidence=None
        )
    assert exc.value.message == errors.EVIDENCE_MISSING
    for outsider in (personas.unit_b_operator, personas.finance_reviewer):
        with pytest.raises(PermissionDeniedError):
            rectification.rectification_answer(
                actor=outsider, task=task, measures="x", evidence=evidence()
            )
    with pytest.raises(ResultsError) as exc:  # nothing to accept yet
        rectification.rectification_accept(actor=personas.finance_reviewer, task=task)
    assert exc.value.message == errors.NOT_ANSWERED.format(state="待整改")
    with django_capture_on_commit_callbacks(execute=True):
        answer = rectification.rectification_answer(
            actor=personas.unit_a_operator, task=task, measures="已细化指标", evidence=evidence()
        )
    task.refresh_from_db()
    assert task.state == RectificationState.ANSWERED and answer.evidence.name.endswith(".pdf")
    assert Notification.objects.filter(
        recipient=personas.finance_reviewer, title__startswith="整改答复待验收"
    ).exists()
    with pytest.raises(ResultsError) as exc:  # answered already
        rectification.rectification_answer(
            actor=personas.unit_a_operator, task=task, measures="again", evidence=evidence()
        )
    assert exc.value.message == errors.NOT_AWAITING_ANSWER.format(state="待验收")
    with pytest.raises(ResultsError) as exc:
        rectification.rectification_return(actor=personas.finance_reviewer, task=task, comment="")
    assert exc.value.message == errors.RETURN_COMMENT_MISSING
    with pytest.raises(PermissionDeniedError):
        rectification.rectification_accept(actor=personas.unit_a_operator, task=task)
    rectification.rectification_return(
        actor=personas.finance_reviewer, task=task, comment="佐证材料不足"
    )
    task.refresh_from_db()
    assert task.state == RectificationState.RETURNED and task.done_at is None
    assert task.answers.get().decision == "returned"
    rectification.rectification_answer(
        actor=personas.unit_a_operator, task=task, measures="补充材料", evidence=evidence()
    )
    rectification.rectification_accept(actor=personas.finance_reviewer, task=task, comment="好")
    task.refresh_from_db()
    assert task.state == RectificationState.DONE and task.done_at is not None
    assert [a.decision for a in task.answers.order_by("id")] == ["returned", "accepted"]
    with pytest.raises(ResultsError):
        rectification.rectification_answer(
            actor=personas.unit_a_operator, task=task, measures="x", evidence=evidence()
        )
    actions = list(
        AuditEvent.objects.filter(action__startswith="budget.rectification.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "budget.rectification.answer",
        "budget.rectification.return",
        "budget.rectification.answer",
        "budget.rectification.accept",
    ]


def test_a_problem_added_later(personas) -> None:
    feedback = sent(personas, problems=())
    with pytest.raises(ResultsError) as exc:
        rectification.rectification_add(actor=None, feedback=feedback, problem=" ")
    assert exc.value.message == errors.PROBLEM_MISSING
    with pytest.raises(ResultsError) as exc:
        rectification.rectification_add(
            actor=None, feedback=feedback, problem="p", deadline=date(2000, 1, 1)
        )
    assert exc.value.message == errors.DEADLINE_PAST
    with pytest.raises(PermissionDeniedError):
        rectification.rectification_add(
            actor=personas.unit_a_operator, feedback=feedback, problem="p"
        )
    task = rectification.rectification_add(
        actor=personas.finance_reviewer, feedback=feedback, problem="台账不全"
    )
    assert task.position == 1 and task.deadline > timezone.localdate()


def test_overdue_and_unresolved_lists_by_department(personas) -> None:
    first = sent(personas, "P001", problems=("a", "b", "c"))
    today = first.tasks.first().deadline + timedelta(days=1)
    a, b, c = first.tasks.order_by("position")
    rectification.rectification_answer(
        actor=personas.unit_a_operator, task=a, measures="m", evidence=evidence()
    )
    rectification.rectification_answer(
        actor=personas.unit_a_operator, task=b, measures="m", evidence=evidence()
    )
    rectification.rectification_accept(actor=None, task=b)
    other = approved(personas.unit_b, "P002")
    rectification.feedback_send(actor=None, self_evaluation=other, problems=["d"])
    finance = personas.finance_reviewer
    assert set(rectification.overdue_tasks(finance, today)) == {c} | set(
        RectificationTask.objects.filter(project__code="P002")
    )
    assert set(rectification.unresolved_tasks(finance)) == {a, c} | set(
        RectificationTask.objects.filter(project__code="P002")
    )
    rows = {r.department.name: r for r in rectification.counts_by_department(finance, YEAR, today)}
    education = rows["测试县教育局"]
    assert (education.total, education.done, education.waiting) == (3, 1, 1)
    assert (education.unresolved, education.overdue) == (2, 1)
    health = rows["测试县卫生健康局"]
    assert (health.total, health.done, health.unresolved, health.overdue) == (1, 0, 1, 1)
    # Scope: a department reviewer sees its own department only; unit B's operator its own.
    assert {
        r.department.name
        for r in rectification.counts_by_department(personas.department_reviewer, YEAR, today)
    } == {"测试县教育局"}
    assert list(rectification.overdue_tasks(personas.unit_b_operator, today)) == list(
        RectificationTask.objects.filter(project__code="P002")
    )
    with pytest.raises(Http404):
        rectification.get_task_for_user(personas.unit_b_operator, a.pk)
    with pytest.raises(Http404):
        rectification.get_feedback_for_user(personas.unit_b_operator, first.pk)
    with pytest.raises(Http404):
        rectification.get_task_for_user(personas.evaluator, a.pk)
    assert rectification.get_task_for_user(personas.leader, a.pk) == a


def test_results_to_send_lists_final_unsent_results(personas) -> None:
    approved(personas.unit_a, "P001")
    submitted(personas.unit_b, "P002")
    key = finished_key(personas, approved_project(personas.unit_b, "K001"))
    waiting = rectification.results_to_send(personas.finance_reviewer, YEAR)
    assert [s.project.code for s in waiting["self_evaluations"]] == ["P001"]
    assert waiting["evaluations"] == [key]
    rectification.feedback_send(actor=None, evaluation=key)
    assert rectification.results_to_send(personas.finance_reviewer, YEAR)["evaluations"] == []
    assert rectification.results_to_send(personas.unit_a_operator, YEAR)["self_evaluations"] == []
