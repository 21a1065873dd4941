"""Key evaluation and re-evaluation (BUD-8), methods and standards (BUD-9): selection, the
framework and its weights, assignments, experts' scores combined, the item-by-item
difference of a re-evaluation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.http import Http404

from jixiao.budget.evaluation import errors, queries, services
from jixiao.budget.evaluation.combine import combine
from jixiao.budget.evaluation.errors import EvaluationError
from jixiao.budget.evaluation.framework import template_items
from jixiao.budget.evaluation.models import (
    AssignmentRole,
    Category,
    Combination,
    EvaluationKind,
    EvaluationState,
)
from jixiao.budget.evaluation.tests.factories import submitted
from jixiao.budget.models import Project
from jixiao.budget.monitoring.models import MonitoringWarning
from jixiao.budget.monitoring.tests.factories import YEAR, approved_project, open_round
from jixiao.orgs.errors import PermissionDeniedError
from jixiao.orgs.models import Role
from jixiao.testing.factories import make_user

D = Decimal
pytestmark = pytest.mark.django_db


def key(personas, project, **options):  # type: ignore[no-untyped-def]
    return services.evaluation_create(
        actor=personas.finance_reviewer,
        bureau=personas.bureau,
        project=project,
        kind=EvaluationKind.KEY,
        **options,
    )


def test_the_framework_template_follows_the_weights() -> None:
    weights = {Category.DECISION: D(15), Category.PROCESS: D(15), Category.OUTPUT: D(40)}
    weights[Category.BENEFIT] = D(30)
    items = template_items(weights)
    assert sum(i.full_score for i in items) == D(100)
    decision = [i for i in items if i.category == Category.DECISION]
    assert [i.full_score for i in decision] == [D("2.5")] * 6
    process = [i.full_score for i in items if i.category == Category.PROCESS]
    assert process == [D(3)] * 5 and {i.level1 for i in items} == {"决策", "过程", "产出", "效益"}


def test_output_and_benefit_at_least_sixty_percent(personas) -> None:
    project = approved_project(personas.unit_a, "P001")
    weights = {"decision": D(30), "process": D(20), "output": D(30), "benefit": D(20)}
    with pytest.raises(EvaluationError) as exc:
        key(personas, project, weights=weights)
    assert exc.value.message == "产出和效益指标权重合计不得低于60%（实际为50%）。"
    with pytest.raises(EvaluationError) as exc:
        key(personas, project, weights={"decision": D(30)})
    assert exc.value.message == errors.WEIGHTS_SUM.format(total=110)
    evaluation = key(personas, project)
    with pytest.raises(EvaluationError):
        services.evaluation_update(
            actor=personas.finance_reviewer, evaluation=evaluation, weights=weights
        )
    services.evaluation_update(
        actor=personas.finance_reviewer,
        evaluation=evaluation,
        weights={"decision": D(15), "process": D(15), "output": D(40), "benefit": D(30)},
    )
    fulls = evaluation.items.filter(category=Category.OUTPUT).values_list("full_score", flat=True)
    assert list(fulls) == [D(10)] * 4


def test_methods_and_standards_are_recorded(personas) -> None:
    project = approved_project(personas.unit_a, "P001")
    evaluation = key(
        personas,
        project,
        methods=["cost_benefit", "public_judgement"],
        standards=["plan", "historical"],
    )
    assert evaluation.method_labels == ["成本效益分析法", "公众评判法"]
    assert evaluation.standard_labels == ["计划标准", "历史标准"]
    with pytest.raises(EvaluationError):
        key(personas, approved_project(personas.unit_a, "P002"), methods=["guessing"])


def test_full_cycle_only_for_multi_year_projects(personas) -> None:
    single = approved_project(personas.unit_a, "P001")
    with pytest.raises(EvaluationError) as exc:
        key(personas, single, full_cycle=True, cycle_start=YEAR, cycle_end=YEAR)
    assert exc.value.message == errors.CYCLE_SINGLE_YEAR
    multi = approved_project(personas.unit_a, "P002")
    multi.start_year, multi.end_year = YEAR - 2, YEAR
    multi.save()
    evaluation = key(personas, multi, full_cycle=True, cycle_start=YEAR - 2, cycle_end=YEAR)
    assert (evaluation.cycle_start, evaluation.cycle_end) == (YEAR - 2, YEAR)


def test_only_the_bureau_creates_evaluations(personas) -> None:
    project = approved_project(personas.unit_a, "P001")
    with pytest.raises(PermissionDeniedError):
        services.evaluation_create(
            actor=personas.department_reviewer,
            bureau=personas.bureau,
            project=project,
            kind=EvaluationKind.KEY,
        )


def test_combination_of_experts_scores() -> None:
    scores = [D(8), D(9), D(10), D(4)]
    assert combine(scores, Combination.MEAN) == D("7.75")
    assert combine(scores, Combination.TRIMMED_MEAN) == D("8.5")
    assert combine([D(8), D(9)], Combination.TRIMMED_MEAN) == D("8.5")


def _experts(personas, evaluation, count):  # type: ignore[no-untyped-def]
    people = []
    for n in range(count):
        user = make_user(f"expert{n}", personas.bureau, Role.EVALUATOR)
        services.evaluation_assign(
            actor=personas.finance_reviewer,
            evaluation=evaluation,
            user=user,
            role=AssignmentRole.EXPERT,
            agency="某会计师事务所",
        )
        people.append(user)
    return people


def test_experts_score_and_the_result_combines_them(personas) -> None:
    project = approved_project(personas.unit_a, "P001")
    evaluation = key(personas, project, combination=Combination.TRIMMED_MEAN)
    experts = _experts(personas, evaluation, 3)
    items = list(evaluation.items.order_by("position"))
    with pytest.raises(EvaluationError):  # not open for scoring yet
        services.expert_scores_save(actor=experts[0], evaluation=evaluation, scores={})
    services.evaluation_open(actor=personas.finance_reviewer, evaluation=evaluation)
    fractions = [D("1"), D("0.9"), D("0.5")]
    for user, fraction in zip(experts, fractions, strict=True):
        scores = {item.pk: item.full_score * fraction for item in items}
        services.expert_scores_save(actor=user, evaluation=evaluation, scores=scores, submit=True)
    with pytest.raises(EvaluationError) as exc:
        services.expert_scores_save(
            actor=experts[0], evaluation=evaluation, scores={items[0].pk: D(99)}
        )
    assert exc.value.message.startswith(f"指标“{items[0].name}”的得分应在0到")
    with pytest.raises(PermissionDeniedError):
        services.expert_scores_save(
            actor=personas.unit_a_operator, evaluation=evaluation, scores={}
        )
    evaluation = services.evaluation_finish(actor=personas.finance_reviewer, evaluation=evaluation)
    assert evaluation.state == EvaluationState.FINISHED
    middle = sum(((i.full_score * D("0.9")).quantize(D("0.01")) for i in items), D(0))
    assert D(89) < middle < D(91)
    assert evaluation.total == middle  # the middle expert
    assert evaluation.grade == ("excellent" if middle >= 90 else "good")
    first = evaluation.items.order_by("position").first()
    assert "去掉最高分和最低分后平均" in first.explain


def test_expert_scores_take_the_same_queries_for_one_item_or_all(personas) -> None:
    """One upsert for the scores: 8 queries for one item or twenty (13 and 125 before)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jixiao.budget.evaluation.models import ExpertScore

    evaluation = key(personas, approved_project(personas.unit_a, "P001"))
    (expert,) = _experts(personas, evaluation, 1)
    services.evaluation_open(actor=personas.finance_reviewer, evaluation=evaluation)
    items = list(evaluation.items.order_by("position"))
    with CaptureQueriesContext(connection) as one:
        services.expert_scores_save(actor=expert, evaluation=evaluation, scores={items[0].pk: 1})
    with CaptureQueriesContext(connection) as every:
        services.expert_scores_save(
            actor=expert,
            evaluation=evaluation,
            scores={item.pk: D(1) for item in items},
            comments={items[0].pk: "依据充分"},
        )
    assert len(items) > 5 and len(every) == len(one)
    services.expert_scores_save(
        actor=expert, evaluation=evaluation, scores={items[0].pk: "", items[1].pk: "2"}
    )
    saved = dict(ExpertScore.objects.values_list("item_id", "score"))
    assert len(saved) == len(items) - 1 and items[0].pk not in saved
    assert saved[items[1].pk] == D(2) and saved[items[2].pk] == D(1)


