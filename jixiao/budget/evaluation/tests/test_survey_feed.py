"""Public judgement (公众评判法): a project's survey feeds its satisfaction indicator. The
issue's acceptance test: 200 survey answers, and the satisfaction indicator and the project's
score follow."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.budget.evaluation import errors, services
from jixiao.budget.evaluation.errors import EvaluationError
from jixiao.budget.evaluation.models import ItemSource
from jixiao.budget.evaluation.tests.factories import AFTER_YEAR, MET, filled, spend
from jixiao.budget.monitoring.tests.factories import approved_project
from jixiao.surveys import services as surveys
from jixiao.surveys.models import QuestionKind, SatisfactionMethod
from jixiao.surveys.services import OptionSpec

D = Decimal
pytestmark = pytest.mark.django_db
NAME = "受益群众满意度"  # ≥ 90%, 10 points


def project_survey(project, satisfied: int, total: int):  # type: ignore[no-untyped-def]
    """A published survey about the project with ``total`` answers, ``satisfied`` of them
    满意 or 非常满意."""
    survey = surveys.survey_create(
        actor=None,
        organization=project.unit,
        title="农村饮水安全受益群众满意度调查",
        subject_type="budget.project",
        subject_id=str(project.pk),
        subject_label=project.name,
    )
    question = surveys.question_add(
        actor=None,
        survey=survey,
        kind=QuestionKind.SINGLE,
        text="您对供水工程是否满意",
        options=[
            OptionSpec("非常满意", satisfied=True),
            OptionSpec("满意", satisfied=True),
            OptionSpec("不满意"),
        ],
        satisfaction=SatisfactionMethod.SHARE,
    )
    surveys.survey_publish(actor=None, survey=survey)
    options = {o.label: str(o.pk) for o in question.options.all()}
    for n in range(total):
        label = ("非常满意" if n % 2 else "满意") if n < satisfied else "不满意"
        surveys.survey_answer_submit(survey=survey, answers={question.pk: [options[label]]})
    return survey


def test_200_answers_and_the_satisfaction_indicator_and_score_follow(personas) -> None:
    evaluation = filled(personas.unit_a)  # every target met: 99, 优
    row = evaluation.items.get(name=NAME)
    assert (row.actual, row.score, evaluation.total) == (MET[NAME], D(10), D(99))

    project_survey(evaluation.project, satisfied=150, total=200)  # 75%
    fed = services.self_evaluation_survey_refresh(
        actor=personas.unit_a_operator, self_evaluation=evaluation
    )

    assert [r.name for r in fed] == [NAME]
    row.refresh_from_db()
    evaluation.refresh_from_db()
    assert row.actual == D(75) and row.source == ItemSource.SURVEY
    assert "200份答卷" in row.source_note
    assert row.score == D("8.33")  # 75 ÷ 90 × 10
    assert evaluation.total == D("97.33") and evaluation.grade == "excellent"
    assert "75÷90×10" in row.explain and "完成值取自满意度调查" in row.explain
    assert "200份答卷" in row.explain
    assert "explanation_required" in row.flags  # a shortfall: the unit must explain it


def test_a_new_self_evaluation_takes_the_survey_at_once(personas) -> None:
    project = approved_project(personas.unit_a, "P001")
    spend(project, D(300))
    project_survey(project, satisfied=190, total=200)  # 95%
    evaluation = services.self_evaluation_create(actor=None, project=project, today=AFTER_YEAR)
    row = evaluation.items.get(name=NAME)
    assert row.actual == D(95) and row.source == ItemSource.SURVEY


def test_without_a_survey_nothing_is_fed(personas) -> None:
    evaluation = filled(personas.unit_a)
    with pytest.raises(EvaluationError) as exc:
        services.self_evaluation_survey_refresh(actor=None, self_evaluation=evaluation)
    assert exc.value.message == errors.NO_SURVEY
