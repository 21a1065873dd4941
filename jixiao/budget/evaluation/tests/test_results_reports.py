"""Reports (BUD-12): generated from the data as an editable draft, issued and locked,
exported to Word and PDF in Chinese with the chart (PDF: SVG; Word: its numbers as a table);
an issued evaluation report published to the public site."""

from __future__ import annotations

import io
import subprocess
from decimal import Decimal

import pytest
from docx import Document

from jixiao.budget.evaluation.result_models import PublicationKind, ReportKind, ReportState
from jixiao.budget.evaluation.results import (
    accountability,
    disclosure,
    errors,
    printing,
    rectification,
    reports,
)
from jixiao.budget.evaluation.results.charts import Bar, bar_chart
from jixiao.budget.evaluation.results.errors import ResultsError
from jixiao.budget.evaluation.tests.factories import approved
from jixiao.budget.evaluation.tests.results_factories import finished_key
from jixiao.budget.monitoring.tests.factories import YEAR, approved_project
from jixiao.orgs.errors import PermissionDeniedError

D = Decimal
pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],  # noqa: S607
        input=content,
        capture_output=True,
        check=True,
    )
    return done.stdout.decode()


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [" ".join(c.text for c in row.cells) for row in table.rows]
    return "\n".join(lines)


def test_the_chart_is_svg_with_escaped_labels() -> None:
    svg = bar_chart(
        "得分", [Bar("决策<1>", D("17.5"), D(20)), Bar("效益", D(27), D(30))], unit="分"
    )
    assert svg.startswith("<svg") and "决策&lt;1&gt;" in svg and "17.5/20分" in svg
    assert svg.count("<rect") == 4


def test_the_evaluation_report_is_generated_edited_issued_and_locked(personas) -> None:
    project = approved_project(personas.unit_a, "K001")
    evaluation = finished_key(personas, project, fraction=D("0.8"))
    with pytest.raises(PermissionDeniedError):
        reports.report_generate(
            actor=personas.unit_a_operator, kind=ReportKind.EVALUATION, evaluation=evaluation
        )
    report = reports.report_generate(
        actor=personas.finance_reviewer, kind=ReportKind.EVALUATION, evaluation=evaluation
    )
    assert report.title == f"{project.name}重点评价报告" and report.organization == personas.unit_a
    text = {s["key"]: s["text"] for s in report.sections}
    total = f"{evaluation.total.normalize():f}"
    assert f"综合评分{total}分，评价等级为“中”" in text["conclusion"]
    assert text["analysis"].startswith("各部分得分：决策") and "（满分20分）" in text["analysis"]
    assert "1位评价人员独立评分" in text["work"]
    assert [p["label"] for p in report.figures["parts"]] == ["决策", "过程", "产出", "效益"]
    reports.report_save(
        actor=personas.finance_reviewer,
        report=report,
        sections={"suggestions": "建议细化绩效指标。\r\n加快资金支付。", "other": ""},
    )
    report.refresh_from_db()
    assert report.sections[5]["text"] == "建议细化绩效指标。\n加快资金支付。"
    with pytest.raises(ResultsError) as exc:
        reports.report_issue(actor=personas.finance_reviewer, report=report)
    assert exc.value.message == errors.REPORT_EMPTY.format(heading="七、其他需要说明的问题")
    reports.report_save(actor=personas.finance_reviewer, report=report, sections={"other": "无。"})
    again = reports.report_generate(actor=None, kind=ReportKind.EVALUATION, evaluation=evaluation)
    assert again.pk == report.pk and again.sections[6]["text"] == "无。"  # regenerated draft
    reports.report_issue(actor=personas.finance_reviewer, report=again)
    again.refresh_from_db()
    assert again.state == ReportState.ISSUED and again.issued_by == personas.finance_reviewer
    for call in (
        lambda: reports.report_save(actor=None, report=again, sections={"other": "x"}),
        lambda: reports.report_issue(actor=None, report=again),
        lambda: reports.report_generate(
            actor=None, kind=ReportKind.EVALUATION, evaluation=evaluation
        ),
    ):
        with pytest.raises(ResultsError) as exc:
            call()
        assert exc.value.message == errors.REPORT_ISSUED
    # The unit reads it; another unit does not.
    assert reports.get_report_for_user(personas.unit_a_operator, again.pk) == again
    with pytest.raises(Exception) as missing:
        reports.get_report_for_user(personas.unit_b_operator, again.pk)
    assert missing.typename == "Http404"


def test_an_unfinished_evaluation_has_no_report(personas) -> None:
    with pytest.raises(ResultsError) as exc:
        reports.report_generate(actor=None, kind=ReportKind.EVALUATION, evaluation=None)
    assert exc.value.message == errors.REPORT_EVALUATION


