"""The tail of issue 6's acceptance in a real Chromium: the bureau sends a result with its
problems, the unit answers a rectification task with evidence, the bureau accepts; the key
evaluation's report is generated, issued, proposed for publication by the unit and published;
an anonymous visitor finds and reads it on the public site without logging in."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.budget.evaluation.result_models import (
    PerformanceReport,
    Publication,
    RectificationState,
    ReportState,
    ResultFeedback,
)
from jixiao.budget.evaluation.tests.factories import approved
from jixiao.budget.evaluation.tests.results_factories import finished_key
from jixiao.budget.monitoring.tests.factories import YEAR, approved_project
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


def test_rectification_answered_and_the_report_published(live_server, browser_page):  # type: ignore[no-untyped-def]
    personas = make_personas()
    self_evaluation = approved(personas.unit_a, "P001")
    key = finished_key(personas, approved_project(personas.unit_a, "K001"), fraction=D("0.7"))
    page, base = browser_page, live_server.url
    year = f"?year={YEAR}"

    # The bureau sends the self-evaluation's result with two problems.
    _login(page, base, "finance")
    page.goto(f"{base}/budget/results/{year}")
    page.get_by_test_id("send-self-P001").click()
    page.wait_for_url(f"{base}/budget/results/send/self/{self_evaluation.pk}/")
    page.fill("#id_problems", "绩效指标不够细化\n资金支付进度偏慢")
    page.get_by_test_id("send-result").click()
    page.wait_for_url(f"{base}/budget/results/feedback/*/")
    feedback = ResultFeedback.objects.get()
    assert feedback.tasks.count() == 2

    # The unit answers the first task with its measures and evidence.
    _login(page, base, "unit_a")
    page.goto(f"{base}/budget/results/feedback/{feedback.pk}/")
    page.get_by_test_id("task-link").first.click()
    page.wait_for_url(f"{base}/budget/results/rectification/*/")
    page.fill("#id_measures", "已按要求细化数量和质量指标。")
    page.set_input_files(
        "#id_evidence",
        files=[{"name": "整改报告.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}],
    )
    page.get_by_test_id("submit-answer").click()
    page.wait_for_load_state()
    assert "待验收" in page.get_by_test_id("task-state").inner_text()
    assert "已按要求细化" in page.get_by_test_id("answers").inner_text()
    task = feedback.tasks.get(position=1)
    assert task.state == RectificationState.ANSWERED

    # The bureau accepts it, then writes and issues the key evaluation's report.
    _login(page, base, "finance")
    page.goto(f"{base}/budget/results/rectification/{task.pk}/")
    page.get_by_test_id("accept-answer").click()
    page.wait_for_load_state()
    assert "已完成整改" in page.get_by_test_id("task-state").inner_text()
    page.goto(f"{base}/budget/results/reports/{year}")
    page.get_by_test_id("generate-evaluation-K001").click()
    page.wait_for_url(f"{base}/budget/results/reports/*/")
    assert page.get_by_test_id("report-chart").locator("svg").count() == 1
    page.fill("#section-other", "评价工作底稿另存。")
    page.get_by_test_id("issue-report").click()
    page.wait_for_load_state()
    assert "已印发" in page.get_by_test_id("report-state").inner_text()
    report = PerformanceReport.objects.get(evaluation=key)
    assert report.state == ReportState.ISSUED

    # The unit proposes publishing it; the bureau approves.
    _login(page, base, "unit_a")
    page.goto(f"{base}/budget/results/publications/{year}")
    page.select_option("#id_project", str(key.project.pk))
    page.select_option("#id_kind", "report")
    page.get_by_test_id("propose").click()
    page.wait_for_url(f"{base}/budget/results/publications/*/")
    publication = Publication.objects.get()
    _login(page, base, "finance")
    page.goto(f"{base}/budget/results/publications/{publication.pk}/")
    page.get_by_test_id("approve-publication").click()
    page.wait_for_load_state()
    assert "已公开" in page.get_by_test_id("publication-state").inner_text()

    # Anyone, without logging in, finds and reads it on the public site.
    visitor = page.context.browser.new_context(locale="zh-CN").new_page()
    visitor.goto(f"{base}/public/")
    visitor.get_by_text("预算绩效信息公开").first.click()
    visitor.wait_for_url(f"{base}/budget/public/")
    visitor.fill("#q", "K001")
    visitor.get_by_test_id("public-search").click()
    visitor.wait_for_load_state()
    visitor.get_by_test_id("public-results").get_by_text(report.title).click()
    visitor.wait_for_url(f"{base}/budget/public/{publication.pk}/")
    assert visitor.get_by_test_id("public-title").inner_text() == report.title
    content = visitor.get_by_test_id("public-content").inner_text()
    assert "三、综合评价结论" in content and "评价工作底稿另存。" in content
    assert visitor.locator("[data-testid=public-content] svg").count() == 1
    assert "/login/" not in visitor.url
    visitor.context.close()
