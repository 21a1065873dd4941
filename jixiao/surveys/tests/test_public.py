"""The public answer pages, without login."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from jixiao.surveys import errors, services
from jixiao.surveys.models import Response
from jixiao.surveys.tests.factories import make_survey, option_id, questions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


def _url(survey) -> str:  # type: ignore[no-untyped-def]
    return reverse("surveys:answer", args=[survey.slug])


def _form(survey, overall="满意") -> dict:  # type: ignore[no-untyped-def]
    q = questions(survey)
    return {
        f"q{q[0].pk}": option_id(q[0], overall),
        f"q{q[1].pk}": option_id(q[1], "稳定"),
        f"q{q[2].pk}": [option_id(q[2], "广播"), option_id(q[2], "网络")],
        f"q{q[3].pk}": "",
    }


def test_answer_without_login(client, personas) -> None:  # type: ignore[no-untyped-def]
    survey = make_survey(personas.unit_a, publish=True)
    page = client.get(_url(survey))
    html = page.content.decode()
    assert page.status_code == 200 and "您对本项目的总体评价" in html and "非常不满意" in html
    assert page["Cache-Control"] == "no-store" and "noindex" in page["X-Robots-Tag"]
    # Nothing beyond what is published: no figures, codes, subject or menu.
    assert "农村饮水安全工程" not in html and "jx-sidebar" not in html
    response = client.post(_url(survey), _form(survey))
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:thanks", args=[survey.slug])
    assert "提交成功" in client.get(response["Location"]).content.decode()
    assert Response.objects.filter(survey=survey).count() == 1
    # The same browser again: told it already answered, nothing stored.
    assert errors.ALREADY_ANSWERED in client.get(_url(survey)).content.decode()
    client.post(_url(survey), _form(survey))
    assert Response.objects.filter(survey=survey).count() == 1


def test_invalid_answer_shows_messages_and_keeps_choices(client, personas) -> None:  # type: ignore[no-untyped-def]
    survey = make_survey(personas.unit_a, publish=True)
    form = _form(survey)
    q = questions(survey)
    del form[f"q{q[0].pk}"]
    response = client.post(_url(survey), form)
    html = response.content.decode()
    assert response.status_code == 400
    assert errors.ANSWER_INVALID in html and errors.ANSWER_REQUIRED in html
    assert f'value="{option_id(q[1], "稳定")}" checked' in html
    assert not Response.objects.exists()


def test_draft_and_unknown_links_are_404(client, personas) -> None:  # type: ignore[no-untyped-def]
    draft = make_survey(personas.unit_a)
    draft.slug = "draft-slug-never-published"
    draft.save(update_fields=["slug"])
    assert client.get(reverse("surveys:answer", args=[draft.slug])).status_code == 404
    assert client.get(reverse("surveys:answer", args=["no-such-survey"])).status_code == 404


def test_closed_survey_says_so(client, personas) -> None:  # type: ignore[no-untyped-def]
    survey = make_survey(personas.unit_a, publish=True)
    services.survey_close(actor=None, survey=survey)
    assert errors.SURVEY_CLOSED in client.get(_url(survey)).content.decode()
    client.post(_url(survey), _form(survey))
    assert not Response.objects.exists()


def test_invitation_codes_on_the_page(client, personas) -> None:  # type: ignore[no-untyped-def]
    survey = make_survey(personas.unit_a, publish=True, tokens=2, token_required=True)
    code = survey.tokens.first().code
    page = client.get(_url(survey) + f"?t={code}").content.decode()
    assert f'value="{code}"' in page
    refused = client.post(_url(survey), _form(survey))
    assert errors.TOKEN_REQUIRED in refused.content.decode()
    assert client.post(_url(survey), {**_form(survey), "token": code}).status_code == 302
    again = client.post(_url(survey), {**_form(survey), "token": code})
    assert errors.TOKEN_USED in again.content.decode()
    assert Response.objects.filter(survey=survey).count() == 1


def test_address_limit_on_the_page(client, personas) -> None:  # type: ignore[no-untyped-def]
    survey = make_survey(personas.unit_a, publish=True)
    services.survey_update(actor=None, survey=survey, ip_hourly_limit=2)
    for _ in range(2):
        client.cookies.clear()  # a new browser on the same network
        assert client.post(_url(survey), _form(survey)).status_code == 302
    client.cookies.clear()
    refused = client.post(_url(survey), _form(survey))
    assert errors.TOO_MANY in refused.content.decode()
    assert Response.objects.filter(survey=survey).count() == 2


def test_public_home_lists_sections(client) -> None:  # type: ignore[no-untyped-def]
    from jixiao.web import public

    public.add(public.PublicSection("测试公开栏目", "public_home", "说明文字", order=999))
    page = client.get(reverse("public_home"))
    html = page.content.decode()
    assert page.status_code == 200 and "绩效信息公开" in html and "测试公开栏目" in html
    public._SECTIONS.remove(public.PublicSection("测试公开栏目", "public_home", "说明文字", 999))
