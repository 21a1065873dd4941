"""Double monitoring in a real Chromium: the bureau opens a round, a unit fills its form with one
indicator far behind and submits, the bureau computes the warnings and finds the red one on its
dashboard, with the charts drawn, and clicks through to the project."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from jixiao.budget.monitoring.models import FormState, MonitoringForm, MonitoringRound
from jixiao.budget.monitoring.tests.factories import YEAR, approved_project
from jixiao.testing.browser import ARTIFACTS
from jixiao.testing.factories import PASSWORD, make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BEHIND = "新建改造供水工程"


def _login(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login/")
    if page.locator("form[action='/logout/'] button").count():
        page.click("form[action='/logout/'] button")
        page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_round_form_warning_dashboard(live_server, browser_page):  # type: ignore[no-untyped-def]
    personas = make_personas()
    approved_project(personas.unit_a, "A-1")
    approved_project(personas.unit_b, "B-1")
    page, base = browser_page, live_server.url

    # The finance bureau opens the round of months 1-7 on the page.
    _login(page, base, "finance")
    page.goto(f"{base}/budget/monitoring/")
    page.get_by_test_id("open-round").click()
    page.fill("#id_fiscal_year", str(YEAR))
    page.select_option("#id_months_elapsed", "7")
    page.fill("#id_due_on", (timezone.localdate() + timedelta(days=10)).isoformat())
    page.get_by_test_id("round-open-submit").click()
    page.wait_for_url(f"{base}/budget/monitoring/rounds/*/")
    round = MonitoringRound.objects.get()
    assert f"{YEAR}年1-7月" in page.get_by_test_id("round-header").inner_text()

    # Unit A fills its form: one indicator far behind, first without the reasons.
    _login(page, base, "unit_a")
    page.goto(f"{base}/budget/monitoring/rounds/{round.pk}/")
    assert page.locator("tr[data-project='B-1']").count() == 0
    page.locator("tr[data-project='A-1'] [data-testid=open-form]").click()
    page.wait_for_url(f"{base}/budget/monitoring/forms/*/")
    form = MonitoringForm.objects.get(round=round, project__code="A-1")
    for row in form.progress.all():
        key = row.indicator_id
        actual = "0" if row.indicator_name == BEHIND else format(row.target_value, "f")
        page.fill(f"input[name='actual_{key}']", actual)
        page.select_option(f"select[name='likelihood_{key}']", "certain")
    page.get_by_test_id("submit-form").click()
    page.screenshot(path=str(ARTIFACTS / "monitoring-form-problems.png"), full_page=True)
    problem = page.get_by_test_id("row-problem").first
    assert BEHIND in problem.inner_text() and "红色预警" in problem.inner_text()
    assert MonitoringForm.objects.get(pk=form.pk).state == FormState.DRAFT
    behind = form.progress.get(indicator_name=BEHIND).indicator_id
    page.select_option(f"select[name='likelihood_{behind}']", "impossible")
    page.fill(f"input[name='expected_{behind}']", "10")
    page.check(f"input[name='reasons_{behind}'][value='funding']")
    page.check(f"input[name='reasons_{behind}'][value='staffing']")
    page.fill(f"textarea[name='measures_{behind}']", "资金未到位，施工队伍未进场；已调整计划。")
    page.get_by_test_id("submit-form").click()
    page.wait_for_url(f"{base}/budget/monitoring/forms/{form.pk}/")
    assert "已报送" in page.get_by_test_id("form-state").inner_text()
    assert MonitoringForm.objects.get(pk=form.pk).state == FormState.SUBMITTED

    # The bureau computes the warnings; the red one is on the dashboard, charts drawn.
    _login(page, base, "finance")
    page.goto(f"{base}/budget/monitoring/rounds/{round.pk}/")
    page.get_by_test_id("compute").click()
    page.wait_for_url(f"{base}/budget/monitoring/rounds/{round.pk}/")
    assert "已计算预警" in page.locator(".alert-success").inner_text()
    page.screenshot(path=str(ARTIFACTS / "monitoring-round.png"), full_page=True)
    page.goto(f"{base}/budget/monitoring/rounds/{round.pk}/dashboard/")
    page.wait_for_selector("#chart-departments canvas")
    assert page.locator("#chart-execution canvas").count() == 1
    assert page.locator("#chart-trend canvas").count() == 1
    red_list = page.get_by_test_id("red-list").inner_text()
    assert "A-1" in red_list and BEHIND in red_list
    page.screenshot(path=str(ARTIFACTS / "monitoring-dashboard.png"), full_page=True)

    # Clicking the education department's red count lists the project behind it.
    page.locator(
        "[data-testid=department-table] tr[data-department='测试县教育局'] a[data-colour=red]"
    ).click()
    page.wait_for_url("**/monitoring/rounds/*/?*colour=red*")
    assert page.locator("tr[data-project='A-1']").count() == 1
    assert page.locator("tr[data-project='B-1']").count() == 0
