"""The two paths of ``round_compute_warnings`` write the same warnings: PostgreSQL's (rows as
text, certainly-green rows left out by SQL, COPY) and the ORM's (every row through the rules,
bulk_create), on values at and around every boundary of the rules."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from django.db import connection

from jixiao.budget.monitoring import compute
from jixiao.budget.monitoring.models import IndicatorProgress, MonitoringWarning
from jixiao.budget.monitoring.tests.factories import approved_project, open_round
from jixiao.indicators.models import Indicator

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
D = Decimal
MONTHS = 7


def cases() -> list[dict[str, object]]:
    """(kind, direction, target, actual, expected, level) around the boundaries, plus random
    values with six decimals."""
    rows: list[dict[str, object]] = []
    for target in (D(24), D("7.5"), D(100), D("0.000003")):
        due = target * MONTHS / 12
        for factor in ("0", "0.6", "0.8", "1", "1.2", "2"):
            for nudge in (D(0), D("0.000001"), D("-0.000001")):
                actual = (due * D(factor)).quantize(D("0.000001")) + nudge
                for direction in ("gte", "eq", "range"):
                    rows.append({"direction": direction, "target": target, "actual": actual})
        over = target * D("1.2")
        for actual in (over, over - D("0.000001")):
            rows.append({"direction": "gte", "target": target, "actual": actual})
        for factor in ("0.5", "1", "1.4", "1.41"):
            for nudge in (D(0), D("0.000001")):
                actual = target * D(factor) + nudge
                for expected in (None, target, target + D("0.000001")):
                    rows.append(
                        {
                            "direction": "lte",
                            "target": target,
                            "actual": actual,
                            "expected": expected,
                        }
                    )
    for direction in ("gte", "eq", "lte"):
        for target, actual in ((D(0), D(0)), (D(0), D(1)), (D(-5), D(-6)), (D(-5), D(-4))):
            rows.append({"direction": direction, "target": target, "actual": actual})
        rows.append({"direction": direction, "target": D(10), "actual": None})
        rows.append({"direction": direction, "target": None, "actual": D(10)})
    for level in ("", "achieved", "partly", "not_achieved"):
        rows.append({"kind": "qualitative", "level": level})
    rng = random.Random(20270701)
    for _ in range(300):
        target = D(rng.randint(1, 10**8)) / 10**6
        actual = D(rng.randint(0, 2 * 10**8)) / 10**6
        direction = rng.choice(["gte", "eq", "lte"])
        rows.append({"direction": direction, "target": target, "actual": actual})
    return rows


def written(round) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    return sorted(
        MonitoringWarning.objects.filter(round=round).values_list(
            "project_id", "indicator_id", "kind", "colour", "value", "explain"
        ),
        key=repr,
    )


def test_postgresql_and_orm_paths_write_the_same_warnings(personas):
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL path")
    projects = [approved_project(personas.unit_a, f"P-{n}") for n in range(3)]
    specs = cases()
    parent = projects[0].annual_tree.indicators.filter(level=2).first()
    Indicator.objects.bulk_create(
        Indicator(
            tree_id=projects[n % 3].annual_tree_id,
            parent=parent,
            level=3,
            position=100 + n,
            name=f"指标{n}",
            kind=str(spec.get("kind", "quantitative")),
            direction=str(spec.get("direction", "")),
            target_value=spec.get("target"),
            unit="个",
        )
        for n, spec in enumerate(specs)
    )
    round = open_round(personas.bureau, months=MONTHS)
    rows = {row.indicator_name: row for row in IndicatorProgress.objects.filter(form__round=round)}
    for n, spec in enumerate(specs):
        row = rows[f"指标{n}"]
        row.actual, row.expected = spec.get("actual"), spec.get("expected")
        row.level = str(spec.get("level", ""))
    IndicatorProgress.objects.bulk_update(rows.values(), ["actual", "expected", "level"])
    computed = compute.round_compute_warnings(actor=None, round=round)
    postgresql = written(round)
    assert computed.by_kind["indicator"]["green"] > 50  # PostgreSQL left these out
    MonitoringWarning.objects.filter(round=round).delete()
    orm = compute._Pass(round)
    orm.run_orm()
    assert written(round) == postgresql
    result = orm.result()
    assert (result.by_kind, result.warnings) == (computed.by_kind, computed.warnings)
