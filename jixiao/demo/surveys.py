"""Demo data for surveys (BUD-9, GOV-5), built through the services: a published 服务对象
满意度 survey of 青山县第一中学 with about fifty answers and a few invitation codes, tied to
one of the school's budget projects when the demo has one; and a draft of the hospital."""

from __future__ import annotations

import random
from datetime import date

from jixiao.budget.models import Project
from jixiao.orgs.models import Organization
from jixiao.surveys import services
from jixiao.surveys.models import QuestionKind, SatisfactionMethod, Survey
from jixiao.surveys.services import OptionSpec

SCHOOL = "青山县第一中学"
HOSPITAL = "青山县人民医院"
ANSWERS = 50
# Weights of 非常满意 … 非常不满意, and of the single-choice options, for the answers.
RATING_WEIGHTS = (0.42, 0.33, 0.15, 0.07, 0.03)
COMMENTS = ("希望增加课后服务时段", "食堂饭菜口味有改善", "校车准时，感谢", "家长会可以安排在周末")


def build(today: date, by_name: dict[str, Organization]) -> None:
    """Create the demo's surveys through the services (the system acts: actor None)."""
    rng = random.Random(f"surveys-{today.year}")  # noqa: S311 (demo answers, not secrets)
    school = by_name.get(SCHOOL)
    if school is not None:
        survey = _school_survey(school)
        _answer(survey, rng)
    hospital = by_name.get(HOSPITAL)
    if hospital is not None:
        _hospital_draft(hospital)


def _school_survey(school: Organization) -> Survey:
    project = Project.objects.filter(unit=school).order_by("fiscal_year", "code").first()
    subject = (
        {
            "subject_type": "budget.project",
            "subject_id": str(project.pk),
            "subject_label": project.name,
        }
        if project is not None
        else {}
    )
    survey = services.survey_create(
        actor=None,
        organization=school,
        title="青山县第一中学服务对象满意度调查",
        description="为了解学生家长对学校办学和项目实施的评价，特开展本次匿名调查，约需两分钟。",
        **subject,
    )
    services.question_add(
        actor=None,
        survey=survey,
        kind=QuestionKind.RATING,
        text="您对学校办学条件改善的总体评价",
        satisfaction=SatisfactionMethod.POINTS,
    )
    services.question_add(
        actor=None,
        survey=survey,
        kind=QuestionKind.SINGLE,
        text="孩子在校就餐、住宿条件是否满足需要",
        options=[
            OptionSpec("完全满足", satisfied=True),
            OptionSpec("基本满足", satisfied=True),
            OptionSpec("不能满足"),
        ],
        satisfaction=SatisfactionMethod.SHARE,
    )
    services.question_add(
        actor=None,
        survey=survey,
        kind=QuestionKind.MULTIPLE,
        text="您通过哪些渠道了解学校的项目",
        options=[
            OptionSpec("家长会"),
            OptionSpec("班级群"),
            OptionSpec("校园公示栏"),
            OptionSpec("其他"),
        ],
        required=False,
    )
    services.question_add(
        actor=None, survey=survey, kind=QuestionKind.TEXT, text="意见和建议", required=False
    )
    return services.survey_publish(actor=None, survey=survey, tokens=12)


def _answer(survey: Survey, rng: random.Random) -> None:
    rating, single, multiple, text = survey.questions.order_by("position").prefetch_related(
        "options"
    )
    scale = [str(o.pk) for o in rating.options.all()]
    meals = [str(o.pk) for o in single.options.all()]
    channels = [str(o.pk) for o in multiple.options.all()]
    for _ in range(ANSWERS):
        answers = {
            rating.pk: rng.choices(scale, weights=RATING_WEIGHTS),
            single.pk: rng.choices(meals, weights=(0.55, 0.35, 0.10)),
            multiple.pk: rng.sample(channels, rng.randint(0, 2)),
            text.pk: [rng.choice(COMMENTS)] if rng.random() < 0.2 else [],
        }
        services.survey_answer_submit(survey=survey, answers=answers)


def _hospital_draft(hospital: Organization) -> None:
    survey = services.survey_create(
        actor=None,
        organization=hospital,
        title="青山县人民医院患者就医满意度调查",
        description="请根据本次就医经历填写，匿名提交。",
    )
    services.question_add(
        actor=None,
        survey=survey,
        kind=QuestionKind.RATING,
        text="您对本次就医的总体满意程度",
        satisfaction=SatisfactionMethod.POINTS,
    )
    services.question_add(
        actor=None,
        survey=survey,
        kind=QuestionKind.SINGLE,
        text="候诊时间",
        options=[
            OptionSpec("30分钟以内", satisfied=True),
            OptionSpec("30分钟至1小时", satisfied=True),
            OptionSpec("1小时以上"),
        ],
        satisfaction=SatisfactionMethod.SHARE,
    )
