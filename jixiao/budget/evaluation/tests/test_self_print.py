"""The self-evaluation table printed to PDF in the official layout: read back with pdftotext,
it holds the Chinese title, the year, the table's content and the signature fields, whatever
the reader's language."""

from __future__ import annotations

import subprocess

import pytest
from django.utils import translation

from jixiao.budget.evaluation import self_print, services
from jixiao.budget.evaluation.tests.factories import approved, filled
from jixiao.budget.monitoring.tests.factories import YEAR
from jixiao.documents.tests.helpers import pdf_fonts_and_chars

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    """The PDF's text as pdftotext reads it, without the spaces of its layout."""
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],  # noqa: S607
        input=pdf,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode().replace(" ", "")


def test_the_approved_table_prints_in_the_official_layout(personas) -> None:
    evaluation = approved(personas.unit_a)
    evaluation.refresh_from_db()

    pdf = self_print.self_evaluation_pdf(evaluation)

    assert pdf.startswith(b"%PDF-")
    fonts, _chars = pdf_fonts_and_chars(pdf)
    assert any("NotoSerifCJK" in name.replace("-", "") for name in fonts)
    text = pdf_text(pdf)
    for phrase in (
        "项目支出绩效自评表",
        f"（{YEAR}年度）",
        evaluation.project.name,
        "测试县第一中学",
        "年初预算数",
        "全年执行数",
        "执行率",
        "年度资金总额",
        "其中：本年财政拨款",
        "年度总体目标",
        "实际完成情况",
        "偏差原因分析及改进措施",
        "新建改造供水工程",
        "总分",
        f"{evaluation.total}",
        "评价结论",
        "项目负责人：",
        "财务负责人：",
        "单位负责人（盖章）：",
        "填报日期：",
    ):
        assert phrase in text, phrase


def test_the_print_names_the_people_and_stays_chinese_in_english(personas) -> None:
    evaluation = filled(personas.unit_a)
    services.self_evaluation_save(
        actor=None,
        self_evaluation=evaluation,
        values={"manager": "张三", "finance_manager": "李四", "conclusion": "目标基本完成"},
    )
    evaluation.refresh_from_db()
    with translation.override("en"):
        text = pdf_text(self_print.self_evaluation_pdf(evaluation))
    assert "项目支出绩效自评表" in text and "等级：优" in text
    assert "项目负责人：张三" in text and "财务负责人：李四" in text
    assert "目标基本完成" in text
