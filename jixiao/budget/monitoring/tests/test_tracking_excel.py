"""The two 绩效跟踪表 in Excel: the layout of the export, export → fill → import through the
tracking services (audit rows), all or nothing with located errors, the scope, round trip."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.utils import translation

from jixiao.audit.models import AuditEvent
from jixiao.budget.monitoring import services as monitoring
from jixiao.budget.monitoring import tracking, tracking_excel
from jixiao.budget.monitoring.models import TrackingRecord
from jixiao.budget.monitoring.tests.factories import (
    approved_project,
    form_of,
    indicator_ids,
    open_round,
)
from jixiao.budget.monitoring.tracking_print import STAGES_TITLE, TARGETS_TITLE
from jixiao.documents.excel import ImportRefused
from jixiao.documents.excel import errors as excel_errors

pytestmark = pytest.mark.django_db
D = Decimal
STAGES = [
    {
        "stage": "前期准备",
        "planned_content": "完成立项、设计和招标",
        "planned_time": "2027年3月",
        "actual_progress": "已完成招标",
        "completion": "已完成",
    },
    {
        "stage": "工程实施",
        "planned_content": "新建改造供水工程24处",
        "planned_time": "2027年9月",
        "actual_progress": "已完成18处",
        "completion": "75%",
    },
]
FIRST_ROW = 6  # the tables' first data row (titles in row 5)


def build_world(personas):  # type: ignore[no-untyped-def]
    """Projects A-1 (unit A) and B-1 (unit B) monitored in an open round."""
    a1 = approved_project(personas.unit_a, "A-1", D(1200))
    b1 = approved_project(personas.unit_b, "B-1", D(600))
    round = open_round(personas.bureau)
    form = form_of(round, a1)
    form_of(round, b1)
    ids = indicator_ids(form)
    monitoring.form_save(
        actor=None,
        form=form,
        progress={ids["新建改造供水工程"]: {"actual": D(18), "likelihood": "certain"}},
    )
    return a1, b1, round


@pytest.fixture
def world(personas):  # type: ignore[no-untyped-def]
    return build_world(personas)


def start(operator, project, round) -> TrackingRecord:  # type: ignore[no-untyped-def]
    indicators = list(
        project.annual_tree.indicators.filter(
            level=3, name__in=["新建改造供水工程", "受益群众满意度"]
        )
    )
    record = tracking.tracking_start(
        actor=operator, project=project, round=round, indicators=indicators
    )
    tracking.tracking_stages_save(actor=operator, record=record, stages=STAGES)
    return record


@pytest.fixture
def record(personas, world) -> TrackingRecord:  # type: ignore[no-untyped-def]
    a1, _, round = world
    return start(personas.unit_a_operator, a1, round)


def book(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def saved(wb: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def find(ws: Any, text: str) -> Any:
    """The cell holding ``text`` (a footer label …)."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell
    raise AssertionError(f"{text!r} not in {ws.title}")


def row_of(ws: Any, name: str) -> int:
    return find(ws, name).row


