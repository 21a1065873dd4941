from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.cache import cache
from django.urls import reverse

from jixiao.surveys import services
from jixiao.surveys.models import Question, Survey, SurveyState
from jixiao.surveys.queries import surveys_for_user
from jixiao.surveys.tests.factories import make_survey, option_id, questions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


def _login(client, user) -> None:  # type: ignore[no-untyped-def]
    client.force_login(user)


def test_build_publish_and_close_through_the_pages(client, personas) -> None:  # type: ignore[no-untyped-def]
    _login(client, personas.unit_a_operator)
    response = client.post(
        reverse("surveys:create"),
        {"organization": personas.unit_a.pk, "title": "食堂满意度", "ip_hourly_limit": 30},
    )
    survey = Survey.objects.get(title="食堂满意度")
    assert response.status_code == 302 and survey.organization == personas.unit_a
    add = reverse("surveys:question_add", args=[survey.pk])
    client.post(
        add, {"kind": "rating", "text": "总体评价", "required": "on", "satisfaction": "points"}
    )
    client.post(
        add,
        {"kind": "single", "text": "饭菜口味", "options": "*好\n一般\n差", "satisfaction": "share"},
    )
    refused = client.post(add, {"kind": "single", "text": "只有一个选项", "options": "是"})
    assert "选择题和评分题至少需要两个选项。" in refused.content.decode()
    first, second = questions(survey)
    assert [o.label for o in second.options.all()] == ["好", "一般", "差"]
    assert [o.satisfied for o in second.options.all()] == [True, False, False]
    client.post(reverse("surveys:question_move", args=[survey.pk, second.pk]), {"direction": "up"})
    assert [q.pk for q in questions(survey)] == [second.pk, first.pk]
    edit = reverse("surveys:question_edit", args=[survey.pk, second.pk])
    client.post(edit, {"kind": "single", "text": "饭菜口味如何", "options": "*好|1\n差|0"})
    assert Question.objects.get(pk=second.pk).text == "饭菜口味如何"
    client.post(reverse("surveys:question_delete", args=[survey.pk, first.pk]))
    assert survey.questions.count() == 1

    page = client.get(reverse("surveys:detail", args=[survey.pk]))
    assert page.status_code == 200 and "饭菜口味如何" in page.content.decode()
    client.post(reverse("surveys:publish", args=[survey.pk]), {"tokens": "5"})
    survey.refresh_from_db()
    assert survey.state == SurveyState.OPEN and survey.tokens.count() == 5
    page = client.get(reverse("surveys:detail", args=[survey.pk])).content.decode()
    assert f"/surveys/s/{survey.slug}/" in page
    invitation = client.get(reverse("surveys:invitation", args=[survey.pk])).content.decode()
    assert all(t.code in invitation for t in survey.tokens.all())
    assert invitation.count('src="data:image/svg+xml;base64,') == 5  # a QR code per slip
    svg = client.get(reverse("surveys:qr", args=[survey.pk, "svg"]))
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    png = client.get(reverse("surveys:qr", args=[survey.pk, "png"]))
    assert png.content.startswith(b"\x89PNG")
    client.post(reverse("surveys:close", args=[survey.pk]))
    survey.refresh_from_db()
    assert survey.state == SurveyState.CLOSED


