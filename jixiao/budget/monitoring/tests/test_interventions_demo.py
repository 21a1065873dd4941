"""The demo's interventions: made through the services on the open round, nothing without one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from jixiao.budget.monitoring import compute, interventions
from jixiao.budget.monitoring.models import (
    CorrectionRequest,
    CorrectionState,
    HoldKind,
    ProjectHold,
    Reallocation,
    TrackingRecord,
)
from jixiao.budget.monitoring.tests.factories import YEAR, approved_project, open_round
from jixiao.demo import interventions as demo

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = date(YEAR, 8, 15)


def orgs(personas):  # type: ignore[no-untyped-def]
    return {o.name: o for o in (personas.bureau, personas.unit_a, personas.unit_b)}


def test_nothing_without_an_open_round(personas) -> None:  # type: ignore[no-untyped-def]
    approved_project(personas.unit_a, "A-1")
    demo.build(TODAY, orgs(personas))
    assert not CorrectionRequest.objects.exists() and not TrackingRecord.objects.exists()
    demo.build(TODAY, {})
    assert not ProjectHold.objects.exists()


def test_the_demo_on_an_open_round(personas) -> None:  # type: ignore[no-untyped-def]
    for code in ("A-1", "A-2", "B-1"):
        approved_project(personas.unit_a if code[0] == "A" else personas.unit_b, code, D(500))
    round = open_round(personas.bureau)
    compute.round_compute_warnings(actor=None, round=round)
    demo.build(TODAY, orgs(personas))
    states = sorted(CorrectionRequest.objects.values_list("state", flat=True))
    assert states == [CorrectionState.ANSWERED, CorrectionState.PENDING]
    hold = ProjectHold.objects.get()
    assert hold.kind == HoldKind.SUSPENDED
    move = Reallocation.objects.get()
    assert move.source == hold.project and move.amount == D("50.00")
    assert interventions.reconciliation(personas.bureau, YEAR).balanced
    record = TrackingRecord.objects.get()
    assert record.targets.count() == 2 and record.stages.count() == 3
    assert record.report_basic and record.report_conclusion