def test_an_evaluator_sees_only_assigned_evaluations(personas) -> None:
    mine = key(personas, approved_project(personas.unit_a, "P001"))
    other = key(personas, approved_project(personas.unit_b, "P002"))
    services.evaluation_assign(
        actor=personas.finance_reviewer,
        evaluation=mine,
        user=personas.evaluator,
        role=AssignmentRole.THIRD_PARTY,
    )
    assert list(queries.evaluations_visible(personas.evaluator)) == [mine]
    assert queries.get_evaluation_for_user(personas.evaluator, mine.pk) == mine
    with pytest.raises(Http404):
        queries.get_evaluation_for_user(personas.evaluator, other.pk)
    with pytest.raises(Http404):  # unit A sees its own evaluation only, and cannot write
        queries.get_evaluation_for_user(personas.unit_a_operator, other.pk)
    assert queries.get_evaluation_for_user(personas.unit_a_operator, mine.pk) == mine
    with pytest.raises(Http404):
        queries.get_evaluation_for_user(personas.unit_a_operator, mine.pk, write=True)
    assert set(queries.evaluations_visible(personas.finance_reviewer)) == {mine, other}


def test_only_evaluators_or_bureau_staff_are_assigned(personas) -> None:
    evaluation = key(personas, approved_project(personas.unit_a, "P001"))
    with pytest.raises(EvaluationError) as exc:
        services.evaluation_assign(
            actor=personas.finance_reviewer,
            evaluation=evaluation,
            user=personas.unit_b_operator,
            role=AssignmentRole.EXPERT,
        )
    assert exc.value.message == errors.ASSIGNEE_ROLE


