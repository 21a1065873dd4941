"""Pages of results, rectification, disclosure, accountability, the departments' appraisal
and reports through HTTP: each step, the scope (404), the role (403), and the public site
without login (only what is published; anything else 404)."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from jixiao.budget.evaluation.result_models import (
    AccountabilityRecord,
    PerformanceReport,
    Publication,
    PublicationState,
    RectificationState,
    ReportState,
    ResultFeedback,
    ResultSettings,
)
from jixiao.budget.evaluation.results import disclosure
from jixiao.budget.evaluation.tests.factories import approved
from jixiao.budget.evaluation.tests.results_factories import finished_key, sent
from jixiao.budget.monitoring.tests.factories import YEAR, approved_project

pytestmark = pytest.mark.django_db
D = Decimal


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_the_bureau_sends_a_result_and_the_unit_answers_its_task(personas) -> None:
    self_evaluation = approved(personas.unit_a, "P001")
    finance = client_for(personas.finance_reviewer)
    home = finance.get(reverse("budget:results"), {"year": YEAR})
    assert home.status_code == 200
    assert reverse("budget:result_send", args=["self", self_evaluation.pk]) in home.text
    url = reverse("budget:result_send", args=["self", self_evaluation.pk])
    assert finance.get(url).status_code == 200
    assert client_for(personas.unit_a_operator).get(url).status_code == 404
    response = finance.post(url, {"opinion": "请整改。", "problems": "台账不全\n\n资金支付慢"})
    feedback = ResultFeedback.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "budget:result_feedback", args=[feedback.pk]
    )
    assert feedback.tasks.count() == 2
    assert finance.post(url, {"problems": "x"}).status_code == 400  # sent already
    unit = client_for(personas.unit_a_operator)
    page = unit.get(reverse("budget:result_feedback", args=[feedback.pk]))
    assert page.status_code == 200 and "台账不全" in page.text
    task = feedback.tasks.get(position=1)
    assert (
        client_for(personas.unit_b_operator)
        .get(reverse("budget:rectification", args=[task.pk]))
        .status_code
        == 404
    )
    answer_url = reverse("budget:rectification_answer", args=[task.pk])
    refused = unit.post(answer_url, {"measures": "已建立台账"})
    assert refused.status_code == 400 and "请上传整改佐证材料。" in refused.text
    evidence = SimpleUploadedFile("台账.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = unit.post(answer_url, {"measures": "已建立台账", "evidence": evidence})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == RectificationState.ANSWERED
    decide = reverse("budget:rectification_decide", args=[task.pk])
    assert unit.post(decide, {"decision": "accept"}).status_code == 403
    finance.post(decide, {"decision": "accept", "comment": "通过"})
    task.refresh_from_db()
    assert task.state == RectificationState.DONE
    counts = finance.get(reverse("budget:results"), {"year": YEAR})
    assert 'data-testid="count-done">1<' in counts.text
    assert 'data-testid="count-unresolved">1<' in counts.text


def test_task_lists_filter_overdue_and_unresolved(personas) -> None:
    feedback = sent(personas)
    first = feedback.tasks.get(position=1)
    first.deadline = first.deadline.replace(year=2000)
    first.save()
    client = client_for(personas.department_reviewer)
    overdue = client.get(reverse("budget:rectifications"), {"year": YEAR, "overdue": 1})
    assert overdue.status_code == 200 and "问题一" in overdue.text and "问题二" not in overdue.text
    everything = client.get(reverse("budget:rectifications"), {"year": YEAR, "unresolved": 1})
    assert "问题一" in everything.text and "问题二" in everything.text
    other = client_for(personas.unit_b_operator).get(
        reverse("budget:rectifications"), {"year": YEAR}
    )
    assert "问题一" not in other.text
    assert client_for(personas.evaluator).get(reverse("budget:results")).status_code == 404


def test_disclosure_through_the_pages_and_the_public_site_without_login(personas) -> None:
    project = approved_project(personas.unit_a, "P001")
    hidden = approved_project(personas.unit_a, "P002")
    unit = client_for(personas.unit_a_operator)
    listing = reverse("budget:publications") + f"?year={YEAR}"
    assert unit.get(listing).status_code == 200
    response = unit.post(listing, {"project": project.pk, "kind": "targets", "note": "民生项目"})
    publication = Publication.objects.get()
    assert response.status_code == 302
    proposed = disclosure.publication_propose(
        actor=personas.unit_a_operator, project=hidden, kind="targets"
    )
    anonymous = Client()
    detail = reverse("budget:public_result", args=[publication.pk])
    assert anonymous.get(detail).status_code == 404  # not yet published
    assert client_for(personas.leader).post(listing, {"project": project.pk}).status_code == 404
    finance = client_for(personas.finance_reviewer)
    move = reverse("budget:publication_move", args=[publication.pk, "approve"])
    assert unit.post(move).status_code == 403
    finance.post(move, {"comment": "同意"})
    publication.refresh_from_db()
    assert publication.state == PublicationState.PUBLISHED
    public = anonymous.get(reverse("budget:public_results"))
    assert public.status_code == 200 and project.name in public.text
    assert reverse("budget:public_result", args=[proposed.pk]) not in public.text
    page = anonymous.get(detail)
    assert page.status_code == 200 and "受益群众满意度" in page.text
    assert anonymous.get(reverse("budget:public_result", args=[proposed.pk])).status_code == 404
    searched = anonymous.get(reverse("budget:public_results"), {"q": "没有这个项目"})
    assert project.name not in searched.text
    by_department = anonymous.get(
        reverse("budget:public_results"), {"department": personas.health.pk, "year": YEAR}
    )
    assert project.name not in by_department.text
    home = anonymous.get(reverse("public_home"))
    assert reverse("budget:public_results") in home.text
    withdraw = reverse("budget:publication_move", args=[publication.pk, "withdraw"])
    finance.post(withdraw, {"comment": ""})
    publication.refresh_from_db()
    assert publication.state == PublicationState.PUBLISHED  # a reason is required
    finance.post(withdraw, {"comment": "数据更正"})
    assert anonymous.get(detail).status_code == 404


def test_accountability_and_the_departments_appraisal_pages(personas) -> None:
    project = approved_project(personas.unit_a, "P001")
    finance = client_for(personas.finance_reviewer)
    url = reverse("budget:accountability") + f"?year={YEAR}"
    response = finance.post(
        url,
        {
            "organization": personas.unit_a.pk,
            "project": project.pk,
            "kind": "budget_cut",
            "reason": "评价结果为差",
            "decision": "扣减下年度预算",
            "amount": "",
            "decided_on": f"{YEAR + 1}-05-01",
            "decided_by": "县财政局",
        },
    )
    assert response.status_code == 400 and "扣减预算须填写大于0的扣减金额。" in response.text
    response = finance.post(
        url,
        {
            "organization": personas.unit_a.pk,
            "kind": "interview",
            "reason": "评价结果为差",
            "decision": "约谈",
            "decided_on": f"{YEAR + 1}-05-01",
            "decided_by": "县财政局",
        },
    )
    assert response.status_code == 302 and AccountabilityRecord.objects.count() == 1
    unit = client_for(personas.unit_a_operator)
    assert unit.get(url).status_code == 200
    assert unit.post(url, {}).status_code == 404
    scores = finance.get(reverse("budget:department_scores"), {"year": YEAR})
    assert scores.status_code == 200 and "测试县教育局" in scores.text
    commended = scores.text.split('data-testid="commended"')[1].split("</ul>")[0]
    assert "测试县教育局" in commended and "测试县卫生健康局" in commended  # top 3 by default
    export = finance.get(reverse("budget:department_scores"), {"year": YEAR, "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert sheet["A1"].value == "部门预算绩效管理工作考核表"
    mine = client_for(personas.department_reviewer).get(
        reverse("budget:department_scores"), {"year": YEAR}
    )
    assert "测试县教育局" in mine.text and "测试县卫生健康局" not in mine.text


def test_the_year_rules_page(personas) -> None:
    url = reverse("budget:result_settings") + f"?year={YEAR}"
    finance = client_for(personas.finance_reviewer)
    form = {
        "rectification_months": 2,
        "weight_timeliness": 30,
        "weight_coverage": 30,
        "weight_quality": 20,
        "weight_rectification": 10,
        "commend_top": 2,
        "notify_bottom": 2,
    }
    bad = finance.post(url, form)
    assert bad.status_code == 400 and "权重之和应为100，实际为90" in bad.text
    assert finance.post(url, {**form, "weight_rectification": 20}).status_code == 302
    assert ResultSettings.objects.get().rectification_months == 2
    assert client_for(personas.unit_a_operator).get(url).status_code == 404


def test_reports_through_the_pages(personas) -> None:
    evaluation = finished_key(personas, approved_project(personas.unit_a, "K001"))
    finance = client_for(personas.finance_reviewer)
    listing = reverse("budget:performance_reports") + f"?year={YEAR}"
    page = finance.get(listing)
    assert 'data-testid="generate-evaluation-K001"' in page.text
    response = finance.post(listing, {"kind": "evaluation", "evaluation": evaluation.pk})
    report = PerformanceReport.objects.get()
    assert response.url == reverse("budget:performance_report", args=[report.pk])
    detail = reverse("budget:performance_report", args=[report.pk])
    shown = finance.get(detail)
    assert shown.status_code == 200 and "<svg" in shown.text and "一、项目基本情况" in shown.text
    sections = {s["key"]: s["text"] for s in report.sections}
    sections["other"] = "评价组另附工作底稿。"
    finance.post(detail, {**sections, "step": "issue"})
    report.refresh_from_db()
    assert (
        report.state == ReportState.ISSUED and report.sections[6]["text"] == "评价组另附工作底稿。"
    )
    assert finance.post(detail, {**sections, "step": "save"}).status_code == 404  # locked
    unit = client_for(personas.unit_a_operator)
    assert unit.get(detail).status_code == 200
    assert client_for(personas.unit_b_operator).get(detail).status_code == 404
    pdf = unit.get(reverse("budget:performance_report_download", args=[report.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    word = unit.get(reverse("budget:performance_report_download", args=[report.pk, "docx"]))
    assert word.content.startswith(b"PK")
    unit_report = unit.post(listing, {"kind": "unit", "organization": personas.unit_a.pk})
    assert unit_report.status_code == 302
    assert PerformanceReport.objects.filter(kind="unit", organization=personas.unit_a).exists()
    assert unit.post(
        listing, {"kind": "summary", "organization": personas.bureau.pk}
    ).status_code in (
        403,
        404,
    )
