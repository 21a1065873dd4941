"""The monitoring form in Excel: its layout, export → import round trip, all-or-nothing import
with located Chinese errors, and the page that takes the upload."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from jixiao.budget.monitoring import excel
from jixiao.budget.monitoring import services as monitoring
from jixiao.budget.monitoring.models import FormState, MonitoringForm
from jixiao.budget.monitoring.tests.factories import (
    YEAR,
    approved_project,
    form_of,
    indicator_ids,
    open_round,
)
from jixiao.documents.excel import ImportRefused
from jixiao.orgs.errors import PermissionDeniedError

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def world(personas):  # type: ignore[no-untyped-def]
    a1 = approved_project(personas.unit_a, "A-1", D(1200), qualitative=True)
    a2 = approved_project(personas.unit_a, "A-2", D(300))
    b1 = approved_project(personas.unit_b, "B-1", D(600))
    monitoring.spending_record(
        actor=None, fiscal_year=YEAR, items=[("A-1", date(YEAR, 5, 1), D(320))]
    )
    round = open_round(personas.bureau)
    form = form_of(round, a1)
    ids = indicator_ids(form)
    monitoring.form_save(
        actor=None,
        form=form,
        expected_execution=D(1100),
        goal_progress="已完成年度目标的一半。",
        progress={
            ids["新建改造供水工程"]: {
                "actual": D(0),
                "expected": D(6),
                "likelihood": "possible",
                "reasons": ["funding", "other"],
                "measures": "资金未到位，已协调财政。",
            },
            ids["农村自来水普及率"]: {"actual": D("90.5"), "likelihood": "certain"},
            ids["群众饮水安全状况"]: {"level": "partly", "likelihood": "certain"},
        },
    )
    return round, a1, a2, b1


def _forms(round, codes):  # type: ignore[no-untyped-def]
    return MonitoringForm.objects.filter(round=round, project__code__in=codes)


def _state(form: MonitoringForm) -> dict[str, object]:
    form.refresh_from_db()
    return {
        "form": (form.executed, form.expected_execution, form.goal_progress),
        "rows": [
            (r.indicator_name, r.actual, r.expected, r.level, r.likelihood, r.reasons, r.measures)
            for r in form.progress.order_by("id")
        ],
    }


def test_export_has_the_official_layout(world):  # type: ignore[no-untyped-def]
    round, _a1, *_ = world
    content = excel.export_forms(round, _forms(round, ["A-1", "A-2"]))
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["A-1", "A-2"]
    sheet = book["A-1"]
    assert sheet["A1"].value == "项目支出绩效目标执行监控表"
    assert sheet["I3"].value == "A-1"
    assert (sheet["B5"].value, sheet["D5"].value, sheet["G5"].value, sheet["I5"].value) == (
        "年初预算数",
        "1-7月执行数",
        "执行率",
        "全年预计执行数",
    )
    assert (sheet["B6"].value, sheet["D6"].value, sheet["I6"].value) == (1200, 320, 1100)
    assert sheet["H8"].value == "已完成年度目标的一半。"
    # ungrouped columns have their title merged over the group row and the title row
    titles = [
        sheet.cell(row=10, column=c).value or sheet.cell(row=9, column=c).value
        for c in range(1, 14)
    ]
    assert titles[:6] == [
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "1-7月实际完成值",
        "全年预计完成值",
    ]
    assert titles[6:11] == ["经费保障", "制度保障", "人员保障", "硬件条件保障", "其他"]
    assert titles[11:] == ["完成目标可能性", "原因说明及纠偏措施"]
    assert sheet["G9"].value == "偏差原因"
    rows = {sheet.cell(row=r, column=3).value: r for r in range(11, sheet.max_row + 1)}
    water = rows["新建改造供水工程"]
    marks = [sheet.cell(row=water, column=c).value for c in range(7, 12)]
    assert marks == ["✓", None, None, None, "✓"]
    assert sheet.cell(row=water, column=12).value == "有可能"
    assert sheet.cell(row=rows["群众饮水安全状况"], column=5).value == "部分达成"


def test_export_then_import_round_trips(personas, world):  # type: ignore[no-untyped-def]
    round, a1, _a2, _b1 = world
    before = {f.pk: _state(f) for f in _forms(round, ["A-1", "A-2"])}
    content = excel.export_forms(round, _forms(round, ["A-1", "A-2"]))
    result = excel.import_workbook(actor=personas.unit_a_operator, round=round, file=content)
    assert result.forms == 2 and result.indicators == 0  # nothing changed
    assert {f.pk: _state(f) for f in _forms(round, ["A-1", "A-2"])} == before
    # executed stays None (following the spending records) after the round trip
    assert form_of(round, a1).executed is None


def test_import_writes_what_the_sheet_changes(personas, world):  # type: ignore[no-untyped-def]
    round, _a1, a2, _b1 = world
    content = excel.export_forms(round, _forms(round, ["A-2"]))
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book["A-2"]
    rows = {sheet.cell(row=r, column=3).value: r for r in range(11, sheet.max_row + 1)}
    water = rows["新建改造供水工程"]
    sheet.cell(row=water, column=5, value=2)
    sheet.cell(row=water, column=6, value=7)
    sheet.cell(row=water, column=9, value="√")
    sheet.cell(row=water, column=12, value="有可能")
    sheet.cell(row=water, column=13, value="人员不足，已招聘。")
    sheet["D6"] = 150
    buffer = io.BytesIO()
    book.save(buffer)
    result = excel.import_workbook(
        actor=personas.unit_a_operator, round=round, file=buffer.getvalue()
    )
    assert result.forms == 1 and result.indicators == 1
    form = form_of(round, a2)
    row = form.progress.get(indicator_name="新建改造供水工程")
    assert (row.actual, row.expected, row.reasons, row.likelihood) == (
        D(2),
        D(7),
        ["staffing"],
        "possible",
    )
    assert form.executed == D(150)


def test_three_errors_are_all_listed_and_nothing_is_written(personas, world):  # type: ignore[no-untyped-def]
    round, _a1, _a2, _b1 = world
    content = excel.export_forms(round, _forms(round, ["A-1", "A-2"]))
    book = openpyxl.load_workbook(io.BytesIO(content))
    good = book["A-2"]
    rows = {good.cell(row=r, column=3).value: r for r in range(11, good.max_row + 1)}
    good.cell(row=rows["农村自来水普及率"], column=5, value=95)  # a valid change
    bad = book["A-1"]
    rows = {bad.cell(row=r, column=3).value: r for r in range(11, bad.max_row + 1)}
    bad.cell(row=rows["农村自来水普及率"], column=5, value="九十")  # 1: not a number
    bad.cell(row=rows["新建改造供水工程"], column=12, value="大概能")  # 2: unknown likelihood
    bad.cell(row=rows["群众饮水安全状况"], column=5, value="很好")  # 3: not a level
    buffer = io.BytesIO()
    book.save(buffer)
    before = {f.pk: _state(f) for f in _forms(round, ["A-1", "A-2"])}
    with pytest.raises(ImportRefused) as refused:
        excel.import_workbook(actor=personas.unit_a_operator, round=round, file=buffer.getvalue())
    errors = refused.value.errors.errors
    assert len(errors) == 3
    assert all(e.sheet == "A-1" and e.row and e.column for e in errors)
    texts = [e.text for e in errors]
    water = rows["新建改造供水工程"]
    assert any(f"第{water}行L列（完成目标可能性）" in t and "“大概能”" in t for t in texts)
    assert any("“农村自来水普及率”是定量指标，应填写数字，实际为“九十”" in t for t in texts)
    assert any("“群众饮水安全状况”是定性指标" in t and "E列" in t for t in texts)
    assert {f.pk: _state(f) for f in _forms(round, ["A-1", "A-2"])} == before


def test_service_refusals_roll_back_every_form(personas, world):  # type: ignore[no-untyped-def]
    """A red indicator without reasons is refused by the service: the form saved before it in
    the same workbook is rolled back too, and the problem is located at its row."""
    round, a1, _a2, _b1 = world
    content = excel.export_forms(round, _forms(round, ["A-1", "A-2"]))
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book["A-2"]
    rows = {sheet.cell(row=r, column=3).value: r for r in range(11, sheet.max_row + 1)}
    sheet.cell(row=rows["新建改造供水工程"], column=5, value=0)  # red, no reasons
    first = book["A-1"]
    first["H8"] = "改过的完成情况"
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ImportRefused) as refused:
        excel.import_workbook(actor=personas.unit_a_operator, round=round, file=buffer.getvalue())
    (error,) = refused.value.errors.errors
    assert error.sheet == "A-2" and error.row == rows["新建改造供水工程"]
    assert "红色预警" in error.message
    assert form_of(round, a1).goal_progress == "已完成年度目标的一半。"


def test_unknown_foreign_and_submitted_forms_are_refused(personas, world):  # type: ignore[no-untyped-def]
    round, _a1, _a2, b1 = world
    form = form_of(round, b1)
    content = excel.export_forms(round, _forms(round, ["B-1"]))
    with pytest.raises(ImportRefused) as refused:  # unit A may not fill unit B's form
        excel.import_workbook(actor=personas.unit_a_operator, round=round, file=content)
    assert "在“" in refused.value.errors.errors[0].message
    assert refused.value.errors.errors[0].column == "I"
    monitoring.form_save(
        actor=None,
        form=form,
        progress={
            r.indicator_id: {"actual": r.target_value or 0, "likelihood": "certain"}
            for r in form.progress.all()
        },
    )
    monitoring.form_submit(actor=None, form=form)
    with pytest.raises(ImportRefused) as refused:
        excel.import_workbook(actor=personas.unit_b_operator, round=round, file=content)
    assert "已报送" in refused.value.errors.errors[0].message
    with pytest.raises(PermissionDeniedError):
        excel.import_workbook(actor=personas.department_reviewer, round=round, file=content)


def test_not_a_workbook_is_refused(personas, world):  # type: ignore[no-untyped-def]
    round, *_ = world
    with pytest.raises(ImportRefused) as refused:
        excel.import_workbook(actor=personas.unit_a_operator, round=round, file=b"not excel")
    assert "无法读取文件" in refused.value.errors.errors[0].message


def test_pages_export_and_import(personas, world):  # type: ignore[no-untyped-def]
    round, a1, *_ = world
    unit = Client()
    unit.force_login(personas.unit_a_operator)
    response = unit.get(reverse("budget:monitoring_export", args=[round.pk]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["A-1", "A-2"]  # the unit's forms only
    single = unit.get(reverse("budget:monitoring_form_export", args=[form_of(round, a1).pk]))
    assert openpyxl.load_workbook(io.BytesIO(single.content)).sheetnames == ["A-1"]
    sheet = book["A-1"]
    sheet["H8"] = "导入的完成情况"
    rows = {sheet.cell(row=r, column=3).value: r for r in range(11, sheet.max_row + 1)}
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("m.xlsx", buffer.getvalue())
    done = unit.post(reverse("budget:monitoring_import", args=[round.pk]), {"file": upload})
    assert done.status_code == 302
    assert form_of(round, a1).goal_progress == "导入的完成情况"
    sheet.cell(row=rows["农村自来水普及率"], column=5, value="九十")
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("m.xlsx", buffer.getvalue())
    refused = unit.post(reverse("budget:monitoring_import", args=[round.pk]), {"file": upload})
    assert refused.status_code == 400
    assert "实际为“九十”" in refused.content.decode()
    reviewer = Client()
    reviewer.force_login(personas.department_reviewer)
    assert reviewer.get(reverse("budget:monitoring_import", args=[round.pk])).status_code == 404
    assert form_of(round, a1).state == FormState.DRAFT


def _spending_book(rows):  # type: ignore[no-untyped-def]
    book = openpyxl.load_workbook(io.BytesIO(excel.spending_template()))
    sheet = book.active
    assert [sheet.cell(row=2, column=c).value for c in range(1, 5)] == [
        "项目代码",
        "支付日期",
        "金额（万元）",
        "凭证号",
    ]
    for number, values in enumerate(rows, start=3):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=number, column=column, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_spending_import_is_all_or_nothing_with_rows(personas, world):  # type: ignore[no-untyped-def]
    from jixiao.budget.monitoring.models import SpendingRecord

    before = SpendingRecord.objects.count()
    content = _spending_book(
        [
            ("A-2", date(YEAR, 6, 1), 12.5, "P-1"),
            ("NOPE", date(YEAR, 6, 2), 3, "P-2"),
            ("B-1", date(YEAR - 1, 12, 1), 4, "P-3"),
            ("B-1", date(YEAR, 6, 3), "五", "P-4"),
        ]
    )
    with pytest.raises(ImportRefused) as refused:
        excel.import_spending(actor=personas.finance_reviewer, fiscal_year=YEAR, file=content)
    errors = refused.value.errors.errors
    assert [(e.row, e.column) for e in errors] == [(6, "C")]  # the layout's check first
    assert "应为数字" in errors[0].message
    content = _spending_book(
        [
            ("A-2", date(YEAR, 6, 1), 12.5, "P-1"),
            ("NOPE", date(YEAR, 6, 2), 3, "P-2"),
            ("B-1", date(YEAR - 1, 12, 1), 4, "P-3"),
        ]
    )
    with pytest.raises(ImportRefused) as refused:
        excel.import_spending(actor=personas.finance_reviewer, fiscal_year=YEAR, file=content)
    errors = refused.value.errors.errors
    assert [e.row for e in errors] == [4, 5]
    assert "项目代码“NOPE”" in errors[0].message and f"不在{YEAR}年度内" in errors[1].message
    assert SpendingRecord.objects.count() == before
    good = _spending_book(
        [("A-2", date(YEAR, 6, 1), 12.5, "P-1"), ("B-1", date(YEAR, 6, 3), 4, "")]
    )
    result = excel.import_spending(actor=personas.finance_reviewer, fiscal_year=YEAR, file=good)
    assert (result.created, result.total, result.projects) == (2, D("16.5"), 2)


def test_spending_import_page(personas, world):  # type: ignore[no-untyped-def]
    bureau = Client()
    bureau.force_login(personas.finance_reviewer)
    template = bureau.get(reverse("budget:monitoring_spending_template"))
    assert template.status_code == 200
    url = f"{reverse('budget:monitoring_spending_import')}?year={YEAR}"
    bad = _spending_book([("NOPE", date(YEAR, 6, 2), 3, "")])
    refused = bureau.post(url, {"file": SimpleUploadedFile("s.xlsx", bad)})
    assert refused.status_code == 400 and "项目代码“NOPE”" in refused.content.decode()
    good = _spending_book([("B-1", date(YEAR, 6, 3), 4, "Q-1")])
    assert bureau.post(url, {"file": SimpleUploadedFile("s.xlsx", good)}).status_code == 302
    unit = Client()
    unit.force_login(personas.unit_b_operator)
    assert unit.post(url, {"file": SimpleUploadedFile("s.xlsx", good)}).status_code == 404
    assert unit.get(reverse("budget:monitoring_spending_template")).status_code == 404