def test_results_and_export(client, personas) -> None:  # type: ignore[no-untyped-def]
    survey = make_survey(personas.unit_a, publish=True)
    q = questions(survey)
    for overall, stable in [("非常满意", "稳定"), ("一般", "偶尔停水")]:
        services.survey_answer_submit(
            survey=survey,
            answers={
                q[0].pk: [option_id(q[0], overall)],
                q[1].pk: [option_id(q[1], stable)],
                q[3].pk: ["水质很好"],
            },
        )
    _login(client, personas.finance_reviewer)
    page = client.get(reverse("surveys:results", args=[survey.pk])).content.decode()
    # Points (100 + 60) ÷ 200 = 80 %, share 1 ÷ 2 = 50 %, mean 65 %.
    assert "65.00%" in page and "水质很好" in page and 'id="survey-figures"' in page
    export = client.get(reverse("surveys:export", args=[survey.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    values = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert values[0] == ["问卷答卷明细"]
    assert values[3][:3] == ["序号", "提交时间", "1. 您对本项目的总体评价"]
    assert values[4][0] == 1 and values[4][2] == "非常满意" and "水质很好" in values[4]
    assert values[5][2] == "一般"


def test_another_unit_gets_404_everywhere(client, personas) -> None:  # type: ignore[no-untyped-def]
    draft = make_survey(personas.unit_a)
    published = make_survey(personas.unit_a, publish=True)
    question = questions(draft)[0]
    _login(client, personas.unit_b_operator)
    assert "服务对象满意度调查" not in client.get(reverse("surveys:list")).content.decode()
    for name, args in [
        ("surveys:detail", [draft.pk]),
        ("surveys:edit", [draft.pk]),
        ("surveys:question_add", [draft.pk]),
        ("surveys:question_edit", [draft.pk, question.pk]),
        ("surveys:results", [published.pk]),
        ("surveys:export", [published.pk]),
        ("surveys:invitation", [published.pk]),
        ("surveys:qr", [published.pk, "svg"]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    for name, args in [
        ("surveys:publish", [draft.pk]),
        ("surveys:close", [published.pk]),
        ("surveys:question_delete", [draft.pk, question.pk]),
        ("surveys:question_move", [draft.pk, question.pk]),
    ]:
        assert client.post(reverse(name, args=args)).status_code == 404, name
    draft.refresh_from_db()
    assert draft.state == SurveyState.DRAFT and draft.questions.count() == 4


def test_leader_reads_but_cannot_change(client, personas) -> None:  # type: ignore[no-untyped-def]
    survey = make_survey(personas.unit_a, publish=True)
    _login(client, personas.leader)
    assert client.get(reverse("surveys:results", args=[survey.pk])).status_code == 200
    page = client.get(reverse("surveys:detail", args=[survey.pk])).content.decode()
    assert "close-survey" not in page and "invitation-link" not in page
    assert client.post(reverse("surveys:close", args=[survey.pk])).status_code == 404
    assert client.get(reverse("surveys:create")).status_code == 404
    assert client.get(reverse("surveys:invitation", args=[survey.pk])).status_code == 404


def test_people_without_survey_roles(client, personas) -> None:  # type: ignore[no-untyped-def]
    _login(client, personas.employee)
    assert client.get(reverse("surveys:list")).status_code == 404
    client.logout()
    response = client.get(reverse("surveys:list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_wrong_method_and_csrf(personas) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    survey = make_survey(personas.unit_a)
    client = Client(enforce_csrf_checks=True)
    _login(client, personas.unit_a_operator)
    assert client.get(reverse("surveys:publish", args=[survey.pk])).status_code == 405
    assert client.post(reverse("surveys:publish", args=[survey.pk])).status_code == 403
    survey.refresh_from_db()
    assert survey.state == SurveyState.DRAFT


def test_menu_entry(client, personas) -> None:  # type: ignore[no-untyped-def]
    _login(client, personas.unit_a_operator)
    assert reverse("surveys:list") in client.get("/").content.decode()


def test_create_prefilled_from_a_domain_subject(client, personas) -> None:  # type: ignore[no-untyped-def]
    _login(client, personas.unit_a_operator)
    url = (
        reverse("surveys:create")
        + "?subject_type=budget.project&subject_id=7&subject_label=校舍改造"
    )
    page = client.get(url).content.decode()
    assert "校舍改造服务对象满意度调查" in page
    client.post(
        url,
        {
            "organization": personas.unit_a.pk,
            "title": "校舍改造满意度",
            "ip_hourly_limit": 30,
            "subject_type": "budget.project",
            "subject_id": "7",
            "subject_label": "校舍改造",
        },
    )
    survey = Survey.objects.get(title="校舍改造满意度")
    assert (survey.subject_type, survey.subject_id) == ("budget.project", "7")


def test_published_survey_only_changes_its_limit(client, personas) -> None:  # type: ignore[no-untyped-def]
    survey = make_survey(personas.unit_a, publish=True)
    _login(client, personas.unit_a_operator)
    response = client.post(
        reverse("surveys:edit", args=[survey.pk]),
        {"organization": personas.unit_b.pk, "title": "改掉标题", "ip_hourly_limit": 200},
    )
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.title == "服务对象满意度调查" and survey.ip_hourly_limit == 200
    assert survey.organization == personas.unit_a


def test_reorder_and_delete_with_htmx_return_the_list(client, personas) -> None:  # type: ignore[no-untyped-def]
    survey = make_survey(personas.unit_a)
    first, second, *_ = questions(survey)
    _login(client, personas.unit_a_operator)
    htmx = {"HX-Request": "true"}
    url = reverse("surveys:question_move", args=[survey.pk, second.pk])
    response = client.post(url, {"direction": "up"}, headers=htmx)
    html = response.content.decode()
    assert response.status_code == 200 and 'id="questions"' in html and "<html" not in html
    assert html.index("供水是否稳定") < html.index("您对本项目的总体评价")
    refused = client.post(url, {"direction": "up"}, headers=htmx).content.decode()
    assert "题目已在最前或最后。" in refused
    client.post(reverse("surveys:question_delete", args=[survey.pk, first.pk]), headers=htmx)
    assert survey.questions.count() == 3


def test_list_counts_questions_and_answers(personas) -> None:  # type: ignore[no-untyped-def]
    survey = make_survey(personas.unit_a, publish=True)
    make_survey(personas.unit_a)
    q = questions(survey)
    for _ in range(3):
        services.survey_answer_submit(
            survey=survey,
            answers={q[0].pk: [option_id(q[0], "满意")], q[1].pk: [option_id(q[1], "稳定")]},
        )
    rows = {s.pk: s for s in surveys_for_user(personas.unit_a_operator)}
    assert (rows[survey.pk].question_count, rows[survey.pk].answer_count) == (4, 3)
    assert sorted(s.answer_count for s in rows.values()) == [0, 3]
