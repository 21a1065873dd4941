"""The exported sheet looks like the paper form: read back with openpyxl."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest

from jixiao.documents.excel import SheetData, WorkbookWriter, export_workbook, sheet_name
from jixiao.documents.tests.layouts import INDICATOR_LIST, TARGET_DECLARATION, declaration

D = Decimal


@pytest.fixture(scope="module")
def sheet():
    data = export_workbook(TARGET_DECLARATION, [declaration(1, indicators=6)])
    return openpyxl.load_workbook(io.BytesIO(data))["项目1"]


def test_title_and_header_block_are_merged(sheet):
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["A1"].value == "项目支出绩效目标申报表"
    assert sheet["A1"].font.b
    assert sheet["A1"].alignment.horizontal == "center"
    assert {"A1:H1", "B3:H3", "A6:A8", "A9:A10", "E10:H10"} <= merged
    # Grouped column titles: 绩效指标 over three columns, the others over both title rows.
    assert {"A11:C11", "D11:D12", "E11:E12"} <= merged
    # Repeated 一级/二级指标 are merged down, as on the paper form.
    assert {"A13:A15", "B13:B15", "A16:A18", "B16:B18"} <= merged


def test_frozen_header_widths_and_number_formats(sheet):
    assert sheet.freeze_panes == "A13"
    assert sheet.column_dimensions["C"].width == pytest.approx(28, abs=1)
    assert sheet.column_dimensions["G"].width == pytest.approx(14, abs=1)
    assert sheet["F6"].value == 1201.5
    assert sheet["F6"].number_format == "#,##0.00"
    assert sheet["B2"].number_format == "0"
    assert sheet["G19"].number_format == "yyyy-mm-dd"
    assert sheet["C13"].number_format == "@"
    assert sheet["E13"].border.left.style == "thin"


def test_font_and_page_set_up_for_printing(sheet):
    assert sheet["C13"].font.name == "宋体"
    assert sheet["C13"].font.charset == 134
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage  # one page wide (the default width)
    assert sheet.page_setup.fitToHeight == 0  # as many pages down as it takes
    assert sheet.print_title_rows == "$11:$12"
    assert sheet.oddFooter.center.text.endswith("第 &P 页 共 &N 页")


def test_drop_down_lists_for_choices(sheet):
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists["D13:D18"] == '"≥,≤,=,定性"'
    assert lists["H13:H18"] == '"是,否"'


def test_footer_fields_below_the_table(sheet):
    assert [sheet["A19"].value, sheet["B19"].value] == ["填报人：", "张三"]
    assert sheet["F19"].value == "填报日期："


def test_percentages_and_text_that_looks_like_a_formula():
    rows = [
        {"project": '=HYPERLINK("http://x")', "name": "+1", "direction": "eq", "rate": D("0.8525")}
    ]
    data = export_workbook(INDICATOR_LIST, [SheetData(name="清单", rows=rows)])
    ws = openpyxl.load_workbook(io.BytesIO(data))["清单"]
    assert ws["A3"].value == '=HYPERLINK("http://x")'
    assert ws["A3"].data_type == "s"
    assert ws["F3"].number_format == "0.00%"
    assert ws.freeze_panes == "A3"


def test_many_sheets_do_not_keep_a_file_open_each(tmp_path):
    path = tmp_path / "many.xlsx"
    with WorkbookWriter(path) as writer:
        for i in range(50):
            writer.add_data(TARGET_DECLARATION, declaration(i, indicators=2))
            assert all(ws.row_data_fh_closed for ws in writer.book.worksheets())
    assert len(openpyxl.load_workbook(path, read_only=True).sheetnames) == 50


def test_sheet_names():
    taken: set[str] = set()
    assert sheet_name("a" * 40, taken) == "a" * 31
    assert sheet_name("A" * 40, taken) == "A" * 28 + "（2）"
    assert sheet_name("'引号'", taken) == "引号"
    assert sheet_name("", taken) == "Sheet"
