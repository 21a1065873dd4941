"""The leader overview in a real Chromium: every chart draws (a canvas in each chart box), the
browser reports no error, and a headline figure leads to the list behind it."""

from __future__ import annotations

import pytest

from jixiao.budget.tests.test_overview import URL, cycle, rounds
from jixiao.testing.browser import ARTIFACTS, login
from jixiao.testing.factories import make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = (
    "chart-targets",
    "chart-execution",
    "chart-warnings",
    "chart-coverage",
    "chart-grades",
    "chart-result-trend",
    "chart-execution-trend",
)


def test_overview_draws_its_charts(live_server, browser_page) -> None:  # type: ignore[no-untyped-def]
    personas = make_personas()
    cycle(personas)
    rounds(personas)
    page, base = browser_page, live_server.url
    errors: list[str] = []
    # The browser asks for /favicon.ico on its own; that 404 is not the page's.
    page.on(
        "console",
        lambda m: (
            errors.append(f"{m.text} {m.location.get('url', '')}") if m.type == "error" else None
        ),
    )
    page.on("pageerror", lambda e: errors.append(str(e)))

    login(page, base, "leader")
    assert page.get_by_test_id("home-overview").is_visible()
    page.locator("#jx-sidebar a[href='/budget/overview/']").click()
    page.wait_for_url(f"{base}/budget/overview/")
    page.goto(f"{base}{URL}")
    for chart in CHARTS:
        page.wait_for_selector(f"#{chart} canvas")
    page.wait_for_timeout(800)  # the charts' entry animation
    page.screenshot(path=str(ARTIFACTS / "budget-overview.png"), full_page=True)
    assert page.locator(".jx-chart canvas").count() == len(CHARTS)
    assert "2029年度" in page.get_by_test_id("overview-years").inner_text()
    assert page.get_by_test_id("overdue-count").inner_text() == "4"
    assert [e for e in errors if "favicon" not in e] == []

    page.get_by_test_id("kpi-overdue").click()
    page.wait_for_url(f"{base}/budget/results/rectification/*")
    assert "overdue=1" in page.url
