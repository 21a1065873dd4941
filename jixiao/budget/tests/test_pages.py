"""Budget pages: the declaration, review and approval path over HTTP, and scope."""

from __future__ import annotations

import pytest
from django.test import Client

from jixiao.budget import services
from jixiao.budget.models import Project
from jixiao.budget.tests.factories import D, fill_targets, group, make_project
from jixiao.workflow.models import WorkflowState

pytestmark = pytest.mark.django_db

PROJECT_POST = {
    "fiscal_year": 2027,
    "code": "JY-2027-01",
    "name": "乡村学校少年宫建设",
    "function_code": "20502",
    "is_new": "1",
    "start_year": 2027,
    "end_year": 2027,
    "annual_total": "300",
    "annual_fiscal": "300",
    "annual_carryover": "0",
    "annual_other": "0",
    "midterm_total": "0",
    "midterm_fiscal": "0",
    "midterm_other": "0",
    "annual_goal": "建成乡村学校少年宫5所，惠及学生3000人。",
    "midterm_goal": "",
    "manager": "陈晓东",
    "manager_phone": "0531-1234567",
}


def _state(project: Project) -> str:
    return services.case_of(project).state


def test_unit_operator_creates_a_project(client, personas):
    client.force_login(personas.unit_a_operator)
    response = client.post("/budget/projects/new/", {**PROJECT_POST, "unit": personas.unit_a.pk})
    project = Project.objects.get(code="JY-2027-01")
    assert response.status_code == 302
    assert response["Location"] == f"/budget/projects/{project.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "乡村学校少年宫建设" in page
    assert "至少需要一个产出指标" in page  # the completeness check says what is missing


def test_unbalanced_funds_are_refused_with_a_message(client, personas):
    client.force_login(personas.unit_a_operator)
    post = {**PROJECT_POST, "unit": personas.unit_a.pk, "annual_fiscal": "200"}
    response = client.post("/budget/projects/new/", post)
    assert response.status_code == 200
    assert "应等于财政拨款、上年结转与其他资金之和" in response.content.decode()
    assert not Project.objects.exists()


def test_other_units_cannot_see_or_change_the_project(client, personas):
    project = make_project(personas.unit_a, total=D(300))
    client.force_login(personas.unit_b_operator)
    assert project.name not in client.get("/budget/projects/?year=2027").content.decode()
    for url in (
        f"/budget/projects/{project.pk}/",
        f"/budget/projects/{project.pk}/edit/",
        f"/budget/projects/{project.pk}/ex-ante/",
        f"/budget/projects/{project.pk}/review/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/budget/projects/{project.pk}/submit/").status_code == 404
    assert client.post(f"/budget/projects/{project.pk}/indicators/", {}).status_code == 404
    assert _state(project) == WorkflowState.DRAFT


def test_indicator_added_through_the_page(client, personas):
    project = make_project(personas.unit_a, total=D(300))
    client.force_login(personas.unit_a_operator)
    response = client.post(
        f"/budget/projects/{project.pk}/indicators/",
        {
            "group": group(project, "数量指标").pk,
            "name": "建成少年宫",
            "nature": "gte",
            "target_value": "5",
            "unit": "所",
            "full_score": "30",
            "basis": "plan",
            "previous_value": "4",
        },
    )
    assert response.status_code == 302
    added = project.annual_tree.indicators.get(name="建成少年宫", level=3)
    assert added.previous_values == {"2026": "4"} and added.rule == "gte"
    page = client.get(f"/budget/projects/{project.pk}/").content.decode()
    assert "2026：4" in page


def test_review_path_over_http(personas):
    project = make_project(personas.unit_a, total=D(300))
    indicators = fill_targets(project)
    unit, dept, finance = Client(), Client(), Client()
    unit.force_login(personas.unit_a_operator)
    dept.force_login(personas.department_reviewer)
    finance.force_login(personas.finance_reviewer)

    assert unit.post(f"/budget/projects/{project.pk}/submit/").status_code == 302
    assert _state(project) == WorkflowState.SUBMITTED
    listing = unit.get("/budget/projects/?year=2027").content.decode()
    assert 'data-status="submitted"' in listing and "等待测试县教育局主管部门审核" in listing
    queue = dept.get("/budget/review/").content.decode()
    assert project.name in queue
    assert finance.get(f"/budget/projects/{project.pk}/review/").status_code == 404

    key = f"indicator:{indicators['工程验收合格率'].pk}"
    response = dept.post(
        f"/budget/projects/{project.pk}/review/",
        {"decision": "return", "comment": "请补充质量指标依据", f"item-{key}": "依据不明"},
    )
    assert response.status_code == 302
    assert _state(project) == WorkflowState.RETURNED
    page = unit.get(f"/budget/projects/{project.pk}/").content.decode()
    assert "依据不明" in page

    unit.post(f"/budget/projects/{project.pk}/submit/")
    dept.post(f"/budget/projects/{project.pk}/review/", {"decision": "approve", "comment": ""})
    response = finance.post(
        f"/budget/projects/{project.pk}/review/", {"decision": "approve", "comment": "同意"}
    )
    assert response.status_code == 400
    assert "批复金额" in response.content.decode()
    finance.post(
        f"/budget/projects/{project.pk}/review/",
        {"decision": "approve", "comment": "同意", "approved_amount": "280"},
    )
    project.refresh_from_db()
    assert _state(project) == WorkflowState.APPROVED
    assert project.approved_amount == D(280)
    response = unit.post(f"/budget/projects/{project.pk}/edit/", {**PROJECT_POST, "name": "x"})
    assert "锁定" in response.content.decode()
    project.refresh_from_db()
    assert project.name != "x"
    compare = unit.get(f"/budget/projects/{project.pk}/compare/?a=1&b=2")
    assert compare.status_code == 200


