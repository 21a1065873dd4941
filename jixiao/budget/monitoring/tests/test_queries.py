"""Reads for the monitoring pages and dashboards: scoped, set-based, plain rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.http import Http404

from jixiao.budget.monitoring import compute, queries
from jixiao.budget.monitoring import services as monitoring
from jixiao.budget.monitoring.tests.factories import (
    YEAR,
    approved_project,
    form_of,
    indicator_ids,
    open_round,
)

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def computed(personas):  # type: ignore[no-untyped-def]
    """A-1 behind on money (red), A-2 on schedule (green), B-1 nothing spent (red execution,
    combined yellow)."""
    a1 = approved_project(personas.unit_a, "A-1", D(1200))
    a2 = approved_project(personas.unit_a, "A-2", D(300))
    b1 = approved_project(personas.unit_b, "B-1", D(600))
    monitoring.spending_record(
        actor=None,
        fiscal_year=YEAR,
        items=[("A-1", date(YEAR, 5, 1), D(320)), ("A-2", date(YEAR, 6, 1), D(200))],
    )
    round = open_round(personas.bureau)
    form = form_of(round, a1)
    ids = indicator_ids(form)
    monitoring.form_save(
        actor=None,
        form=form,
        progress={
            ids["新建改造供水工程"]: {"actual": D(0), "reasons": ["funding"], "measures": "x"},
            ids["农村自来水普及率"]: {"actual": D(90)},  # green: counted, no row
        },
    )
    compute.round_compute_warnings(actor=None, round=round)
    return round, a1, a2, b1


def test_colour_counts_by_department_follow_the_scope(
    personas, computed, django_assert_num_queries
):
    round, *_ = computed
    with django_assert_num_queries(2):  # the user's scopes, then one grouped query
        rows = queries.colour_counts_by_department(personas.finance_reviewer, round)
    assert [(r["department"], r["red"], r["yellow"], r["green"], r["total"]) for r in rows] == [
        ("测试县教育局", 1, 0, 1, 2),
        ("测试县卫生健康局", 0, 1, 0, 1),
    ]
    rows = queries.colour_counts_by_department(personas.department_reviewer, round)
    assert [r["department"] for r in rows] == ["测试县教育局"]
    rows = queries.colour_counts_by_department(
        personas.unit_b_operator, round, kind="budget_execution"
    )
    assert [(r["department"], r["red"]) for r in rows] == [("测试县卫生健康局", 1)]
    assert queries.colour_counts_by_department(personas.employee, round) == []
    totals = queries.colour_totals(personas.leader, round)
    assert totals["combined"] == {"red": 1, "yellow": 1, "green": 1}
    assert totals["indicator"] == {"red": 1, "green": 1}
    rows = queries.colour_counts_by_department(personas.finance_reviewer, round, "indicator")
    assert [(r["department"], r["red"], r["green"], r["total"]) for r in rows] == [
        ("测试县教育局", 1, 1, 2)
    ]
    assert queries.colour_counts_by_department(personas.unit_b_operator, round, "indicator") == []


def test_red_list_names_project_unit_and_department(personas, computed):
    round, a1, _, b1 = computed
    rows = list(queries.red_list(personas.finance_reviewer, round))
    assert [(r["project__code"], r["kind"]) for r in rows] == [
        ("A-1", "budget_execution"),
        ("A-1", "combined"),
        ("A-1", "indicator"),
        ("B-1", "budget_execution"),
    ]
    assert rows[0]["project__unit__name"] == "测试县第一中学"
    assert rows[0]["project__department__name"] == "测试县教育局"
    assert "执行进度比45.71%＜60%" in rows[0]["explain"]
    only = queries.red_list(personas.finance_reviewer, round, kind="indicator")
    assert [r["project_id"] for r in only] == [a1.pk]
    health = queries.red_list(personas.finance_reviewer, round, department=personas.health)
    assert [r["project_id"] for r in health] == [b1.pk]
    assert list(queries.red_list(personas.unit_b_operator, round).values_list("project_id")) == [
        (b1.pk,)
    ]


def test_execution_against_time_progress(personas, computed, django_assert_num_queries):
    round, *_ = computed
    with django_assert_num_queries(2):
        rows = queries.execution_progress(personas.finance_reviewer, round)
    by_code = {r["project__code"]: r for r in rows}
    a1 = by_code["A-1"]
    assert (a1["budget"], a1["executed_to_date"], a1["colour"]) == (D(1200), D(320), "red")
    assert round_to(a1["execution_rate"]) == D("0.2667")
    assert round_to(a1["time_progress"]) == D("0.5833") and a1["ratio"] == D("0.4571")
    assert by_code["A-2"]["colour"] == "green" and by_code["B-1"]["executed_to_date"] == 0
    assert [
        r["project__code"] for r in queries.execution_progress(personas.unit_b_operator, round)
    ] == ["B-1"]


def round_to(value: Decimal) -> Decimal:
    return value.quantize(D("0.0001"))


def test_movement_and_trend_across_rounds(personas, computed):
    first, *_ = computed
    assert queries.colour_movement(personas.finance_reviewer, first) == []
    second = open_round(personas.bureau, months=10)
    monitoring.spending_record(actor=None, fiscal_year=YEAR, items=[("A-1", "2027-09-01", 800)])
    compute.round_compute_warnings(actor=None, round=second)
    moves = {
        (m["from_colour"], m["to_colour"]): m["projects"]
        for m in queries.colour_movement(personas.finance_reviewer, second)
    }
    # A-1 red → green (1120 of 1200 spent, no indicator filled in yet); A-2 stays green (200
    # of 300 in 10 months: 66.67% ÷ 83.33% = exactly 80%); B-1 stays yellow.
    assert moves == {("red", "green"): 1, ("green", "green"): 1, ("yellow", "yellow"): 1}
    trend = queries.colour_trend(personas.leader, personas.bureau, YEAR)
    assert [(t["round"], t["red"], t["yellow"], t["green"]) for t in trend] == [
        ("2027年1-7月", 1, 1, 1),
        ("2027年1-10月", 0, 1, 2),
    ]


def test_access_helpers_answer_404_outside_the_scope(personas, computed):
    round, a1, _, b1 = computed
    assert queries.get_round_for_user(personas.unit_a_operator, round.pk) == round
    assert queries.get_round_for_user(personas.leader, round.pk) == round
    with pytest.raises(Http404):
        queries.get_round_for_user(personas.employee, round.pk)
    form = form_of(round, a1)
    assert queries.get_form_for_user(personas.department_reviewer, form.pk) == form
    with pytest.raises(Http404):
        queries.get_form_for_user(personas.unit_b_operator, form.pk)
    with pytest.raises(Http404):
        queries.get_form_for_user(personas.leader, form.pk, action="budget.monitoring.fill")
    rows = list(queries.progress_rows(form))
    assert [r.indicator_name for r in rows][:2] == ["新建改造供水工程", "工程验收合格率"]
    assert rows[0].indicator.parent.name == "数量指标"
    assert rows[0].indicator.parent.parent.name == "产出指标"
    assert {f.project_id for f in queries.forms_visible(personas.unit_b_operator)} == {b1.pk}
