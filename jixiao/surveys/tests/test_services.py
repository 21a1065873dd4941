from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache

from jixiao.audit.models import AuditEvent
from jixiao.orgs.errors import PermissionDeniedError
from jixiao.surveys import errors, services
from jixiao.surveys.errors import AnswerRefused, SurveyError
from jixiao.surveys.models import (
    Answer,
    InvitationToken,
    QuestionKind,
    Response,
    SatisfactionMethod,
    SurveyState,
)
from jixiao.surveys.services import OptionSpec
from jixiao.surveys.tests.factories import make_survey, option_id, questions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


def _answer(survey, overall="满意", stable="稳定", **kwargs):  # type: ignore[no-untyped-def]
    q = questions(survey)
    return services.survey_answer_submit(
        survey=survey,
        answers={q[0].pk: [option_id(q[0], overall)], q[1].pk: [option_id(q[1], stable)]},
        **kwargs,
    )


def test_create_writes_audit_and_checks_scope(personas) -> None:  # type: ignore[no-untyped-def]
    survey = services.survey_create(
        actor=personas.unit_a_operator, organization=personas.unit_a, title=" 满意度 "
    )
    assert survey.state == SurveyState.DRAFT and survey.title == "满意度"
    assert AuditEvent.objects.filter(action="surveys.survey.create", object_id=survey.pk).exists()
    with pytest.raises(PermissionDeniedError):
        services.survey_create(
            actor=personas.unit_b_operator, organization=personas.unit_a, title="x"
        )
    with pytest.raises(PermissionDeniedError):
        services.survey_create(actor=personas.leader, organization=personas.bureau, title="x")


def test_rating_question_gets_default_scale(personas) -> None:  # type: ignore[no-untyped-def]
    survey = make_survey(personas.unit_a)
    rating = questions(survey)[0]
    assert [(o.label, o.points, o.satisfied) for o in rating.options.all()] == [
        ("非常满意", Decimal(100), True),
        ("满意", Decimal(80), True),
        ("一般", Decimal(60), False),
        ("不满意", Decimal(40), False),
        ("非常不满意", Decimal(0), False),
    ]


@pytest.mark.parametrize(
    ("kind", "options", "satisfaction", "message"),
    [
        (QuestionKind.SINGLE, [OptionSpec("是")], "", errors.OPTIONS_REQUIRED),
        (QuestionKind.SINGLE, [OptionSpec("是"), OptionSpec("是")], "", "选项“是”重复。"),
        (QuestionKind.TEXT, [OptionSpec("a"), OptionSpec("b")], "", errors.TEXT_HAS_OPTIONS),
        (
            QuestionKind.MULTIPLE,
            [OptionSpec("a", satisfied=True), OptionSpec("b")],
            SatisfactionMethod.SHARE,
            errors.SATISFACTION_KIND,
        ),
        (
            QuestionKind.SINGLE,
            [OptionSpec("a"), OptionSpec("b")],
            SatisfactionMethod.SHARE,
            errors.SATISFIED_NONE,
        ),
        (
            QuestionKind.SINGLE,
            [OptionSpec("a", Decimal(1)), OptionSpec("b")],
            SatisfactionMethod.POINTS,
            errors.POINTS_MISSING,
        ),
    ],
)
def test_question_validation(personas, kind, options, satisfaction, message) -> None:  # type: ignore[no-untyped-def]
    survey = services.survey_create(actor=None, organization=personas.unit_a, title="t")
    with pytest.raises(SurveyError) as exc:
        services.question_add(
            actor=None,
            survey=survey,
            kind=kind,
            text="题",
            options=options,
            satisfaction=satisfaction,
        )
    assert exc.value.message == message


def test_move_and_delete_renumber(personas) -> None:  # type: ignore[no-untyped-def]
    survey = make_survey(personas.unit_a)
    first, second, third, fourth = questions(survey)
    services.question_move(actor=personas.unit_a_operator, question=third, offset=-2)
    assert [q.pk for q in questions(survey)] == [third.pk, first.pk, second.pk, fourth.pk]
    with pytest.raises(SurveyError):
        services.question_move(actor=None, question=third, offset=-1)
    services.question_delete(actor=personas.unit_a_operator, question=first)
    assert [(q.pk, q.position) for q in questions(survey)] == [
        (third.pk, 0),
        (second.pk, 1),
        (fourth.pk, 2),
    ]