def audits(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_the_export_is_the_printed_forms(record) -> None:  # type: ignore[no-untyped-def]
    with translation.override("en"):  # official forms stay Chinese
        wb = book(tracking_excel.export_record(record))
    assert wb.sheetnames == ["A-1分阶段", "A-1纠偏"]
    stages, targets = wb["A-1分阶段"], wb["A-1纠偏"]
    assert stages["A1"].value == STAGES_TITLE and targets["A1"].value == TARGETS_TITLE
    assert (stages["A2"].value, stages["B2"].value) == ("项目名称", record.project.name)
    assert (stages["E2"].value, stages["F2"].value) == ("项目代码", "A-1")
    assert (stages["A3"].value, stages["B3"].value) == ("实施单位", record.project.unit.name)
    assert (stages["E3"].value, stages["F3"].value) == ("跟踪期间", record.round.name)
    assert (targets["F2"].value, targets["G2"].value) == ("项目代码", "A-1")
    assert [c.value for c in stages[5]][:6] == [
        "序号",
        "实施阶段",
        "计划内容",
        "计划完成时间",
        "实际进展",
        "完成情况",
    ]
    assert [c.value for c in stages[FIRST_ROW + 1]][:6] == [
        2,
        "工程实施",
        "新建改造供水工程24处",
        "2027年9月",
        "已完成18处",
        "75%",
    ]
    assert [c.value for c in targets[5]][:8] == [
        "序号",
        "重点目标",
        "目标值",
        "实际完成值",
        "偏差情况",
        "偏差原因分析",
        "纠偏路径及措施",
        "纠偏结果",
    ]
    assert [c.value for c in targets[FIRST_ROW]][:4] == [1, "新建改造供水工程", "24处", "18处"]
    for ws in (stages, targets):
        for label in ("填报单位（盖章）：", "填报人：", "联系电话：", "报送日期："):
            find(ws, label)


def test_the_year_workbook_has_two_sheets_per_record(personas, world, record) -> None:  # type: ignore[no-untyped-def]
    _, b1, round = world
    start(personas.unit_b_operator, b1, round)
    everything = book(
        tracking_excel.export_records(TrackingRecord.objects.order_by("project__code"))
    )
    assert everything.sheetnames == ["A-1分阶段", "A-1纠偏", "B-1分阶段", "B-1纠偏"]
    mine = tracking.tracking_for_user(personas.unit_a_operator, fiscal_year=round.fiscal_year)
    assert book(tracking_excel.export_records(mine)).sheetnames == ["A-1分阶段", "A-1纠偏"]
    empty = book(tracking_excel.export_records(TrackingRecord.objects.none()))
    assert empty.sheetnames == ["分阶段完成情况表", "绩效目标实现情况及纠偏表"]


def test_fill_and_import_saves_through_the_services(personas, record) -> None:  # type: ignore[no-untyped-def]
    unit = personas.unit_a_operator
    wb = book(tracking_excel.export_record(record))
    stages, targets = wb["A-1分阶段"], wb["A-1纠偏"]
    stages.cell(FIRST_ROW + 1, 5, "已完成20处")
    stages.cell(FIRST_ROW + 2, 1, 3)  # the first empty row: a new stage
    stages.cell(FIRST_ROW + 2, 2, "竣工验收")
    stages.cell(FIRST_ROW + 2, 4, "2027年11月")
    row = row_of(targets, "受益群众满意度")
    targets.cell(row, 4, "91%")
    row = row_of(targets, "新建改造供水工程")
    targets.cell(row, 5, "滞后进度约2处")
    targets.cell(row, 6, "雨季影响施工")
    targets.cell(row, 7, "增加施工班组")
    before = audits("budget.tracking.stages"), audits("budget.tracking.targets_save")

    result = tracking_excel.import_workbook(
        actor=unit, records=TrackingRecord.objects.all(), file=saved(wb)
    )

    assert (result.records, result.saved, result.unchanged) == (1, 2, 0)
    assert [(s.stage, s.actual_progress, s.planned_time) for s in record.stages.all()] == [
        ("前期准备", "已完成招标", "2027年3月"),
        ("工程实施", "已完成20处", "2027年9月"),
        ("竣工验收", "", "2027年11月"),
    ]
    rows = {t.indicator_name: t for t in record.targets.all()}
    assert rows["受益群众满意度"].actual == "91%"
    water = rows["新建改造供水工程"]
    assert (water.actual, water.deviation, water.correction_path) == (
        "18处",
        "滞后进度约2处",
        "增加施工班组",
    )
    assert (audits("budget.tracking.stages"), audits("budget.tracking.targets_save")) == (
        before[0] + 1,
        before[1] + 1,
    )
    event = AuditEvent.objects.filter(action="budget.tracking.targets_save").latest("pk")
    assert event.actor_id == unit.pk


def test_export_import_round_trips_and_writes_nothing(personas, record) -> None:  # type: ignore[no-untyped-def]
    rows = {t.indicator_name: t.pk for t in record.targets.all()}
    tracking.tracking_targets_save(
        actor=None,
        record=record,
        rows={rows["新建改造供水工程"]: {"deviation": "滞后", "reason_analysis": "雨季\n第二行"}},
    )
    content = tracking_excel.export_record(record)
    events = AuditEvent.objects.count()
    stages = list(record.stages.values_list(*tracking.STAGE_FIELDS))
    targets = list(record.targets.values_list(*tracking.TARGET_FIELDS))

    result = tracking_excel.import_workbook(
        actor=personas.unit_a_operator, records=TrackingRecord.objects.all(), file=content
    )

    assert (result.saved, result.unchanged) == (0, 2)
    assert AuditEvent.objects.count() == events
    assert list(record.stages.values_list(*tracking.STAGE_FIELDS)) == stages
    assert list(record.targets.values_list(*tracking.TARGET_FIELDS)) == targets
    again = book(tracking_excel.export_record(record))
    for ws in book(content):
        assert [[c.value for c in r] for r in ws.iter_rows()] == [
            [c.value for c in r] for r in again[ws.title].iter_rows()
        ]


def test_three_errors_write_nothing_and_are_located(personas, record) -> None:  # type: ignore[no-untyped-def]
    wb = book(tracking_excel.export_record(record))
    stages, targets = wb["A-1分阶段"], wb["A-1纠偏"]
    stages.cell(FIRST_ROW, 5, "本应写入的改动")  # a valid change: must not be written
    first = row_of(targets, "新建改造供水工程")
    targets.cell(first, 1, "一")  # not a number
    targets.cell(first, 4, "20处")  # a valid change on a row that has an error
    other = row_of(targets, "受益群众满意度")
    targets.cell(other, 2, "不存在的目标")  # matches no key target
    date_cell = find(stages, "报送日期：").offset(column=1)
    date_cell.value = "下周"  # not a date
    events = AuditEvent.objects.count()

    with pytest.raises(ImportRefused) as refused:
        tracking_excel.import_workbook(
            actor=personas.unit_a_operator, records=TrackingRecord.objects.all(), file=saved(wb)
        )

    located = sorted((e.sheet, e.row, e.column, e.message) for e in refused.value.errors)
    assert located == sorted(
        [
            ("A-1纠偏", first, "A", excel_errors.NOT_A_NUMBER.format(value="一")),
            (
                "A-1纠偏",
                other,
                "B",
                tracking_excel.TARGET_UNKNOWN.format(name="不存在的目标", code="A-1"),
            ),
            (
                "A-1分阶段",
                date_cell.row,
                date_cell.column_letter,
                excel_errors.NOT_A_DATE.format(value="下周"),
            ),
        ]
    )
    assert refused.value.message == excel_errors.REFUSED.format(count=3)
    assert AuditEvent.objects.count() == events
    assert record.stages.get(position=1).actual_progress == "已完成招标"
    assert record.targets.get(indicator_name="新建改造供水工程").actual == "18处"


def test_another_units_record_is_refused(personas, world, record) -> None:  # type: ignore[no-untyped-def]
    content = tracking_excel.export_record(record)
    unit_b = personas.unit_b_operator
    with pytest.raises(ImportRefused) as refused:
        tracking_excel.import_workbook(
            actor=unit_b,
            records=tracking.tracking_for_user(unit_b, fiscal_year=record.project.fiscal_year),
            file=content,
        )
    message = tracking_excel.RECORD_UNKNOWN.format(code="A-1", period=record.round.name)
    assert [(e.sheet, e.row, e.column, e.message) for e in refused.value.errors] == [
        ("A-1分阶段", 2, "F", message),
        ("A-1纠偏", 2, "G", message),
    ]
    # the bureau sees the record but does not fill it
    with pytest.raises(ImportRefused) as refused:
        tracking_excel.import_workbook(
            actor=personas.finance_reviewer, records=TrackingRecord.objects.all(), file=content
        )
    assert {e.message for e in refused.value.errors} == {
        tracking_excel.RECORD_NOT_EDITABLE.format(code="A-1")
    }


def test_a_submitted_record_and_a_foreign_sheet_are_refused(personas, record) -> None:  # type: ignore[no-untyped-def]
    TrackingRecord.objects.filter(pk=record.pk).update(state="submitted")
    wb = book(tracking_excel.export_record(record))
    wb.create_sheet("其他")["A1"] = "项目支出绩效目标执行监控表"
    with pytest.raises(ImportRefused) as refused:
        tracking_excel.import_workbook(
            actor=personas.unit_a_operator, records=TrackingRecord.objects.all(), file=saved(wb)
        )
    messages = [(e.sheet, e.message) for e in refused.value.errors]
    assert ("A-1分阶段", tracking_excel.RECORD_SUBMITTED.format(code="A-1")) in messages
    assert (
        "其他",
        tracking_excel.SHEET_UNKNOWN.format(
            stages=STAGES_TITLE, targets=TARGETS_TITLE, value="项目支出绩效目标执行监控表"
        ),
    ) in messages


def test_a_sheet_twice_and_a_stage_without_its_name(personas, record) -> None:  # type: ignore[no-untyped-def]
    wb = book(tracking_excel.export_record(record))
    copy = wb.copy_worksheet(wb["A-1纠偏"])
    copy.title = "副本"
    wb["A-1分阶段"].cell(FIRST_ROW + 2, 3, "只写了计划内容")
    with pytest.raises(ImportRefused) as refused:
        tracking_excel.import_workbook(
            actor=personas.unit_a_operator, records=TrackingRecord.objects.all(), file=saved(wb)
        )
    located = [(e.sheet, e.row, e.column, e.message) for e in refused.value.errors]
    assert ("A-1分阶段", FIRST_ROW + 2, "B", excel_errors.REQUIRED) in located
    twice = tracking_excel.SHEET_TWICE.format(code="A-1", form=TARGETS_TITLE, sheet="A-1纠偏")
    assert ("副本", 2, "G", twice) in located