def test_reevaluation_shows_the_difference_item_by_item(personas) -> None:
    self_evaluation = submitted(
        personas.unit_a,
        actuals={"新建改造供水工程": D(18)},
        explanations={"新建改造供水工程": "征地推迟"},
    )
    evaluation = services.evaluation_create(
        actor=personas.finance_reviewer,
        bureau=personas.bureau,
        project=self_evaluation.project,
        kind=EvaluationKind.REEVALUATION,
    )
    rows = {row.name: row for row in evaluation.items.all()}
    assert rows["新建改造供水工程"].self_score == D("22.5")
    verified = rows["受益群众满意度"]
    services.reevaluation_score(
        actor=personas.finance_reviewer,
        evaluation=evaluation,
        items={verified.pk: {"actual": "72"}},
    )
    verified.refresh_from_db()
    assert verified.score == D(8) and verified.difference == D(-2)
    assert "72÷90×10" in verified.explain
    unchanged = evaluation.items.get(name="工程验收合格率")
    assert unchanged.difference == D(0)
    evaluation = services.evaluation_finish(actor=personas.finance_reviewer, evaluation=evaluation)
    assert evaluation.total == self_evaluation.total - 2


def test_adjusting_a_reevaluated_score_needs_a_reason(personas) -> None:
    self_evaluation = submitted(personas.unit_a)
    evaluation = services.evaluation_create(
        actor=personas.finance_reviewer,
        bureau=personas.bureau,
        project=self_evaluation.project,
        kind=EvaluationKind.REEVALUATION,
    )
    row = evaluation.items.get(name="工程验收合格率")
    with pytest.raises(EvaluationError) as exc:
        services.reevaluation_score(
            actor=personas.finance_reviewer,
            evaluation=evaluation,
            items={row.pk: {"adjusted_score": "6"}},
        )
    assert exc.value.message == errors.REASON_REQUIRED.format(name="工程验收合格率")


def test_selection_by_sector_amount_warnings_and_sample(personas) -> None:
    water = [approved_project(personas.unit_a, f"W{n}", total=D(100 * n)) for n in range(1, 6)]
    school = approved_project(personas.unit_b, "S1", total=D(900))
    Project.objects.filter(pk=school.pk).update(function_code="20502")
    found = queries.selection_candidates(personas.bureau, YEAR, sectors=["213"])
    assert found == water
    found = queries.selection_candidates(personas.bureau, YEAR, min_amount=D(300))
    assert [p.code for p in found] == ["S1", "W3", "W4", "W5"]
    round = open_round(personas.bureau)
    MonitoringWarning.objects.create(
        round=round, project=water[1], kind="combined", colour="red", explain="执行滞后"
    )
    found = queries.selection_candidates(personas.bureau, YEAR, warning_colours=["red"])
    assert found == [water[1]]
    a = queries.selection_candidates(personas.bureau, YEAR, sample=3, seed=7)
    b = queries.selection_candidates(personas.bureau, YEAR, sample=3, seed=7)
    assert len(a) == 3 and a == b


def test_department_overall_expenditure_has_its_own_framework(personas) -> None:
    from jixiao.budget import services as budget

    declaration = budget.department_declaration_create(
        actor=None,
        unit=personas.unit_a,
        fiscal_year=YEAR,
        annual_total=D(800),
        annual_fiscal=D(800),
        basic_expenditure=D(500),
        project_expenditure=D(300),
    )
    with pytest.raises(EvaluationError) as exc:
        key(personas, declaration)
    assert exc.value.message == errors.EVALUATION_KIND_PROJECT
    evaluation = services.evaluation_create(
        actor=personas.finance_reviewer,
        bureau=personas.bureau,
        project=declaration,
        kind=EvaluationKind.DEPARTMENT,
    )
    levels = list(evaluation.items.values_list("level1", flat=True).distinct())
    assert sorted(set(levels)) == sorted({"投入", "过程", "产出", "效果"})
    assert sum(evaluation.items.values_list("full_score", flat=True)) == D(100)