def test_states_draft_open_closed(personas) -> None:  # type: ignore[no-untyped-def]
    empty = services.survey_create(actor=None, organization=personas.unit_a, title="空")
    with pytest.raises(SurveyError, match=errors.NO_QUESTIONS):
        services.survey_publish(actor=None, survey=empty)
    survey = make_survey(personas.unit_a)
    with pytest.raises(AnswerRefused, match=errors.SURVEY_NOT_PUBLISHED):
        _answer(survey)
    with pytest.raises(SurveyError, match=errors.NOT_OPEN):
        services.survey_close(actor=None, survey=survey)
    services.survey_publish(actor=personas.unit_a_operator, survey=survey)
    survey.refresh_from_db()
    assert survey.state == SurveyState.OPEN and len(survey.slug) >= 24
    with pytest.raises(SurveyError, match=errors.ALREADY_OPEN):
        services.survey_publish(actor=None, survey=survey)
    with pytest.raises(SurveyError, match=errors.NOT_DRAFT):
        services.question_add(actor=None, survey=survey, kind=QuestionKind.TEXT, text="再加一题")
    _answer(survey)
    services.survey_close(actor=personas.unit_a_operator, survey=survey)
    with pytest.raises(AnswerRefused, match=errors.SURVEY_CLOSED):
        _answer(survey)
    close = AuditEvent.objects.get(action="surveys.survey.close", object_id=survey.pk)
    assert close.new_values["answers"] == 1


def test_other_unit_cannot_publish(personas) -> None:  # type: ignore[no-untyped-def]
    survey = make_survey(personas.unit_a)
    with pytest.raises(PermissionDeniedError):
        services.survey_publish(actor=personas.unit_b_operator, survey=survey)
    services.survey_publish(actor=personas.department_reviewer, survey=survey)  # the supervisor


def test_answer_validation_messages(personas) -> None:  # type: ignore[no-untyped-def]
    survey = make_survey(personas.unit_a, publish=True)
    q = questions(survey)
    with pytest.raises(AnswerRefused) as exc:
        services.survey_answer_submit(
            survey=survey,
            answers={
                q[1].pk: [option_id(q[1], "稳定"), option_id(q[1], "偶尔停水")],
                q[2].pk: [option_id(q[0], "满意")],  # an option of another question
            },
        )
    assert exc.value.problems == {
        q[0].pk: errors.ANSWER_REQUIRED,
        q[1].pk: errors.ANSWER_ONE_OPTION,
        q[2].pk: errors.ANSWER_BAD_OPTION,
    }
    assert not Response.objects.exists()
    response = services.survey_answer_submit(
        survey=survey,
        answers={
            q[0].pk: [option_id(q[0], "满意")],
            q[1].pk: [option_id(q[1], "稳定")],
            q[2].pk: [option_id(q[2], "广播"), option_id(q[2], "网络")],
            q[3].pk: "  希望水压再高一些 ",  # a plain string is one text
        },
    )
    assert Answer.objects.filter(response=response).count() == 5
    assert Answer.objects.get(response=response, question=q[3]).text == "希望水压再高一些"


def test_tokens_are_one_use(personas) -> None:  # type: ignore[no-untyped-def]
    survey = make_survey(personas.unit_a, publish=True, tokens=3, token_required=True)
    codes = list(survey.tokens.values_list("code", flat=True))
    assert len(set(codes)) == 3 and all(len(c) == 8 for c in codes)
    with pytest.raises(AnswerRefused, match=errors.TOKEN_REQUIRED):
        _answer(survey)
    with pytest.raises(AnswerRefused, match=errors.TOKEN_UNKNOWN):
        _answer(survey, token="NOTACODE")
    _answer(survey, token=codes[0].lower())  # typed in lower case: still accepted
    with pytest.raises(AnswerRefused, match=errors.TOKEN_USED):
        _answer(survey, token=codes[0])
    assert InvitationToken.objects.filter(used_at__isnull=False).count() == 1
    assert Response.objects.filter(survey=survey).count() == 1


def test_invalid_answer_does_not_use_the_token(personas) -> None:  # type: ignore[no-untyped-def]
    survey = make_survey(personas.unit_a, publish=True, tokens=1)
    code = survey.tokens.get().code
    with pytest.raises(AnswerRefused):
        services.survey_answer_submit(survey=survey, answers={}, token=code)
    _answer(survey, token=code)


def test_flood_guard_limits_answers_per_address(personas) -> None:  # type: ignore[no-untyped-def]
    survey = make_survey(personas.unit_a, publish=True, tokens=1)
    services.survey_update(actor=None, survey=survey, ip_hourly_limit=3)
    survey.refresh_from_db()
    for _ in range(3):
        with pytest.raises(AnswerRefused):  # refused answers do not count
            services.survey_answer_submit(survey=survey, answers={}, client_address="203.0.113.9")
    for _ in range(3):
        _answer(survey, client_address="203.0.113.9")
    with pytest.raises(AnswerRefused, match=errors.TOO_MANY):
        _answer(survey, client_address="203.0.113.9")
    _answer(survey, client_address="203.0.113.10")  # another network
    _answer(survey, client_address="203.0.113.9", token=survey.tokens.get().code)
    assert Response.objects.filter(survey=survey).count() == 5


def test_update_only_while_draft(personas) -> None:  # type: ignore[no-untyped-def]
    survey = make_survey(personas.unit_a, publish=True)
    with pytest.raises(SurveyError, match=errors.NOT_DRAFT):
        services.survey_update(actor=None, survey=survey, title="新标题")
    with pytest.raises(SurveyError, match=errors.SUBJECT_INCOMPLETE):
        draft = services.survey_create(actor=None, organization=personas.unit_a, title="t")
        services.survey_update(actor=None, survey=draft, subject_type="budget.project")
