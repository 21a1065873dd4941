"""The demo builder of results (``jixiao.demo.evaluation_results.build_results``) on a small
world: it goes through the services and leaves every kind of data behind."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from jixiao.budget.evaluation.result_models import (
    AccountabilityRecord,
    PerformanceReport,
    Publication,
    PublicationState,
    RectificationState,
    RectificationTask,
    ReportState,
    ResultFeedback,
)
from jixiao.budget.evaluation.results import disclosure
from jixiao.budget.evaluation.tests.factories import approved
from jixiao.budget.evaluation.tests.results_factories import finished_key
from jixiao.budget.monitoring.tests.factories import approved_project
from jixiao.demo.evaluation_results import build_results

pytestmark = pytest.mark.django_db
D = Decimal


def test_build_results(personas) -> None:
    by_name = {o.name: o for o in (personas.bureau, personas.unit_a, personas.unit_b)}
    today = timezone.localdate()
    build_results(today, by_name)  # nothing to build on yet
    assert not ResultFeedback.objects.exists()
    for code in ("P001", "P002", "P003"):
        approved(personas.unit_a if code != "P003" else personas.unit_b, code)
    finished_key(personas, approved_project(personas.unit_b, "K001"), fraction=D("0.6"))
    build_results(today, by_name)
    assert ResultFeedback.objects.count() == 4
    states = set(RectificationTask.objects.values_list("state", flat=True))
    assert states == {
        RectificationState.DONE,
        RectificationState.RETURNED,
        RectificationState.ANSWERED,
        RectificationState.PENDING,
    }
    overdue = RectificationTask.objects.filter(state=RectificationState.PENDING, deadline__lt=today)
    assert overdue.exists()
    assert Publication.objects.filter(state=PublicationState.PROPOSED).count() == 1
    assert disclosure.published().filter(kind="report").count() == 1
    kinds = dict(PerformanceReport.objects.values_list("kind", "state"))
    assert kinds == {"evaluation": ReportState.ISSUED, "unit": "draft", "summary": "draft"}
    record = AccountabilityRecord.objects.get()
    assert record.project.code == "K001"
