"""The demo's appraisal data: last month approved, paid and locked; this month open with
some departments submitted; 安全质量部 flagged as dead water; pay reconciled."""

from __future__ import annotations

from django.utils import timezone

from jixiao.appraisal import queries
from jixiao.appraisal.models import (
    Appeal,
    AppraisalMonth,
    DepartmentSheet,
    MonthStatus,
    PayResult,
    RuleSet,
)
from jixiao.demo import build


def test_demo_appraisal(db) -> None:  # type: ignore[no-untyped-def]
    build.build()
    last, current = AppraisalMonth.objects.order_by("year", "month")
    assert last.status == MonthStatus.CLOSED and current.status == MonthStatus.OPEN
    rows = queries.department_rows(last, DepartmentSheet.objects.all())
    assert {r.state for r in rows} == {"approved"}
    rec = queries.reconciliation(last, rows)
    assert rec.employees == PayResult.objects.filter(month=last).count() > 50
    assert rec.employees_total == rec.departments_total
    assert any(r.up for r in rows) and any(r.down for r in rows)
    flagged = queries.dead_water(rows, last, timezone.localdate())
    assert [r.sheet.department.name for r, _ in flagged] == ["安全质量部"]
    now = queries.department_rows(current, DepartmentSheet.objects.all())
    states = {r.sheet.department.name: r.state for r in now}
    assert states["综合办公室"] == states["财务部"] == "submitted"
    assert states["人力资源部"] == "draft"
    versions = RuleSet.objects.filter(organization__name="工程管理部").order_by("version")
    assert [v.status for v in versions] == ["superseded", "final"]
    assert Appeal.objects.filter(status="pending").count() == 1
