"""Nothing typed is lost: a form's content survives a session that ended (real Chromium)."""

from __future__ import annotations

import pytest

from jixiao.testing.factories import PASSWORD, make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typed_form_survives_a_lost_session(live_server, browser_page):
    make_personas()
    page, base = browser_page, live_server.url
    page.goto(f"{base}/login/")
    page.fill("#id_username", "unit_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/budget/projects/new/")
    page.fill("#id_name", "乡村学校少年宫建设")
    page.fill("#id_annual_goal", "建成乡村学校少年宫5所。")

    page.context.clear_cookies()  # the session is gone, as after the idle timeout
    page.goto(f"{base}/budget/projects/new/")
    assert "/login/" in page.url
    page.fill("#id_username", "unit_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/budget/projects/new/")

    assert page.input_value("#id_name") == "乡村学校少年宫建设"
    assert page.input_value("#id_annual_goal") == "建成乡村学校少年宫5所。"
    assert page.get_by_test_id("draft-restored").is_visible()
