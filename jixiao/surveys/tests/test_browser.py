"""Publish a survey, answer it on the public page in a fresh anonymous browser, see the
figures move on the results page — in a real Chromium."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from jixiao.surveys.models import Survey, SurveyState
from jixiao.surveys.tests.factories import make_survey
from jixiao.testing.browser import ARTIFACTS
from jixiao.testing.factories import PASSWORD, make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_publish_answer_anonymously_and_see_the_figures(live_server, browser_page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect  # here: without playwright the fixture skips

    cache.clear()
    personas = make_personas()
    survey = make_survey(personas.unit_a)
    page, base = browser_page, live_server.url
    page.on("dialog", lambda dialog: dialog.accept())  # the "publish?" confirmation
    page.goto(f"{base}/login/")
    page.fill("#id_username", personas.unit_a_operator.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/surveys/{survey.pk}/")
    # Reorder with htmx: the list changes in place, the page is not reloaded.
    page.evaluate("window.jxMarker = 1")
    page.get_by_test_id("move-up-2").click()
    first_item = page.get_by_test_id("question-list").locator("li").first
    expect(first_item).to_contain_text("供水是否稳定")
    assert page.evaluate("window.jxMarker") == 1
    page.get_by_test_id("move-up-2").click()  # and back
    expect(first_item).to_contain_text("您对本项目的总体评价")
    page.fill("#id_tokens", "3")
    page.get_by_test_id("publish-survey").click()
    page.wait_for_selector("[data-testid=public-url]")
    assert Survey.objects.get(pk=survey.pk).state == SurveyState.OPEN
    public_url = page.get_by_test_id("public-url").input_value()
    assert public_url.startswith(base) and "/surveys/s/" in public_url

    page.get_by_test_id("results-link").click()
    assert page.get_by_test_id("answer-count").inner_text() == "0"
    assert page.get_by_test_id("satisfaction-rate").inner_text() == "—"

    # A person on a phone, signed in nowhere.
    phone = page.context.browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True
    )
    try:
        visitor = phone.new_page()
        visitor.goto(public_url)
        assert visitor.get_by_test_id("survey-title").inner_text() == survey.title
        assert visitor.locator("#jx-sidebar").count() == 0
        visitor.get_by_test_id("submit-answer").click()  # nothing chosen: refused
        assert "此题为必答题" in visitor.get_by_test_id("question-1").inner_text()
        visitor.screenshot(path=str(ARTIFACTS / "survey-public-phone.png"), full_page=True)
        visitor.get_by_label("非常满意").check()
        visitor.get_by_label("稳定").check()
        visitor.get_by_label("广播").check()
        visitor.locator("textarea").fill("水质不错")
        visitor.get_by_test_id("submit-answer").click()
        visitor.wait_for_selector("[data-testid=thanks]")
        visitor.goto(public_url)  # the same phone again
        assert "您已提交过本问卷" in visitor.get_by_test_id("public-message").inner_text()
    finally:
        phone.close()

    page.goto(f"{base}/surveys/{survey.pk}/invitation/")
    assert len(page.get_by_test_id("token-list").locator(".jx-code").all()) == 3
    page.screenshot(path=str(ARTIFACTS / "survey-invitation.png"), full_page=True)
    page.goto(f"{base}/surveys/{survey.pk}/results/")
    assert page.get_by_test_id("answer-count").inner_text() == "1"
    # 非常满意 = 100 points → 100 %, 稳定 → 100 %: the mean is 100.00 %.
    assert page.get_by_test_id("satisfaction-rate").inner_text() == "100.00%"
    assert page.get_by_test_id("count-1-1").inner_text() == "1"
    assert "水质不错" in page.get_by_test_id("figure-4").inner_text()
    first = survey.questions.order_by("position")[0]
    page.wait_for_selector(f"#chart-{first.pk} canvas")
    page.screenshot(path=str(ARTIFACTS / "survey-results.png"), full_page=True)
