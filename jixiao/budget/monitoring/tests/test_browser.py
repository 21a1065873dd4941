"""Issue 5's acceptance in a real Chromium: the bureau opens a round, a unit fills its form with
one indicator far behind and submits, the bureau computes the warnings and finds the red one on
its dashboard (charts drawn) and clicks through to the project; it requires a correction of that
project, the unit answers; the bureau suspends another project and moves its money; the
tracking report downloads as PDF with Chinese text."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from jixiao.budget.monitoring import interventions, tracking
from jixiao.budget.monitoring.models import (
    CorrectionRequest,
    CorrectionState,
    FormState,
    HoldKind,
    MonitoringForm,
    MonitoringRound,
)
from jixiao.budget.monitoring.tests.factories import YEAR, approved_project
from jixiao.testing.browser import ARTIFACTS, login
from jixiao.testing.factories import make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BEHIND = "新建改造供水工程"


def test_round_warning_correction_suspension_tracking(live_server, browser_page):  # type: ignore[no-untyped-def]
    personas = make_personas()
    a1 = approved_project(personas.unit_a, "A-1")
    b1 = approved_project(personas.unit_b, "B-1", Decimal(600))
    a2 = approved_project(personas.unit_a, "A-2")
    page, base = browser_page, live_server.url

    # The finance bureau opens the round of months 1-7 on the page.
    login(page, base, "finance")
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
    login(page, base, "unit_a")
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
    login(page, base, "finance")
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

    # The bureau requires a correction of the red project; the unit answers it.
    page.goto(f"{base}/budget/monitoring/corrections/new/?year={YEAR}&project={a1.pk}")
    page.select_option("#id_round", str(round.pk))
    page.fill("#id_requirement", "指标完成进度严重滞后，请说明原因并整改。")
    page.fill("#id_deadline", (timezone.localdate() + timedelta(days=10)).isoformat())
    page.get_by_test_id("require-correction").click()
    page.wait_for_url(f"{base}/budget/monitoring/corrections/*/")
    request = CorrectionRequest.objects.get(project=a1)

    login(page, base, "unit_a")
    page.goto(f"{base}/budget/monitoring/corrections/{request.pk}/")
    page.fill("#id_measures", "已召开推进会，施工队伍本月进场。")
    page.get_by_test_id("submit-answer").click()
    page.wait_for_load_state()
    assert "已答复" in page.get_by_test_id("correction").inner_text()
    assert CorrectionRequest.objects.get(pk=request.pk).state == CorrectionState.ANSWERED

    # The bureau suspends another project and moves part of its money.
    login(page, base, "finance")
    page.goto(f"{base}/budget/monitoring/projects/{b1.pk}/interventions/")
    page.fill("#hold-reason", "实施条件变化，暂缓执行。")
    page.get_by_test_id("suspend").click()
    page.wait_for_load_state()
    assert "已暂缓执行" in page.get_by_test_id("hold-state").inner_text()
    assert interventions.active_hold(b1).kind == HoldKind.SUSPENDED
    before = interventions.available_budget(b1), interventions.available_budget(a2)
    page.get_by_test_id("reallocate-link").click()
    page.wait_for_url(f"{base}/budget/monitoring/reallocations/new/*")
    page.select_option("#id_target_1", str(a2.pk))
    page.fill("#id_amount_1", "120.50")
    page.fill("#id_reason", "暂缓项目资金调剂。")
    page.get_by_test_id("confirm-reallocation").click()
    page.wait_for_url(f"{base}/budget/monitoring/reallocations/*")
    assert "调剂前后总额一致" in page.get_by_test_id("balanced").inner_text()
    moved = Decimal("120.50")
    assert interventions.available_budget(b1) == before[0] - moved
    assert interventions.available_budget(a2) == before[1] + moved

    # The unit's tracking report of the red project downloads as PDF, in Chinese.
    record = tracking.tracking_start(
        actor=personas.unit_a_operator,
        project=a1,
        round=round,
        indicators=list(a1.annual_tree.indicators.filter(name=BEHIND)),
    )
    tracking.tracking_report_generate(actor=personas.unit_a_operator, record=record)
    login(page, base, "unit_a")
    page.goto(f"{base}/budget/monitoring/tracking/{record.pk}/")
    with page.expect_download() as info:
        page.get_by_test_id("download-pdf").click()
    text = subprocess.run(  # noqa: S603 (a fixed command on our own download)
        ["pdftotext", str(info.value.path()), "-"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "绩效跟踪结果报告" in text and BEHIND in text
