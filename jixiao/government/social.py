"""The social assessment through public surveys (GOV-5): a survey about the scheme
(``subject_type="government.scheme"``) feeds the social part's satisfaction item
(群众满意度); a survey about one item (``"government.item"``) feeds that item. The survey's
satisfaction rate becomes the item's actual value, scored by the item's rule (≥ target), and
the survey's own explanation is carried into the item's."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from jixiao.government import permissions as p
from jixiao.government.models import Item, Part, Scheme
from jixiao.government.scoring import Feed
from jixiao.government.standard import SATISFACTION_LEAF
from jixiao.orgs.models import OrgKind, User
from jixiao.surveys import queries as survey_queries
from jixiao.surveys import services as survey_services
from jixiao.surveys.models import QuestionKind, SatisfactionMethod, Survey, SurveyState

QUESTIONS = [
    "您对本乡（镇）政府贯彻落实上级重大决策部署的情况是否满意？",
    "您对本乡（镇）政府维护群众利益、办理民生实事的情况是否满意？",
    "您对本乡（镇）政府依法稳妥处理群众利益问题的情况是否满意？",
    "您对本乡（镇）政府机关作风和服务效能是否满意？",
]


def _published(subject_type: str, ids: list[str]) -> list[Survey]:
    return list(
        Survey.objects.filter(
            subject_type=subject_type,
            subject_id__in=ids,
            state__in=[SurveyState.OPEN, SurveyState.CLOSED],
        ).order_by("-published_at", "-id")
    )


def surveys_of(scheme: Scheme) -> list[tuple[Survey, Any]]:
    """The scheme's published surveys with their satisfaction figures."""
    surveys = list(
        survey_queries.surveys_for_subject(p.SUBJECT_SCHEME, scheme.pk).order_by(
            "-published_at", "-id"
        )
    )
    return [(s, survey_queries.satisfaction(s)) for s in surveys]


def survey_feeds(scheme: Scheme, items: list[Item]) -> dict[int, Feed]:
    """indicator id → the satisfaction rate of the newest survey about it that has one."""
    feeds: dict[int, Feed] = {}
    satisfaction_item = next(
        (i for i in items if i.part == Part.SOCIAL and i.indicator.name == SATISFACTION_LEAF),
        None,
    )
    by_item = {str(i.pk): i for i in items}
    candidates: list[tuple[Item, Survey]] = [
        (by_item[s.subject_id], s) for s in _published(p.SUBJECT_ITEM, list(by_item))
    ]
    if satisfaction_item is not None:
        candidates += [
            (satisfaction_item, s) for s in _published(p.SUBJECT_SCHEME, [str(scheme.pk)])
        ]
    for item, survey in candidates:
        if item.indicator_id in feeds:
            continue
        figures = survey_queries.satisfaction(survey)
        if figures.rate is None:
            continue
        explain = figures.explain.replace("\n", "")
        feeds[item.indicator_id] = Feed(
            figures.rate, f"公众问卷“{survey.title}”满意度{figures.rate}%（{explain}）"
        )
    return feeds


@transaction.atomic
def scheme_survey_create(*, actor: User | None, scheme: Scheme, publish: bool = True) -> Survey:
    """A standard public questionnaire about the scheme (four rating questions on the social
    part's four areas, each counted for satisfaction), opened for answers if ``publish``."""
    survey = survey_services.survey_create(
        actor=actor,
        organization=scheme.organization,
        title=f"{scheme.organization.name}{scheme.year}年度政府绩效群众满意度调查",
        description="本问卷匿名填写，结果计入政府绩效社会评估的群众满意度。",
        subject_type=p.SUBJECT_SCHEME,
        subject_id=str(scheme.pk),
        subject_label=scheme.name,
    )
    township = scheme.organization.kind == OrgKind.TOWNSHIP
    for text in (
        QUESTIONS if township else [q.replace("本乡（镇）政府", "本部门") for q in QUESTIONS]
    ):
        survey_services.question_add(
            actor=actor,
            survey=survey,
            kind=QuestionKind.RATING,
            text=text,
            satisfaction=SatisfactionMethod.SHARE,
        )
    if publish:
        survey = survey_services.survey_publish(actor=actor, survey=survey)
    return survey
