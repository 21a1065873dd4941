"""Export then import gives back the same data: forms one per sheet, lists, streaming."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from jixiao.documents.excel import (
    ImportErrors,
    SheetData,
    WorkbookReader,
    WorkbookWriter,
    export_workbook,
    iter_sheets,
    read_workbook,
)
from jixiao.documents.tests.layouts import INDICATOR_LIST, TARGET_DECLARATION, declaration

D = Decimal


def test_declarations_export_and_import_to_the_same_data():
    sheets = [declaration(1), declaration(2, indicators=9), declaration(3, indicators=1)]
    data = export_workbook(TARGET_DECLARATION, sheets)

    back = read_workbook(data, TARGET_DECLARATION)

    assert [s.name for s in back] == ["项目1", "项目2", "项目3"]
    for original, imported in zip(sheets, back, strict=True):
        assert imported.fields == original.fields
        assert imported.rows == original.rows
    first = back[0]
    assert first.fields["year_total"] == D("1201.50")
    assert isinstance(first.fields["year_total"], Decimal)
    assert first.fields["filled_on"] == date(2026, 3, 15)
    assert first.fields["kind"] == "ongoing"
    assert first.rows[0]["direction"] == "gte"
    assert first.rows[0]["core"] is True
    assert first.rows[4]["target"] is None
    assert first.row_numbers == [13, 14, 15, 16, 17]
    assert first.columns["target"] == "E"


def test_merged_levels_read_back_through_fill_down():
    sheet = declaration(1, indicators=6)
    back = read_workbook(export_workbook(TARGET_DECLARATION, [sheet]), TARGET_DECLARATION)[0]
    assert [r["level1"] for r in back.rows] == ["产出指标"] * 3 + ["效益指标"] * 3
    assert [r["level2"] for r in back.rows] == ["数量指标"] * 3 + ["社会效益指标"] * 3


def test_sheet_names_are_made_valid_and_unique():
    sheets = [declaration(1), declaration(2), declaration(3)]
    sheets[0].name = "县交通局/农村公路[2026]:养护*项目?一期"
    sheets[1].name = sheets[0].name
    sheets[2].name = "History"
    back = read_workbook(export_workbook(TARGET_DECLARATION, sheets), TARGET_DECLARATION)
    names = [s.name for s in back]
    assert names[0] == "县交通局_农村公路_2026__养护_项目_一期"
    assert names[1] == names[0] + "（2）"
    assert names[2] == "History_"
    assert all(len(n) <= 31 for n in names)
    assert [s.fields["name"] for s in back] == [s.fields["name"] for s in sheets]


def test_a_list_of_many_records_in_one_sheet():
    rows = [
        {
            "project": f"P{i:04d}",
            "name": f"指标{i}",
            "direction": ("gte", "lte", "eq", "qualitative")[i % 4],
            "target": D(i) / 8 if i % 4 != 3 else None,
            "weight": D("2.50"),
            "rate": D("0.8525"),
            "due": date(2026, 1 + i % 12, 1 + i % 28),
        }
        for i in range(300)
    ]
    data = export_workbook(INDICATOR_LIST, [SheetData(name="指标清单", rows=rows)])

    back = read_workbook(data, INDICATOR_LIST)

    assert len(back) == 1
    assert back[0].rows == rows
    assert back[0].row_numbers[0] == 3


def test_streaming_import_yields_rows_one_by_one_and_footer_at_the_end():
    data = export_workbook(TARGET_DECLARATION, [declaration(1), declaration(2)])
    errors = ImportErrors()
    seen = []
    with WorkbookReader(data) as reader:
        for sheet in iter_sheets(reader, TARGET_DECLARATION, errors):
            assert sheet.fields["name"].startswith("2026年农村公路养护项目")
            assert "filled_by" not in sheet.fields  # the footer comes after the rows
            seen += [row.number for row in sheet.rows]
            assert sheet.fields["filled_by"] == "张三"
    assert not errors
    assert seen == [13, 14, 15, 16, 17] * 2


def test_writer_to_a_file_and_a_template_with_blank_rows(tmp_path):
    path = tmp_path / "模板.xlsx"
    with WorkbookWriter(path) as writer:
        writer.add_sheet(TARGET_DECLARATION, name="填报模板", blank_rows=20)
    errors = ImportErrors()
    sheets = read_workbook(path, TARGET_DECLARATION, errors=errors)
    # An empty template reads as a form with nothing filled in: the required fields say so.
    assert sheets[0].rows == []
    assert "工作表“填报模板”第3行B列（项目名称）：不能为空" in errors.messages()
    assert "工作表“填报模板”第12行：至少应填写1行数据" in errors.messages()


def test_reading_from_a_file_object():
    data = export_workbook(TARGET_DECLARATION, [declaration(7)])
    back = read_workbook(io.BytesIO(data), TARGET_DECLARATION)
    assert back[0].fields["year_other"] == D("207.25")
