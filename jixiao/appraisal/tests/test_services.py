"""The monthly cycle through the services: open, score, events, submit, return, approve,
pay, lock; rule-set versions; appeals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from jixiao.appraisal import errors, queries, services
from jixiao.appraisal.models import (
    AppealStatus,
    AppraisalSettings,
    DepartmentSheet,
    EmployeeScore,
    ItemKind,
    MonthStatus,
    PayMode,
    PayResult,
    RuleSetStatus,
)
from jixiao.appraisal.services import ItemSpec
from jixiao.audit.models import AuditEvent
from jixiao.orgs.errors import DomainError, PermissionDeniedError
from jixiao.periods.models import Deadline, DeadlineCompletion
from jixiao.workflow.models import WorkflowState

D = Decimal


def open_month(world, year: int = 2026, month: int = 3):  # type: ignore[no-untyped-def]
    return services.appraisal_month_open(
        actor=world.hr, organization=world.company, year=year, month=month
    )


def sheet_of(month, dept) -> DepartmentSheet:  # type: ignore[no-untyped-def]
    return DepartmentSheet.objects.get(month=month, department=dept)


def score_all(world, sheet, values=(45, 28, 18)) -> None:  # type: ignore[no-untyped-def]
    items = services.sheet_items(sheet).scored
    rows = {
        r.employee_id: {i.pk: v for i, v in zip(items, values, strict=True)}
        for r in EmployeeScore.objects.filter(sheet=sheet)
    }
    head = world.head if sheet.department == world.dept else world.other_head
    services.appraisal_scores_save(actor=head, sheet=sheet, rows=rows)


def test_opening_a_month_creates_sheets_rosters_and_windows(world) -> None:  # type: ignore[no-untyped-def]
    month = open_month(world)
    sheet = sheet_of(month, world.dept)
    assert sheet.rule_set == world.rule_set
    assert set(sheet.scores.values_list("employee__username", flat=True)) == {
        "employee",
        "colleague",
        "head",
    }
    assert month.submit_due == date(2026, 4, 5)
    topics = set(Deadline.objects.filter(period=month.period).values_list("topic", flat=True))
    assert topics == {"appraisal.submit", "appraisal.review", "appraisal.feedback"}
    with pytest.raises(errors.AppraisalError, match="已经开启"):
        open_month(world)
    with pytest.raises(PermissionDeniedError):
        services.appraisal_month_open(
            actor=world.head, organization=world.company, year=2026, month=4
        )


def test_scores_go_through_the_engine_with_bonus_and_penalty(world) -> None:  # type: ignore[no-untyped-def]
    month = open_month(world)
    sheet = sheet_of(month, world.dept)
    score_all(world, sheet)
    services.appraisal_event_add(
        actor=world.head,
        sheet=sheet,
        employee=world.employee,
        item=world.item("受到上级表彰"),
        count=D(3),
        evidence_text="市级表彰三次",
    )
    services.appraisal_event_add(
        actor=world.head,
        sheet=sheet,
        employee=world.colleague,
        item=world.item("迟到早退"),
        evidence_text="3月5日迟到",
    )
    mine = EmployeeScore.objects.get(sheet=sheet, employee=world.employee)
    theirs = EmployeeScore.objects.get(sheet=sheet, employee=world.colleague)
    assert mine.scored_total == D(91) and mine.bonus_total == D(10) and mine.total == D(101)
    assert "超过上限10分" in mine.items[-1]["explain"]
    assert theirs.total == D(90) and theirs.penalty_total == D(1)
    assert mine.grade_label == "优"
    assert mine.items[0]["explain"] == "部门评分45.00分（满分50分）"


def test_scores_are_checked(world) -> None:  # type: ignore[no-untyped-def]
    month = open_month(world)
    sheet = sheet_of(month, world.dept)
    item = services.sheet_items(sheet).scored[0]
    with pytest.raises(errors.AppraisalError, match="应在0到50之间"):
        services.appraisal_scores_save(
            actor=world.head, sheet=sheet, rows={world.employee.pk: {item.pk: "51"}}
        )
    with pytest.raises(errors.AppraisalError, match=str(errors.UNKNOWN_EMPLOYEE)):
        services.appraisal_scores_save(
            actor=world.head, sheet=sheet, rows={world.outsider.pk: {item.pk: "5"}}
        )
    with pytest.raises(PermissionDeniedError):
        services.appraisal_scores_save(
            actor=world.other_head, sheet=sheet, rows={world.employee.pk: {item.pk: "5"}}
        )


def test_the_cycle_submit_return_resubmit_approve_pay_lock(world) -> None:  # type: ignore[no-untyped-def]
    month = open_month(world)
    sheet = sheet_of(month, world.dept)
    with pytest.raises(errors.AppraisalError, match="未评完"):
        services.appraisal_sheet_submit(actor=world.head, sheet=sheet)
    score_all(world, sheet)
    services.appraisal_sheet_submit(actor=world.head, sheet=sheet)
    assert DeadlineCompletion.objects.filter(
        deadline__topic="appraisal.submit", organization=world.dept
    ).exists()
    with pytest.raises(DomainError, match="正在审核中"):  # under review: no edits
        score_all(world, sheet)
    services.appraisal_sheet_return(
        actor=world.hr, sheet=sheet, comment="得分没有区分度，请按细则重新评分"
    )
    score_all(world, sheet, (50, 30, 20))
    services.appraisal_sheet_submit(actor=world.head, sheet=sheet)
    case = services.appraisal_sheet_approve(actor=world.hr, sheet=sheet)
    assert case.state == WorkflowState.APPROVED
    results = PayResult.objects.filter(month=month, sheet=sheet)
    assert results.count() == 3
    one = results.get(employee=world.employee)
    assert one.standard == D("1000.00") and one.coefficient == D("1.3") and one.pay == D("1300.00")
    with pytest.raises(errors.AppraisalError, match="未通过审核"):
        services.appraisal_month_close(actor=world.hr, month=month)
    other = sheet_of(month, world.other_dept)
    score_all(world, other)
    services.appraisal_sheet_submit(actor=world.other_head, sheet=other)
    first_ids = set(results.values_list("pk", flat=True))
    services.appraisal_sheet_approve(actor=world.hr, sheet=other)
    assert set(results.values_list("pk", flat=True)) == first_ids  # not recomputed (direct)
    assert PayResult.objects.filter(month=month).count() == 5
    services.appraisal_month_close(actor=world.hr, month=month)
    month.refresh_from_db()
    assert month.status == MonthStatus.CLOSED
    done = DeadlineCompletion.objects.filter(
        organization=world.company, deadline__period=month.period
    )
    assert set(done.values_list("deadline__topic", flat=True)) == {
        "appraisal.review",
        "appraisal.feedback",
    }
    assert AuditEvent.objects.filter(action="appraisal.month.close").count() == 1


def test_pool_mode_reconciles_employees_departments_and_organisation(world) -> None:  # type: ignore[no-untyped-def]
    services.appraisal_settings_set(
        actor=world.hr,
        organization=world.company,
        pay_mode=PayMode.POOL,
        performance_share=D("0.35"),
    )
    month = open_month(world)
    for dept, values in ((world.dept, (50, 30, 20)), (world.other_dept, (31, 17, 9))):
        sheet = sheet_of(month, dept)
        score_all(world, sheet, values)
        head = world.head if dept == world.dept else world.other_head
        services.appraisal_sheet_submit(actor=head, sheet=sheet)
        services.appraisal_sheet_approve(actor=world.hr, sheet=sheet)
    rows = queries.department_rows(month, DepartmentSheet.objects.all())
    rec = queries.reconciliation(month, rows)
    assert rec.employees == 5
    assert rec.pool == D("8750.00")
    assert rec.employees_total == rec.departments_total == rec.pool
    assert rec.difference == 0
    assert rows[0].pay_effect > 0 > rows[1].pay_effect


def test_settings_are_checked(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(errors.AppraisalError, match="20%到100%"):
        services.appraisal_settings_set(
            actor=world.hr, organization=world.company, performance_share=D("0.1")
        )
    with pytest.raises(errors.AppraisalError, match="分档"):
        services.appraisal_settings_set(
            actor=world.hr, organization=world.company, bands=[{"min": "60", "coefficient": "1"}]
        )
    with pytest.raises(PermissionDeniedError):
        services.appraisal_settings_set(
            actor=world.head, organization=world.company, performance_share=D("1")
        )
    assert not AppraisalSettings.objects.exists()


def test_rule_set_versions_and_feedback(world) -> None:  # type: ignore[no-untyped-def]
    feedback = services.rule_set_feedback_add(
        actor=world.head, rule_set=world.rule_set, text="劳动纪律分值偏高"
    )
    draft = services.rule_set_revise(
        actor=world.hr, rule_set=world.rule_set, note="调整分值", feedback=[feedback]
    )
    assert draft.version == 2 and draft.status == RuleSetStatus.DRAFT
    feedback.refresh_from_db()
    assert feedback.resolved_in == draft
    services.rule_item_add(
        actor=world.head, rule_set=draft, spec=ItemSpec(ItemKind.SCORED, "创新", full_score=D(5))
    )
    with pytest.raises(errors.AppraisalError, match="合计应为100分，当前为105分"):
        services.rule_set_set_status(actor=world.hr, rule_set=draft, status=RuleSetStatus.TRIAL)
    services.rule_item_delete(actor=world.head, item=draft.items.get(name="创新"))
    with pytest.raises(PermissionDeniedError):
        services.rule_set_set_status(actor=world.head, rule_set=draft, status=RuleSetStatus.TRIAL)
    services.rule_set_set_status(actor=world.hr, rule_set=draft, status=RuleSetStatus.TRIAL)
    world.rule_set.refresh_from_db()
    assert world.rule_set.status == RuleSetStatus.SUPERSEDED
    assert draft.general == world.general
    month = open_month(world)
    assert sheet_of(month, world.dept).rule_set == draft  # the month keeps its version
    with pytest.raises(errors.AppraisalError, match="草稿"):
        services.rule_item_add(
            actor=world.head, rule_set=draft, spec=ItemSpec(ItemKind.BONUS, "x", points=D(1))
        )


def test_copy_from_last_month(world) -> None:  # type: ignore[no-untyped-def]
    march = open_month(world, month=3)
    score_all(world, sheet_of(march, world.dept), (40, 25, 15))
    april = open_month(world, month=4)
    sheet = sheet_of(april, world.dept)
    assert services.appraisal_scores_copy_previous(actor=world.head, sheet=sheet) == 3
    assert EmployeeScore.objects.get(sheet=sheet, employee=world.employee).total == D(80)


def test_appeal_own_approved_month_only(world) -> None:  # type: ignore[no-untyped-def]
    month = open_month(world)
    sheet = sheet_of(month, world.dept)
    score_all(world, sheet)
    mine = EmployeeScore.objects.get(sheet=sheet, employee=world.employee)
    with pytest.raises(errors.AppraisalError, match="审核通过后"):
        services.appraisal_appeal_create(actor=world.employee, score=mine, reason="不服")
    services.appraisal_sheet_submit(actor=world.head, sheet=sheet)
    services.appraisal_sheet_approve(actor=world.hr, sheet=sheet)
    with pytest.raises(PermissionDeniedError):
        services.appraisal_appeal_create(actor=world.colleague, score=mine, reason="替他申诉")
    appeal = services.appraisal_appeal_create(actor=world.employee, score=mine, reason="加班未计")
    with pytest.raises(errors.AppraisalError, match="待处理"):
        services.appraisal_appeal_create(actor=world.employee, score=mine, reason="再次")
    services.appraisal_appeal_decide(
        actor=world.hr, appeal=appeal, status=AppealStatus.REJECTED, decision="经核实，维持"
    )
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REJECTED


def test_dead_water_flags_same_scores_and_late_departments(world) -> None:  # type: ignore[no-untyped-def]
    month = open_month(world)
    score_all(world, sheet_of(month, world.dept))  # everyone 91
    rows = queries.department_rows(month, DepartmentSheet.objects.all())
    flagged = {
        r.sheet.department.name: reasons
        for r, reasons in queries.dead_water(rows, month, date(2026, 4, 1))
    }
    assert flagged == {world.dept.name: ["全员得分相同（91.00分）"]}
    late = queries.dead_water(rows, month, date(2026, 4, 6))
    reasons = {r.sheet.department.name: why for r, why in late}
    assert reasons[world.other_dept.name] == ["逾期未提交考核汇总"]
    late_rows = queries.late_departments(rows, month, date(2026, 4, 6))
    assert [r.sheet.department for r in late_rows] == [world.dept, world.other_dept]


def test_an_upheld_appeal_reopens_the_department_for_correction(world) -> None:  # type: ignore[no-untyped-def]
    month = open_month(world)
    for dept, head in ((world.dept, world.head), (world.other_dept, world.other_head)):
        sheet = sheet_of(month, dept)
        score_all(world, sheet)
        services.appraisal_sheet_submit(actor=head, sheet=sheet)
        services.appraisal_sheet_approve(actor=world.hr, sheet=sheet)
    services.appraisal_month_close(actor=world.hr, month=month)
    sheet = sheet_of(month, world.dept)
    mine = EmployeeScore.objects.get(sheet=sheet, employee=world.employee)
    appeal = services.appraisal_appeal_create(actor=world.employee, score=mine, reason="漏记表彰")
    services.appraisal_appeal_decide(
        actor=world.hr, appeal=appeal, status=AppealStatus.UPHELD, decision="补记表彰加分"
    )
    month.refresh_from_db()
    assert month.status == MonthStatus.OPEN
    assert services.case_of(sheet).state == WorkflowState.DRAFT
    services.appraisal_event_add(
        actor=world.head,
        sheet=sheet,
        employee=world.employee,
        item=world.item("受到上级表彰"),
        evidence_text="补记：市级表彰",
    )
    services.appraisal_sheet_submit(actor=world.head, sheet=sheet)
    services.appraisal_sheet_approve(actor=world.hr, sheet=sheet)
    pay = PayResult.objects.get(month=month, employee=world.employee)
    assert pay.score == D(96) and pay.coefficient == D("1.3")
    services.appraisal_month_close(actor=world.hr, month=month)


def test_pay_and_score_queries_do_not_grow_with_the_employees(world) -> None:  # type: ignore[no-untyped-def]
    """Pay for one department (3 employees) or two (5) takes the same queries, the approved
    sheets read once (14 before, 11 since); copying last month's scores checks the sheet
    once (26 before, 19 since)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    month = open_month(world)
    counts = []
    for dept, head in ((world.dept, world.head), (world.other_dept, world.other_head)):
        sheet = sheet_of(month, dept)
        score_all(world, sheet)
        services.appraisal_sheet_submit(actor=head, sheet=sheet)
        services.appraisal_sheet_approve(actor=world.hr, sheet=sheet)
        with CaptureQueriesContext(connection) as pay:
            services.appraisal_pay_compute(actor=world.hr, month=month)
        counts.append(len(pay))
    assert PayResult.objects.filter(month=month).count() == 5
    assert counts[0] == counts[1] <= 11
    later = sheet_of(open_month(world, month=4), world.dept)
    with CaptureQueriesContext(connection) as copy:
        services.appraisal_scores_copy_previous(actor=world.head, sheet=later)
    assert len(copy) <= 19
