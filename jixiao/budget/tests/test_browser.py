"""The whole declaration path in a real Chromium (issue 4 acceptance)."""

from __future__ import annotations

import pytest

from jixiao.audit.models import AuditEvent
from jixiao.budget.models import Project
from jixiao.budget.services import case_of
from jixiao.testing.browser import ARTIFACTS, login
from jixiao.testing.factories import make_personas
from jixiao.workflow.models import WorkflowState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INDICATORS = [
    ("产出指标 / 数量指标", "建成乡村学校少年宫", "gte", "5", "所", "30"),
    ("产出指标 / 质量指标", "验收合格率", "eq", "100", "%", "10"),
    ("产出指标 / 成本指标", "单所建设成本", "lte", "60", "万元", "10"),
    ("效益指标 / 社会效益指标", "受益学生人数", "gte", "3000", "人", "30"),
    ("满意度指标 / 服务对象满意度指标", "学生家长满意度", "gte", "90", "%", "10"),
]


def _status(page) -> str:  # type: ignore[no-untyped-def]
    return page.get_by_test_id("project-status").inner_text()


def test_declare_return_fix_approve_lock(live_server, browser_page):
    personas = make_personas()
    page, base = browser_page, live_server.url

    # The unit declares a new project above the ex-ante threshold.
    login(page, base, "unit_a")
    page.goto(f"{base}/budget/projects/?year=2027")
    page.get_by_test_id("new-project").click()
    page.select_option("#id_unit", str(personas.unit_a.pk))
    page.fill("#id_fiscal_year", "2027")
    page.fill("#id_code", "JY-2027-08")
    page.fill("#id_name", "乡村学校少年宫建设")
    page.select_option("#id_function_code", "20502")
    page.fill("#id_start_year", "2027")
    page.fill("#id_end_year", "2027")
    page.fill("#id_annual_total", "600")
    page.fill("#id_annual_fiscal", "600")
    page.fill("#id_annual_goal", "建成乡村学校少年宫5所，惠及学生3000人。")
    page.get_by_test_id("save-project").click()
    page.wait_for_url(f"{base}/budget/projects/*/")
    project = Project.objects.get(code="JY-2027-08")
    assert "草稿" in _status(page)

    for group_label, name, nature, value, unit, full in INDICATORS:
        page.select_option("#id_group", label=group_label)
        page.fill("#id_name", name)
        page.select_option("#id_nature", nature)
        page.fill("#id_target_value", value)
        page.fill("#id_unit", unit)
        page.fill("#id_full_score", full)
        page.select_option("#id_basis", "plan")
        page.get_by_test_id("add-indicator").click()
        page.wait_for_load_state()
    table = page.get_by_test_id("indicator-table").inner_text()
    assert all(row[1] in table for row in INDICATORS)
    assert page.get_by_test_id("check-errors").count() == 0

    # Without an ex-ante assessment the submission is refused, then the unit assesses.
    page.get_by_test_id("submit").click()
    assert "事前绩效评估" in page.locator(".alert-danger").inner_text()
    page.goto(f"{base}/budget/projects/{project.pk}/ex-ante/")
    page.get_by_test_id("start-ex-ante").click()
    for select in page.locator("select[name^=level_]").all():
        select.select_option("achieved")
    for score in page.locator("input[name^=score_]").all():
        score.fill("18")
    page.select_option("#id_conclusion", "support")
    page.fill("#id_opinion", "立项依据充分，方案可行。")
    page.set_input_files(
        "#id_report",
        files=[
            {
                "name": "事前绩效评估报告.pdf",
                "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4 ex-ante report",
            }
        ],
    )
    page.get_by_test_id("save-ex-ante").click()
    page.wait_for_url(f"{base}/budget/projects/{project.pk}/")
    page.get_by_test_id("submit").click()
    assert "待审核" in _status(page)

    # The supervising department returns it with a comment on one indicator.
    quality = project.annual_tree.indicators.get(name="验收合格率")
    login(page, base, "edu_reviewer")
    page.goto(f"{base}/budget/review/")
    assert "乡村学校少年宫建设" in page.get_by_test_id("queue").inner_text()
    page.goto(f"{base}/budget/projects/{project.pk}/review/")
    page.fill(f"textarea[name='item-indicator:{quality.pk}']", "合格率的依据请写明行业标准")
    page.fill("#id_comment", "请完善质量指标")
    page.get_by_test_id("return").click()
    page.wait_for_url(f"{base}/budget/review/")
    assert case_of(project).state == WorkflowState.RETURNED

    # The unit sees the comment, fixes the indicator and resubmits.
    login(page, base, "unit_a")
    page.goto(f"{base}/budget/projects/{project.pk}/")
    assert "已退回" in _status(page)
    assert "合格率的依据请写明行业标准" in page.get_by_test_id("indicator-table").inner_text()
    page.goto(f"{base}/budget/projects/{project.pk}/indicators/{quality.pk}/")
    page.select_option("#id_basis", "sector")
    page.get_by_test_id("save-indicator").click()
    page.wait_for_url(f"{base}/budget/projects/{project.pk}/*")
    page.get_by_test_id("submit").click()
    assert "待审核" in _status(page)

    # The department approves; the finance bureau approves with the budget amount.
    login(page, base, "edu_reviewer")
    page.goto(f"{base}/budget/projects/{project.pk}/review/")
    page.get_by_test_id("approve").click()
    page.wait_for_url(f"{base}/budget/review/")
    login(page, base, "finance")
    page.goto(f"{base}/budget/projects/{project.pk}/review/")
    page.fill("#id_approved_amount", "550")
    page.fill("#id_comment", "同意，按550万元批复")
    page.get_by_test_id("approve").click()
    page.wait_for_url(f"{base}/budget/review/")

    # Approved and locked: no edit or submit buttons, the amount is shown.
    login(page, base, "unit_a")
    page.goto(f"{base}/budget/projects/{project.pk}/")
    assert "已批复" in _status(page)
    assert page.get_by_test_id("approved-amount").inner_text() == "550.00"
    assert page.get_by_test_id("submit").count() == 0
    assert page.locator("a:has-text('编辑基本情况')").count() == 0
    page.screenshot(path=str(ARTIFACTS / "budget-approved.png"), full_page=True)

    # Every step is in the audit trail, and the audit administrator finds them.
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "budget.project.create",
        "indicator.create",
        "budget.ex_ante.assess",
        "workflow.submit",
        "workflow.return",
        "indicator.update",
        "workflow.approve",
        "budget.project.approve",
    } <= actions
    login(page, base, "auditadmin")
    page.goto(f"{base}/audit/?action=workflow.return")
    assert "乡村学校少年宫建设" in page.locator("table").inner_text()
