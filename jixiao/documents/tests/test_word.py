"""Word reports: the text, tables and the East-Asian font that makes Word show Chinese."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import docx
from docx.oxml.ns import qn

from jixiao.documents.word import (
    Heading,
    PageBreak,
    Paragraph,
    Signatures,
    TableBlock,
    render_docx,
)


def _report(**options) -> bytes:  # type: ignore[no-untyped-def]
    return render_docx(
        "绩效跟踪结果报告",
        [
            Heading("一、基本情况"),
            Paragraph("本年度共跟踪项目12个，资金总额3,600.00万元。"),
            TableBlock(
                ["项目名称", "预算数（万元）", "执行率", "是否预警"],
                [
                    ["农村公路养护", Decimal("1200.50"), "85.20%", True],
                    ["校舍维修", Decimal("300"), None, False],
                ],
                widths=[6, 4, 3, 3],
                caption="表1 项目执行情况",
            ),
            PageBreak(),
            Heading("二、存在问题及纠偏措施", level=2),
            Signatures([["单位（盖章）", ("填报人", "张三"), "填报日期"], ["审核", "统计"]]),
        ],
        subtitle="（2026年1-7月）",
        **options,
    )


def test_text_tables_and_signatures():
    document = docx.Document(io.BytesIO(_report()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "绩效跟踪结果报告" in text
    assert "（2026年1-7月）" in text
    assert "本年度共跟踪项目12个" in text
    assert "填报人：张三" in text
    assert "审核：" in text
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "项目名称",
        "预算数（万元）",
        "执行率",
        "是否预警",
    ]
    assert [c.text for c in table.rows[1].cells] == ["农村公路养护", "1200.5", "85.20%", "是"]
    assert [c.text for c in table.rows[2].cells] == ["校舍维修", "300", "", "否"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_east_asian_fonts_are_set():
    document = docx.Document(io.BytesIO(_report()))
    runs = [r for p in document.paragraphs for r in p.runs if r.text.strip()]
    assert runs
    for run in runs:
        fonts = run._r.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) in ("宋体", "黑体")
    normal = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == "宋体"
    heading = document.styles["Heading 1"].element.rPr.find(qn("w:rFonts"))
    assert heading.get(qn("w:eastAsia")) == "黑体"
    assert heading.get(qn("w:eastAsiaTheme")) is None
    with zipfile.ZipFile(io.BytesIO(_report())) as parts:
        assert 'w:eastAsia="宋体"' in parts.read("word/styles.xml").decode()


def test_a4_pages_numbered():
    document = docx.Document(io.BytesIO(_report(landscape=True)))
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 29.7  # stored in twips: 16838 × 11906
    assert round(section.page_height.cm, 1) == 21.0
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer
    assert "NUMPAGES" in footer
    assert section.footer.paragraphs[0].text.startswith("第 ")
