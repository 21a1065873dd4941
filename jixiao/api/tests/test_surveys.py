"""Surveys through the API: scope (404), read-only personas (403), the services' rules (400),
and the satisfaction figures a domain reads."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client

from jixiao.orgs.errors import NO_PERMISSION
from jixiao.surveys import errors, services
from jixiao.surveys.models import Survey, SurveyState
from jixiao.surveys.tests.factories import make_survey, option_id, questions

BASE = "/api/surveys/"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


def _payload(unit, **values):  # type: ignore[no-untyped-def]
    return {
        "organization": unit.pk,
        "title": "校车服务满意度",
        "subject_type": "budget.project",
        "subject_id": "9",
        "subject_label": "农村学生校车",
        "questions": [
            {"kind": "rating", "text": "总体满意程度", "satisfaction": "points"},
            {
                "kind": "single",
                "text": "校车是否准时",
                "satisfaction": "share",
                "options": [{"label": "准时", "satisfied": True}, {"label": "经常晚点"}],
            },
        ],
        **values,
    }


def test_create_publish_read_and_close(client, personas, bearer) -> None:  # type: ignore[no-untyped-def]
    headers = bearer(personas.unit_a_operator)
    response = client.post(
        BASE, _payload(personas.unit_a), content_type="application/json", headers=headers
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "draft" and body["public_url"] is None
    assert [q["kind"] for q in body["questions"]] == ["rating", "single"]
    assert body["questions"][0]["options"][0]["label"] == "非常满意"
    survey_id = body["id"]

    published = client.post(
        f"{BASE}{survey_id}/publish",
        {"tokens": 3},
        content_type="application/json",
        headers=headers,
    ).json()
    assert published["state"] == "open" and "/surveys/s/" in published["public_url"]
    tokens = client.get(f"{BASE}{survey_id}/tokens", headers=headers).json()
    assert len(tokens) == 3 and not any(t["used"] for t in tokens)

    survey = Survey.objects.get(pk=survey_id)
    q = questions(survey)
    services.survey_answer_submit(
        survey=survey,
        answers={q[0].pk: [option_id(q[0], "满意")], q[1].pk: [option_id(q[1], "准时")]},
    )
    figures = client.get(f"{BASE}{survey_id}/satisfaction", headers=headers).json()
    assert figures["answers"] == 1
    assert Decimal(figures["rate"]) == Decimal("90.00")  # (80 + 100) ÷ 2
    assert "满意度 = 各计入题目满意度的平均值" in figures["explain"]

    listed = client.get(
        BASE, {"subject_type": "budget.project", "subject_id": "9"}, headers=headers
    )
    assert [s["id"] for s in listed.json()["items"]] == [survey_id]
    assert listed.json()["items"][0]["answer_count"] == 1

    closed = client.post(f"{BASE}{survey_id}/close", headers=headers)
    assert closed.json()["state"] == "closed"
    again = client.post(f"{BASE}{survey_id}/close", headers=headers)
    assert again.status_code == 400 and again.json()["detail"] == errors.ALREADY_CLOSED


def test_invalid_questions_write_nothing(client, personas, bearer) -> None:  # type: ignore[no-untyped-def]
    payload = _payload(personas.unit_a)
    payload["questions"][1]["options"] = [{"label": "只有一个", "satisfied": True}]
    response = client.post(
        BASE, payload, content_type="application/json", headers=bearer(personas.unit_a_operator)
    )
    assert response.status_code == 400 and response.json()["detail"] == errors.OPTIONS_REQUIRED
    assert not Survey.objects.exists()


def test_other_unit_gets_404(client, personas, bearer) -> None:  # type: ignore[no-untyped-def]
    survey = make_survey(personas.unit_a, publish=True)
    draft = make_survey(personas.unit_a)
    headers = bearer(personas.unit_b_operator)
    for method, url in [
        ("get", f"{BASE}{survey.pk}"),
        ("get", f"{BASE}{survey.pk}/satisfaction"),
        ("get", f"{BASE}{survey.pk}/tokens"),
        ("post", f"{BASE}{survey.pk}/close"),
        ("post", f"{BASE}{draft.pk}/publish"),
    ]:
        kwargs = {"content_type": "application/json", "data": {}} if method == "post" else {}
        assert getattr(client, method)(url, headers=headers, **kwargs).status_code == 404, url
    assert client.get(BASE, headers=headers).json() == {"items": [], "count": 0}
    response = client.post(
        BASE, _payload(personas.unit_a), content_type="application/json", headers=headers
    )
    assert response.status_code == 404
    survey.refresh_from_db()
    assert survey.state == SurveyState.OPEN


def test_leader_reads_but_gets_403_on_writes(client, personas, bearer) -> None:  # type: ignore[no-untyped-def]
    survey = make_survey(personas.unit_a, publish=True)
    headers = bearer(personas.leader)
    assert client.get(f"{BASE}{survey.pk}", headers=headers).status_code == 200
    assert client.get(f"{BASE}{survey.pk}/satisfaction", headers=headers).status_code == 200
    for url in [f"{BASE}{survey.pk}/close", f"{BASE}{survey.pk}/tokens"]:
        method = client.post if url.endswith("close") else client.get
        response = method(url, headers=headers)
        assert response.status_code == 403 and response.json()["detail"] == NO_PERMISSION
    response = client.post(
        BASE, _payload(personas.unit_a), content_type="application/json", headers=headers
    )
    assert response.status_code == 403
    survey.refresh_from_db()
    assert survey.state == SurveyState.OPEN


def test_session_writes_need_csrf(personas) -> None:  # type: ignore[no-untyped-def]
    survey = make_survey(personas.unit_a)
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.unit_a_operator)
    response = client.post(f"{BASE}{survey.pk}/publish", {}, content_type="application/json")
    assert response.status_code == 403
    survey.refresh_from_db()
    assert survey.state == SurveyState.DRAFT


def test_anonymous_is_401(client, personas) -> None:  # type: ignore[no-untyped-def]
    survey = make_survey(personas.unit_a, publish=True)
    assert client.get(f"{BASE}{survey.pk}").status_code == 401
    assert client.get(BASE).status_code == 401
