"""Double monitoring through the API: the services' permissions (404 outside the scope, 403
for a persona that may see but not act), their Chinese refusals with every problem listed,
and lists that keep to the caller's scope."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jixiao.budget.monitoring import compute
from jixiao.budget.monitoring import services as monitoring
from jixiao.budget.monitoring.models import FormState, MonitoringRound, SpendingRecord
from jixiao.budget.monitoring.tests.factories import (
    YEAR,
    approved_project,
    form_of,
    indicator_ids,
    open_round,
)
from jixiao.orgs.errors import NO_PERMISSION

pytestmark = pytest.mark.django_db
D = Decimal


def _call(client, method: str, url: str, headers, body=None):  # type: ignore[no-untyped-def]
    if body is None and method == "get":
        return client.get(url, headers=headers)
    data = "" if body is None else json.dumps(body)
    return getattr(client, method)(url, data, content_type="application/json", headers=headers)


@pytest.fixture
def world(personas):  # type: ignore[no-untyped-def]
    a1 = approved_project(personas.unit_a, "A-1", D(1200))
    a2 = approved_project(personas.unit_a, "A-2", D(300), qualitative=True)
    b1 = approved_project(personas.unit_b, "B-1", D(600))
    monitoring.spending_record(
        actor=None, fiscal_year=YEAR, items=[("A-1", date(YEAR, 5, 1), D(320))]
    )
    round = open_round(personas.bureau)
    return round, a1, a2, b1


# --- Rounds ----------------------------------------------------------------------------------


def test_rounds_are_listed_and_read_in_scope(client, personas, bearer, world):  # type: ignore[no-untyped-def]
    round, *_ = world
    response = _call(client, "get", "/api/monitoring/rounds/", bearer(personas.unit_b_operator))
    assert response.status_code == 200
    (item,) = response.json()["items"]
    assert item["name"] == f"{YEAR}年1-7月" and item["months_elapsed"] == 7
    assert item["state"] == "open" and item["state_label"] == "进行中"
    assert item["thresholds"] == {"red_below": "0.6", "yellow_below": "0.8", "blue_at": "1.2"}
    assert item["end_date"] == f"{YEAR}-07-31"
    one = _call(client, "get", f"/api/monitoring/rounds/{round.pk}", bearer(personas.leader))
    assert one.status_code == 200 and one.json()["bureau"]["id"] == personas.bureau.pk
    employee = _call(client, "get", f"/api/monitoring/rounds/{round.pk}", bearer(personas.employee))
    assert employee.status_code == 404


def test_a_unit_cannot_open_a_round(client, personas, bearer, world):  # type: ignore[no-untyped-def]
    body = {
        "bureau": personas.bureau.pk,
        "fiscal_year": YEAR,
        "months_elapsed": 10,
        "due_at": (timezone.now() + timedelta(days=10)).isoformat(),
    }
    refused = _call(
        client, "post", "/api/monitoring/rounds/", bearer(personas.unit_a_operator), body
    )
    assert refused.status_code == 403 and refused.json() == {"detail": NO_PERMISSION}
    assert MonitoringRound.objects.count() == 1
    opened = _call(
        client, "post", "/api/monitoring/rounds/", bearer(personas.finance_reviewer), body
    )
    assert opened.status_code == 201, opened.json()
    assert opened.json()["name"] == f"{YEAR}年1-10月"
    again = _call(
        client, "post", "/api/monitoring/rounds/", bearer(personas.finance_reviewer), body
    )
    assert again.status_code == 400 and "已有" in again.json()["detail"]


def test_compute_is_for_the_bureau(client, personas, bearer, world):  # type: ignore[no-untyped-def]
    round, *_ = world
    url = f"/api/monitoring/rounds/{round.pk}/compute"
    assert _call(client, "post", url, bearer(personas.unit_a_operator)).status_code == 403
    done = _call(client, "post", url, bearer(personas.finance_reviewer))
    assert done.status_code == 200 and done.json()["computed_at"]


# --- Forms -----------------------------------------------------------------------------------


def test_another_units_form_is_404(client, personas, bearer, world):  # type: ignore[no-untyped-def]
    round, a1, *_ = world
    form = form_of(round, a1)
    headers = bearer(personas.unit_b_operator)
    assert _call(client, "get", f"/api/monitoring/forms/{form.pk}", headers).status_code == 404
    assert (
        _call(client, "patch", f"/api/monitoring/forms/{form.pk}", headers, {}).status_code == 404
    )
    submit = _call(client, "post", f"/api/monitoring/forms/{form.pk}/submit", headers)
    assert submit.status_code == 404


def test_forms_list_keeps_to_the_scope(client, personas, bearer, world):  # type: ignore[no-untyped-def]
    round, *_ = world
    url = f"/api/monitoring/forms/?round={round.pk}"
    unit_a = _call(client, "get", url, bearer(personas.unit_a_operator)).json()["items"]
    assert sorted(f["project"]["code"] for f in unit_a) == ["A-1", "A-2"]
    by_code = {f["project"]["code"]: f for f in unit_a}
    assert D(by_code["A-1"]["executed_to_date"]) == D(320)
    assert by_code["A-1"]["executed"] is None and by_code["A-1"]["combined_colour"] is None
    everything = _call(client, "get", "/api/monitoring/forms/", bearer(personas.finance_reviewer))
    assert everything.json()["count"] == 3
    health = _call(
        client,
        "get",
        f"{url}&department={personas.health.pk}",
        bearer(personas.finance_reviewer),
    )
    assert [f["project"]["code"] for f in health.json()["items"]] == ["B-1"]


def test_form_list_queries_do_not_grow(client, personas, bearer, world):  # type: ignore[no-untyped-def]
    round, *_ = world
    headers = bearer(personas.finance_reviewer)
    with CaptureQueriesContext(connection) as three:
        response = _call(client, "get", f"/api/monitoring/forms/?round={round.pk}", headers)
    assert response.json()["count"] == 3
    approved_project(personas.unit_a, "A-3", D(100))
    second = open_round(personas.bureau, months=10)
    with CaptureQueriesContext(connection) as four:
        response = _call(client, "get", f"/api/monitoring/forms/?round={second.pk}", headers)
    assert response.json()["count"] == 4
    assert len(four) <= len(three)  # the first call also records the token's use
    with CaptureQueriesContext(connection) as all_rounds:
        response = _call(client, "get", "/api/monitoring/forms/", headers)
    assert response.json()["count"] == 7 and len(all_rounds) <= len(three)


def test_unit_saves_and_submits_its_form(client, personas, bearer, world):  # type: ignore[no-untyped-def]
    round, a1, *_ = world
    form = form_of(round, a1)
    ids = indicator_ids(form)
    headers = bearer(personas.unit_a_operator)
    url = f"/api/monitoring/forms/{form.pk}"
    water = ids["新建改造供水工程"]
    refused = _call(
        client,
        "patch",
        url,
        headers,
        {"indicators": [{"indicator_id": water, "actual": "0"}]},
    )
    assert refused.status_code == 400
    body = refused.json()
    assert "红色预警" in body["detail"]
    assert body["problems"] and body["problems"][0].startswith("指标“新建改造供水工程”")
    saved = _call(
        client,
        "patch",
        url,
        headers,
        {
            "expected_execution": "1100",
            "goal_progress": "完成一半。",
            "indicators": [
                {
                    "indicator_id": water,
                    "actual": 0,
                    "expected": 6,
                    "likelihood": "possible",
                    "reasons": ["funding", "other"],
                    "measures": "资金未到位。",
                }
            ],
        },
    )
    assert saved.status_code == 200, saved.json()
    out = saved.json()
    assert out["goal_progress"] == "完成一半。" and D(out["expected_execution"]) == D(1100)
    row = next(i for i in out["indicators"] if i["indicator_id"] == water)
    assert row["reasons"] == ["funding", "other"] and row["reason_labels"] == ["经费保障", "其他"]
    assert row["colour"] == "red" and "新建改造供水工程" in row["explain"]
    incomplete = _call(client, "post", f"{url}/submit", headers)
    assert incomplete.status_code == 400
    assert any("须填写1-N月实际完成值" in p for p in incomplete.json()["problems"])
    rest = [
        {"indicator_id": r.indicator_id, "actual": str(r.target_value), "likelihood": "certain"}
        for r in form.progress.exclude(indicator_id=water)
    ]
    assert _call(client, "patch", url, headers, {"indicators": rest}).status_code == 200
    done = _call(client, "post", f"{url}/submit", headers)
    assert done.status_code == 200 and done.json()["state"] == FormState.SUBMITTED


def test_a_reviewer_may_read_but_not_fill(client, personas, bearer, world):  # type: ignore[no-untyped-def]
    round, a1, *_ = world
    form = form_of(round, a1)
    headers = bearer(personas.department_reviewer)
    url = f"/api/monitoring/forms/{form.pk}"
    read = _call(client, "get", url, headers)
    assert read.status_code == 200 and len(read.json()["indicators"]) == 5
    assert read.json()["indicators"][0]["level1"] == "产出指标"
    refused = _call(client, "patch", url, headers, {"goal_progress": "x"})
    assert refused.status_code == 403 and refused.json() == {"detail": NO_PERMISSION}


def test_invalid_values_answer_422(client, personas, bearer, world):  # type: ignore[no-untyped-def]
    round, a1, *_ = world
    url = f"/api/monitoring/forms/{form_of(round, a1).pk}"
    headers = bearer(personas.unit_a_operator)
    bad = _call(
        client, "patch", url, headers, {"indicators": [{"indicator_id": 1, "likelihood": "maybe"}]}
    )
    assert bad.status_code == 422
    extra = _call(client, "patch", url, headers, {"budget": "1"})
    assert extra.status_code == 422


# --- Spending and warnings -------------------------------------------------------------------


def test_spending_is_pushed_all_or_nothing(client, personas, bearer, world):  # type: ignore[no-untyped-def]
    headers = bearer(personas.finance_reviewer)
    before = SpendingRecord.objects.count()
    body = {
        "fiscal_year": YEAR,
        "items": [
            {"project_code": "A-1", "date": f"{YEAR}-06-01", "amount": "10", "reference": "V1"},
            {"project_code": "NOPE", "date": f"{YEAR}-06-01", "amount": "5"},
            {"project_code": "B-1", "date": f"{YEAR - 1}-12-31", "amount": "5"},
        ],
    }
    refused = _call(client, "post", "/api/monitoring/spending/", headers, body)
    assert refused.status_code == 400
    problems = refused.json()["problems"]
    assert problems[0].startswith("第2条：项目代码“NOPE”") and problems[1].startswith("第3条")
    assert SpendingRecord.objects.count() == before
    body["items"] = body["items"][:1]
    done = _call(client, "post", "/api/monitoring/spending/", headers, body)
    assert done.status_code == 201
    assert done.json() == {"created": 1, "total": "10", "projects": 1}
    unit = bearer(personas.unit_a_operator)
    assert _call(client, "post", "/api/monitoring/spending/", unit, body).status_code == 403
    listed = _call(client, "get", f"/api/monitoring/spending/?fiscal_year={YEAR}", unit).json()
    assert [r["reference"] for r in listed["items"]] == ["V1", ""]  # newest first
    unit_b = bearer(personas.unit_b_operator)
    other = _call(client, "get", f"/api/monitoring/spending/?fiscal_year={YEAR}", unit_b)
    assert other.json()["count"] == 0


def test_warnings_of_a_round_with_filters(client, personas, bearer, world):  # type: ignore[no-untyped-def]
    round, a1, *_ = world
    form = form_of(round, a1)
    ids = indicator_ids(form)
    monitoring.form_save(
        actor=None,
        form=form,
        progress={ids["新建改造供水工程"]: {"actual": 0, "reasons": ["funding"], "measures": "x"}},
    )
    compute.round_compute_warnings(actor=None, round=round)
    url = f"/api/monitoring/rounds/{round.pk}/warnings"
    bureau = bearer(personas.finance_reviewer)
    red = _call(client, "get", f"{url}?colour=red&kind=indicator", bureau).json()["items"]
    assert [(w["project"]["code"], w["indicator_id"]) for w in red] == [
        ("A-1", ids["新建改造供水工程"])
    ]
    assert red[0]["colour_label"] == "红色" and red[0]["explain"]
    health = _call(client, "get", f"{url}?department={personas.health.pk}", bureau).json()
    assert {w["project"]["code"] for w in health["items"]} == {"B-1"}
    unit_b = _call(client, "get", url, bearer(personas.unit_b_operator)).json()
    assert {w["project"]["code"] for w in unit_b["items"]} == {"B-1"}
    assert _call(client, "get", url, bearer(personas.employee)).status_code == 404