def test_actions_need_post_and_csrf(personas):
    project = make_project(personas.unit_a, total=D(300))
    fill_targets(project)
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.unit_a_operator)
    assert client.get(f"/budget/projects/{project.pk}/submit/").status_code == 405
    assert client.post(f"/budget/projects/{project.pk}/submit/").status_code == 403
    assert _state(project) == WorkflowState.DRAFT


def test_leader_reads_but_cannot_declare(client, personas):
    project = make_project(personas.unit_a, total=D(300))
    client.force_login(personas.leader)
    assert client.get(f"/budget/projects/{project.pk}/").status_code == 200
    assert client.get("/budget/projects/new/").status_code == 404
    assert client.post(f"/budget/projects/{project.pk}/edit/", PROJECT_POST).status_code == 404


def test_control_numbers_against_cuts_and_approvals(client, personas):
    from jixiao.budget.tests.factories import pass_ex_ante

    project = make_project(personas.unit_a, total=D(1200))
    fill_targets(project)
    pass_ex_ante(project)
    assessment = project.ex_ante
    services.ex_ante_assess(
        actor=None,
        assessment=assessment,
        values=assessment.values
        and {
            int(k): {"level": v["level"], "score": D(v["score"])}
            for k, v in assessment.values.items()
        },
        conclusion="partial",
        approved_amount=D(1000),
    )
    client.force_login(personas.finance_reviewer)
    response = client.post(
        "/budget/control-numbers/?year=2027",
        {"department": personas.education.pk, "amount": "5000"},
    )
    assert response.status_code == 302
    table = client.get("/budget/control-numbers/?year=2027").content.decode()
    assert "5,000.00" in table and "1,200.00" in table and "200.00" in table
    client.force_login(personas.department_reviewer)
    page = client.get("/budget/control-numbers/?year=2027").content.decode()
    assert "测试县教育局" in page and "测试县卫生健康局" not in page
    assert (
        client.post(
            "/budget/control-numbers/?year=2027",
            {"department": personas.education.pk, "amount": "1"},
        ).status_code
        == 404
    )
    client.force_login(personas.unit_a_operator)
    assert client.get("/budget/control-numbers/").status_code == 404


def test_department_declaration_through_the_pages(client, personas):
    client.force_login(personas.unit_a_operator)
    response = client.post(
        "/budget/projects/new-department/",
        {
            "unit": personas.unit_a.pk,
            "fiscal_year": 2027,
            "annual_total": "2000",
            "basic_expenditure": "1500",
            "project_expenditure": "500",
            "annual_fiscal": "2000",
            "annual_carryover": "0",
            "annual_other": "0",
            "midterm_total": "0",
            "midterm_fiscal": "0",
            "midterm_other": "0",
            "annual_goal": "保障正常运转。",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "2027年度部门整体支出绩效目标申报表" in page and "基本支出" in page
    listing = client.get("/budget/projects/?year=2027&kind=department").content.decode()
    assert "测试县第一中学2027年度部门整体支出" in listing


def test_ex_ante_score_outside_its_band_is_shown_on_the_form(client, personas):
    project = make_project(personas.unit_a)
    assessment = services.ex_ante_start(actor=None, project=project)
    client.force_login(personas.unit_a_operator)
    post = {"conclusion": "support", "opinion": "可行"}
    for criterion in assessment.tree.indicators.all():
        post[f"level_{criterion.pk}"] = "achieved"
        post[f"score_{criterion.pk}"] = "1"
    response = client.post(f"/budget/projects/{project.pk}/ex-ante/", post)
    assert response.status_code == 200
    assert "档" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.conclusion == ""


def test_bureau_sets_the_year_rules_and_they_apply(client, personas):
    client.force_login(personas.finance_reviewer)
    response = client.post(
        "/budget/settings/?year=2027", {"ex_ante_threshold": "100", "indicator_scale": "80"}
    )
    assert response.status_code == 302
    project = make_project(personas.unit_a, total=D(150))
    assert services.ex_ante_required(project)
    assert project.annual_tree.scale == D(80)
    response = client.post(
        "/budget/settings/?year=2027", {"ex_ante_threshold": "100", "indicator_scale": "120"}
    )
    assert "不超过100" in response.content.decode()
    for user in (personas.unit_a_operator, personas.department_reviewer, personas.leader):
        client.force_login(user)
        assert client.get("/budget/settings/").status_code == 404
