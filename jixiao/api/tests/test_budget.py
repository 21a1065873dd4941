"""Budget projects, targets and their review through the API: the same permissions as the
services (404 outside the scope, 403 for a persona that may see but not act), the workflow's
rules and messages, and lists whose query count does not grow with their length."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jixiao.api import errors
from jixiao.budget import errors as budget_errors
from jixiao.budget import services
from jixiao.budget.checks import MISSING_CATEGORY
from jixiao.budget.models import Project
from jixiao.budget.tests.factories import fill_targets, make_project, pass_ex_ante
from jixiao.orgs.errors import NO_PERMISSION
from jixiao.workflow import errors as workflow_errors
from jixiao.workflow.models import ReviewComment, WorkflowState

BASE = "/api/budget/projects/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path  # the ex-ante report of pass_ex_ante


def _payload(unit, **values):  # type: ignore[no-untyped-def]
    return {
        "unit": unit.pk,
        "fiscal_year": 2027,
        "code": "API-001",
        "name": "义务教育薄弱环节改善",
        "function_code": "20502",
        "start_year": 2027,
        "end_year": 2027,
        "annual_total": "300",
        "annual_fiscal": 250,  # numbers and strings are both accepted
        "annual_other": "50",
        "annual_goal": "改善12所学校的办学条件。",
        **values,
    }


def _call(client, method: str, url: str, headers, body=None):  # type: ignore[no-untyped-def]
    """A JSON request; ``body`` None sends none (an empty body, as ``curl -X POST`` does)."""
    if body is None and method in ("get", "delete"):
        return getattr(client, method)(url, headers=headers)
    data = "" if body is None else json.dumps(body)
    return getattr(client, method)(url, data, content_type="application/json", headers=headers)


def _csrf_client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _submitted(personas) -> Project:  # type: ignore[no-untyped-def]
    project = make_project(personas.unit_a)
    fill_targets(project)
    pass_ex_ante(project)
    services.target_submit(actor=personas.unit_a_operator, project=project)
    return project


def _approved(personas) -> Project:  # type: ignore[no-untyped-def]
    project = _submitted(personas)
    services.target_approve(actor=personas.department_reviewer, project=project)
    services.target_approve(
        actor=personas.finance_reviewer, project=project, approved_amount=Decimal(1100)
    )
    return project


# --- Creating ----------------------------------------------------------------------------------


def test_unit_operator_creates_a_project_in_a_session_with_csrf(personas):
    p = personas
    client = _csrf_client(p.unit_a_operator)
    body = json.dumps(_payload(p.unit_a))
    response = client.post(BASE, body, content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {"detail": errors.CSRF_FAILED}
    assert not Project.objects.exists()

    client.get("/api/docs")  # hands out the CSRF cookie, as any page does
    headers = {"X-CSRFToken": client.cookies["csrftoken"].value}
    response = client.post(BASE, body, content_type="application/json", headers=headers)
    assert response.status_code == 201, response.json()
    project = response.json()
    assert project["code"] == "API-001"
    assert project["unit"] == {"id": p.unit_a.pk, "name": p.unit_a.name, "code": p.unit_a.code}
    assert project["department"]["id"] == p.education.pk
    assert project["function_label"] == "205 教育支出 / 20502 普通教育"
    assert project["annual_total"] == "300.0000"
    assert project["annual_fiscal"] == "250.0000"
    assert project["approved_amount"] is None
    assert project["workflow"]["state"] == "draft"
    assert project["workflow"]["state_label"] == "草稿"
    assert project["workflow"]["editable"] is True
    assert project["ex_ante_required"] is False
    assert project["ex_ante"] is None
    assert Project.objects.get().created_by == p.unit_a_operator


def test_budget_system_creates_with_its_token(client, personas, integration, bearer):
    headers = bearer(integration)
    payload = _payload(personas.unit_a, annual_fiscal="249.5", annual_carryover=0.5)
    response = _call(client, "post", BASE, headers, payload)
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    listed = _call(client, "get", BASE, headers).json()
    assert [item["id"] for item in listed["items"]] == [pk]
    assert listed["items"][0]["workflow"]["state"] == "draft"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("annual_total", "三百万"),
        ("annual_total", "NaN"),
        ("annual_fiscal", -1),
        ("annual_other", "0.00001"),  # finer than one yuan
        ("function_code", "99999"),
        ("fiscal_year", "明年"),
        ("end_year", 2026),  # before the start year
        ("surprise", 1),  # a misspelt field is not silently ignored
    ],
)
def test_bad_input_is_422_with_the_field(client, personas, bearer, field, value):
    headers = bearer(personas.unit_a_operator)
    response = _call(client, "post", BASE, headers, _payload(personas.unit_a, **{field: value}))
    assert response.status_code == 422
    assert response.json()["detail"] == errors.INVALID_REQUEST
    assert response.json()["errors"][0]["loc"][-1] == field
    assert not Project.objects.exists()


def test_years_out_of_order_say_so(client, personas, bearer):
    headers = bearer(personas.unit_a_operator)
    payload = _payload(personas.unit_a, start_year=2027, end_year=2026)
    error = _call(client, "post", BASE, headers, payload).json()["errors"][0]
    assert budget_errors.YEARS_ORDER in error["msg"]


def test_rules_of_the_service_are_400_in_chinese(client, personas, bearer):
    headers = bearer(personas.unit_a_operator)
    payload = _payload(personas.unit_a, annual_other="0")
    response = _call(client, "post", BASE, headers, payload)
    assert response.status_code == 400
    assert response.json() == {
        "detail": budget_errors.FUNDS_SPLIT.format(total="300.00", parts="250.00")
    }
    make_project(personas.unit_a, code="API-001")
    response = _call(client, "post", BASE, headers, _payload(personas.unit_a))
    assert response.status_code == 400
    assert response.json()["detail"] == budget_errors.CODE_TAKEN.format(year=2027, code="API-001")


def test_only_units_declare(client, personas, bearer):
    headers = bearer(personas.finance_reviewer)
    response = _call(client, "post", BASE, headers, _payload(personas.education))
    assert response.status_code == 403  # the bureau sees the department but does not declare
    assert response.json() == {"detail": NO_PERMISSION}


# --- Scope and read-only personas ------------------------------------------------------------


def _all_project_calls(project, indicator_id: int) -> list[tuple[str, str, dict | None]]:  # type: ignore[no-untyped-def]
    url = f"{BASE}{project.pk}"
    target = f"{url}/targets/{indicator_id}"
    return [
        ("get", url, None),
        ("patch", url, {"name": "改名"}),
        ("get", f"{url}/targets", None),
        ("post", f"{url}/targets", {"group": "数量指标", "name": "x", "direction": "gte"}),
        ("patch", target, {"target_value": "1"}),
        ("delete", target, None),
        ("post", f"{url}/submit", {}),
        ("post", f"{url}/withdraw", {}),
        ("post", f"{url}/approve", {"approved_amount": "1"}),
        ("post", f"{url}/return", {"comment": "退回"}),
        ("get", f"{url}/history", None),
    ]


def test_other_unit_gets_404_everywhere(client, personas, bearer):
    p = personas
    project = make_project(p.unit_a)
    indicator = fill_targets(project)["新建改造供水工程"]
    headers = bearer(p.unit_b_operator)
    for method, url, body in _all_project_calls(project, indicator.pk):
        response = _call(client, method, url, headers, body)
        assert response.status_code == 404, (method, url)
        assert response.json() == {"detail": errors.NOT_FOUND}
    assert _call(client, "get", BASE, headers).json() == {"items": [], "count": 0}
    response = _call(client, "post", BASE, headers, _payload(p.unit_a, code="B-1"))
    assert response.status_code == 404  # unit A is not even visible to unit B
    project.refresh_from_db()
    assert project.name == "农村饮水安全巩固提升"
    assert services.case_of(project).state == WorkflowState.DRAFT


@pytest.mark.parametrize("persona", ["evaluator", "employee", "audit_admin", "system_admin"])
def test_personas_without_budget_roles_see_nothing(client, personas, bearer, persona):
    project = make_project(personas.unit_a)
    headers = bearer(getattr(personas, persona))
    assert _call(client, "get", BASE, headers).json() == {"items": [], "count": 0}
    assert _call(client, "get", f"{BASE}{project.pk}", headers).status_code == 404


def test_leader_reads_but_cannot_write(client, personas, bearer):
    p = personas
    project = make_project(p.unit_a)
    indicator = fill_targets(project)["新建改造供水工程"]
    headers = bearer(p.leader)
    reads = [(m, u, b) for m, u, b in _all_project_calls(project, indicator.pk) if m == "get"]
    writes = [(m, u, b) for m, u, b in _all_project_calls(project, indicator.pk) if m != "get"]
    for method, url, body in reads:
        assert _call(client, method, url, headers, body).status_code == 200, url
    for method, url, body in writes:
        response = _call(client, method, url, headers, body)
        assert response.status_code in (400, 403), (method, url)
        if response.status_code == 400:  # approve/return: nothing is under review
            assert response.json()["detail"] == workflow_errors.NOT_UNDER_REVIEW
        else:
            assert response.json() == {"detail": NO_PERMISSION}
    response = _call(client, "post", BASE, headers, _payload(p.unit_a, code="L-1"))
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.name == "农村饮水安全巩固提升"
    assert project.annual_tree.indicators.filter(level=3).count() == 5


def test_leader_cannot_review(client, personas, bearer):
    project = _submitted(personas)
    headers = bearer(personas.leader)
    url = f"{BASE}{project.pk}"
    assert _call(client, "post", f"{url}/approve", headers, {}).status_code == 403
    assert _call(client, "post", f"{url}/return", headers, {"comment": "不行"}).status_code == 403
    assert services.case_of(project).state == WorkflowState.SUBMITTED


def test_department_reviewer_sees_its_units_only(client, personas, bearer):
    a = make_project(personas.unit_a, code="A-1")
    b = make_project(personas.unit_b, code="B-1")
    headers = bearer(personas.department_reviewer)
    assert [i["id"] for i in _call(client, "get", BASE, headers).json()["items"]] == [a.pk]
    assert _call(client, "get", f"{BASE}{b.pk}", headers).status_code == 404


# --- Reading ---------------------------------------------------------------------------------


def test_list_filters_and_pagination(client, personas, bearer):
    p = personas
    a1 = make_project(p.unit_a, code="A-1", name="校舍维修")
    a2 = make_project(p.unit_a, code="A-2", fiscal_year=2026, start_year=2026, end_year=2026)
    b1 = make_project(p.unit_b, code="B-1", name="医疗设备购置")
    fill_targets(a1)
    pass_ex_ante(a1)
    services.target_submit(actor=None, project=a1)
    headers = bearer(p.finance_reviewer)

    def ids(query: str) -> list[int]:
        response = _call(client, "get", f"{BASE}?{query}", headers)
        assert response.status_code == 200, response.json()
        return [item["id"] for item in response.json()["items"]]

    assert ids("") == [a1.pk, b1.pk, a2.pk]  # the newest year first, then by code
    assert ids("fiscal_year=2026") == [a2.pk]
    assert ids(f"unit={p.unit_b.pk}") == [b1.pk]
    assert ids(f"unit={p.education.pk}") == [a1.pk, a2.pk]  # a department: all its units
    assert ids("state=submitted") == [a1.pk]
    assert ids("state=draft") == [b1.pk, a2.pk]
    assert ids("q=医疗") == [b1.pk]
    assert ids("q=第一中学") == [a1.pk, a2.pk]
    page = _call(client, "get", f"{BASE}?limit=1&offset=1", headers).json()
    assert page["count"] == 3
    assert [item["id"] for item in page["items"]] == [b1.pk]
    item = _call(client, "get", f"{BASE}?state=submitted", headers).json()["items"][0]
    assert item["workflow"]["state_label"] == "待审核"
    assert item["workflow"]["level_label"] == "主管部门审核"
    assert item["workflow"]["reviewing_organization"]["id"] == p.education.pk
    bad = _call(client, "get", f"{BASE}?state=lost", headers)
    assert bad.status_code == 422


def test_list_query_count_does_not_grow(client, personas):
    client.force_login(personas.finance_reviewer)

    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(BASE)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    for n in range(3):
        make_project(personas.unit_a, code=f"Q-{n:02d}")
    few = queries_for_list()
    for n in range(3, 15):
        make_project(personas.unit_b if n % 2 else personas.unit_a, code=f"Q-{n:02d}")
    assert client.get(BASE).json()["count"] == 15
    assert queries_for_list() == few


def test_project_detail(client, personas, bearer):
    project = make_project(personas.unit_a, total=Decimal(1200))
    headers = bearer(personas.unit_a_operator)
    body = _call(client, "get", f"{BASE}{project.pk}", headers).json()
    assert body["ex_ante_required"] is True
    assert body["ex_ante"] is None
    assert body["annual_goal"].startswith("新建改造供水工程24处")
    assert body["function_label"] == "213 农林水支出 / 21303 水利"
    pass_ex_ante(project)
    ex_ante = _call(client, "get", f"{BASE}{project.pk}", headers).json()["ex_ante"]
    assert ex_ante["conclusion"] == "support"
    assert ex_ante["conclusion_label"] == "予以支持"
    assert ex_ante["grade"]
    assert Decimal(ex_ante["total"]) > 0
    assert ex_ante["approved_amount"] == "1200.0000"
    assert ex_ante["cut_amount"] == "0"
    assert ex_ante["has_report"] is True
    assert ex_ante["passed"] is True
    for url in (f"{BASE}999999", f"{BASE}abc", f"{BASE}999999/targets"):
        assert _call(client, "get", url, headers).status_code == 404


def test_targets_table_and_check(client, personas, bearer):
    project = make_project(personas.unit_a)
    headers = bearer(personas.unit_a_operator)
    url = f"{BASE}{project.pk}/targets"
    body = _call(client, "get", url, headers).json()
    assert body["scale"] == "90.00"
    assert body["approved_version"] is None
    assert [(r["level_label"], r["name"]) for r in body["rows"][:3]] == [
        ("一级", "产出指标"),
        ("二级", "数量指标"),
        ("二级", "质量指标"),
    ]
    assert all(r["is_group"] for r in body["rows"])
    assert body["check"]["ok"] is False
    assert MISSING_CATEGORY.format(category="满意度指标") in body["check"]["errors"]

    new = {
        "group": "数量指标",
        "name": "改造学校数",
        "kind": "quantitative",
        "direction": "gte",
        "target_value": 12,
        "unit": "所",
        "full_score": "30",
        "basis": "plan",
        "previous_values": {"2026": "10"},
    }
    response = _call(client, "post", url, headers, new)
    assert response.status_code == 201, response.json()
    row = response.json()
    assert row["level"] == 3
    assert row["level_label"] == "三级"
    assert row["path"] == "产出指标 / 数量指标 / 改造学校数"
    assert row["key"] == f"indicator:{row['id']}"
    assert row["direction_label"] == "≥"
    assert row["target_value"] == "12.000000"
    assert row["basis_label"] == "计划标准"
    assert row["previous_values"] == {"2026": "10"}
    rows = _call(client, "get", url, headers).json()["rows"]
    assert [r["name"] for r in rows[:3]] == ["产出指标", "数量指标", "改造学校数"]

    response = _call(client, "patch", f"{url}/{row['id']}", headers, {"target_value": "15"})
    assert response.status_code == 200
    assert response.json()["target_value"] == "15.000000"
    response = _call(
        client, "patch", f"{url}/{row['id']}", headers, {"kind": "qualitative", "target_text": "好"}
    )
    assert (response.json()["direction"], response.json()["target_value"]) == ("", None)
    assert project.annual_tree.indicators.get(pk=row["id"]).rule == "qualitative"

    unknown = _call(client, "post", url, headers, {**new, "group": "数量"})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["loc"][-1] == "group"
    assert "数量指标、质量指标" in unknown.json()["errors"][0]["msg"]
    group_id = rows[1]["id"]  # a level-2 group is part of the framework, not a target
    assert _call(client, "delete", f"{url}/{group_id}", headers).status_code == 404
    assert _call(client, "patch", f"{url}/{group_id}", headers, {"name": "x"}).status_code == 404

    response = _call(client, "delete", f"{url}/{row['id']}", headers)
    assert response.status_code == 204
    assert not project.annual_tree.indicators.filter(level=3).exists()


# --- Review ----------------------------------------------------------------------------------


def test_full_review_path_through_the_api(client, personas, bearer):
    p = personas
    project = make_project(p.unit_a)
    fill_targets(project)
    pass_ex_ante(project)
    url = f"{BASE}{project.pk}"

    unit = bearer(p.unit_a_operator)
    response = _call(client, "post", f"{url}/submit", unit, {"comment": "请审核"})
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "submitted"
    assert response.json()["level_label"] == "主管部门审核"
    assert response.json()["reviewing_organization"]["id"] == p.education.pk

    department = bearer(p.department_reviewer)
    response = _call(client, "post", f"{url}/approve", department, {"comment": "同意"})
    assert response.status_code == 200, response.json()
    assert response.json()["level_label"] == "财政审核"

    finance = bearer(p.finance_reviewer)
    response = _call(client, "post", f"{url}/approve", finance, {})
    assert response.status_code == 400
    assert response.json() == {"detail": budget_errors.AMOUNT_REQUIRED}
    response = _call(client, "post", f"{url}/approve", finance, {"approved_amount": "1100.5"})
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "approved"
    assert response.json()["state_label"] == "已批复"
    assert response.json()["locked"] is True

    detail = _call(client, "get", url, unit).json()
    assert detail["approved_amount"] == "1100.5000"
    assert detail["workflow"]["locked"] is True
    targets = _call(client, "get", f"{url}/targets", unit).json()
    version = targets["approved_version"]
    assert version["number"] == 2
    assert {row["path"].split(" / ")[-1] for row in version["data"]["indicators"]} >= {
        "新建改造供水工程",
        "受益群众满意度",
    }
    assert targets["check"]["ok"] is True

    history = _call(client, "get", f"{url}/history", unit).json()
    assert [s["action"] for s in history["steps"]] == ["submit", "approve", "approve"]
    assert history["steps"][0]["action_label"] == "提交"
    assert history["steps"][0]["actor"]["username"] == "unit_a"
    assert history["steps"][0]["comment"] == "请审核"
    assert history["steps"][2]["data"] == {"approved_amount": "1100.5"}
    assert history["steps"][2]["organization"]["id"] == p.bureau.pk
    assert history["workflow"]["state"] == "approved"


def test_return_with_an_item_comment(client, personas, bearer):
    p = personas
    project = _submitted(p)
    indicator = project.annual_tree.indicators.get(name="新建改造供水工程")
    url = f"{BASE}{project.pk}"
    department = bearer(p.department_reviewer)
    response = _call(client, "post", f"{url}/return", department, {"comment": ""})
    assert response.status_code == 400
    assert response.json() == {"detail": workflow_errors.RETURN_COMMENT_REQUIRED}
    body = {
        "comment": "目标值偏低，请修改。",
        "item_comments": [{"item_key": f"indicator:{indicator.pk}", "text": "应不少于30处"}],
    }
    response = _call(client, "post", f"{url}/return", department, body)
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "returned"
    assert response.json()["editable"] is True

    unit = bearer(p.unit_a_operator)
    comments = _call(client, "get", f"{url}/history", unit).json()["comments"]
    assert [(c["item_key"], c["text"]) for c in comments] == [
        ("", "目标值偏低，请修改。"),
        (f"indicator:{indicator.pk}", "应不少于30处"),
    ]
    assert comments[1]["level_label"] == "主管部门审核"
    assert comments[1]["resolved"] is False
    assert ReviewComment.objects.count() == 2
    response = _call(client, "patch", f"{url}/targets/{indicator.pk}", unit, {"target_value": "30"})
    assert response.status_code == 200  # returned: the unit may change it again


def test_withdraw_before_review(client, personas, bearer):
    project = _submitted(personas)
    headers = bearer(personas.unit_a_operator)
    response = _call(client, "post", f"{BASE}{project.pk}/withdraw", headers)
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "draft"
    again = _call(client, "post", f"{BASE}{project.pk}/withdraw", headers, {})
    assert again.status_code == 400
    assert again.json() == {"detail": workflow_errors.WITHDRAW_NOT_SUBMITTED}


def test_submit_says_what_is_missing(client, personas, bearer):
    project = make_project(personas.unit_a, total=Decimal(100), annual_fiscal=Decimal(100))
    response = _call(client, "post", f"{BASE}{project.pk}/submit", bearer(personas.unit_a_operator))
    assert response.status_code == 400
    assert response.json()["detail"].startswith("绩效目标不完整：")
    assert MISSING_CATEGORY.format(category="产出指标") in response.json()["detail"]


def test_no_changes_under_review_or_after_approval(client, personas, bearer):
    headers = bearer(personas.unit_a_operator)
    project = _submitted(personas)
    url = f"{BASE}{project.pk}"
    response = _call(client, "patch", url, headers, {"name": "改名"})
    assert response.status_code == 400
    assert response.json() == {"detail": workflow_errors.UNDER_REVIEW}

    services.target_approve(actor=personas.department_reviewer, project=project)
    services.target_approve(
        actor=personas.finance_reviewer, project=project, approved_amount=Decimal(1000)
    )
    indicator = project.annual_tree.indicators.filter(level=3).first()
    locked = [
        ("patch", url, {"annual_goal": "新目标"}),
        ("post", f"{url}/targets", {"group": "数量指标", "name": "x", "direction": "gte"}),
        ("patch", f"{url}/targets/{indicator.pk}", {"target_value": "1"}),
        ("delete", f"{url}/targets/{indicator.pk}", None),
    ]
    for method, target, body in locked:
        response = _call(client, method, target, headers, body)
        assert response.status_code == 400, target
        assert response.json() == {"detail": workflow_errors.LOCKED}
    project.refresh_from_db()
    assert project.annual_goal.startswith("新建改造供水工程24处")


def test_patch_changes_only_what_is_sent(client, personas, bearer):
    project = make_project(personas.unit_a, total=Decimal(100))
    headers = bearer(personas.unit_a_operator)
    url = f"{BASE}{project.pk}"
    response = _call(client, "patch", url, headers, {"manager": "张三", "annual_goal": "新目标"})
    assert response.status_code == 200, response.json()
    assert response.json()["manager"] == "张三"
    assert response.json()["annual_total"] == "100.0000"
    project.refresh_from_db()
    assert (project.manager, project.annual_goal, project.code) == ("张三", "新目标", "P001")
    for body in ({"annual_total": "abc"}, {"name": None}, {"fiscal_year": 2030}):
        response = _call(client, "patch", url, headers, body)
        assert response.status_code == 422, body
    response = _call(client, "patch", url, headers, {"annual_total": "120"})
    assert response.status_code == 400  # the parts no longer add up
    assert "应等于财政拨款" in response.json()["detail"]


# --- The API's contract --------------------------------------------------------------------


def test_openapi_lists_the_budget_paths(client, db):
    doc = client.get("/api/openapi.json").json()
    paths = doc["paths"]
    assert set(paths["/api/budget/projects/"]) == {"get", "post"}
    assert set(paths["/api/budget/projects/{project_id}"]) == {"get", "patch"}
    assert set(paths["/api/budget/projects/{project_id}/targets"]) == {"get", "post"}
    assert set(paths["/api/budget/projects/{project_id}/targets/{indicator_id}"]) == {
        "patch",
        "delete",
    }
    for action in ("submit", "withdraw", "approve", "return"):
        assert set(paths[f"/api/budget/projects/{{project_id}}/{action}"]) == {"post"}
    assert set(paths["/api/budget/projects/{project_id}/history"]) == {"get"}
    schemas = doc["components"]["schemas"]
    assert {"workflow", "ex_ante", "approved_amount"} <= set(schemas["ProjectOut"]["properties"])
    assert {"approved_amount", "comment"} <= set(schemas["ApproveIn"]["properties"])


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("put", "{base}{pk}"),
        ("delete", "{base}{pk}"),
        ("get", "{base}{pk}/submit"),
        ("delete", "{base}{pk}/targets"),
    ],
)
def test_wrong_method_is_405(client, personas, bearer, method, url):
    project = make_project(personas.unit_a)
    response = getattr(client, method)(
        url.format(base=BASE, pk=project.pk), headers=bearer(personas.unit_a_operator)
    )
    assert response.status_code == 405
    assert response.json() == {"detail": errors.METHOD_NOT_ALLOWED}


def test_anonymous_is_401(client, personas):
    project = make_project(personas.unit_a)
    assert client.get(BASE).status_code == 401
    assert client.get(f"{BASE}{project.pk}").status_code == 401
    assert client.post(f"{BASE}{project.pk}/submit").status_code == 401
