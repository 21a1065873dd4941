"""The evaluation API: self-evaluations and evaluations in scope (a third-party evaluator sees
only its assignments), grades, next year's proposal, rectification (answer with evidence,
accept, return) and disclosure; 401, 403 and 404 tested."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jixiao.budget.evaluation import services as evaluation_services
from jixiao.budget.evaluation.models import AssignmentRole, EvaluationKind
from jixiao.budget.evaluation.result_models import RectificationState
from jixiao.budget.evaluation.results import disclosure
from jixiao.budget.evaluation.tests.factories import approved
from jixiao.budget.evaluation.tests.results_factories import finished_key, sent
from jixiao.budget.monitoring.tests.factories import YEAR, approved_project
from jixiao.orgs.errors import NO_PERMISSION
from jixiao.orgs.models import Role
from jixiao.testing.factories import make_user

pytestmark = pytest.mark.django_db
D = Decimal


def post(client, url, body, headers):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def test_self_evaluations_in_scope(client, personas, bearer) -> None:  # type: ignore[no-untyped-def]
    mine = approved(personas.unit_a, "P001")
    other = approved(personas.unit_b, "P002")
    assert client.get("/api/budget/self-evaluations/").status_code == 401
    unit = bearer(personas.unit_a_operator)
    listed = client.get(f"/api/budget/self-evaluations/?fiscal_year={YEAR}", headers=unit).json()
    assert [row["project"]["code"] for row in listed["items"]] == ["P001"]
    assert listed["items"][0]["grade_label"] in {"优", "良", "中", "差"}
    detail = client.get(f"/api/budget/self-evaluations/{mine.pk}", headers=unit).json()
    assert len(detail["items"]) == 5 and detail["total"] == str(mine.total)
    missing = client.get(f"/api/budget/self-evaluations/{other.pk}", headers=unit)
    assert missing.status_code == 404 and missing.json()["detail"]
    finance = bearer(personas.finance_reviewer)
    everything = client.get("/api/budget/self-evaluations/", headers=finance).json()
    assert everything["count"] == 2


def test_explanations_after_a_bulk_recompute(client, personas, bearer) -> None:  # type: ignore[no-untyped-def]
    """The bulk recompute stores no explanations; the API rebuilds them as the page does."""
    from jixiao.budget.evaluation import recompute
    from jixiao.budget.evaluation.tests.factories import submitted

    name = "新建改造供水工程"
    evaluation = submitted(
        personas.unit_a, "P001", actuals={name: D(19)}, explanations={name: "征地推迟"}
    )
    evaluation_services.evaluation_settings_set(
        actor=personas.finance_reviewer,
        bureau=personas.bureau,
        fiscal_year=YEAR,
        excellent_min=D(90),
        good_min=D(80),
        fair_min=D(60),
        decimals=0,
        rounding="down",
    )
    job = recompute.results_recompute(
        actor=personas.finance_reviewer, bureau=personas.bureau, fiscal_year=YEAR, reason="取整"
    )
    recompute.recompute_job_run(job=job)
    assert evaluation.items.get(name=name).explain == ""  # the bulk path stores none
    url = f"/api/budget/self-evaluations/{evaluation.pk}"
    items = client.get(url, headers=bearer(personas.unit_a_operator)).json()["items"]
    assert items and all(item["explain"] for item in items)


def test_an_evaluator_sees_only_assigned_evaluations_by_api(client, personas, bearer) -> None:  # type: ignore[no-untyped-def]
    first = approved_project(personas.unit_a, "K001")
    second = approved_project(personas.unit_b, "K002")
    assigned = evaluation_services.evaluation_create(
        actor=None, bureau=personas.bureau, project=first, kind=EvaluationKind.KEY
    )
    hidden = evaluation_services.evaluation_create(
        actor=None, bureau=personas.bureau, project=second, kind=EvaluationKind.KEY
    )
    evaluation_services.evaluation_assign(
        actor=None,
        evaluation=assigned,
        user=personas.evaluator,
        role=AssignmentRole.THIRD_PARTY,
        agency="某评估公司",
    )
    evaluator = bearer(personas.evaluator)
    listed = client.get("/api/budget/evaluations/", headers=evaluator).json()
    assert [row["id"] for row in listed["items"]] == [assigned.pk]
    assert (
        client.get(f"/api/budget/evaluations/{assigned.pk}", headers=evaluator).status_code == 200
    )
    assert client.get(f"/api/budget/evaluations/{hidden.pk}", headers=evaluator).status_code == 404
    # Nothing else reaches an evaluator: no self-evaluations, no tasks, no grades.
    approved(personas.unit_a, "P001")
    assert client.get("/api/budget/self-evaluations/", headers=evaluator).json()["count"] == 0
    assert client.get("/api/budget/rectifications/", headers=evaluator).json()["count"] == 0
    grades = client.get(f"/api/budget/results/grades/?fiscal_year={YEAR}", headers=evaluator)
    assert grades.status_code == 404
    other = make_user("evaluator2", personas.bureau, Role.EVALUATOR)
    assert client.get("/api/budget/evaluations/", headers=bearer(other)).json()["count"] == 0


def test_grades_and_the_proposal(client, personas, bearer) -> None:  # type: ignore[no-untyped-def]
    approved(personas.unit_a, "P001")
    key = finished_key(personas, approved_project(personas.unit_b, "K001"), fraction=D("0.5"))
    finance = bearer(personas.finance_reviewer)
    grades = client.get(f"/api/budget/results/grades/?fiscal_year={YEAR}", headers=finance).json()
    by_code = {row["project"]["code"]: row for row in grades}
    assert by_code["K001"]["grade"] == "poor" and by_code["K001"]["source"] == "重点评价"
    assert by_code["P001"]["source"] == "绩效自评"
    unit = bearer(personas.unit_a_operator)
    mine = client.get(f"/api/budget/results/grades/?fiscal_year={YEAR}", headers=unit).json()
    assert [row["project"]["code"] for row in mine] == ["P001"]
    plan = client.get(f"/api/budget/results/proposal/?fiscal_year={YEAR}", headers=finance).json()
    assert plan["fiscal_year"] == YEAR + 1
    row = next(r for r in plan["rows"] if r["project"]["code"] == "K001")
    assert D(row["proposed"]) == 0 and D(row["cut"]) == D(300)
    assert D(plan["control_cut"]) == D(300)
    assert key.grade == "poor"
    assert client.get("/api/budget/results/proposal/", headers=finance).status_code == 422


def test_rectification_by_api(client, personas, bearer) -> None:  # type: ignore[no-untyped-def]
    feedback = sent(personas)
    task = feedback.tasks.get(position=1)
    unit, finance = bearer(personas.unit_a_operator), bearer(personas.finance_reviewer)
    listed = client.get(f"/api/budget/rectifications/?fiscal_year={YEAR}", headers=unit).json()
    assert [r["problem"] for r in listed["items"]] == ["问题一", "问题二"]
    assert listed["items"][0]["state"] == "pending" and listed["items"][0]["overdue"] is False
    url = f"/api/budget/rectifications/{task.pk}/answer"
    refused = client.post(url, {"measures": "已整改"}, headers=unit)
    assert refused.status_code == 400 and refused.json()["detail"] == "请上传整改佐证材料。"
    evidence = SimpleUploadedFile("整改报告.pdf", b"%PDF-1.4", content_type="application/pdf")
    forbidden = client.post(url, {"measures": "x", "evidence": evidence}, headers=finance)
    assert forbidden.status_code == 403 and forbidden.json()["detail"] == NO_PERMISSION
    evidence = SimpleUploadedFile("整改报告.pdf", b"%PDF-1.4", content_type="application/pdf")
    answered = client.post(url, {"measures": "已整改", "evidence": evidence}, headers=unit)
    assert answered.status_code == 200, answered.json()
    body = answered.json()
    assert body["state"] == "answered" and body["answers"][0]["evidence"].endswith(".pdf")
    other = bearer(personas.unit_b_operator)
    assert client.get(f"/api/budget/rectifications/{task.pk}", headers=other).status_code == 404
    back = post(client, f"/api/budget/rectifications/{task.pk}/return", {"comment": ""}, finance)
    assert back.status_code == 400
    assert post(client, f"/api/budget/rectifications/{task.pk}/accept", {}, unit).status_code == 403
    done = post(client, f"/api/budget/rectifications/{task.pk}/accept", {"comment": "好"}, finance)
    assert done.json()["state"] == RectificationState.DONE
    assert done.json()["answers"][0]["decision"] == "accepted"


def test_publications_and_published_items(client, personas, bearer) -> None:  # type: ignore[no-untyped-def]
    project = approved_project(personas.unit_a, "P001")
    proposed = disclosure.publication_propose(
        actor=personas.unit_a_operator, project=project, kind="targets"
    )
    unit = bearer(personas.unit_a_operator)
    mine = client.get("/api/budget/publications/", headers=unit).json()
    assert [p["state"] for p in mine["items"]] == ["proposed"]
    assert (
        client.get("/api/budget/publications/", headers=bearer(personas.unit_b_operator)).json()[
            "count"
        ]
        == 0
    )
    reader = bearer(personas.unit_b_operator)
    assert client.get(f"/api/budget/published/{proposed.pk}", headers=reader).status_code == 404
    disclosure.publication_approve(actor=None, publication=proposed)
    published = client.get(f"/api/budget/published/{proposed.pk}", headers=reader).json()
    assert published["content"]["project"]["code"] == "P001"
    assert client.get("/api/budget/published/?q=P001", headers=reader).json()["count"] == 1
    assert client.get("/api/budget/published/").status_code == 401
