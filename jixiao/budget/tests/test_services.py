"""Budget I services: declaration, completeness, ex-ante assessment, review and approval."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.audit.models import AuditEvent
from jixiao.budget import errors, services
from jixiao.budget.models import Conclusion, ExAnteAssessment
from jixiao.budget.tests.factories import D, fill_targets, group, make_project, pass_ex_ante
from jixiao.orgs.errors import PermissionDeniedError
from jixiao.workflow.errors import WorkflowError
from jixiao.workflow.models import WorkflowState

pytestmark = pytest.mark.django_db


def test_new_project_gets_the_standard_framework(personas):
    project = make_project(personas.unit_a, personas.unit_a_operator)
    assert project.department == personas.education
    names = list(project.annual_tree.indicators.filter(level=1).values_list("name", flat=True))
    assert names == ["产出指标", "效益指标", "满意度指标"]
    assert services.case_of(project).state == WorkflowState.DRAFT


def test_funds_must_add_up(personas):
    with pytest.raises(errors.BudgetError, match="应等于财政拨款"):
        make_project(personas.unit_a, total=D(100), annual_fiscal=D(60))


def test_only_the_unit_declares_its_projects(personas):
    with pytest.raises(PermissionDeniedError):
        make_project(personas.unit_a, personas.unit_b_operator)
    with pytest.raises(PermissionDeniedError):
        make_project(personas.unit_a, personas.leader)


def test_completeness_says_exactly_what_is_missing(personas):
    project = make_project(personas.unit_a, total=D(100), annual_goal="")
    services.target_indicator_add(
        project=project,
        actor=None,
        parent=group(project, "数量指标"),
        name="培训人次",
        kind="quantitative",
        direction="gte",
        target_value=None,
        unit="",
        full_score=D(50),
        rule="gte",
    )
    services.target_indicator_add(
        project=project,
        actor=None,
        parent=group(project, "成本指标"),
        name="人均培训成本",
        kind="quantitative",
        direction="lte",
        target_value=D(900),
        unit="元",
        full_score=D(20),
        rule="lte",
        basis="budget_standard",
        standard_value=D(800),
    )
    services.target_indicator_add(
        project=project,
        actor=None,
        parent=group(project, "社会效益指标"),
        name="就业情况",
        kind="qualitative",
        target_text="就业率达到70%",
        full_score=D(10),
        rule="qualitative",
    )
    result = services.targets_check(project)
    assert "须填写年度目标。" in result.errors
    assert "至少需要一个满意度指标（三级指标），目前没有。" in result.errors
    assert "指标“产出指标 / 数量指标 / 培训人次”是定量指标，须填写指标值。" in result.errors
    assert "指标“产出指标 / 数量指标 / 培训人次”是定量指标，须填写度量单位。" in result.errors
    assert (
        "成本指标“产出指标 / 成本指标 / 人均培训成本”的指标值900超过预算支出标准800。"
        in result.errors
    )
    assert "各三级指标分值合计为80，应为90。" in result.errors
    assert any("含有数字，建议改为定量指标" in w for w in result.warnings)
    with pytest.raises(errors.BudgetError, match="绩效目标不完整"):
        services.target_submit(actor=None, project=project)


def test_ex_ante_is_required_for_new_big_projects(personas):
    small = make_project(personas.unit_a, code="S1", total=D(100))
    assert not services.ex_ante_required(small)
    major = make_project(personas.unit_a, code="S2", total=D(100), is_major_policy=True)
    assert services.ex_ante_required(major)
    big = make_project(personas.unit_a, code="S3", total=D(1200))
    fill_targets(big)
    with pytest.raises(errors.BudgetError, match="事前绩效评估"):
        services.target_submit(actor=None, project=big)
    pass_ex_ante(big)
    services.target_submit(actor=None, project=big)
    assert services.case_of(big).state == WorkflowState.SUBMITTED


def test_ex_ante_scored_through_the_engine_and_partial_cut(personas):
    project = make_project(personas.unit_a, total=D(1200))
    assessment = services.ex_ante_start(actor=personas.unit_a_operator, project=project)
    values = {n.pk: {"level": "partly", "score": D(13)} for n in assessment.tree.indicators.all()}
    with pytest.raises(errors.BudgetError, match="核定金额"):
        services.ex_ante_assess(
            actor=None, assessment=assessment, values=values, conclusion=Conclusion.PARTIAL
        )
    services.ex_ante_assess(
        actor=None,
        assessment=assessment,
        values=values,
        conclusion=Conclusion.PARTIAL,
        approved_amount=D(1000),
    )
    assessment.refresh_from_db()
    assert assessment.total == D(65)
    assert assessment.grade == "中"
    assert assessment.cut_amount == D(200)
    assert not assessment.passed  # no report yet
    bad = {n.pk: {"level": "achieved", "score": D(10)} for n in assessment.tree.indicators.all()}
    with pytest.raises(Exception, match="档"):
        services.ex_ante_assess(
            actor=None, assessment=assessment, values=bad, conclusion=Conclusion.SUPPORT
        )


def test_the_whole_review_path(personas):
    project = make_project(personas.unit_a, personas.unit_a_operator, total=D(300))
    indicators = fill_targets(project, personas.unit_a_operator)
    services.target_submit(actor=personas.unit_a_operator, project=project)
    key = f"indicator:{indicators['工程验收合格率'].pk}"
    services.target_return(
        actor=personas.department_reviewer,
        project=project,
        comment="请核实质量指标。",
        item_comments=[(key, "合格率应为100%且说明依据")],
    )
    case = services.case_of(project)
    assert case.state == WorkflowState.RETURNED
    services.target_indicator_update(
        actor=personas.unit_a_operator,
        project=project,
        indicator=indicators["工程验收合格率"],
        basis="sector",
    )
    services.target_submit(actor=personas.unit_a_operator, project=project)
    services.target_approve(actor=personas.department_reviewer, project=project)
    with pytest.raises(errors.BudgetError, match="批复金额"):
        services.target_approve(actor=personas.finance_reviewer, project=project)
    services.target_approve(
        actor=personas.finance_reviewer, project=project, approved_amount=D(280)
    )
    project.refresh_from_db()
    assert project.approved_amount == D(280)
    case = services.case_of(project)
    assert case.state == WorkflowState.APPROVED and case.locked
    with pytest.raises(WorkflowError):
        services.target_indicator_update(
            actor=personas.unit_a_operator,
            project=project,
            indicator=indicators["工程验收合格率"],
            target_value=D(99),
        )
    with pytest.raises(WorkflowError):
        services.project_update(actor=personas.unit_a_operator, project=project, name="x")
    actions = set(
        AuditEvent.objects.filter(object_id=str(project.pk)).values_list("action", flat=True)
    )
    assert {
        "budget.project.create",
        "budget.project.approve",
        "workflow.submit",
        "workflow.return",
        "workflow.approve",
    } <= actions


def test_other_departments_cannot_review(personas):
    project = make_project(personas.unit_a, total=D(300))
    fill_targets(project)
    services.target_submit(actor=personas.unit_a_operator, project=project)
    with pytest.raises(PermissionDeniedError):
        services.target_approve(actor=personas.unit_b_operator, project=project)
    with pytest.raises(PermissionDeniedError):
        services.target_approve(
            actor=personas.finance_reviewer, project=project, approved_amount=Decimal(1)
        )


def test_ex_ante_not_needed_object_is_not_created_twice(personas):
    project = make_project(personas.unit_a, total=D(1200))
    a = services.ex_ante_start(actor=None, project=project)
    b = services.ex_ante_start(actor=None, project=project)
    assert a.pk == b.pk and ExAnteAssessment.objects.count() == 1


def test_years_out_of_order_are_refused_in_chinese(personas):
    with pytest.raises(errors.BudgetError, match="终止年度不能早于起始年度"):
        make_project(personas.unit_a, start_year=2027, end_year=2026)


def test_non_reviewer_is_refused_before_the_amount_is_checked(personas):
    project = make_project(personas.unit_a, total=D(300))
    fill_targets(project)
    services.target_submit(actor=None, project=project)
    services.target_approve(actor=None, project=project)
    with pytest.raises(PermissionDeniedError):
        services.target_approve(actor=personas.department_reviewer, project=project)


def test_people_are_told_when_a_form_needs_them(personas, django_capture_on_commit_callbacks):
    from jixiao.notifications.models import Notification

    project = make_project(personas.unit_a, total=D(300))
    fill_targets(project)
    with django_capture_on_commit_callbacks(execute=True):
        services.target_submit(actor=personas.unit_a_operator, project=project)
    note = Notification.objects.get(recipient=personas.department_reviewer)
    assert note.title.startswith("待审核：") and note.link == f"/budget/projects/{project.pk}/"
    assert not Notification.objects.filter(recipient=personas.unit_b_operator).exists()
    assert not Notification.objects.filter(recipient=personas.finance_reviewer).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.target_return(
            actor=personas.department_reviewer, project=project, comment="请完善"
        )
    assert (
        Notification.objects.filter(
            recipient=personas.unit_a_operator, title__startswith="已退回"
        ).count()
        == 1
    )


def test_adjustment_goes_through_the_same_review(personas):
    project = make_project(personas.unit_a, total=D(300))
    indicators = fill_targets(project)
    services.target_submit(actor=None, project=project)
    services.target_approve(actor=None, project=project)
    services.target_approve(actor=None, project=project, approved_amount=D(300))
    with pytest.raises(PermissionDeniedError):
        services.target_adjust_request(actor=personas.unit_b_operator, project=project, reason="x")
    services.target_adjust_request(
        actor=personas.unit_a_operator,
        project=project,
        reason="上级追加资金，扩大建设规模",
        proposed_amount=D(360),
    )
    case = services.case_of(project)
    assert case.state == WorkflowState.DRAFT and case.kind == "adjustment"
    services.target_indicator_update(
        actor=personas.unit_a_operator,
        project=project,
        indicator=indicators["新建改造供水工程"],
        target_value=D(30),
    )
    services.target_submit(actor=personas.unit_a_operator, project=project)
    services.target_approve(actor=personas.department_reviewer, project=project)
    services.target_approve(
        actor=personas.finance_reviewer, project=project, approved_amount=D(360)
    )
    project.refresh_from_db()
    assert project.approved_amount == D(360)
    case = services.case_of(project)
    assert case.state == WorkflowState.APPROVED and case.locked
    assert case.approved_version.data["indicators"][0]["target"] == "30"


def test_department_overall_expenditure_declaration(personas):
    declaration = services.department_declaration_create(
        actor=personas.unit_a_operator,
        unit=personas.unit_a,
        fiscal_year=2027,
        annual_total=D(2000),
        annual_fiscal=D(2000),
        basic_expenditure=D(1500),
        project_expenditure=D(500),
        annual_goal="保障学校正常运转，完成年度教育教学任务。",
    )
    assert declaration.is_department and declaration.name == "测试县第一中学2027年度部门整体支出"
    assert not services.ex_ante_required(declaration)
    with pytest.raises(errors.BudgetError, match="已有部门整体支出"):
        services.department_declaration_create(
            actor=None,
            unit=personas.unit_a,
            fiscal_year=2027,
            annual_total=D(1),
            annual_fiscal=D(1),
            basic_expenditure=D(1),
        )
    with pytest.raises(errors.BudgetError, match="基本支出与项目支出之和"):
        services.project_update(actor=None, project=declaration, basic_expenditure=D(100))
    fill_targets(declaration)
    services.target_submit(actor=personas.unit_a_operator, project=declaration)
    assert services.case_of(declaration).state == WorkflowState.SUBMITTED


def test_a_project_needs_its_function_class(personas):
    with pytest.raises(errors.BudgetError, match="功能分类"):
        make_project(personas.unit_a, function_code="")
