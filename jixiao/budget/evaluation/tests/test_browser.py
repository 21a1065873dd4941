"""Issue 6 acceptance in a real Chromium: a unit submits a prefilled self-evaluation; it is
reviewed; the bureau re-evaluates; the grade appears; the next-year proposal shows the cut; the
result goes back to the unit with its problems and the unit answers a rectification task; the
re-evaluation's report is issued, published after review and read on the public site without
logging in."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from jixiao.budget import services as budget
from jixiao.budget.evaluation.models import Evaluation, ResultState, SelfEvaluation
from jixiao.budget.evaluation.result_models import (
    PerformanceReport,
    Publication,
    RectificationState,
    ReportState,
    ResultFeedback,
)
from jixiao.budget.monitoring import services as monitoring
from jixiao.budget.monitoring.models import IndicatorProgress, MonitoringForm, SpendingRecord
from jixiao.budget.tests.factories import fill_targets, make_project
from jixiao.testing.browser import ARTIFACTS, login
from jixiao.testing.factories import make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = Decimal
YEAR = timezone.localdate().year - 1  # a self-evaluation comes after its year
EXPECTED = {  # the last monitoring round's expected year-end values
    "新建改造供水工程": D(23),
    "工程验收合格率": D(100),
    "单处工程平均造价": D(48),
    "农村自来水普及率": D(93),
    "受益群众满意度": D(95),
}


def _approved_project(personas):  # type: ignore[no-untyped-def]
    project = make_project(
        personas.unit_a,
        code="SL-01",
        total=D(300),
        is_new=False,
        fiscal_year=YEAR,
        start_year=YEAR,
        end_year=YEAR,
    )
    fill_targets(project)
    budget.target_submit(actor=None, project=project)
    budget.target_approve(actor=None, project=project)
    budget.target_approve(actor=None, project=project, approved_amount=D(300))
    round = monitoring.round_open(
        actor=None,
        bureau=personas.bureau,
        fiscal_year=YEAR,
        months_elapsed=9,
        due_at=timezone.now() + timedelta(days=10),
    )
    form = MonitoringForm.objects.get(round=round, project=project)
    for name, value in EXPECTED.items():
        IndicatorProgress.objects.filter(form=form, indicator_name=name).update(expected=value)
    SpendingRecord.objects.create(project=project, date=date(YEAR, 12, 20), amount=D(270))
    return project


def test_self_evaluate_review_reevaluate_grade_and_cut(live_server, browser_page):
    personas = make_personas()
    project = _approved_project(personas)
    page, base = browser_page, live_server.url

    # The unit opens its prefilled table, explains the one shortfall and submits.
    login(page, base, "unit_a")
    page.goto(f"{base}/budget/self-evaluations/?year={YEAR}")
    assert "尚未提交自评1个" in page.get_by_test_id("coverage-summary").inner_text()
    page.get_by_test_id("create-self").click()
    page.wait_for_url(f"{base}/budget/self-evaluations/*/")
    row = page.locator("[data-testid=indicator-row][data-name='新建改造供水工程']")
    assert row.get_by_test_id("actual").input_value() == "23"
    assert "监控预计完成值" in row.inner_text()
    page.get_by_test_id("submit").click()
    page.wait_for_load_state()
    assert "须填写偏差原因分析及改进措施" in page.locator(".alert").first.inner_text()
    row.get_by_test_id("explanation").fill("一处工程因征地推迟，已列入次年计划。")
    page.get_by_test_id("submit").click()
    page.wait_for_load_state()
    assert "待审核" in page.get_by_test_id("self-state").inner_text()
    evaluation = SelfEvaluation.objects.get(project=project)
    assert evaluation.total == D("97.75")  # 9 + 28.75 + 10 + 10 + 30 + 10
    page.screenshot(path=str(ARTIFACTS / "evaluation-self.png"), full_page=True)

    # The supervising department and the bureau approve it.
    for reviewer in ("edu_reviewer", "finance"):
        login(page, base, reviewer)
        page.goto(f"{base}/budget/self-evaluations/{evaluation.pk}/")
        page.get_by_test_id("approve").click()
        page.wait_for_load_state()
    evaluation.refresh_from_db()
    assert evaluation.state == ResultState.APPROVED

    # The bureau re-evaluates: the works and the coverage were overstated.
    page.goto(f"{base}/budget/evaluation/select/?year={YEAR}")
    page.get_by_test_id("evaluation-kind").select_option("reevaluation")
    page.get_by_test_id("create-evaluations").click()
    page.wait_for_url(f"{base}/budget/evaluation/")
    reevaluation = Evaluation.objects.get(project=project)
    page.goto(f"{base}/budget/evaluation/{reevaluation.pk}/")
    works = page.locator("[data-testid=diff-row][data-name='新建改造供水工程']")
    works.get_by_test_id("verified").fill("6")
    coverage = page.locator("[data-testid=diff-row][data-name='农村自来水普及率']")
    coverage.get_by_test_id("verified").fill("60")
    page.get_by_test_id("rescore-save").click()
    page.wait_for_load_state()
    works = page.locator("[data-testid=diff-row][data-name='新建改造供水工程']")
    assert works.get_by_test_id("difference").inner_text() == "-21.25"  # 7.5 − 28.75
    page.get_by_test_id("finish").click()
    page.wait_for_load_state()

    # The grade appears: 9 + 7.5 + 10 + 10 + 19.57 + 10 = 66.07, 中.
    assert page.get_by_test_id("evaluation-total").inner_text() == "66.07"
    assert page.get_by_test_id("grade").first.inner_text() == "中"
    page.screenshot(path=str(ARTIFACTS / "evaluation-reevaluation.png"), full_page=True)

    # The next year's proposal cuts the project by the default 10%.
    page.goto(f"{base}/budget/evaluation/proposal/?year={YEAR}")
    row = page.locator("[data-testid=proposal-row][data-code='SL-01']")
    assert row.get_by_test_id("proposed").inner_text() == "270.00"
    assert row.get_by_test_id("cut").inner_text() == "30.00"
    assert "压减10%" in row.inner_text()
    assert "30.00" in page.get_by_test_id("proposal-total").inner_text()
    page.screenshot(path=str(ARTIFACTS / "evaluation-proposal.png"), full_page=True)

    # The result goes back to the unit with two problems; the unit answers the first task.
    year = f"?year={YEAR}"
    page.goto(f"{base}/budget/results/{year}")
    page.get_by_test_id("send-evaluation-SL-01").click()
    page.wait_for_url(f"{base}/budget/results/send/evaluation/{reevaluation.pk}/")
    page.fill("#id_problems", "完成数量与自评不符\n普及率目标未达到")
    page.get_by_test_id("send-result").click()
    page.wait_for_url(f"{base}/budget/results/feedback/*/")
    feedback = ResultFeedback.objects.get()
    assert feedback.tasks.count() == 2

    login(page, base, "unit_a")
    page.goto(f"{base}/budget/results/feedback/{feedback.pk}/")
    page.get_by_test_id("task-link").first.click()
    page.wait_for_url(f"{base}/budget/results/rectification/*/")
    page.fill("#id_measures", "已核实完成数量，修订自评并建立台账。")
    page.set_input_files(
        "#id_evidence",
        files=[{"name": "整改报告.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}],
    )
    page.get_by_test_id("submit-answer").click()
    page.wait_for_load_state()
    assert "待验收" in page.get_by_test_id("task-state").inner_text()
    task = feedback.tasks.get(position=1)
    assert task.state == RectificationState.ANSWERED

    # The bureau accepts the answer and issues the re-evaluation's report.
    login(page, base, "finance")
    page.goto(f"{base}/budget/results/rectification/{task.pk}/")
    page.get_by_test_id("accept-answer").click()
    page.wait_for_load_state()
    assert "已完成整改" in page.get_by_test_id("task-state").inner_text()
    page.goto(f"{base}/budget/results/reports/{year}")
    page.get_by_test_id("generate-evaluation-SL-01").click()
    page.wait_for_url(f"{base}/budget/results/reports/*/")
    page.get_by_test_id("issue-report").click()
    page.wait_for_load_state()
    assert "已印发" in page.get_by_test_id("report-state").inner_text()
    report = PerformanceReport.objects.get(evaluation=reevaluation)
    assert report.state == ReportState.ISSUED

    # The unit proposes publishing it, the bureau approves, and anyone can read it.
    login(page, base, "unit_a")
    page.goto(f"{base}/budget/results/publications/{year}")
    page.select_option("#id_project", str(project.pk))
    page.select_option("#id_kind", "report")
    page.get_by_test_id("propose").click()
    page.wait_for_url(f"{base}/budget/results/publications/*/")
    publication = Publication.objects.get()
    login(page, base, "finance")
    page.goto(f"{base}/budget/results/publications/{publication.pk}/")
    page.get_by_test_id("approve-publication").click()
    page.wait_for_load_state()
    assert "已公开" in page.get_by_test_id("publication-state").inner_text()

    visitor = page.context.browser.new_context(locale="zh-CN").new_page()
    visitor.goto(f"{base}/public/")
    visitor.get_by_text("预算绩效信息公开").first.click()
    visitor.wait_for_url(f"{base}/budget/public/")
    visitor.fill("#q", "SL-01")
    visitor.get_by_test_id("public-search").click()
    visitor.wait_for_load_state()
    visitor.get_by_test_id("public-results").get_by_text(report.title).click()
    visitor.wait_for_url(f"{base}/budget/public/{publication.pk}/")
    assert visitor.get_by_test_id("public-title").inner_text() == report.title
    assert "/login/" not in visitor.url
    visitor.context.close()
