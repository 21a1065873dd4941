"""Self-evaluation (BUD-7): prefill from targets and the last monitoring round, scoring by
the engine with its flags, submission rules and the review on the workflow."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.audit.models import AuditEvent
from jixiao.budget.evaluation import errors, services
from jixiao.budget.evaluation.errors import EvaluationError
from jixiao.budget.evaluation.models import ItemSource, ResultState
from jixiao.budget.evaluation.scoring import Rules, score_rows
from jixiao.budget.evaluation.tests.factories import AFTER_YEAR, MET, filled, spend
from jixiao.budget.monitoring.models import IndicatorProgress
from jixiao.budget.monitoring.tests.factories import YEAR, approved_project, form_of, open_round
from jixiao.budget.tests.factories import make_project
from jixiao.orgs.errors import PermissionDeniedError
from jixiao.workflow.models import WorkflowCase

D = Decimal
pytestmark = pytest.mark.django_db


def test_prefilled_from_targets_and_the_last_monitoring_round(personas) -> None:
    project = approved_project(personas.unit_a, "P001")
    early = open_round(personas.bureau, months=6)
    late = open_round(personas.bureau, months=9)
    IndicatorProgress.objects.filter(form=form_of(early, project)).update(actual=D(1))
    progress = IndicatorProgress.objects.filter(
        form=form_of(late, project), indicator_name="新建改造供水工程"
    )
    progress.update(actual=D(17), expected=D(23))
    form = form_of(late, project)
    form.expected_execution = D(280)
    form.save()

    evaluation = services.self_evaluation_create(
        actor=personas.unit_a_operator, project=project, today=AFTER_YEAR
    )

    rows = {row.name: row for row in evaluation.items.all()}
    assert list(rows) == list(MET)
    row = rows["新建改造供水工程"]
    assert (row.level1, row.level2) == ("产出指标", "数量指标")
    assert (row.target_value, row.full_score, row.rule) == (D(24), D(30), "gte")
    assert row.actual == D(23)  # the later round's expected year-end value
    assert row.source == ItemSource.MONITORING and "全年预计完成值" in row.source_note
    assert rows["工程验收合格率"].actual is None
    assert evaluation.executed == D(280)  # no payments recorded: the round's expectation
    assert evaluation.budget_full_year == D(300) and evaluation.execution_full == D(10)
    assert evaluation.total is None  # incomplete: not scored yet
    assert WorkflowCase.objects.filter(subject_type=services.SUBJECT).count() == 1


def test_payments_of_the_year_give_the_execution(personas) -> None:
    project = approved_project(personas.unit_a, "P001")
    spend(project, D(150))
    evaluation = services.self_evaluation_create(actor=None, project=project, today=AFTER_YEAR)
    assert evaluation.executed == D(150)


def test_payments_in_cents_add_up_exactly(personas) -> None:
    # SQLite sums decimals as floats: 100.25 + 137.35 + 0.01 came back as 237.610000000000 and
    # the self-evaluation was refused for having more than four decimals.
    project = approved_project(personas.unit_a, "P001")
    for amount in ("100.25", "137.35", "0.01"):
        spend(project, D(amount))
    evaluation = services.self_evaluation_create(actor=None, project=project, today=AFTER_YEAR)
    assert evaluation.executed == D("237.61")


def test_only_after_the_year_and_only_approved(personas) -> None:
    project = approved_project(personas.unit_a, "P001")
    with pytest.raises(EvaluationError) as exc:
        services.self_evaluation_create(actor=None, project=project, today=date(YEAR, 12, 31))
    assert exc.value.message == errors.NOT_AFTER_YEAR.format(year=YEAR)
    draft = make_project(personas.unit_a, code="P002", is_new=False)
    with pytest.raises(EvaluationError) as exc:
        services.self_evaluation_create(actor=None, project=draft, today=AFTER_YEAR)
    assert exc.value.message == errors.NOT_APPROVED


def test_another_unit_may_not_create(personas) -> None:
    project = approved_project(personas.unit_a, "P001")
    with pytest.raises(PermissionDeniedError):
        services.self_evaluation_create(
            actor=personas.unit_b_operator, project=project, today=AFTER_YEAR
        )


def test_scored_by_the_engine_with_explanations(personas) -> None:
    evaluation = filled(personas.unit_a, actor=personas.unit_a_operator)
    # execution 270 of 300: 9 of 10 points; every indicator met: 90
    assert evaluation.execution_score == D(9)
    assert evaluation.total == D(99) and evaluation.grade == "excellent"
    assert evaluation.rule_version == f"{YEAR}.1"
    row = evaluation.items.get(name="单处工程平均造价")
    assert row.score == D(10) and "完成值48万元" in row.explain


def test_a_shortfall_must_be_explained_before_submission(personas) -> None:
    evaluation = filled(personas.unit_a, actuals={"新建改造供水工程": D(18)})
    row = evaluation.items.get(name="新建改造供水工程")
    assert row.score == D("22.5") and "explanation_required" in row.flags
    assert evaluation.total == D("91.5")
    with pytest.raises(EvaluationError) as exc:
        services.self_evaluation_submit(actor=None, self_evaluation=evaluation)
    assert (
        errors.EXPLANATION_REQUIRED.format(name="新建改造供水工程", why="未达到年度指标值")
        in exc.value.message
    )

    services.self_evaluation_save(
        actor=None,
        self_evaluation=evaluation,
        items={row.pk: {"explanation": "两处工程因征地推迟，已列入次年计划。"}},
    )
    evaluation = services.self_evaluation_submit(actor=None, self_evaluation=evaluation)
    assert evaluation.state == ResultState.SUBMITTED
    assert evaluation.reported_total == D("91.5")


def test_over_achievement_must_be_explained(personas) -> None:
    evaluation = filled(personas.unit_a, actuals={"新建改造供水工程": D(40)})
    with pytest.raises(EvaluationError) as exc:
        services.self_evaluation_submit(actor=None, self_evaluation=evaluation)
    assert "完成值超过指标值130%以上" in exc.value.message


def test_low_execution_must_be_explained(personas) -> None:
    evaluation = filled(personas.unit_a, executed=D(150))
    assert evaluation.execution_score == D(5)
    with pytest.raises(EvaluationError) as exc:
        services.self_evaluation_submit(actor=None, self_evaluation=evaluation)
    assert errors.EXECUTION_EXPLANATION.format(rate="50.00%") in exc.value.message


def test_a_score_cut_by_the_unit_needs_a_reason(personas) -> None:
    evaluation = filled(personas.unit_a)
    row = evaluation.items.get(name="工程验收合格率")
    services.self_evaluation_save(
        actor=None, self_evaluation=evaluation, items={row.pk: {"reported_score": "8"}}
    )
    with pytest.raises(EvaluationError) as exc:
        services.self_evaluation_submit(actor=None, self_evaluation=evaluation)
    assert "填报得分8.00与按规则计得的10.00不同" in exc.value.message
    services.self_evaluation_save(
        actor=None,
        self_evaluation=evaluation,
        items={row.pk: {"explanation": "两处工程返工后才通过验收。"}},
    )
    evaluation = services.self_evaluation_submit(actor=None, self_evaluation=evaluation)
    row.refresh_from_db()
    assert row.score == D(8) and row.computed_score == D(10)
    assert "评价人调整为8" in row.explain
    assert evaluation.total == D(97)


def test_reviewed_by_the_department_then_the_bureau(personas) -> None:
    evaluation = filled(personas.unit_a, actor=personas.unit_a_operator)
    services.self_evaluation_submit(actor=personas.unit_a_operator, self_evaluation=evaluation)
    with pytest.raises(EvaluationError):
        services.self_evaluation_save(
            actor=personas.unit_a_operator, self_evaluation=evaluation, values={"conclusion": "x"}
        )
    services.self_evaluation_return(
        actor=personas.department_reviewer, self_evaluation=evaluation, comment="结论过简"
    )
    assert evaluation.state == ResultState.RETURNED
    services.self_evaluation_save(
        actor=personas.unit_a_operator,
        self_evaluation=evaluation,
        values={"conclusion": "项目按计划完成，群众满意。"},
    )
    services.self_evaluation_submit(actor=personas.unit_a_operator, self_evaluation=evaluation)
    services.self_evaluation_approve(actor=personas.department_reviewer, self_evaluation=evaluation)
    assert evaluation.state == ResultState.SUBMITTED
    services.self_evaluation_approve(actor=personas.finance_reviewer, self_evaluation=evaluation)
    assert evaluation.state == ResultState.APPROVED
    assert AuditEvent.objects.filter(action="budget.self_evaluation.approve").count() == 2


@given(
    actual=st.integers(min_value=0, max_value=120),
    executed=st.integers(min_value=0, max_value=100),
    mins=st.lists(st.integers(min_value=1, max_value=99), min_size=3, max_size=3, unique=True),
)
def test_the_grade_is_the_engines_and_follows_the_years_thresholds(actual, executed, mins) -> None:  # type: ignore[no-untyped-def]
    """The outcome takes the engine's grade (the sheet carries the thresholds); it is the one
    ``Rules.grade_for`` gives the total, as for a combined total."""
    fair, good, excellent = sorted(D(n) for n in mins)
    rules = Rules(excellent_min=excellent, good_min=good, fair_min=fair)
    row = SimpleNamespace(
        name="供水工程", rule="gte", full_score=D(90), level1="产出指标", level2="数量指标",
        target_value=D(100), actual=D(actual), unit="处", explanation="", reported_score=None,
    )  # fmt: skip
    outcome = score_rows(title="P", budget=D(100), executed=D(executed), rows=[row], rules=rules)
    assert outcome.grade == rules.grade_for(outcome.total)
