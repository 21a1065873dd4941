"""Issue 7 acceptance in a real Chromium: the office opens a month; a head scores the
department with one bonus and one penalty and submits; the office returns it with feedback;
the head fixes it and resubmits; the office approves; pay is computed; the employee sees their
own pay explanation."""

from __future__ import annotations

import pytest
from django.utils import timezone

from jixiao.appraisal.models import AppraisalMonth, EmployeeScore, PayResult
from jixiao.appraisal.services import case_of
from jixiao.testing.browser import ARTIFACTS, login
from jixiao.workflow.models import WorkflowState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _type_row(page, username: str, values: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Keyboard entry: focus the row's first cell, type, Tab to the next."""
    first = page.get_by_test_id(f"row-{username}").locator("input").first
    first.click()
    for value in values:
        page.keyboard.press("Control+A")
        page.keyboard.type(value)
        page.keyboard.press("Tab")


def _event(page, employee, item: str, text: str) -> None:  # type: ignore[no-untyped-def]
    page.select_option("#ev-employee", str(employee.pk))
    page.select_option("#ev-item", label=item)
    page.fill("#ev-text", text)
    page.get_by_test_id("add-event").click()
    page.wait_for_load_state()


def test_month_score_return_fix_approve_pay_explained(world, live_server, browser_page):  # type: ignore[no-untyped-def]
    page, base = browser_page, live_server.url
    today = timezone.localdate()

    # The office opens the month.
    login(page, base, world.hr.username)
    page.goto(f"{base}/appraisal/")
    page.get_by_test_id("open-month").locator("button").click()
    page.wait_for_url(f"{base}/appraisal/months/*/")
    month = AppraisalMonth.objects.get(year=today.year, month=today.month)

    # The head scores with the keyboard, records a bonus and a penalty, and submits.
    login(page, base, world.head.username)
    page.goto(f"{base}/appraisal/")
    page.get_by_test_id("my-sheet").click()
    page.wait_for_url(f"{base}/appraisal/sheets/*/")
    for username in ("employee", "colleague", "head"):
        _type_row(page, username, ["45", "28", "18"])
    # Enter moves down the column: the second row's first cell is reached from the first's.
    page.get_by_test_id("row-employee").locator("input").first.click()
    page.keyboard.press("Enter")
    focused = page.evaluate("document.activeElement.name")
    assert focused.startswith(f"score-{world.colleague.pk}-")
    page.get_by_test_id("save-grid").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("total-employee").inner_text() == "91.00"
    _event(page, world.employee, "加分项目：受到上级表彰（5分/次，上限10）", "获市级表彰")
    _event(page, world.colleague, "扣分项目：迟到早退（1分/次，上限5）", "3日迟到")
    assert page.get_by_test_id("total-employee").inner_text() == "96.00"
    assert page.get_by_test_id("total-colleague").inner_text() == "90.00"
    page.fill("#reviewer_name", "部门长")
    page.fill("#statistician_name", "统计员")
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_load_state()
    page.get_by_test_id("submit-sheet").click()
    page.wait_for_load_state()
    sheet = month.sheets.get(department=world.dept)
    assert case_of(sheet).state == WorkflowState.SUBMITTED

    # The office returns it with its feedback.
    login(page, base, world.hr.username)
    page.goto(f"{base}/appraisal/review/")
    page.get_by_test_id(f"review-{world.dept.pk}").click()
    page.fill("#review-comment", "部门负责人本人得分偏高，请按细则重新评定")
    page.get_by_test_id("return").click()
    page.wait_for_url(f"{base}/appraisal/review/")
    assert case_of(sheet).state == WorkflowState.RETURNED

    # The head sees the feedback, fixes the score and resubmits.
    login(page, base, world.head.username)
    page.goto(f"{base}/appraisal/sheets/{sheet.pk}/")
    assert "请按细则重新评定" in page.get_by_test_id("review-comments").inner_text()
    _type_row(page, "head", ["40", "25", "15"])
    page.get_by_test_id("save-grid").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("total-head").inner_text() == "80.00"
    page.get_by_test_id("submit-sheet").click()
    page.wait_for_load_state()

    # The office approves; pay is computed.
    login(page, base, world.hr.username)
    page.goto(f"{base}/appraisal/sheets/{sheet.pk}/")
    page.fill("#review-comment", "同意")
    page.get_by_test_id("approve").click()
    page.wait_for_url(f"{base}/appraisal/review/")
    assert case_of(sheet).state == WorkflowState.APPROVED
    pay = PayResult.objects.get(month=month, employee=world.employee)
    assert str(pay.pay) == "1300.00"  # 96 points → band ≥95 → 1.3 × 1000.00
    page.goto(f"{base}/appraisal/months/{month.pk}/pay/")
    assert "1,300.00" in page.get_by_test_id("pay-results").inner_text()

    # The employee sees their own explanation, and not their colleague's.
    login(page, base, world.employee.username)
    page.goto(f"{base}/appraisal/mine/")
    page.get_by_test_id(f"my-month-{today.month}").click()
    explanation = page.get_by_test_id("pay-explanation").inner_text()
    assert "标准绩效工资1,000.00元" in explanation
    assert "绩效系数1.3" in explanation
    assert page.get_by_test_id("my-pay").inner_text() == "1,300.00"
    assert "加分：5分×1次" in page.get_by_test_id("my-items").inner_text()
    theirs = EmployeeScore.objects.get(sheet=sheet, employee=world.colleague)
    response = page.goto(f"{base}/appraisal/mine/{theirs.pk}/")
    assert response.status == 404
    page.screenshot(path=str(ARTIFACTS / "appraisal_acceptance.png"))
