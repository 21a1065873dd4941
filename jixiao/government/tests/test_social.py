"""The public survey feeds the social part's satisfaction item (GOV-5)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.government import services, social
from jixiao.government.scoring import scheme_result
from jixiao.government.tests.factories import assign_all, make_scheme, make_town
from jixiao.surveys import services as survey_services

pytestmark = pytest.mark.django_db


def answer_all(survey, option_position: int, address: str) -> None:
    answers = {}
    for question in survey.questions.all():
        option = question.options.get(position=option_position)
        answers[question.pk] = [str(option.pk)]
    survey_services.survey_answer_submit(survey=survey, answers=answers, client_address=address)


def test_survey_satisfaction_scores_the_social_item_with_its_explanation():
    town = make_town()
    scheme = make_scheme(town)
    assign_all(town, scheme)
    services.scheme_activate(actor=town.office, scheme=scheme)
    before = scheme_result(scheme, social.survey_feeds)
    item_before = next(s for s in before.items if s.item.indicator.name == "群众满意度")
    assert item_before.score == 0 and item_before.feed is None

    survey = social.scheme_survey_create(actor=town.office, scheme=scheme)
    assert survey.subject_type == "government.scheme" and survey.subject_id == str(scheme.pk)
    for n in range(3):
        answer_all(survey, 0, f"10.0.0.{n}")  # 非常满意
    answer_all(survey, 3, "10.0.0.9")  # 不满意

    result = scheme_result(scheme, social.survey_feeds)
    item = next(s for s in result.items if s.item.indicator.name == "群众满意度")
    assert item.actual == Decimal("75.00")
    # ≥ 90 %, 15 points: 75 ÷ 90 × 15 = 12.5
    assert item.score == Decimal("12.50") and item.reviewed  # scored by the public
    assert item.explain.startswith("公众问卷“")
    assert "满意度75.00%" in item.explain and "75.00÷90×15.00＝12.50" in item.explain
    assert result.parts[1].total == Decimal("12.50")
    [(listed, figures)] = social.surveys_of(scheme)
    assert listed == survey and figures.answers == 4
