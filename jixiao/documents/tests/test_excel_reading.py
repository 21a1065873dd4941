"""The reader: normalised values, row numbers and columns, both engines, big sheets."""

from __future__ import annotations

import tracemalloc
from datetime import date
from decimal import Decimal

import pytest
import xlsxwriter

from jixiao.documents.excel import (
    Date,
    ImportErrors,
    ImportRefused,
    WorkbookReader,
    column_letter,
    iter_sheets,
    normalise,
    read_rows,
)
from jixiao.documents.tests.helpers import fast_xlsx
from jixiao.documents.tests.layouts import INDICATOR_LIST

D = Decimal


def test_normalise():
    assert normalise(0.1 + 0.2) == D("0.30000000000000004")
    assert str(normalise(12.35)) == "12.35"
    assert str(normalise(3.0)) == "3"
    assert str(normalise(7)) == "7"
    assert normalise("  项目\u3000") == "项目"
    assert normalise(" \u3000 ") is None
    assert normalise("") is None
    assert normalise(True) is True
    assert normalise(date(2026, 1, 2)) == date(2026, 1, 2)
    assert normalise(float("inf")) == "inf"


def _sample(path):
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet("数据")
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    ws.write(4, 2, "起点")  # C5
    ws.write_row(5, 3, [1.5, 3, "  x\u3000", True])  # D6:G6
    ws.write_datetime(5, 7, date(2026, 1, 2), day)  # H6
    ws.write(7, 2, "  ")  # C8: blank text, so row 8 is empty
    ws.write(9, 27, 0)  # AB10: a zero is a value
    book.add_worksheet("隐藏").hide()
    book.close()


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_rows_carry_their_numbers_and_start_at_column_a(tmp_path, engine):
    path = tmp_path / "sample.xlsx"
    _sample(path)
    with WorkbookReader(path, engine=engine) as reader:
        assert reader.sheet_names == ["数据"]
        rows = list(reader.rows("数据"))
    assert [r.number for r in rows] == [5, 6, 10]
    assert rows[0].values[2] == "起点"
    assert rows[1].values[3:8] == [D("1.5"), D("3"), "x", True, rows[1].values[7]]
    # calamine gives a date, openpyxl a datetime at midnight: the Date type takes both.
    assert Date().parse(rows[1].values[7]) == date(2026, 1, 2)
    assert column_letter(len(rows[2].values) - 1) == "AB"
    assert rows[2].values[27] == D(0)


def test_a_huge_extent_goes_to_the_streaming_reader(tmp_path):
    """One stray cell far away would make calamine allocate the whole grid (2.5 GB for
    GS400001); the reader sees the extent in the sheet's <dimension> and streams instead."""
    path = tmp_path / "stray.xlsx"
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet("s")
    ws.write(0, 0, "a")
    ws.write(199_999, 99, "z")
    book.close()
    with WorkbookReader(path) as reader:
        assert reader.sheet_cells("s") == 200_000 * 100
        rows = list(reader.rows("s"))
    assert [(r.number, r.values[0], r.values[-1]) for r in rows] == [
        (1, "a", None),
        (200_000, None, "z"),
    ]

    with (
        pytest.raises(ImportRefused) as refused,
        WorkbookReader(path, max_cells=1_000_000) as reader,
    ):
        list(reader.rows("s"))
    assert refused.value.messages() == [
        "工作表“s”：工作表过大（20000000个单元格，上限1000000个）：请拆分后再导入"
    ]


def test_both_engines_read_the_same(tmp_path):
    path = tmp_path / "list.xlsx"
    rows = [["项目代码", "三级指标", "指标性质", "指标值", "分值"]]
    rows += [[f"P{i}", f"指标{i}", "≥", i * 0.25, 5] for i in range(500)]
    fast_xlsx(path, "清单", rows, width=5)
    with (
        WorkbookReader(path, engine="calamine") as fast,
        WorkbookReader(path, calamine_max_cells=10) as slow,
    ):
        assert list(fast.rows("清单")) == list(slow.rows("清单"))


def test_a_big_sheet_streams_in_flat_python_memory(tmp_path):
    """50 000 rows: Python memory stays a small fraction of the file (rows are yielded one by
    one; calamine's native grid of one sheet is bounded by ``calamine_max_cells`` and measured
    with RSS in bench/excel_read.py, since tracemalloc sees Python allocations only)."""
    path = tmp_path / "big.xlsx"
    rows = [["项目代码", "三级指标", "指标性质", "指标值", "分值"]]
    rows += [[f"P{i // 20:05d}", f"指标{i}", "≥", i * 0.5, 5] for i in range(50_000)]
    fast_xlsx(path, "清单", rows, width=5)
    size = path.stat().st_size
    del rows

    errors = ImportErrors()
    tracemalloc.start()
    try:
        count = 0
        with WorkbookReader(path) as reader:
            for sheet in iter_sheets(reader, INDICATOR_LIST, errors):
                for _row in sheet.rows:
                    count += 1
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert not errors
    assert count == 50_000
    assert peak < size / 2, f"Python peak {peak} bytes for a file of {size} bytes"


def test_read_rows_shortcut(tmp_path):
    path = tmp_path / "one.xlsx"
    fast_xlsx(path, "表", [["a", 1], ["b", 2.5]], width=2)
    assert [r.values for r in read_rows(path)] == [["a", D(1)], ["b", D("2.5")]]
