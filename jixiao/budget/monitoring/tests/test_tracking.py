"""Tracking (绩效跟踪): key targets, the two tracking forms, the report generated from them,
edited, submitted, due dates and the overdue list; the report in Word and PDF."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from docx import Document

from jixiao.audit.models import AuditEvent
from jixiao.budget.monitoring import services as monitoring
from jixiao.budget.monitoring import tracking, tracking_print
from jixiao.budget.monitoring.errors import MonitoringError
from jixiao.budget.monitoring.interventions import correction_require, reallocation_create
from jixiao.budget.monitoring.models import TrackingRecord, TrackingState
from jixiao.budget.monitoring.tests.factories import (
    YEAR,
    approved_project,
    form_of,
    indicator_ids,
    open_round,
)
from jixiao.budget.tests.factories import make_project
from jixiao.indicators.models import Indicator
from jixiao.orgs.errors import PermissionDeniedError

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


@pytest.fixture
def world(personas):  # type: ignore[no-untyped-def]
    a1 = approved_project(personas.unit_a, "A-1", D(1200))
    b1 = approved_project(personas.unit_b, "B-1", D(600))
    round = open_round(personas.bureau)
    form = form_of(round, a1)
    ids = indicator_ids(form)
    monitoring.form_save(
        actor=None,
        form=form,
        progress={ids["新建改造供水工程"]: {"actual": D(18), "likelihood": "certain"}},
    )
    return a1, b1, round


def key_targets(project, *names):  # type: ignore[no-untyped-def]
    return list(project.annual_tree.indicators.filter(level=3, name__in=names))


def started(personas, world) -> TrackingRecord:  # type: ignore[no-untyped-def]
    a1, _, round = world
    return tracking.tracking_start(
        actor=personas.unit_a_operator,
        project=a1,
        round=round,
        indicators=key_targets(a1, "新建改造供水工程", "受益群众满意度"),
    )


def filled(personas, world) -> TrackingRecord:  # type: ignore[no-untyped-def]
    record = started(personas, world)
    unit = personas.unit_a_operator
    tracking.tracking_stages_save(actor=unit, record=record, stages=STAGES)
    rows = {row.indicator_name: row.pk for row in record.targets.all()}
    tracking.tracking_targets_save(
        actor=unit,
        record=record,
        rows={
            rows["新建改造供水工程"]: {
                "deviation": "滞后进度约2处",
                "reason_analysis": "雨季影响施工",
                "correction_path": "增加施工班组，10月前完成",
            },
            rows["受益群众满意度"]: {"actual": "91%"},
        },
    )
    return tracking.tracking_report_generate(actor=unit, record=record)


def test_start_copies_the_targets_and_the_round_values(personas, world) -> None:  # type: ignore[no-untyped-def]
    record = started(personas, world)
    rows = list(record.targets.all())
    assert [(r.indicator_name, r.target, r.actual) for r in rows] == [
        ("新建改造供水工程", "24处", "18处"),
        ("受益群众满意度", "90%", ""),
    ]
    assert record.due_date == date(YEAR, 7, 31) + timedelta(days=30)
    assert AuditEvent.objects.filter(action="budget.tracking.start").count() == 1


def test_start_refusals(personas, world) -> None:  # type: ignore[no-untyped-def]
    a1, b1, round = world
    with pytest.raises(PermissionDeniedError):
        tracking.tracking_start(
            actor=personas.unit_b_operator,
            project=a1,
            round=round,
            indicators=key_targets(a1, "受益群众满意度"),
        )
    with pytest.raises(MonitoringError, match=tracking.NO_KEY_TARGETS):
        tracking.tracking_start(actor=None, project=a1, round=round, indicators=[])
    with pytest.raises(MonitoringError, match=tracking.NOT_A_TARGET):
        tracking.tracking_start(
            actor=None, project=a1, round=round, indicators=key_targets(b1, "受益群众满意度")
        )
    level2 = list(a1.annual_tree.indicators.filter(level=2)[:1])
    with pytest.raises(MonitoringError, match=tracking.NOT_A_TARGET):
        tracking.tracking_start(actor=None, project=a1, round=round, indicators=level2)
    draft = make_project(personas.unit_a, code="A-DRAFT", total=D(10), is_new=False)
    with pytest.raises(MonitoringError, match="不在监控轮次"):
        tracking.tracking_start(
            actor=None, project=draft, round=round, indicators=list(Indicator.objects.none())
        )
    started(personas, world)
    with pytest.raises(MonitoringError, match="已有绩效跟踪"):
        started(personas, world)


def test_choosing_targets_again_keeps_what_was_written(personas, world) -> None:  # type: ignore[no-untyped-def]
    record = filled(personas, world)
    a1, _, _ = world
    tracking.tracking_targets_choose(
        actor=personas.unit_a_operator,
        record=record,
        indicators=key_targets(a1, "新建改造供水工程", "农村自来水普及率"),
    )
    rows = {row.indicator_name: row for row in record.targets.all()}
    assert set(rows) == {"新建改造供水工程", "农村自来水普及率"}
    assert rows["新建改造供水工程"].reason_analysis == "雨季影响施工"


def test_the_report_is_generated_from_the_data(personas, world) -> None:  # type: ignore[no-untyped-def]
    a1, b1, _ = world
    reallocation_create(actor=None, source=a1, lines=[(b1, "200")], reason="调剂")
    correction_require(
        actor=None,
        project=a1,
        requirement="加快进度",
        deadline=timezone.localdate() + timedelta(days=5),
    )
    record = filled(personas, world)
    assert "批复预算1,200.00万元，年中调入0.00万元、调出200.00万元" in record.report_basic
    assert "可用预算1,000.00万元" in record.report_basic
    assert "重点跟踪目标2项：新建改造供水工程（目标值24处）" in record.report_targets
    assert "项目分2个阶段实施" in record.report_implementation
    assert "工程实施：计划新建改造供水工程24处，计划完成时间2027年9月" in (
        record.report_implementation
    )
    assert "新建改造供水工程：目标值24处，实际完成18处，偏差情况：滞后进度约2处。" in (
        record.report_completion
    )
    assert "纠偏路径及措施：增加施工班组，10月前完成；纠偏结果：尚在纠偏中" in (
        record.report_problems
    )
    assert "要求整改（加快进度），目前待整改" in record.report_problems
    assert "存在较大偏差" in record.report_conclusion


def test_edit_then_submit_then_locked(personas, world) -> None:  # type: ignore[no-untyped-def]
    record = filled(personas, world)
    unit = personas.unit_a_operator
    tracking.tracking_report_save(
        actor=unit, record=record, sections={"report_conclusion": "经跟踪，项目总体可控。"}
    )
    with pytest.raises(MonitoringError, match="没有“report_x”一节"):
        tracking.tracking_report_save(actor=unit, record=record, sections={"report_x": "x"})
    with pytest.raises(PermissionDeniedError):
        tracking.tracking_report_save(
            actor=personas.unit_b_operator, record=record, sections={"report_basic": "x"}
        )
    tracking.tracking_submit(actor=unit, record=record)
    record.refresh_from_db()
    assert record.state == TrackingState.SUBMITTED
    assert record.report_conclusion == "经跟踪，项目总体可控。"
    with pytest.raises(MonitoringError, match=tracking.SUBMITTED):
        tracking.tracking_stages_save(actor=unit, record=record, stages=[])
    with pytest.raises(PermissionDeniedError):
        tracking.tracking_return(actor=unit, record=record, reason="x")
    with pytest.raises(MonitoringError, match=tracking.RETURN_REASON):
        tracking.tracking_return(actor=personas.finance_reviewer, record=record, reason="")
    tracking.tracking_return(actor=personas.finance_reviewer, record=record, reason="请补充")
    record.refresh_from_db()
    assert record.state == TrackingState.DRAFT
    with pytest.raises(MonitoringError, match=tracking.NOT_SUBMITTED):
        tracking.tracking_return(actor=personas.finance_reviewer, record=record, reason="x")


def test_submit_names_what_is_missing(personas, world) -> None:  # type: ignore[no-untyped-def]
    record = started(personas, world)
    rows = {row.indicator_name: row.pk for row in record.targets.all()}
    tracking.tracking_targets_save(
        actor=None, record=record, rows={rows["新建改造供水工程"]: {"deviation": "滞后"}}
    )
    with pytest.raises(MonitoringError) as refused:
        tracking.tracking_submit(actor=None, record=record)
    message = str(refused.value)
    assert tracking.NEED_STAGES in message
    assert "重点目标“受益群众满意度”：请填写实际完成值" in message
    assert "重点目标“新建改造供水工程”存在偏差" in message
    assert "结果报告“一、项目基本情况”不能为空" in message


def test_stage_rows_need_a_stage_and_empty_rows_are_dropped(personas, world) -> None:  # type: ignore[no-untyped-def]
    record = started(personas, world)
    with pytest.raises(MonitoringError, match="第2行：请填写实施阶段"):
        tracking.tracking_stages_save(
            actor=None, record=record, stages=[STAGES[0], {"planned_content": "x"}]
        )
    tracking.tracking_stages_save(actor=None, record=record, stages=[STAGES[0], {}, STAGES[1]])
    assert [s.stage for s in record.stages.all()] == ["前期准备", "工程实施"]
    assert [s.position for s in record.stages.all()] == [1, 2]


def test_due_days_per_year_and_the_overdue_list(personas, world) -> None:  # type: ignore[no-untyped-def]
    record = started(personas, world)
    bureau = personas.finance_reviewer
    tracking.tracking_days_set(actor=bureau, bureau=personas.bureau, fiscal_year=YEAR, days=45)
    record.refresh_from_db()
    assert record.due_date == date(YEAR, 7, 31) + timedelta(days=45)
    with pytest.raises(MonitoringError, match=tracking.DAYS_RANGE):
        tracking.tracking_days_set(actor=bureau, bureau=personas.bureau, fiscal_year=YEAR, days=0)
    with pytest.raises(PermissionDeniedError):
        tracking.tracking_days_set(
            actor=personas.unit_a_operator, bureau=personas.bureau, fiscal_year=YEAR, days=10
        )
    on_due = record.due_date
    assert not tracking.overdue_tracking(bureau, on_due).exists()
    assert list(tracking.overdue_tracking(bureau, on_due + timedelta(days=1))) == [record]
    assert not tracking.overdue_tracking(personas.unit_b_operator, on_due + timedelta(days=1))


def _pdf_text(pdf: bytes, tmp_path) -> str:  # type: ignore[no-untyped-def]
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(  # noqa: S603
        ["pdftotext", str(path), "-"],  # noqa: S607
        capture_output=True,
        check=True,
        text=True,
    )
    return result.stdout.replace(" ", "")


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_the_report_as_pdf_reads_back_in_chinese(personas, world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    record = filled(personas, world)
    pdf = tracking_print.report_pdf(record)
    assert pdf.startswith(b"%PDF-")
    text = _pdf_text(pdf, tmp_path)
    for expected in (
        "绩效跟踪结果报告",
        "一、项目基本情况",
        "六、跟踪结论",
        "绩效跟踪表（项目分阶段完成情况表）",
        "绩效跟踪表（绩效目标实现情况及纠偏表）",
        "雨季影响施工",
        "前期准备",
    ):
        assert expected in text, expected


def test_the_report_as_word_with_east_asian_fonts(personas, world) -> None:  # type: ignore[no-untyped-def]
    record = filled(personas, world)
    document = Document(io.BytesIO(tracking_print.report_docx(record)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "绩效跟踪结果报告" in text and "四、绩效目标完成及偏差情况" in text
    assert record.report_basic.splitlines()[0] in text
    stages, targets = document.tables
    assert [c.text for c in stages.rows[2].cells][1:3] == ["工程实施", "新建改造供水工程24处"]
    assert targets.rows[1].cells[5].text == "雨季影响施工"
    fonts = document.paragraphs[0].runs[0]._r.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
