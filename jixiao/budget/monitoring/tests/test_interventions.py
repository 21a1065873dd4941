"""The finance bureau's interventions: corrections, suspension and stop, moving money with the
budgets reconciled, forms refreshed after an adjustment, mid-year review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from jixiao.audit.models import AuditEvent
from jixiao.budget import services as budget
from jixiao.budget.models import Project
from jixiao.budget.monitoring import compute, interventions
from jixiao.budget.monitoring import services as monitoring
from jixiao.budget.monitoring.errors import MonitoringError
from jixiao.budget.monitoring.interventions import (
    correction_accept,
    correction_answer,
    correction_require,
    correction_return,
    midyear_review_conclude,
    midyear_review_create,
    project_resume,
    project_stop,
    project_suspend,
    reallocation_create,
)
from jixiao.budget.monitoring.models import (
    CorrectionState,
    HoldKind,
    MidYearConclusion,
    MonitoringRound,
    ProjectHold,
)
from jixiao.budget.monitoring.services import SpendingItem
from jixiao.budget.monitoring.tests.factories import (
    YEAR,
    approved_project,
    form_of,
    indicator_ids,
    open_round,
)
from jixiao.budget.tests.factories import group
from jixiao.notifications.models import Notification
from jixiao.orgs.errors import PermissionDeniedError
from jixiao.orgs.models import OrgKind
from jixiao.testing.factories import make_org

pytestmark = pytest.mark.django_db
D = Decimal


@dataclass
class World:
    a1: Project
    a2: Project
    b1: Project
    round: MonitoringRound


@pytest.fixture
def world(personas, django_capture_on_commit_callbacks) -> World:  # type: ignore[no-untyped-def]
    a1 = approved_project(personas.unit_a, "A-1", D(1200))
    a2 = approved_project(personas.unit_a, "A-2", D(300))
    b1 = approved_project(personas.unit_b, "B-1", D(600))
    return World(a1, a2, b1, open_round(personas.bureau))


def soon(days: int = 10) -> date:
    return timezone.localdate() + timedelta(days=days)


def pay(project: Project, amount: str, reference: str = "") -> None:
    monitoring.spending_record(
        actor=None,
        fiscal_year=YEAR,
        items=[SpendingItem(project.code, date(YEAR, 3, 1), amount, reference)],
    )


# --- Corrections ----------------------------------------------------------------------------


def test_the_whole_correction_cycle(personas, world, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    bureau, unit = personas.finance_reviewer, personas.unit_a_operator
    with django_capture_on_commit_callbacks(execute=True):
        request = correction_require(
            actor=bureau,
            project=world.a1,
            requirement="预算执行进度滞后，请说明原因并整改。",
            deadline=soon(),
            round=world.round,
        )
    assert request.state == CorrectionState.PENDING
    assert request.form == form_of(world.round, world.a1)
    assert Notification.objects.filter(recipient=unit, link__contains=str(request.pk)).exists()
    assert not Notification.objects.filter(recipient=personas.unit_b_operator).exists()

    with django_capture_on_commit_callbacks(execute=True):
        answer = correction_answer(
            actor=unit,
            request=request,
            measures="已召开专题会议，加快支付进度。",
            attachment=ContentFile(b"%PDF-1.4", name="zhenggai.pdf"),
        )
    request.refresh_from_db()
    assert request.state == CorrectionState.ANSWERED
    assert answer.attachment.name.endswith(".pdf")
    assert Notification.objects.filter(recipient=bureau, title__contains="整改答复").exists()

    correction_return(actor=bureau, request=request, comment="措施不具体。")
    request.refresh_from_db()
    assert request.state == CorrectionState.RETURNED
    answer.refresh_from_db()
    assert answer.decision == "returned" and answer.comment == "措施不具体。"

    correction_answer(actor=unit, request=request, measures="已完成招标，3月支付120万元。")
    correction_accept(actor=bureau, request=request, comment="同意。")
    request.refresh_from_db()
    assert request.state == CorrectionState.CLOSED and request.closed_at is not None
    assert request.answers.count() == 2
    actions = list(
        AuditEvent.objects.filter(object_id=str(request.pk), action__startswith="budget.correction")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "budget.correction.require",
        "budget.correction.answer",
        "budget.correction.return",
        "budget.correction.answer",
        "budget.correction.accept",
    ]


def test_corrections_copy_the_warnings_of_the_round(personas, world) -> None:  # type: ignore[no-untyped-def]
    compute.round_compute_warnings(actor=None, round=world.round)
    request = correction_require(
        actor=personas.finance_reviewer,
        project=world.a1,
        requirement="整改",
        deadline=soon(),
        round=world.round,
    )
    # Nothing spent after seven months and no indicator filled in: execution red, combined
    # yellow (one of the two off track); green rows are not copied.
    assert {(w["kind"], w["colour"]) for w in request.warnings} == {
        ("budget_execution", "red"),
        ("combined", "yellow"),
    }
    assert all(w["explain"] for w in request.warnings)


def test_correction_refusals(personas, world) -> None:  # type: ignore[no-untyped-def]
    bureau = personas.finance_reviewer
    with pytest.raises(MonitoringError, match=interventions.REQUIREMENT_MISSING):
        correction_require(actor=bureau, project=world.a1, requirement=" ", deadline=soon())
    with pytest.raises(MonitoringError, match=interventions.DEADLINE_PAST):
        correction_require(actor=bureau, project=world.a1, requirement="x", deadline=soon(-1))
    with pytest.raises(PermissionDeniedError):  # a unit cannot require corrections
        correction_require(
            actor=personas.unit_a_operator, project=world.a1, requirement="x", deadline=soon()
        )
    request = correction_require(
        actor=bureau, project=world.a1, requirement="整改", deadline=soon()
    )
    with pytest.raises(PermissionDeniedError):  # another unit cannot answer
        correction_answer(actor=personas.unit_b_operator, request=request, measures="x")
    with pytest.raises(MonitoringError, match=interventions.MEASURES_MISSING):
        correction_answer(actor=personas.unit_a_operator, request=request, measures="")
    with pytest.raises(MonitoringError, match="没有待审核的答复"):
        correction_accept(actor=bureau, request=request)
    correction_answer(actor=personas.unit_a_operator, request=request, measures="已整改")
    with pytest.raises(MonitoringError, match="不能答复"):
        correction_answer(actor=personas.unit_a_operator, request=request, measures="again")
    with pytest.raises(MonitoringError, match=interventions.RETURN_COMMENT_MISSING):
        correction_return(actor=bureau, request=request, comment="")
    with pytest.raises(PermissionDeniedError):  # the unit cannot close its own request
        correction_accept(actor=personas.unit_a_operator, request=request)
    correction_accept(actor=bureau, request=request)
    with pytest.raises(MonitoringError, match="已办结"):
        correction_return(actor=bureau, request=request, comment="x")


def test_a_round_of_another_bureau_is_refused(personas, world) -> None:  # type: ignore[no-untyped-def]
    other = make_org("邻县财政局", OrgKind.FINANCE_BUREAU)
    unit = make_org(
        "邻县一中",
        OrgKind.BUDGET_UNIT,
        make_org("邻县教育局", OrgKind.SUPERVISING_DEPARTMENT, other),
    )
    approved_project(unit, "X-1")
    round = open_round(other)
    with pytest.raises(MonitoringError, match=interventions.ROUND_OF_OTHER_BUREAU):
        correction_require(
            actor=None, project=world.a1, requirement="x", deadline=soon(), round=round
        )


def test_overdue_corrections(personas, world) -> None:  # type: ignore[no-untyped-def]
    bureau = personas.finance_reviewer
    late = correction_require(actor=bureau, project=world.a1, requirement="1", deadline=soon(0))
    answered = correction_require(actor=bureau, project=world.a2, requirement="2", deadline=soon(0))
    correction_answer(actor=personas.unit_a_operator, request=answered, measures="已整改")
    returned = correction_require(actor=bureau, project=world.b1, requirement="3", deadline=soon(0))
    correction_answer(actor=personas.unit_b_operator, request=returned, measures="已整改")
    correction_return(actor=bureau, request=returned, comment="不充分")
    on_time = correction_require(actor=bureau, project=world.a1, requirement="4", deadline=soon(5))
    tomorrow = soon(1)
    overdue = set(interventions.overdue_corrections(bureau, tomorrow))
    assert overdue == {late, returned}
    assert on_time not in overdue
    assert set(interventions.overdue_corrections(personas.unit_a_operator, tomorrow)) == {late}
    assert not interventions.overdue_corrections(bureau, timezone.localdate()).exists()


# --- Suspension and stop ----------------------------------------------------------------------


def test_suspend_resume_and_spending(personas, world) -> None:  # type: ignore[no-untyped-def]
    bureau = personas.finance_reviewer
    pay(world.a1, "10")
    hold = project_suspend(actor=bureau, project=world.a1, reason="资金闲置")
    assert hold.kind == HoldKind.SUSPENDED
    with pytest.raises(MonitoringError) as refused:
        pay(world.a1, "5")
    assert "项目“A-1”已暂缓执行，不能登记支出" in refused.value.problems[0]
    with pytest.raises(MonitoringError, match="已暂缓执行"):
        project_suspend(actor=bureau, project=world.a1, reason="again")
    project_resume(actor=bureau, project=world.a1, reason="问题已整改")
    pay(world.a1, "5")  # accepted again
    assert interventions.spent([world.a1.pk])[world.a1.pk] == D(15)
    with pytest.raises(MonitoringError, match=interventions.NOT_SUSPENDED):
        project_resume(actor=bureau, project=world.a1)
    actions = set(
        AuditEvent.objects.filter(object_id=str(world.a1.pk)).values_list("action", flat=True)
    )
    assert {"budget.project.suspend", "budget.project.resume"} <= actions


def test_a_stop_is_final_and_a_suspension_can_become_one(personas, world) -> None:  # type: ignore[no-untyped-def]
    bureau = personas.finance_reviewer
    project_suspend(actor=bureau, project=world.a2, reason="暂缓")
    project_stop(actor=bureau, project=world.a2, reason="无绩效")
    holds = list(ProjectHold.objects.filter(project=world.a2).order_by("id"))
    assert [(h.kind, h.ended_at is None) for h in holds] == [
        (HoldKind.SUSPENDED, False),
        (HoldKind.STOPPED, True),
    ]
    with pytest.raises(MonitoringError, match=interventions.STOPPED_FINAL):
        project_resume(actor=bureau, project=world.a2)
    with pytest.raises(MonitoringError, match="已停止执行"):
        project_suspend(actor=bureau, project=world.a2, reason="x")
    with pytest.raises(MonitoringError) as refused:
        pay(world.a2, "1")
    assert "已停止执行" in refused.value.problems[0]


def test_a_unit_cannot_suspend(personas, world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDeniedError):
        project_suspend(actor=personas.unit_a_operator, project=world.a1, reason="x")
    with pytest.raises(PermissionDeniedError):
        project_stop(actor=personas.department_reviewer, project=world.a1, reason="x")
    with pytest.raises(MonitoringError, match=interventions.HOLD_REASON_MISSING):
        project_suspend(actor=personas.finance_reviewer, project=world.a1, reason="")


# --- Moving money and reconciling ---------------------------------------------------------------


def test_move_money_reconciles_to_the_cent(personas, world) -> None:  # type: ignore[no-untyped-def]
    bureau = personas.finance_reviewer
    pay(world.a1, "100.1234")
    before = interventions.reconciliation(personas.bureau, YEAR)
    assert before.approved_total == D(2100) and before.balanced
    move = reallocation_create(
        actor=bureau,
        source=world.a1,
        lines=[(world.a2, "100.01"), (world.b1, D("0.99"))],
        reason="A-1执行缓慢，调剂至急需项目",
    )
    assert move.amount == D("101.00")
    assert interventions.available_budget(world.a1) == D("1099.00")
    assert interventions.available_budget(world.a2) == D("400.01")
    assert interventions.available_budget(world.b1) == D("600.99")
    after = interventions.reconciliation(personas.bureau, YEAR)
    assert after.approved_total == before.approved_total == D(2100)
    assert after.available_total == D(2100)
    assert after.moved_out_total == after.moved_in_total == D("101.00")
    assert after.spent_total == D("100.1234")
    assert after.balanced
    # The open round's forms take the new budgets.
    assert form_of(world.round, world.a1).budget == D("1099.00")
    assert form_of(world.round, world.a2).budget == D("400.01")
    event = AuditEvent.objects.get(action="budget.reallocation.create")
    assert event.new_values["lines"] == [
        {"target": "A-2", "amount": "100.01"},
        {"target": "B-1", "amount": "0.99"},
    ]
    assert AuditEvent.objects.filter(action="budget.monitoring.form_refresh").count() == 3


def test_budget_figures_take_five_queries_for_any_number_of_projects(  # type: ignore[no-untyped-def]
    personas, world, django_assert_num_queries
) -> None:
    reallocation_create(actor=None, source=world.a1, lines=[(world.a2, "10")], reason="调剂")
    project_suspend(actor=None, project=world.b1, reason="暂缓")
    pay(world.a1, "5")
    # projects, moved out, moved in, spent, holds
    with django_assert_num_queries(5):
        rows = interventions.budget_rows(Project.objects.all())
    assert [(r.project.code, r.available, r.spent, r.hold) for r in rows] == [
        ("A-1", D(1190), D(5), ""),
        ("A-2", D(310), D(0), ""),
        ("B-1", D(600), D(0), "suspended"),
    ]


def test_the_next_round_opens_with_the_reconciled_budget(personas, world) -> None:  # type: ignore[no-untyped-def]
    reallocation_create(actor=None, source=world.b1, lines=[(world.a2, "50")], reason="调剂")
    later = open_round(personas.bureau, months=10)
    assert form_of(later, world.b1).budget == D(550)
    assert form_of(later, world.a2).budget == D(350)


def test_money_cannot_go_below_what_was_spent(personas, world) -> None:  # type: ignore[no-untyped-def]
    pay(world.a2, "250")
    with pytest.raises(MonitoringError) as refused:
        reallocation_create(actor=None, source=world.a2, lines=[(world.a1, "50.01")], reason="x")
    assert str(refused.value) == interventions.TRANSFER_BELOW_SPENT.format(
        amount="50.01", project=world.a2.name, available="249.99", spent="250.00"
    )
    reallocation_create(actor=None, source=world.a2, lines=[(world.a1, "50")], reason="x")
    assert interventions.available_budget(world.a2) == D(250)


@pytest.mark.parametrize("amount", ["0", "-1", "1.001", "十", "NaN"])
def test_amounts_are_positive_with_two_decimals(world, amount) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(MonitoringError, match="调剂金额应为大于0的数字"):
        reallocation_create(actor=None, source=world.a1, lines=[(world.a2, amount)], reason="x")


def test_reallocation_refusals(personas, world) -> None:  # type: ignore[no-untyped-def]
    bureau = personas.finance_reviewer
    with pytest.raises(MonitoringError, match=interventions.TRANSFER_SELF):
        reallocation_create(actor=bureau, source=world.a1, lines=[(world.a1, "1")], reason="x")
    with pytest.raises(MonitoringError, match="重复"):
        reallocation_create(
            actor=bureau, source=world.a1, lines=[(world.a2, "1"), (world.a2, "2")], reason="x"
        )
    with pytest.raises(MonitoringError, match=interventions.TRANSFER_NO_TARGET):
        reallocation_create(actor=bureau, source=world.a1, lines=[], reason="x")
    with pytest.raises(MonitoringError, match=interventions.TRANSFER_REASON_MISSING):
        reallocation_create(actor=bureau, source=world.a1, lines=[(world.a2, "1")], reason="")
    project_stop(actor=bureau, project=world.b1, reason="停止")
    with pytest.raises(MonitoringError, match="已停止执行，不能调入资金"):
        reallocation_create(actor=bureau, source=world.a1, lines=[(world.b1, "1")], reason="x")
    with pytest.raises(PermissionDeniedError):
        reallocation_create(
            actor=personas.unit_a_operator, source=world.a1, lines=[(world.a2, "1")], reason="x"
        )
    other_year = approved_project(personas.unit_a, "A-2028", D(10))
    Project.objects.filter(pk=other_year.pk).update(fiscal_year=YEAR + 1)
    other_year.refresh_from_db()
    with pytest.raises(MonitoringError, match="同一预算年度"):
        reallocation_create(actor=bureau, source=world.a1, lines=[(other_year, "1")], reason="x")
    assert not interventions.net_moves([world.a1.pk, world.a2.pk, world.b1.pk])


def test_money_moves_only_between_approved_projects(personas, world) -> None:  # type: ignore[no-untyped-def]
    from jixiao.budget.tests.factories import make_project

    draft = make_project(personas.unit_a, code="A-DRAFT", total=D(10), is_new=False)
    with pytest.raises(MonitoringError, match="尚未批复"):
        reallocation_create(actor=None, source=world.a1, lines=[(draft, "1")], reason="x")


# --- Targets and budget adjusted during monitoring --------------------------------------------


def test_an_approved_adjustment_refreshes_the_open_round(personas, world) -> None:  # type: ignore[no-untyped-def]
    form = form_of(world.round, world.a1)
    ids = indicator_ids(form)
    monitoring.form_save(
        actor=None,
        form=form,
        progress={
            ids["新建改造供水工程"]: {"actual": D(20), "likelihood": "certain"},
            ids["工程验收合格率"]: {"actual": D(100), "likelihood": "certain"},
        },
    )
    project = world.a1
    budget.target_adjust_request(
        actor=personas.unit_a_operator, project=project, reason="调整", proposed_amount=D(900)
    )
    tree = project.annual_tree
    budget.target_indicator_update(
        actor=None,
        project=project,
        indicator=tree.indicators.get(name="新建改造供水工程"),
        target_value=D(20),
    )
    budget.target_indicator_delete(
        actor=None, project=project, indicator=tree.indicators.get(name="工程验收合格率")
    )
    budget.target_indicator_add(
        actor=None,
        project=project,
        parent=group(project, "质量指标"),
        name="水质达标率",
        kind="quantitative",
        direction="gte",
        target_value=D(95),
        unit="%",
        full_score=D(10),
    )
    budget.target_submit(actor=None, project=project)
    budget.target_approve(actor=None, project=project)
    form.refresh_from_db()
    assert form.budget == D(1200)  # nothing changes before the final approval
    budget.target_approve(actor=None, project=project, approved_amount=D(900))
    form.refresh_from_db()
    assert form.budget == D(900)
    rows = {row.indicator_name: row for row in form.progress.all()}
    assert "工程验收合格率" not in rows
    assert rows["新建改造供水工程"].target_value == D(20)
    assert rows["新建改造供水工程"].actual == D(20)  # what the unit entered stays
    assert rows["水质达标率"].actual is None and rows["水质达标率"].target_value == D(95)
    event = AuditEvent.objects.get(action="budget.monitoring.form_refresh")
    assert event.new_values["added"] == ["水质达标率"]
    assert event.old_values["removed"] == ["工程验收合格率"]


def test_an_adjusted_budget_keeps_the_moves(personas, world) -> None:  # type: ignore[no-untyped-def]
    reallocation_create(actor=None, source=world.a1, lines=[(world.a2, "100")], reason="调剂")
    budget.target_adjust_request(actor=None, project=world.a1, reason="调整预算")
    budget.target_submit(actor=None, project=world.a1)
    budget.target_approve(actor=None, project=world.a1)
    budget.target_approve(actor=None, project=world.a1, approved_amount=D(1000))
    assert form_of(world.round, world.a1).budget == D(900)


# --- Mid-year review ----------------------------------------------------------------------------


def test_midyear_review_conclusions_and_actions(
    personas, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    bureau = personas.finance_reviewer
    review = midyear_review_create(
        actor=bureau,
        bureau=personas.bureau,
        fiscal_year=YEAR,
        projects=[world.a1, world.a2, world.b1],
        due_date=soon(20),
    )
    assert review.title == f"{YEAR}年度中期评估"
    items = {item.project.code: item for item in interventions.midyear_items(review)}
    suspended = midyear_review_conclude(
        actor=bureau,
        item=items["A-1"],
        findings="进度严重滞后",
        conclusion=MidYearConclusion.SUSPEND,
        act=True,
    )
    assert suspended.action == "已暂缓执行"
    assert interventions.active_hold(world.a1).kind == HoldKind.SUSPENDED
    adjusted = midyear_review_conclude(
        actor=bureau,
        item=items["A-2"],
        findings="目标偏高",
        conclusion=MidYearConclusion.ADJUST,
        act=True,
        deadline=soon(15),
    )
    request = world.a2.correction_requests.get()
    assert "调整后执行" in request.requirement and request.deadline == soon(15)
    assert adjusted.action.startswith("已要求调整")
    kept = midyear_review_conclude(
        actor=bureau, item=items["B-1"], findings="正常", conclusion=MidYearConclusion.CONTINUE
    )
    assert kept.action == "" and interventions.active_hold(world.b1) is None
    with pytest.raises(MonitoringError, match=interventions.REVIEW_CONCLUDED):
        midyear_review_conclude(
            actor=bureau, item=items["B-1"], findings="x", conclusion=MidYearConclusion.STOP
        )


def test_midyear_review_refusals(personas, world) -> None:  # type: ignore[no-untyped-def]
    from jixiao.budget.tests.factories import make_project

    draft = make_project(personas.unit_a, code="A-DRAFT", total=D(10), is_new=False)
    with pytest.raises(MonitoringError, match="不是2027年度已批复的项目"):
        midyear_review_create(
            actor=None, bureau=personas.bureau, fiscal_year=YEAR, projects=[draft], due_date=soon()
        )
    with pytest.raises(MonitoringError, match=interventions.REVIEW_NO_PROJECTS):
        midyear_review_create(
            actor=None, bureau=personas.bureau, fiscal_year=YEAR, projects=[], due_date=soon()
        )
    with pytest.raises(PermissionDeniedError):
        midyear_review_create(
            actor=personas.unit_a_operator,
            bureau=personas.bureau,
            fiscal_year=YEAR,
            projects=[world.a1],
            due_date=soon(),
        )
    review = midyear_review_create(
        actor=None, bureau=personas.bureau, fiscal_year=YEAR, projects=[world.a1], due_date=soon()
    )
    item = review.items.get()
    with pytest.raises(MonitoringError, match=interventions.REVIEW_CONCLUSION):
        midyear_review_conclude(actor=None, item=item, findings="x", conclusion="maybe")
    with pytest.raises(MonitoringError, match=interventions.REVIEW_FINDINGS):
        midyear_review_conclude(actor=None, item=item, findings="", conclusion="stop")
    with pytest.raises(PermissionDeniedError):
        midyear_review_conclude(
            actor=personas.unit_a_operator, item=item, findings="x", conclusion="stop"
        )


def test_an_adjusted_budget_cannot_fall_below_what_was_spent(personas, world) -> None:  # type: ignore[no-untyped-def]
    pay(world.a2, "250")
    reallocation_create(actor=None, source=world.a2, lines=[(world.a1, "30")], reason="调剂")
    budget.target_adjust_request(actor=None, project=world.a2, reason="调减预算")
    budget.target_submit(actor=None, project=world.a2)
    budget.target_approve(actor=None, project=world.a2)
    with pytest.raises(MonitoringError) as refused:
        budget.target_approve(actor=None, project=world.a2, approved_amount=D("279.99"))
    assert str(refused.value) == interventions.ADJUST_BELOW_SPENT.format(
        available="249.99", spent="250.00"
    )
    budget.target_approve(actor=None, project=world.a2, approved_amount=D(280))
    assert interventions.available_budget(world.a2) == D(250)


def test_a_submitted_form_returns_to_the_unit_for_new_targets(personas, world) -> None:  # type: ignore[no-untyped-def]
    form = form_of(world.round, world.a2)
    ids = indicator_ids(form)
    values = {
        "新建改造供水工程": 20,
        "工程验收合格率": 100,
        "单处工程平均造价": 48,
        "农村自来水普及率": 90,
        "受益群众满意度": 92,
    }
    monitoring.form_save(
        actor=None,
        form=form,
        progress={ids[n]: {"actual": D(v), "likelihood": "certain"} for n, v in values.items()},
    )
    monitoring.form_submit(actor=None, form=form)
    project = world.a2
    budget.target_adjust_request(actor=None, project=project, reason="新增指标")
    budget.target_indicator_add(
        actor=None,
        project=project,
        parent=group(project, "质量指标"),
        name="水质达标率",
        kind="quantitative",
        direction="gte",
        target_value=D(95),
        unit="%",
        full_score=D(0),
    )
    budget.target_submit(actor=None, project=project)
    budget.target_approve(actor=None, project=project)
    budget.target_approve(actor=None, project=project, approved_amount=D(300))
    form.refresh_from_db()
    assert form.state == "draft"
    reopened = AuditEvent.objects.get(action="budget.monitoring.form_reopen")
    assert reopened.new_values["reason"] == interventions.REOPEN_FOR_NEW_TARGETS
