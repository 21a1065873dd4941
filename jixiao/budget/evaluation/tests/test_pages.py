"""Pages of evaluation: who sees what (an evaluator only assigned evaluations, another unit
404), the self-evaluation form, review, the proposal export and the recompute progress."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from jixiao.budget.evaluation import services
from jixiao.budget.evaluation.models import (
    AssignmentRole,
    EvaluationKind,
    JobState,
    RecomputeJob,
    ResultState,
)
from jixiao.budget.evaluation.tests.factories import AFTER_YEAR, MET, submitted
from jixiao.budget.monitoring.tests.factories import YEAR, approved_project

D = Decimal
pytestmark = pytest.mark.django_db


def login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def key(personas, code, unit):  # type: ignore[no-untyped-def]
    return services.evaluation_create(
        actor=None,
        bureau=personas.bureau,
        project=approved_project(unit, code),
        kind=EvaluationKind.KEY,
    )


def test_an_evaluator_sees_only_assigned_projects(personas) -> None:
    mine = key(personas, "P001", personas.unit_a)
    other = key(personas, "P002", personas.unit_b)
    services.evaluation_assign(
        actor=None, evaluation=mine, user=personas.evaluator, role=AssignmentRole.THIRD_PARTY
    )
    client = login(personas.evaluator)
    listing = client.get(reverse("budget:evaluations"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert reverse("budget:evaluation", args=[mine.pk]) in html
    assert reverse("budget:evaluation", args=[other.pk]) not in html
    assert client.get(reverse("budget:evaluation", args=[mine.pk])).status_code == 200
    assert client.get(reverse("budget:evaluation", args=[other.pk])).status_code == 404
    assert client.get(reverse("budget:evaluation_quality")).status_code == 404
    assert client.get(reverse("budget:self_evaluations")).status_code == 404
    finish = reverse("budget:evaluation_action", args=[mine.pk, "finish"])
    assert client.post(finish).status_code == 403  # assigned people score, they do not close


def test_an_expert_scores_through_the_page(personas) -> None:
    evaluation = key(personas, "P001", personas.unit_a)
    services.evaluation_assign(
        actor=None, evaluation=evaluation, user=personas.evaluator, role=AssignmentRole.EXPERT
    )
    services.evaluation_open(actor=None, evaluation=evaluation)
    items = list(evaluation.items.order_by("position"))
    client = login(personas.evaluator)
    data = {f"score-{item.pk}": str(item.full_score) for item in items}
    data["submit"] = "1"
    response = client.post(
        reverse("budget:evaluation_action", args=[evaluation.pk, "scores"]), data
    )
    assert response.status_code == 302
    services.evaluation_finish(actor=None, evaluation=evaluation)
    evaluation.refresh_from_db()
    assert evaluation.total == D(100)


def test_another_unit_gets_404_on_a_self_evaluation(personas) -> None:
    evaluation = submitted(personas.unit_a)
    url = reverse("budget:self_evaluation", args=[evaluation.pk])
    assert login(personas.unit_a_operator).get(url).status_code == 200
    assert login(personas.unit_b_operator).get(url).status_code == 404
    assert login(personas.department_reviewer).get(url).status_code == 200
    review = reverse("budget:self_evaluation_review", args=[evaluation.pk])
    assert login(personas.unit_b_operator).post(review, {"op": "approve"}).status_code == 404
    assert login(personas.department_reviewer).get(review).status_code == 405


def test_a_unit_fills_and_submits_through_the_page(personas) -> None:
    project = approved_project(personas.unit_a, "P001")
    client = login(personas.unit_a_operator)
    with mock.patch("django.utils.timezone.localdate", return_value=AFTER_YEAR):
        listing = client.get(reverse("budget:self_evaluations"), {"year": YEAR})
        assert "农村饮水安全巩固提升" in listing.content.decode()
        response = client.post(reverse("budget:self_evaluation_create", args=[project.pk]))
    evaluation = project.self_evaluation
    assert response.url == reverse("budget:self_evaluation", args=[evaluation.pk])
    data = {"op": "submit", "executed": "290"}
    for row in evaluation.items.all():
        data[f"item-{row.pk}-actual"] = str(MET[row.name])
    client.post(reverse("budget:self_evaluation", args=[evaluation.pk]), data)
    evaluation.refresh_from_db()
    assert evaluation.state == ResultState.SUBMITTED
    assert evaluation.total == D("99.67") and evaluation.grade == "excellent"
    page = client.get(reverse("budget:self_evaluation", args=[evaluation.pk])).content.decode()
    assert "99.67" in page and "完成值24处≥指标值24处，得满分30" in page


def test_csrf_is_enforced(personas) -> None:
    project = approved_project(personas.unit_a, "P001")
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.unit_a_operator)
    response = client.post(reverse("budget:self_evaluation_create", args=[project.pk]))
    assert response.status_code == 403


def test_the_proposal_exports_to_excel(personas) -> None:
    submitted(personas.unit_a, "A1")
    client = login(personas.finance_reviewer)
    page = client.get(reverse("budget:evaluation_proposal"), {"year": YEAR})
    assert page.status_code == 200 and "优先保障" in page.content.decode()
    response = client.get(reverse("budget:evaluation_proposal"), {"year": YEAR, "format": "xlsx"})
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["项目", "主管部门"]
    values = [c.value for row in book["项目"].iter_rows() for c in row]
    assert "A1" in values and "合计" in values and "优先保障" in values


def test_the_rules_page_starts_a_recompute_with_progress(personas) -> None:
    submitted(
        personas.unit_a,
        "A1",
        actuals={"新建改造供水工程": D(19)},
        explanations={"新建改造供水工程": "x"},
    )
    client = login(personas.finance_reviewer)
    url = reverse("budget:evaluation_rules")
    data = {"year": YEAR, "excellent_min": "95", "good_min": "80", "fair_min": "60"}
    data.update({"execution_full": "10", "decimals": "2", "rounding": "half_up", "fair_cut": "0.1"})
    client.post(url, data)
    page = client.get(url, {"year": YEAR}).content.decode()
    assert "尚未更新的自评表：1张" in page
    client.post(url, {"year": YEAR, "op": "recompute", "reason": "优秀线调整"})
    job = RecomputeJob.objects.get()
    assert 'hx-post="/budget/evaluation/jobs/' in client.get(url, {"year": YEAR}).content.decode()
    step = reverse("budget:evaluation_job", args=[job.pk])
    while job.state != JobState.DONE:
        response = client.post(step)
        assert response.status_code == 200
        job.refresh_from_db()
    assert "100%" in response.content.decode() and "hx-post" not in response.content.decode()
    evaluation = RecomputeJob.objects.get().history.get().self_evaluation
    page = client.get(reverse("budget:self_evaluation", args=[evaluation.pk])).content.decode()
    assert "优秀线调整" in page and f"{YEAR}.1 → {YEAR}.2" in page
    assert login(personas.unit_a_operator).post(step).status_code == 404


def test_a_leader_reads_but_cannot_write(personas) -> None:
    evaluation = services.self_evaluation_create(
        actor=None, project=approved_project(personas.unit_a, "P001"), today=AFTER_YEAR
    )
    leader = login(personas.leader)
    url = reverse("budget:self_evaluation", args=[evaluation.pk])
    assert leader.get(url).status_code == 200
    assert leader.post(url, {"op": "save", "conclusion": "x"}).status_code == 403
    assert leader.get(reverse("budget:evaluation_proposal")).status_code == 200
    assert leader.get(reverse("budget:evaluation_rules")).status_code == 404
    review = key(personas, "P002", personas.unit_a)
    action = reverse("budget:evaluation_action", args=[review.pk, "open"])
    assert leader.get(action).status_code == 405
    assert leader.post(action).status_code == 404  # read-only: not even found for writing
