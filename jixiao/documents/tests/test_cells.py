"""Value types: what people type by hand is understood; what does not fit says why."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from jixiao.documents.excel import Bool, Choice, Date, Integer, Invalid, Number, Text
from jixiao.documents.excel.cells import column_index, column_letter, parse_cell, squash

D = Decimal


def _error(kind, value) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(Invalid) as caught:
        kind.parse(value)
    return caught.value.message


def test_addresses():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]
    assert all(column_index(column_letter(i)) == i for i in range(2000))
    assert parse_cell("B3") == (3, 1)
    with pytest.raises(ValueError):
        parse_cell("3B")


def test_squash_makes_titles_comparable():
    assert squash(" 指标值\u3000") == squash("指标值") == "指标值"
    assert squash("单位（盖章）") == "单位(盖章)"
    assert squash("*项目 名称") == "项目名称"


def test_numbers():
    money = Number(max_digits=14, places=2, min=0, style="money")
    assert money.parse(D("12.5")) == D("12.50")
    assert str(money.parse(D("12.5"))) == "12.50"
    assert money.parse("１，２３４.５") == D("1234.50")
    assert money.parse(D("0.30000000000000004")) == D("0.30")  # a formula's float tail
    assert _error(money, D("1.005")) == "最多保留2位小数，实际为“1.005”"
    assert _error(money, D("-1")) == "不能小于0"
    assert _error(money, D("1e12")) == "整数部分不能超过12位"
    assert _error(money, "十二") == "应为数字，实际为“十二”"
    assert _error(money, "12%") == "应为数字，实际为“12%”"
    assert _error(money, True) == "应为数字，实际为“True”"
    assert _error(money, "NaN") == "应为数字，实际为“NaN”"
    percent = Number(places=4, style="percent")
    assert percent.parse("85.25%") == D("0.8525")
    assert percent.num_format == "0.00%"
    assert percent.display(D("0.8525")) == "85.25%"
    assert money.display(D("1234.5")) == "1,234.50"
    loose = Number(places=4, fixed=False)
    assert str(loose.parse(D("12.5"))) == "12.5"
    assert loose.display(D("12.50")) == "12.5"
    assert loose.num_format == "General"
    with pytest.raises(ValueError):
        Number(max_digits=20)


def test_integers_dates_booleans_choices_text():
    assert Integer().parse(D("2026")) == 2026
    assert Integer().parse("２０２６") == 2026
    assert _error(Integer(), D("1.5")) == "应为整数，实际为“1.5”"
    assert _error(Integer(max=10), D(11)) == "不能大于10"
    day = Date()
    assert day.parse(datetime(2026, 11, 27, 0, 0)) == date(2026, 11, 27)  # noqa: DTZ001 (as Excel gives it)
    for text in (
        "2026-11-27",
        "2026/11/27",
        "2026.11.27",
        "2026年11月27日",
        "20261127",
        "２０２６-１１-２７",
    ):
        assert day.parse(text) == date(2026, 11, 27)
    assert _error(day, "2026-02-30") == "应为日期（如 2026-11-27），实际为“2026-02-30”"
    assert _error(day, D(46000)) == "应为日期（如 2026-11-27），实际为“46000”"
    assert _error(Date(min=date(2026, 1, 1)), "2025-12-31") == "不能小于2026-01-01"
    assert [Bool().parse(v) for v in ("是", "否", True, "√", " 否 ", D(1))] == [
        True,
        False,
        True,
        True,
        False,
        True,
    ]
    assert _error(Bool(), "可能") == "应为“是”或“否”，实际为“可能”"
    level = Choice({"达成": "met", "部分达成": "partly", "未达成": "not_met", "已达成": "met"})
    assert level.parse(" 部分 达成 ") == "partly"
    assert level.parse("已达成") == "met"
    assert level.to_cell("met") == "达成"
    assert level.list_values() == ["达成", "部分达成", "未达成"]
    assert _error(level, "好") == "应为“达成”、“部分达成”、“未达成”之一，实际为“好”"
    assert Text().parse(D("2026")) == "2026"
    assert Text().parse(D("0.5")) == "0.5"
    assert Text().parse(date(2026, 1, 2)) == "2026-01-02"
    assert _error(Text(max_length=3), "四个字啊") == "不能超过3个字（实际4个字）"
