"""The table's title row is found by its titles, whatever people did to it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.documents.excel import (
    Column,
    ImportRefused,
    Layout,
    Number,
    SheetData,
    Table,
    export_workbook,
    read_workbook,
)
from jixiao.documents.tests.helpers import edit, workbook
from jixiao.documents.tests.layouts import INDICATOR_LIST, TARGET_DECLARATION, declaration

D = Decimal


def test_reordered_columns_spaces_full_width_and_extra_columns():
    data = workbook(
        {
            "清单": [
                ["2026年指标清单（县财政局）"],
                [],
                ["序号", "分值", "指标值\u3000", " 三 级 指 标", "指标性质", "项目代码", "备注"],
                [1, 5, 12.5, "新建道路", "≥", "P1", "多余的列"],
                [2, "5.00", "１２０", "群众满意度", " ＝ ", "P2", None],
            ]
        }
    )
    sheet = read_workbook(data, INDICATOR_LIST)[0]
    assert sheet.columns == {
        "project": "F",
        "name": "D",
        "direction": "E",
        "target": "C",
        "weight": "B",
    }
    assert sheet.rows == [
        {
            "project": "P1",
            "name": "新建道路",
            "direction": "gte",
            "target": D("12.5"),
            "weight": D("5.00"),
            "rate": None,
            "due": None,
        },
        {
            "project": "P2",
            "name": "群众满意度",
            "direction": "eq",
            "target": D("120"),
            "weight": D("5.00"),
            "rate": None,
            "due": None,
        },
    ]
    assert sheet.row_numbers == [4, 5]


def test_trailing_full_width_space_in_an_exported_form_and_an_alias():
    data = export_workbook(TARGET_DECLARATION, [declaration(1)])
    # 指标值 is merged over the two title rows: its text sits in the upper one.
    changed = edit(data, "项目1", {"E11": "年度指标值\u3000", "C12": "三级指标 "})
    assert read_workbook(changed, TARGET_DECLARATION)[0].rows == declaration(1).rows


def test_rows_inserted_above_the_table_are_tolerated():
    data = export_workbook(INDICATOR_LIST, [SheetData(name="清单", rows=[_item(1)])])
    moved = edit(data, "清单", {"A1": "说明：本表由项目单位填写"}, insert_rows=3)
    sheet = read_workbook(moved, INDICATOR_LIST)[0]
    assert sheet.rows == [_item(1)]
    assert sheet.row_numbers == [6]


def test_optional_columns_may_be_missing():
    data = workbook(
        {"清单": [["项目代码", "三级指标", "指标性质", "指标值", "分值"], ["P1", "x", "定性"]]}
    )
    assert read_workbook(data, INDICATOR_LIST)[0].rows[0]["rate"] is None


def test_the_same_title_twice_is_told_apart_by_its_group():
    layout = Layout(
        title="中期与年度指标",
        table=Table(
            header_row=3,
            columns=(
                Column("mid_name", "三级指标", group="中期指标"),
                Column("mid_value", "指标值", Number(), group="中期指标"),
                Column("year_name", "三级指标", group="年度指标"),
                Column("year_value", "指标值", Number(), group="年度指标"),
            ),
        ),
    )
    rows = [
        {"mid_name": "三年修路", "mid_value": D(300), "year_name": "本年修路", "year_value": D(100)}
    ]
    exported = export_workbook(layout, [SheetData(name="指标", rows=rows)])
    assert read_workbook(exported, layout)[0].rows == rows

    swapped = workbook(
        {
            "指标": [
                ["中期与年度指标"],
                ["年度指标", None, "中期指标"],
                ["三级指标", "指标值", "三级指标", "指标值"],
                ["本年修路", 100, "三年修路", 300],
            ]
        }
    )
    sheet = read_workbook(swapped, layout)[0]
    assert sheet.rows == rows
    assert sheet.columns == {"mid_name": "C", "mid_value": "D", "year_name": "A", "year_value": "B"}


def test_a_title_more_often_than_the_layout_has_it_is_an_error():
    data = workbook(
        {
            "清单": [
                ["项目代码", "三级指标", "指标性质", "指标值", "分值", "指标值"],
                ["P1", "x", "定性"],
            ]
        }
    )
    with pytest.raises(ImportRefused) as refused:
        read_workbook(data, INDICATOR_LIST)
    assert refused.value.messages() == ["工作表“清单”第1行：表头“指标值”出现了两次（D列和F列）"]


def _item(i: int) -> dict[str, object]:
    return {
        "project": f"P{i}",
        "name": f"指标{i}",
        "direction": "gte",
        "target": D(i),
        "weight": D("10.00"),
        "rate": None,
        "due": None,
    }
