"""The quality check of the year's self-evaluations, grades with the year's thresholds and
the next year's proposal (BUD-8, BUD-10)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.budget import services as budget
from jixiao.budget.evaluation import errors, queries, services
from jixiao.budget.evaluation.errors import EvaluationError
from jixiao.budget.evaluation.models import SelfEvaluation, SelfEvaluationItem
from jixiao.budget.evaluation.tests.factories import submitted
from jixiao.budget.monitoring.tests.factories import YEAR

D = Decimal
pytestmark = pytest.mark.django_db


def _report(evaluation: SelfEvaluation, name: str, score: Decimal, explanation: str = "") -> None:
    """What a paper form or an imported table says (the services refuse such entries)."""
    SelfEvaluationItem.objects.filter(self_evaluation=evaluation, name=name).update(
        reported_score=score, explanation=explanation
    )


def test_the_quality_check_lists_the_units_to_look_at_first(personas) -> None:
    clean = submitted(personas.unit_b, "B1")
    short = submitted(
        personas.unit_a,
        "A1",
        actuals={"新建改造供水工程": D(18)},
        explanations={"新建改造供水工程": "征地推迟"},
    )
    _report(short, "新建改造供水工程", D(30), "征地推迟")  # a shortfall scored full
    _report(short, "工程验收合格率", D(7))  # a met target cut without a reason
    SelfEvaluation.objects.filter(pk=short.pk).update(reported_total=D(95))
    padded = submitted(personas.unit_b, "B2")
    SelfEvaluationItem.objects.filter(self_evaluation=padded, name="受益群众满意度").update(
        full_score=D(20), reported_score=D(20), score=D(20)
    )
    SelfEvaluation.objects.filter(pk=padded.pk).update(reported_total=D(109))  # adds up

    report = queries.quality_check(personas.bureau, YEAR)

    assert report.checked == 3
    assert [u.unit for u in report.units] == [personas.unit_a, personas.unit_b]
    found = {(f.code, f.item) for f in report.units[0].sheets[0].findings}
    assert found == {
        (queries.SHORTFALL_FULL, "新建改造供水工程"),
        (queries.MET_CUT, "工程验收合格率"),
        (queries.TOTAL_NOT_SUM, ""),
    }
    unit_b = report.units[1]
    assert [s.self_evaluation for s in unit_b.sheets] == [padded]
    assert {f.code for f in unit_b.sheets[0].findings} == {queries.FULL_SUM}
    assert clean.pk not in {s.self_evaluation.pk for u in report.units for s in u.sheets}


def test_grades_follow_the_years_thresholds(personas) -> None:
    settings = services.evaluation_settings_set(
        actor=personas.finance_reviewer,
        bureau=personas.bureau,
        fiscal_year=YEAR,
        excellent_min=D(80),
        good_min=D(70),
        fair_min=D(60),
    )
    assert settings.version_label == f"{YEAR}.2"  # the defaults were version 1
    evaluation = submitted(
        personas.unit_a,
        actuals={"新建改造供水工程": D(6)},
        explanations={"新建改造供水工程": "停工"},
    )
    assert evaluation.total == D("76.5") and evaluation.grade == "good"
    with pytest.raises(EvaluationError) as exc:
        services.evaluation_settings_set(
            actor=personas.finance_reviewer,
            bureau=personas.bureau,
            fiscal_year=YEAR,
            excellent_min=D(80),
            good_min=D(85),
            fair_min=D(60),
        )
    assert exc.value.message == errors.SETTINGS_ORDER
    again = services.evaluation_settings_set(
        actor=personas.finance_reviewer,
        bureau=personas.bureau,
        fiscal_year=YEAR,
        excellent_min=D(90),
        good_min=D(80),
        fair_min=D(60),
    )
    assert again.rule_version == 3


def test_the_proposal_cuts_by_grade_with_totals(personas) -> None:
    budget.control_number_set(
        actor=None, department=personas.education, fiscal_year=YEAR + 1, amount=D(5000)
    )
    services.evaluation_settings_set(
        actor=None,
        bureau=personas.bureau,
        fiscal_year=YEAR,
        excellent_min=D(90),
        good_min=D(80),
        fair_min=D(60),
        fair_cut=D("0.2"),
    )
    why = {"新建改造供水工程": "原因", "农村自来水普及率": "原因"}
    submitted(personas.unit_a, "A1")  # 99: 优
    submitted(personas.unit_a, "A2", actuals={"新建改造供水工程": D(12)}, explanations=why)  # 84
    submitted(
        personas.unit_a,
        "A3",
        actuals={"新建改造供水工程": D(8), "农村自来水普及率": D(60)},
        explanations=why,
    )
    submitted(
        personas.unit_a,
        "A4",
        actuals={"新建改造供水工程": D(0), "农村自来水普及率": D(20)},
        explanations=why,
    )
    grades = {
        r.project.code: (r.total, r.grade)
        for r in queries.project_results(personas.finance_reviewer, personas.bureau, YEAR)
    }
    assert grades == {
        "A1": (D(99), "excellent"),
        "A2": (D(84), "good"),
        "A3": (D("68.57"), "fair"),
        "A4": (D("45.52"), "poor"),
    }

    proposal = queries.proposal(personas.finance_reviewer, personas.bureau, YEAR)

    rows = {r.result.project.code: r for r in proposal.rows}
    assert [rows[c].proposed for c in ("A1", "A2", "A3", "A4")] == [D(300), D(300), D(240), D(0)]
    assert rows["A3"].action == "压减20%" and rows["A4"].cut == D(300)
    assert (proposal.base, proposal.proposed, proposal.cut) == (D(1200), D(840), D(360))
    (department,) = proposal.departments
    assert department.department == personas.education
    assert (department.control, department.control_cut) == (D(5000), D(300))
    assert department.control_proposed == D(4700)


def test_a_unit_sees_only_its_own_results(personas) -> None:
    submitted(personas.unit_a, "A1")
    submitted(personas.unit_b, "B1")
    rows = queries.project_results(personas.unit_a_operator, personas.bureau, YEAR)
    assert [r.project.code for r in rows] == ["A1"]
