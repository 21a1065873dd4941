"""Printed forms: Chinese text in embedded Noto CJK fonts, page numbers, nothing fetched."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess

import pytest

from jixiao.documents.pdf import LocalFetcher, html_to_pdf, render_layout_pdf, render_pdf
from jixiao.documents.tests.helpers import pdf_fonts_and_chars
from jixiao.documents.tests.layouts import TARGET_DECLARATION, declaration


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""
    attempts: list[object] = []

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        attempts.append(args)
        raise OSError("network use in a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


def _text(pdf: bytes, tmp_path) -> str | None:  # type: ignore[no-untyped-def]
    if not shutil.which("pdftotext"):
        return None
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(  # noqa: S603
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607
        capture_output=True,
        check=True,
        text=True,
    )
    return result.stdout


def test_the_declaration_prints_with_chinese_fonts(tmp_path, no_network):
    fetcher = LocalFetcher()
    pdf = render_layout_pdf(
        TARGET_DECLARATION,
        declaration(1, indicators=40),
        subtitle="（2026年度）",
        signatures=[["单位（盖章）", "单位负责人", "审核", "统计"]],
        fetcher=fetcher,
    )

    assert pdf.startswith(b"%PDF-")
    fonts, chars = pdf_fonts_and_chars(pdf)
    names = {f.split("+")[-1].replace("-", "") for f in fonts}
    assert "NotoSerifCJKSC" in names
    assert set("项目支出绩效目标申报表第页共审核统计盖章") <= chars
    assert fetcher.refused == []
    assert no_network == []
    text = _text(pdf, tmp_path)
    if text is not None:  # poppler-utils installed: read the text back as a person would
        flat = text.replace(" ", "")
        for phrase in ("项目支出绩效目标申报表", "（2026年度）", "年度资金总额", "1,201.50"):
            assert phrase in flat
        assert re.search(r"第1页共[23]页", flat)
        assert "单位（盖章）：" in flat
        assert "填报人：张三" in flat


def test_nothing_outside_is_fetched(no_network, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("机密", encoding="utf-8")
    fetcher = LocalFetcher()
    html = f"""<html><head>
      <link rel="stylesheet" href="https://cdn.example.com/x.css">
      <style>@import url("http://127.0.0.1:9/y.css");</style></head>
      <body><p>外部资源</p><img src="http://example.com/logo.png">
      <a rel="attachment" href="file://{secret}">附件</a>
      <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
      </body></html>"""

    pdf = html_to_pdf(html, fetcher=fetcher)

    assert pdf.startswith(b"%PDF-")
    assert sorted(fetcher.refused) == sorted(
        [
            "https://cdn.example.com/x.css",
            "http://127.0.0.1:9/y.css",
            "http://example.com/logo.png",
            f"file://{secret}",
        ]
    )
    assert no_network == []
    assert "机密".encode() not in pdf


def test_a_template_of_its_own_extends_the_print_base(no_network):
    pdf = render_pdf(
        "documents/print_base.html",
        {"title": "部门绩效考核统计分析表", "subtitle": "2026年1-7月", "landscape": False},
        signatures=[["审核", ("统计", "王五")]],
    )
    _fonts, chars = pdf_fonts_and_chars(pdf)
    assert set("部门绩效考核统计分析表审核统计王五") <= chars
