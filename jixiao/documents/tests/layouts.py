"""Layouts and data for the tests: the target declaration form (项目支出绩效目标申报表,
财预〔2015〕88号) as the budget domain would declare it, and a plain list layout."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from jixiao.documents.excel import (
    Bool,
    Choice,
    Column,
    Date,
    Field,
    FooterField,
    Integer,
    Label,
    Layout,
    Number,
    SheetData,
    Table,
    Text,
)

D = Decimal
TARGET = Number(max_digits=15, places=4, min=0, fixed=False)
MONEY = Number(max_digits=14, places=2, min=0, style="money")
DIRECTIONS = Choice({"≥": "gte", "≤": "lte", "=": "eq", "定性": "qualitative", ">=": "gte"})
BASES = Choice(
    {
        "计划标准": "plan",
        "行业标准": "sector",
        "历史标准": "history",
        "预算支出标准": "budget",
        "其他标准": "other",
    }
)


def target_needs_value(row: dict[str, Any]) -> Iterable[tuple[str | None, str]]:
    if row["direction"] != "qualitative" and row["target"] is None:
        yield "target", "指标性质为“≥”“≤”“=”时须填写指标值"


TARGET_DECLARATION = Layout(
    title="项目支出绩效目标申报表",
    fields=(
        Field("year", "填报年度", "B2", Integer(min=2000, max=2100), required=True),
        Field("name", "项目名称", "B3", Text(max_length=100), required=True, merge_to="H3"),
        Field("department", "主管部门及代码", "B4", required=True, merge_to="D4"),
        Field("unit", "实施单位", "F4", required=True, merge_to="H4"),
        Field(
            "kind",
            "项目属性",
            "B5",
            Choice({"新增项目": "new", "延续项目": "ongoing"}),
            merge_to="D5",
        ),
        Field("term", "项目期", "F5", merge_to="H5"),
        Field("mid_total", "中期资金总额", "C6", MONEY, merge_to="D6"),
        Field("year_total", "年度资金总额", "F6", MONEY, required=True, merge_to="H6"),
        Field("mid_fiscal", "其中：财政拨款", "C7", MONEY, merge_to="D7"),
        Field("year_fiscal", "其中：财政拨款", "F7", MONEY, merge_to="H7"),
        Field("mid_other", "其他资金", "C8", MONEY, merge_to="D8"),
        Field("year_other", "其他资金", "F8", MONEY, merge_to="H8"),
        Field(
            "mid_goal", "中期目标", "B10", Text(max_length=2000), merge_to="D10", show_label=False
        ),
        Field(
            "year_goal",
            "年度目标",
            "E10",
            Text(max_length=2000),
            required=True,
            merge_to="H10",
            show_label=False,
        ),
    ),
    labels=(
        Label("G2", "金额单位：万元", merge_to="H2"),
        Label("A6", "项目资金（万元）", merge_to="A8"),
        Label("A9", "总体目标", merge_to="A10"),
        Label("B9", "中期目标", merge_to="D9"),
        Label("E9", "年度目标", merge_to="H9"),
    ),
    table=Table(
        header_row=12,
        columns=(
            Column(
                "level1",
                "一级指标",
                required=True,
                group="绩效指标",
                fill_down=True,
                merge_repeats=True,
                width=12,
            ),
            Column(
                "level2",
                "二级指标",
                required=True,
                group="绩效指标",
                fill_down=True,
                merge_repeats=True,
                width=12,
            ),
            Column("name", "三级指标", required=True, group="绩效指标", width=28),
            Column("direction", "指标性质", DIRECTIONS, required=True),
            Column("target", "指标值", TARGET, aliases=("年度指标值",)),
            Column("unit", "度量单位", Text(max_length=20), width=10),
            Column("basis", "指标值确定依据", BASES, optional=True, width=14),
            Column("core", "是否核心指标", Bool(), optional=True, width=10),
        ),
        min_rows=1,
        row_checks=(target_needs_value,),
    ),
    footer=(
        FooterField("filled_by", "填报人", column="A"),
        FooterField("phone", "联系电话", column="C"),
        FooterField("filled_on", "填报日期", Date(), column="F", span=2),
    ),
    row_heights={10: 80},
)


def declaration(number: int, *, indicators: int = 5) -> SheetData:
    """A filled-in declaration with Decimals, dates, choices and a qualitative indicator."""
    rows = []
    for i in range(indicators):
        level1, level2 = ("产出指标", "数量指标") if i < 3 else ("效益指标", "社会效益指标")
        qualitative = i == indicators - 1
        rows.append(
            {
                "level1": level1,
                "level2": level2,
                "name": f"项目{number}指标{i + 1}",
                "direction": "qualitative" if qualitative else ("gte", "lte", "eq")[i % 3],
                "target": None if qualitative else D("1234.5") + i + D(number) / 100,
                "unit": None if qualitative else "个",
                "basis": ("plan", "sector", "history")[i % 3],
                "core": i % 2 == 0,
            }
        )
    return SheetData(
        name=f"项目{number}",
        fields={
            "year": 2026,
            "name": f"2026年农村公路养护项目{number}",
            "department": "县交通运输局（301001）",
            "unit": "县公路养护中心",
            "kind": "ongoing",
            "term": "2026-2028",
            "mid_total": D("3600.00"),
            "year_total": D("1200.50") + number,
            "mid_fiscal": D("3000.00"),
            "year_fiscal": D("1000.25"),
            "mid_other": D("600.00"),
            "year_other": D("200.25") + number,
            "mid_goal": "三年内完成全县农村公路养护，优良中等路率保持在85%以上。",
            "year_goal": "完成农村公路日常养护1200公里，\n群众满意度达到90%以上。",
            "filled_by": "张三",
            "phone": "0371-12345678",
            "filled_on": date(2026, 3, 15),
        },
        rows=rows,
    )


INDICATOR_LIST = Layout(
    title="指标清单",
    table=Table(
        header_row=2,
        columns=(
            Column("project", "项目代码", required=True),
            Column("name", "三级指标", required=True),
            Column("direction", "指标性质", DIRECTIONS, required=True),
            Column("target", "指标值", Number(max_digits=15, places=4)),
            Column("weight", "分值", Number(max_digits=5, places=2, min=0, max=100)),
            Column("rate", "完成率", Number(places=4, style="percent"), optional=True),
            Column("due", "完成时限", Date(), optional=True),
        ),
    ),
)
