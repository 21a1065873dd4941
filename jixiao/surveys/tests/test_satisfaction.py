from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache

from jixiao.surveys import services
from jixiao.surveys.queries import question_figures, satisfaction, surveys_for_subject
from jixiao.surveys.tests.factories import make_survey, option_id, questions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


def test_200_answers_give_the_exact_rate(personas, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    survey = make_survey(personas.unit_a, publish=True)
    overall, stable, channel, _text = questions(survey)
    # Rating (points 100/80/60/40/0): 70 非常满意, 61 满意, 39 一般, 20 不满意, 10 非常不满意.
    ratings = (
        ["非常满意"] * 70 + ["满意"] * 61 + ["一般"] * 39 + ["不满意"] * 20 + ["非常不满意"] * 10
    )
    # Single choice (share of 稳定): 153 稳定, 30 偶尔停水, 17 经常停水.
    stability = ["稳定"] * 153 + ["偶尔停水"] * 30 + ["经常停水"] * 17
    for i, (rating, stable_answer) in enumerate(zip(ratings, stability, strict=True)):
        answers = {
            overall.pk: [option_id(overall, rating)],
            stable.pk: [option_id(stable, stable_answer)],
        }
        if i % 4 == 0:
            answers[channel.pk] = [option_id(channel, "广播")]
        services.survey_answer_submit(survey=survey, answers=answers, client_address=f"10.0.{i}.1")

    with django_assert_max_num_queries(6):
        figures = satisfaction(survey)
    # Points: 70×100 + 61×80 + 39×60 + 20×40 + 10×0 = 15 020; ÷ (200 × 100) = 75.10 %.
    # Share: 153 ÷ 200 = 76.50 %. Mean: (75.10 + 76.50) ÷ 2 = 75.80 %.
    assert figures.answers == 200
    assert [q.rate for q in figures.per_question] == [Decimal("75.10"), Decimal("76.50")]
    assert figures.rate == Decimal("75.80")
    assert "15020 ÷ (回答该题的200份 × 满分100) = 75.10%" in figures.explain
    assert "选择“稳定”的153份 ÷ 回答该题的200份 = 76.50%" in figures.explain
    assert "(75.10% + 76.50%) ÷ 2 = 75.80%" in figures.explain

    by_question = {f.question_id: f for f in question_figures(survey)}
    assert by_question[channel.pk].answered == 50
    assert [(o.label, o.count) for o in by_question[channel.pk].options] == [
        ("村务公开栏", 0),
        ("广播", 50),
        ("网络", 0),
    ]
    assert [s.pk for s in surveys_for_subject("budget.project", 42)] == [survey.pk]


def test_rounding_is_half_up_on_the_exact_mean(personas) -> None:  # type: ignore[no-untyped-def]
    survey = make_survey(personas.unit_a, publish=True)
    overall, stable, *_ = questions(survey)
    # Points: (100 + 80 + 80) ÷ 300 = 86.666…%; share: 2 ÷ 3 = 66.666…%; mean 76.666…% → 76.67.
    for rating, answer in [("非常满意", "稳定"), ("满意", "稳定"), ("满意", "经常停水")]:
        services.survey_answer_submit(
            survey=survey,
            answers={
                overall.pk: [option_id(overall, rating)],
                stable.pk: [option_id(stable, answer)],
            },
        )
    figures = satisfaction(survey)
    assert [q.rate for q in figures.per_question] == [Decimal("86.67"), Decimal("66.67")]
    assert figures.rate == Decimal("76.67")


def test_no_answers_no_rate(personas) -> None:  # type: ignore[no-untyped-def]
    survey = make_survey(personas.unit_a, publish=True)
    figures = satisfaction(survey)
    assert figures.rate is None and figures.answers == 0
    assert "尚无回答" in figures.explain
    assert surveys_for_subject("budget.project", "43").count() == 0
