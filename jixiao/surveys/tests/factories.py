"""Surveys for tests, built through the services."""

from __future__ import annotations

from decimal import Decimal

from jixiao.orgs.models import Organization
from jixiao.surveys import services
from jixiao.surveys.models import Question, QuestionKind, SatisfactionMethod, Survey
from jixiao.surveys.services import OptionSpec


def make_survey(organization: Organization, *, publish: bool = False, **publish_args) -> Survey:  # type: ignore[no-untyped-def]
    """服务对象满意度: a rating question (points), a single choice (share), a multiple choice
    and an optional text."""
    survey = services.survey_create(
        actor=None,
        organization=organization,
        title="服务对象满意度调查",
        subject_type="budget.project",
        subject_id="42",
        subject_label="农村饮水安全工程",
    )
    services.question_add(
        actor=None,
        survey=survey,
        kind=QuestionKind.RATING,
        text="您对本项目的总体评价",
        satisfaction=SatisfactionMethod.POINTS,
    )
    services.question_add(
        actor=None,
        survey=survey,
        kind=QuestionKind.SINGLE,
        text="供水是否稳定",
        options=[
            OptionSpec("稳定", satisfied=True),
            OptionSpec("偶尔停水"),
            OptionSpec("经常停水"),
        ],
        satisfaction=SatisfactionMethod.SHARE,
    )
    services.question_add(
        actor=None,
        survey=survey,
        kind=QuestionKind.MULTIPLE,
        text="您了解项目的渠道",
        options=[OptionSpec("村务公开栏"), OptionSpec("广播"), OptionSpec("网络")],
        required=False,
    )
    services.question_add(
        actor=None, survey=survey, kind=QuestionKind.TEXT, text="意见建议", required=False
    )
    if publish:
        services.survey_publish(actor=None, survey=survey, **publish_args)
        survey.refresh_from_db()
    return survey


def questions(survey: Survey) -> list[Question]:
    return list(survey.questions.order_by("position").prefetch_related("options"))


def option_id(question: Question, label: str) -> str:
    return str(next(o.pk for o in question.options.all() if o.label == label))


def points(question: Question, label: str) -> Decimal:
    return next(o.points for o in question.options.all() if o.label == label)  # type: ignore[return-value]
