"""The UI shell in a real Chromium (marker: browser)."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from jixiao.testing.browser import ARTIFACTS
from jixiao.testing.factories import PASSWORD, make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_unit_operator_logs_in_and_sees_the_chinese_home_page(live_server, browser_page):
    make_personas()
    page = browser_page
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(f"{live_server.url}/")
    assert "/login/" in page.url
    assert page.locator("h1").inner_text() == "绩效管理平台"
    page.fill("#id_username", "unit_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    assert "您好" in page.get_by_test_id("home-title").inner_text()
    assert "单位填报人员" in page.get_by_test_id("user-name").inner_text()
    assert "测试县第一中学" in page.get_by_test_id("my-roles").inner_text()
    menu = page.locator("#jx-sidebar").inner_text()
    assert "首页" in menu and "组织机构" in menu
    for hidden in ("审计日志", "管理后台", "人员"):
        assert hidden not in menu, hidden
    # The stylesheet really applied (Bootstrap served by the application itself).
    colour = page.eval_on_selector(".jx-topbar", "el => getComputedStyle(el).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    page.screenshot(path=str(ARTIFACTS / "home-unit-operator.png"), full_page=True)

    host = urlparse(live_server.url).netloc
    outside = [u for u in requested if urlparse(u).netloc not in (host, "")]
    assert outside == [], outside


def test_wrong_password_shows_a_chinese_message(live_server, browser_page):
    make_personas()
    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "unit_a")
    page.fill("#id_password", "not-the-password")
    page.click("button[type=submit]")
    assert "正确的" in page.locator(".alert-danger").inner_text()
