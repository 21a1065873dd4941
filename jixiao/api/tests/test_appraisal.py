"""Employee appraisal through the API: a head sees and scores only their department (404
elsewhere), the office reviews (403 for a head), an employee sees only their own results."""

from __future__ import annotations

import json

import pytest

from jixiao.appraisal import services
from jixiao.appraisal.models import DepartmentSheet, EmployeeScore
from jixiao.appraisal.tests.test_services import open_month, score_all, sheet_of
from jixiao.appraisal.tests.world import World, make_world
from jixiao.testing.factories import Personas


@pytest.fixture
def world(personas: Personas) -> World:
    return make_world(personas)


def _get(client, url, headers):  # type: ignore[no-untyped-def]
    return client.get(url, headers=headers)


def _post(client, url, headers, body=None, method="post"):  # type: ignore[no-untyped-def]
    data = json.dumps(body or {})
    return getattr(client, method)(url, data, content_type="application/json", headers=headers)


def test_head_reads_and_scores_only_their_department(client, world, bearer) -> None:  # type: ignore[no-untyped-def]
    month = open_month(world)
    mine, theirs = sheet_of(month, world.dept), sheet_of(month, world.other_dept)
    head = bearer(world.head)
    response = _get(client, f"/api/appraisal/sheets/{mine.pk}", head)
    assert response.status_code == 200
    assert {s["name"] for s in response.json()["scores"]} == {"部门长", "employee", "同事乙"}
    assert _get(client, f"/api/appraisal/sheets/{theirs.pk}", head).status_code == 404
    items = services.sheet_items(mine).scored
    body = {"scores": {str(world.employee.pk): {str(i.pk): "10" for i in items}}}
    response = _post(client, f"/api/appraisal/sheets/{mine.pk}/scores", head, body, "put")
    assert response.status_code == 200, response.json()
    row = next(s for s in response.json()["scores"] if s["employee_id"] == world.employee.pk)
    assert row["total"] == "30.00" and row["items"][0]["explain"].startswith("部门评分")
    bad = {"scores": {str(world.employee.pk): {str(items[0].pk): "70"}}}
    response = _post(client, f"/api/appraisal/sheets/{mine.pk}/scores", head, bad, "put")
    assert response.status_code == 400 and "应在0到50之间" in response.json()["detail"]
    response = _post(client, f"/api/appraisal/sheets/{theirs.pk}/scores", head, body, "put")
    assert response.status_code == 404
    rows = _get(client, f"/api/appraisal/months/{month.pk}/departments", head).json()
    assert [r["department"]["id"] for r in rows] == [world.dept.pk]


def test_review_through_the_api_and_403_for_the_wrong_persona(client, world, bearer) -> None:  # type: ignore[no-untyped-def]
    month = open_month(world)
    sheet = sheet_of(month, world.dept)
    score_all(world, sheet)
    head, office = bearer(world.head), bearer(world.hr)
    assert _post(client, f"/api/appraisal/sheets/{sheet.pk}/submit", head).json()["state"] == (
        "submitted"
    )
    assert _post(client, f"/api/appraisal/sheets/{sheet.pk}/approve", head).status_code == 403
    response = _post(client, f"/api/appraisal/sheets/{sheet.pk}/return", office, {"comment": ""})
    assert response.status_code == 400
    response = _post(client, f"/api/appraisal/sheets/{sheet.pk}/approve", office)
    assert response.json()["state"] == "approved"
    pay = _get(client, f"/api/appraisal/months/{month.pk}/pay", office).json()
    rec = pay["reconciliation"]
    assert rec["employees_total"] == rec["departments_total"] == "3450.00"
    assert len(pay["results"]) == 3
    head_view = _get(client, f"/api/appraisal/months/{month.pk}/pay", head).json()
    assert head_view["reconciliation"] is None and len(head_view["results"]) == 3
    other = _get(client, f"/api/appraisal/months/{month.pk}/pay", bearer(world.other_head))
    assert other.json()["results"] == []


def test_employee_sees_only_their_own_results(client, world, bearer) -> None:  # type: ignore[no-untyped-def]
    month = open_month(world)
    sheet = sheet_of(month, world.dept)
    score_all(world, sheet)
    services.appraisal_sheet_submit(actor=world.head, sheet=sheet)
    services.appraisal_sheet_approve(actor=world.hr, sheet=sheet)
    me = bearer(world.employee)
    results = _get(client, "/api/appraisal/me/results", me).json()
    assert len(results) == 1 and results[0]["pay"]["employee_id"] == world.employee.pk
    assert results[0]["pay"]["lines"][0].startswith("月工资基数5,000.00元")
    assert _get(client, f"/api/appraisal/sheets/{sheet.pk}", me).status_code == 404
    assert _get(client, f"/api/appraisal/months/{month.pk}/pay", me).status_code == 404
    assert _get(client, f"/api/appraisal/months/{month.pk}/departments", me).status_code == 404
    assert EmployeeScore.objects.filter(sheet=sheet).count() == 3
    assert DepartmentSheet.objects.count() == 2


def test_rule_sets_in_scope(client, world, bearer) -> None:  # type: ignore[no-untyped-def]
    head = bearer(world.head)
    listed = _get(client, "/api/appraisal/rule-sets/", head).json()
    assert [r["id"] for r in listed] == [world.rule_set.pk]
    one = _get(client, f"/api/appraisal/rule-sets/{world.rule_set.pk}", head).json()
    assert one["general_id"] == world.general.pk and len(one["items"]) == 4
    assert _get(client, f"/api/appraisal/rule-sets/{world.general.pk}", head).status_code == 200
    other = _get(client, f"/api/appraisal/rule-sets/{world.other_rule_set.pk}", head)
    assert other.status_code == 404
    assert _get(client, "/api/appraisal/rule-sets/", None).status_code == 401


def test_session_writes_need_csrf_and_the_right_method(world) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    month = open_month(world)
    sheet = sheet_of(month, world.dept)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.head)
    response = strict.put(
        f"/api/appraisal/sheets/{sheet.pk}/scores", "{}", content_type="application/json"
    )
    assert response.status_code == 403
    assert strict.get(f"/api/appraisal/sheets/{sheet.pk}/submit").status_code == 405
    assert strict.get(f"/api/appraisal/sheets/{sheet.pk}").status_code == 200
