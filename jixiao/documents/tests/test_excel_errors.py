"""An import checks everything, lists every error with sheet, row, column and a Chinese
message, and gives no data when anything is wrong."""

from __future__ import annotations

import pytest

from jixiao.documents.excel import (
    CellError,
    ImportErrors,
    ImportRefused,
    SheetData,
    export_workbook,
    read_workbook,
)
from jixiao.documents.excel import errors as msg
from jixiao.documents.tests.helpers import edit, workbook
from jixiao.documents.tests.layouts import INDICATOR_LIST, TARGET_DECLARATION, declaration


@pytest.fixture(scope="module")
def exported() -> bytes:
    return export_workbook(TARGET_DECLARATION, [declaration(1), declaration(2)])


def test_three_errors_are_all_reported_and_no_data_is_returned(exported):
    broken = edit(exported, "项目2", {"C14": None, "E15": "十二", "D16": "大于"})

    with pytest.raises(ImportRefused) as refused:
        read_workbook(broken, TARGET_DECLARATION)

    assert refused.value.message == "导入未完成：发现3处错误，未写入任何数据。"
    assert refused.value.messages() == [
        "工作表“项目2”第14行C列（三级指标）：不能为空",
        "工作表“项目2”第15行E列（指标值）：应为数字，实际为“十二”",
        "工作表“项目2”第16行D列（指标性质）：应为“≥”、“≤”、“=”、“定性”之一，实际为“大于”",
    ]
    first = refused.value.errors.errors[0]
    assert first == CellError("项目2", 14, "C", "三级指标", msg.REQUIRED)
    assert first.as_dict()["text"] == refused.value.messages()[0]


def test_errors_in_header_fields_footer_and_row_checks(exported):
    broken = edit(
        exported,
        "项目1",
        {"F6": "一千", "B2": 1999, "E13": None, "G18": "2026年13月1日", "B3": "x" * 101},
    )
    errors = ImportErrors()
    read_workbook(broken, TARGET_DECLARATION, errors=errors)
    assert errors.messages() == [
        "工作表“项目1”第2行B列（填报年度）：不能小于2000",
        "工作表“项目1”第3行B列（项目名称）：不能超过100个字（实际101个字）",
        "工作表“项目1”第6行F列（年度资金总额）：应为数字，实际为“一千”",
        "工作表“项目1”第13行E列（指标值）：指标性质为“≥”“≤”“=”时须填写指标值",
        "工作表“项目1”第18行G列（填报日期）：应为日期（如 2026-11-27），实际为“2026年13月1日”",
    ]


def test_a_shifted_header_block_is_refused_not_misread(exported):
    shifted = edit(exported, "项目1", {}, insert_rows=1)
    with pytest.raises(ImportRefused) as refused:
        read_workbook(shifted, TARGET_DECLARATION)
    first = refused.value.messages()[0]
    assert first.startswith("工作表“项目1”第2行A列：应为“填报年度”，实际为“项目支出绩效目标申报表”")
    assert "请使用本系统导出的模板" in first


def test_a_missing_column_is_named():
    data = workbook({"清单": [["指标清单"], ["项目代码", "三级指标", "分值"], ["P1", "x", 5]]})
    with pytest.raises(ImportRefused) as refused:
        read_workbook(data, INDICATOR_LIST)
    assert refused.value.messages() == [
        "工作表“清单”第2行：表头缺少“指标性质”列",
        "工作表“清单”第2行：表头缺少“指标值”列",
    ]


def test_a_sheet_without_the_table_says_what_it_looked_for():
    data = workbook({"说明": [["请在下一个工作表填写"]]})
    with pytest.raises(ImportRefused) as refused:
        read_workbook(data, INDICATOR_LIST)
    assert refused.value.messages() == [
        "工作表“说明”：未找到表头行（应包含：项目代码、三级指标、指标性质、指标值、分值）："
        "请使用本系统导出的模板"
    ]


def test_the_list_is_capped_and_counts_the_rest():
    rows = [{"project": f"P{i}", "name": "x", "direction": "gte", "target": 1} for i in range(30)]
    data = export_workbook(INDICATOR_LIST, [SheetData(name="清单", rows=rows)])
    broken = edit(data, "清单", {f"D{r}": "多" for r in range(3, 33)})
    errors = ImportErrors(limit=10)
    assert read_workbook(broken, INDICATOR_LIST, errors=errors)[0].rows == []
    assert errors.total == 30
    assert len(errors.errors) == 10
    assert errors.messages()[-1] == "……另有20处错误未列出"


def test_a_file_that_is_not_a_workbook():
    with pytest.raises(ImportRefused) as refused:
        read_workbook(b"PK\x03\x04 not really a zip", INDICATOR_LIST)
    assert refused.value.messages() == ["文件：" + msg.FILE_UNREADABLE]


def test_domain_checks_join_the_same_list(exported):
    errors = ImportErrors()
    sheets = read_workbook(exported, TARGET_DECLARATION, errors=errors)
    for sheet in sheets:
        for index, row in enumerate(sheet.rows):
            if row["name"].endswith("指标2"):
                sheet.error(errors, "指标库中没有该指标", row=index, key="name")
        sheet.error(errors, "项目不在本单位的项目库中", key="name")
    assert errors.messages()[:2] == [
        "工作表“项目1”第14行C列（三级指标）：指标库中没有该指标",
        "工作表“项目1”第3行B列（项目名称）：项目不在本单位的项目库中",
    ]
    with pytest.raises(ImportRefused):
        errors.raise_if_any()
