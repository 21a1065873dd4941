"""Reports as Word documents (python-docx), from a simple structure of blocks.

Reports such as the 绩效跟踪结果报告 or an evaluation report are text with headings and tables
that units edit further in Word or WPS, so they go out as .docx rather than PDF. The structure
is a list of blocks — :class:`Heading`, :class:`Paragraph`, :class:`TableBlock`,
:class:`Signatures`, :class:`PageBreak` — rendered on A4 with page numbers "第 N 页 共 M 页".

Chinese needs the East-Asian font slot: Word picks the font for CJK characters from
``w:rFonts/@w:eastAsia``, which ``font.name`` in python-docx does not set, and the default
template's heading styles point at theme fonts that override explicit names. :func:`set_font`
sets all four slots (Latin in Times New Roman, CJK in 宋体 / 黑体) and drops the theme
references, on the document defaults, the styles used and every run written.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from jixiao.documents.excel.cells import number_text

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
BODY_SIZE = Pt(12)  # 小四
TABLE_SIZE = Pt(10.5)  # 五号
TITLE_SIZE = Pt(18)  # 小二
_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str
    bold: bool = False
    align: str = "justify"
    indent: bool = True  # first line indented by two characters, as Chinese prose is


@dataclass(frozen=True)
class TableBlock:
    header: Sequence[str]
    rows: Sequence[Sequence[Any]]
    widths: Sequence[float] | None = None  # centimetres
    caption: str = ""


@dataclass(frozen=True)
class Signatures:
    """Lines of signature fields: ``[["单位（盖章）", "填报日期"], [("审核", "李四"), "统计"]]``."""

    lines: Sequence[Sequence[str | tuple[str, str]]]


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | TableBlock | Signatures | PageBreak


def set_font(element: Any, east_asia: str, *, latin: str = LATIN_FONT) -> None:
    """Set the fonts of a run, style or ``rPrDefault`` element (anything with ``get_or_add_rPr``
    or an ``rPr`` itself), East-Asian slot included, without theme overrides."""
    rpr = element.get_or_add_rPr() if hasattr(element, "get_or_add_rPr") else element
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in _THEME_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def render_docx(
    title: str,
    blocks: Iterable[Block],
    *,
    subtitle: str = "",
    landscape: bool = False,
    body_font: str = BODY_FONT,
    heading_font: str = HEADING_FONT,
) -> bytes:
    """A .docx with a centred title, optional subtitle (period), then the blocks."""
    writer = _DocxWriter(body_font, heading_font, landscape)
    writer.title(title, subtitle)
    for block in blocks:
        writer.block(block)
    return writer.save()


class _DocxWriter:
    def __init__(self, body_font: str, heading_font: str, landscape: bool) -> None:
        self.doc = Document()
        self.body_font = body_font
        self.heading_font = heading_font
        self._page(landscape)
        self._styles()

    # --- set-up ---------------------------------------------------------------------------

    def _page(self, landscape: bool) -> None:
        section = self.doc.sections[0]
        width, height = Cm(21), Cm(29.7)
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            width, height = height, width
        section.page_width, section.page_height = width, height
        section.top_margin = section.bottom_margin = Cm(2.5)
        section.left_margin = section.right_margin = Cm(2.4)
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._text(footer, "第 ", size=Pt(9))
        self._field(footer, "PAGE")
        self._text(footer, " 页 共 ", size=Pt(9))
        self._field(footer, "NUMPAGES")
        self._text(footer, " 页", size=Pt(9))

    def _styles(self) -> None:
        styles = self.doc.styles
        defaults = self.doc.styles.element.find(qn("w:docDefaults"))
        rpr_default = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
        rpr = rpr_default.find(qn("w:rPr")) if rpr_default is not None else None
        if rpr is not None:
            set_font(rpr, self.body_font)
            lang = rpr.find(qn("w:lang"))
            if lang is not None:
                lang.set(qn("w:eastAsia"), "zh-CN")  # quotes and dashes in the CJK font
        normal = styles["Normal"]
        normal.font.size = BODY_SIZE
        set_font(normal.element, self.body_font)
        for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
            style = styles[name]
            set_font(style.element, self.heading_font)
            style.font.color.rgb = None
            style.font.bold = name != "Heading 3"
        styles["Heading 1"].font.size = Pt(16)
        styles["Heading 2"].font.size = Pt(14)
        styles["Heading 3"].font.size = Pt(12)

    # --- blocks ---------------------------------------------------------------------------

    def title(self, title: str, subtitle: str) -> None:
        para = self.doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._text(para, title, bold=True, size=TITLE_SIZE, font=self.heading_font)
        if subtitle:
            sub = self.doc.add_paragraph()
            sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self._text(sub, subtitle)

    def block(self, block: Block) -> None:
        if isinstance(block, Heading):
            para = self.doc.add_heading(level=min(max(block.level, 1), 3))
            self._text(para, block.text, font=self.heading_font)
        elif isinstance(block, Paragraph):
            self._paragraph(block)
        elif isinstance(block, TableBlock):
            self._table(block)
        elif isinstance(block, Signatures):
            self._signatures(block)
        elif isinstance(block, PageBreak):
            self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        else:
            raise TypeError(f"not a block: {block!r}")

    def _paragraph(self, block: Paragraph) -> None:
        para = self.doc.add_paragraph()
        para.alignment = _ALIGN.get(block.align, WD_ALIGN_PARAGRAPH.JUSTIFY)
        if block.indent:
            para.paragraph_format.first_line_indent = Pt(24)  # two characters of 12 pt
        self._text(para, block.text, bold=block.bold)

    def _table(self, block: TableBlock) -> None:
        if block.caption:
            cap = self.doc.add_paragraph()
            cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self._text(cap, block.caption, bold=True)
        table = self.doc.add_table(rows=1, cols=len(block.header))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells, block.header, strict=True):
            self._cell(cell, text, bold=True, center=True)
        _repeat_header(table.rows[0])
        for values in block.rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=False):
                self._cell(cell, _text_of(value), center=False)
        if block.widths:
            for row in table.rows:
                for cell, width in zip(row.cells, block.widths, strict=False):
                    cell.width = Cm(width)

    def _cell(self, cell: Any, text: str, *, bold: bool = False, center: bool) -> None:
        para = cell.paragraphs[0]
        if center:
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._text(para, text, bold=bold, size=TABLE_SIZE)

    def _signatures(self, block: Signatures) -> None:
        for line in block.lines:
            para = self.doc.add_paragraph()
            para.paragraph_format.space_before = Pt(12)
            for index, item in enumerate(line):
                label, value = (item, "") if isinstance(item, str) else item
                self._text(para, ("    " if index else "") + f"{label}：")
                run = self._text(para, value or "\u3000" * 6)
                run.font.underline = True

    # --- runs -----------------------------------------------------------------------------

    def _text(
        self,
        para: Any,
        text: str,
        *,
        bold: bool = False,
        size: Any = None,
        font: str | None = None,
    ) -> Any:
        run = para.add_run(text)
        run.bold = bold or None
        if size is not None:
            run.font.size = size
        set_font(run._r, font or self.body_font)
        return run

    def _field(self, para: Any, instruction: str) -> None:
        """A Word field (PAGE, NUMPAGES) that Word fills in when it lays out the pages."""
        run = self._text(para, "", size=Pt(9))
        for kind, text in (("begin", None), ("instr", instruction), ("separate", None)):
            if kind == "instr":
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = f" {text} "
            else:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            run._r.append(element)
        shown = OxmlElement("w:t")
        shown.text = "1"
        run._r.append(shown)
        end = OxmlElement("w:fldChar")
        end.set(qn("w:fldCharType"), "end")
        run._r.append(end)

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


def _repeat_header(row: Any) -> None:
    """Repeat the table's first row at the top of every page."""
    trpr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


def _text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return number_text(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)