def test_the_evaluation_report_in_word_and_pdf(personas) -> None:
    evaluation = finished_key(personas, approved_project(personas.unit_a, "K001"))
    report = reports.report_generate(actor=None, kind=ReportKind.EVALUATION, evaluation=evaluation)
    pdf = pdf_text(printing.report_pdf(report))
    assert report.title in pdf.replace(" ", "") or "重点评价报告" in pdf
    assert "三、综合评价结论" in pdf and "评价指标得分表" in pdf
    assert "决策、过程、产出、效益得分" in pdf  # the chart's title, drawn from the SVG
    word = docx_text(printing.report_docx(report))
    assert report.title in word and "一、项目基本情况" in word
    assert "图表数据：决策、过程、产出、效益得分" in word and "效益" in word


def test_the_unit_report(personas) -> None:
    selfe = approved(personas.unit_a, "P001")
    approved_project(personas.unit_a, "P002")
    rectification.feedback_send(actor=None, self_evaluation=selfe, problems=["问题一"])
    with pytest.raises(PermissionDeniedError):
        reports.report_generate(
            actor=personas.unit_b_operator,
            kind=ReportKind.UNIT,
            organization=personas.unit_a,
            fiscal_year=YEAR,
        )
    with pytest.raises(ResultsError):
        reports.report_generate(
            actor=None, kind=ReportKind.UNIT, organization=personas.bureau, fiscal_year=YEAR
        )
    report = reports.report_generate(
        actor=personas.unit_a_operator,
        kind=ReportKind.UNIT,
        organization=personas.unit_a,
        fiscal_year=YEAR,
    )
    text = {s["key"]: s["text"] for s in report.sections}
    assert "共有2个项目绩效目标获批复" in text["basic"]
    assert "已完成绩效自评1个，覆盖率50.00%" in text["self_evaluation"]
    assert "收到整改任务1项，已完成整改0项，尚未完成1项" in text["rectification"]
    assert [p["code"] for p in report.figures["projects"]] == ["P001", "P002"]
    assert report.figures["projects"][1]["self_state"] == "未开始"
    word = docx_text(printing.report_docx(report))
    assert "项目绩效评价情况表" in word and "P002" in word
    assert "评价等级分布" in pdf_text(printing.report_pdf(report))
    # The unit's report is the unit's: the bureau reads it but does not write it.
    with pytest.raises(PermissionDeniedError):
        reports.report_save(actor=personas.finance_reviewer, report=report, sections={"plans": "x"})
    assert reports.get_report_for_user(personas.finance_reviewer, report.pk) == report


def test_the_bureau_summary(personas) -> None:
    approved(personas.unit_a, "P001")
    key = finished_key(personas, approved_project(personas.unit_b, "K001"), fraction=D("0.5"))
    accountability.accountability_record(
        actor=None,
        organization=personas.unit_b,
        project=key.project,
        kind="interview",
        reason="评价结果为差",
        decision="约谈",
        decided_on=key.finished_at.date(),
        decided_by="县财政局",
        fiscal_year=YEAR,
    )
    with pytest.raises(PermissionDeniedError):
        reports.report_generate(
            actor=personas.leader,
            kind=ReportKind.SUMMARY,
            organization=personas.bureau,
            fiscal_year=YEAR,
        )
    report = reports.report_generate(
        actor=personas.finance_reviewer,
        kind=ReportKind.SUMMARY,
        organization=personas.bureau,
        fiscal_year=YEAR,
    )
    f = report.figures
    assert (f["approved"], f["submitted"]) == (2, 1)
    assert f["grades"]["poor"] == 1 and f["key"][0]["grade"] == "差"
    assert f["budget"]["cut"] == "300.00" and f["budget"]["control_cut"] == "300.00"
    text = {s["key"]: s["text"] for s in report.sections}
    assert "覆盖率50.00%" in text["overall"]
    assert "“差”1个" in text["grades"]
    assert "压减300.00万元" in text["application"]
    assert text["accountability"] == "问责情况：约谈1次。"
    assert reports.get_report_for_user(personas.leader, report.pk) == report
    pdf = pdf_text(printing.report_pdf(report))
    assert "预算绩效管理工作情况报告" in pdf.replace(" ", "") and "重点评价结果表" in pdf


def test_an_issued_evaluation_report_is_published(personas) -> None:
    project = approved_project(personas.unit_a, "K001")
    evaluation = finished_key(personas, project)
    report = reports.report_generate(actor=None, kind=ReportKind.EVALUATION, evaluation=evaluation)
    with pytest.raises(ResultsError):  # not issued yet
        disclosure.publication_propose(
            actor=personas.unit_a_operator,
            project=project,
            kind=PublicationKind.REPORT,
            report=report,
        )
    reports.report_issue(actor=None, report=report)
    report.refresh_from_db()
    assert reports.issued_report_of(project) == report
    publication = disclosure.publication_propose(
        actor=personas.unit_a_operator, project=project, kind=PublicationKind.REPORT, report=report
    )
    disclosure.publication_approve(actor=None, publication=publication)
    content = disclosure.get_published(publication.pk).content
    assert publication.title == report.title == content["title"]
    assert content["sections"][0]["heading"] == "一、项目基本情况"
    assert content["figures"]["chart_svg"].startswith("<svg")
