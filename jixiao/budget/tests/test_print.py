"""The target declaration printed to PDF: the form's content in embedded Chinese fonts, and
the print page for those who may see the project."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from jixiao.budget import printing
from jixiao.budget.tests.factories import D, fill_targets, make_project
from jixiao.documents.tests.helpers import pdf_fonts_and_chars

pytestmark = pytest.mark.django_db


def _text(pdf: bytes, tmp_path) -> str | None:  # type: ignore[no-untyped-def]
    """The PDF's text as pdftotext reads it (None without poppler-utils)."""
    if not shutil.which("pdftotext"):
        return None
    path = tmp_path / "declaration.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(  # noqa: S603
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607
        capture_output=True,
        check=True,
        text=True,
    )
    return result.stdout.replace(" ", "")


def test_the_declaration_prints_with_its_content_and_signature_lines(personas, tmp_path):
    project = make_project(personas.unit_a, total=D("300.5"), manager="陈晓东")
    fill_targets(project)

    pdf = printing.declaration_pdf(project)

    assert pdf.startswith(b"%PDF-")
    fonts, chars = pdf_fonts_and_chars(pdf)
    assert any("NotoSerifCJK" in name.replace("-", "") for name in fonts)
    assert set(project.name) | set("项目支出绩效目标申报表单位盖章填报人审核") <= chars
    text = _text(pdf, tmp_path)
    if text is not None:  # read back as a person would
        for phrase in (
            "项目支出绩效目标申报表",
            "（2027年度）",
            project.name,
            "测试县第一中学",
            "300.50",
            "新建改造供水工程",
            "单位（盖章）：",
            "填报人：",
            "联系电话：",
            "填报日期：",
            "审核：",
        ):
            assert phrase in text, phrase


def test_the_print_page_is_for_those_who_may_see_the_project(client, personas):
    project = make_project(personas.unit_a, total=D(300))
    url = f"/budget/projects/{project.pk}/print/"
    client.force_login(personas.unit_a_operator)

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response.content.startswith(b"%PDF-")
    assert client.post(url).status_code == 405
    client.force_login(personas.unit_b_operator)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
