"""The interventions in a real Chromium: the bureau requires a correction, the unit answers, the
bureau suspends another project and moves its money, the tracking report downloads as PDF."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from jixiao.budget.monitoring import interventions, tracking
from jixiao.budget.monitoring.models import CorrectionRequest, CorrectionState, HoldKind
from jixiao.budget.monitoring.tests.factories import approved_project, open_round
from jixiao.testing.factories import PASSWORD, make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = Decimal


def _login(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login/")
    if page.locator("form[action='/logout/'] button").count():
        page.click("form[action='/logout/'] button")
        page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_correct_suspend_move_and_track(live_server, browser_page):  # type: ignore[no-untyped-def]
    personas = make_personas()
    a1 = approved_project(personas.unit_a, "A-1", D(1200))
    a2 = approved_project(personas.unit_a, "A-2", D(300))
    b1 = approved_project(personas.unit_b, "B-1", D(600))
    round = open_round(personas.bureau)
    record = tracking.tracking_start(
        actor=None,
        project=a1,
        round=round,
        indicators=list(a1.annual_tree.indicators.filter(level=3)[:1]),
    )
    tracking.tracking_report_generate(actor=None, record=record)
    page, base = browser_page, live_server.url
    year = f"?year={round.fiscal_year}"

    _login(page, base, "finance")
    page.goto(f"{base}/budget/monitoring/corrections/new/{year}&project={a1.pk}")
    page.select_option("#id_round", str(round.pk))
    page.fill("#id_requirement", "预算执行进度滞后，请说明原因并整改。")
    page.fill("#id_deadline", (timezone.localdate() + timedelta(days=10)).isoformat())
    page.get_by_test_id("require-correction").click()
    page.wait_for_url(f"{base}/budget/monitoring/corrections/*/")
    request = CorrectionRequest.objects.get()

    _login(page, base, "unit_a")
    page.goto(f"{base}/budget/monitoring/corrections/{request.pk}/")
    page.fill("#id_measures", "已召开推进会，加快支付进度。")
    page.get_by_test_id("submit-answer").click()
    page.wait_for_load_state()
    assert "已答复" in page.get_by_test_id("correction").inner_text()
    request.refresh_from_db()
    assert request.state == CorrectionState.ANSWERED

    _login(page, base, "finance")
    page.goto(f"{base}/budget/monitoring/projects/{b1.pk}/interventions/")
    page.fill("#hold-reason", "实施条件变化，暂缓执行。")
    page.get_by_test_id("suspend").click()
    page.wait_for_load_state()
    assert "已暂缓执行" in page.get_by_test_id("hold-state").inner_text()
    assert interventions.active_hold(b1).kind == HoldKind.SUSPENDED
    page.get_by_test_id("reallocate-link").click()
    page.wait_for_url(f"{base}/budget/monitoring/reallocations/new/*")
    page.select_option("#id_target_1", str(a2.pk))
    page.fill("#id_amount_1", "120.50")
    page.fill("#id_reason", "暂缓项目资金调剂。")
    page.get_by_test_id("confirm-reallocation").click()
    page.wait_for_url(f"{base}/budget/monitoring/reallocations/*")
    assert "调剂前后总额一致" in page.get_by_test_id("balanced").inner_text()
    assert page.get_by_test_id("total-after").inner_text() == "2,100.00"
    assert interventions.available_budget(b1) == D("479.50")

    _login(page, base, "unit_a")
    page.goto(f"{base}/budget/monitoring/tracking/{record.pk}/")
    with page.expect_download() as info:
        page.get_by_test_id("download-pdf").click()
    path = info.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
