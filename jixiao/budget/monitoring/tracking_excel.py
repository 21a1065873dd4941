"""The two 绩效跟踪表 in Excel (BUD-6, CORE-7): 绩效跟踪表（项目分阶段完成情况表） and
绩效跟踪表（绩效目标实现情况及纠偏表） out and in.

Each form is one sheet in the layout of the printed form (:mod:`.tracking_print`): title; header
block (项目名称, 项目代码, 实施单位, 跟踪期间 = the monitoring round); the table as the models
hold it (序号 · 实施阶段 · 计划内容 · 计划完成时间 · 实际进展 · 完成情况, or 序号 · 重点目标 ·
目标值 · 实际完成值 · 偏差情况 · 偏差原因分析 · 纠偏路径及措施 · 纠偏结果) and the footer of the
printed form (填报单位（盖章）, 填报人, 联系电话, 报送日期). A record exports as two sheets; a year
as two sheets per record, named by the project code.

:func:`import_workbook` reads each sheet with the layout its title names, finds the record by
项目代码 and 跟踪期间 among the records offered (the user's year, or one record), checks every
cell and the domain (a record the actor may fill and still a draft, each 重点目标 one of the
record's, no sheet or row twice), then saves inside one transaction through the services the
pages use (``tracking_stages_save``: the stages replaced as a whole, as on the page;
``tracking_targets_save``: the target rows changed). Any error, also a service's refusal, rolls
everything back. A form the sheet does not change is not sent, so nothing is written for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from jixiao.budget.monitoring import tracking
from jixiao.budget.monitoring.errors import MonitoringError
from jixiao.budget.monitoring.models import (
    TrackingRecord,
    TrackingStage,
    TrackingState,
    TrackingTarget,
)
from jixiao.budget.monitoring.tracking_print import STAGES_TITLE, TARGETS_TITLE
from jixiao.documents.excel import (
    Column,
    Date,
    Field,
    FooterField,
    ImportErrors,
    ImportRefused,
    Integer,
    Layout,
    SheetData,
    Table,
    Text,
    WorkbookReader,
    WorkbookWriter,
    iter_sheets,
)
from jixiao.documents.excel.cells import squash
from jixiao.documents.excel.errors import shown
from jixiao.documents.language import in_official_language
from jixiao.orgs import permissions as perms
from jixiao.orgs.models import User

# --- Messages (Chinese, defined once; tests assert them) -------------------------------------

SHEET_UNKNOWN = "标题应为“{stages}”或“{targets}”，实际为“{value}”：请使用本系统导出的模板"
RECORD_UNKNOWN = "项目代码“{code}”在“{period}”没有可导入的绩效跟踪，或不在您的范围内"
RECORD_NOT_EDITABLE = "您不能填报项目“{code}”的绩效跟踪"
RECORD_SUBMITTED = "项目“{code}”的绩效跟踪已报送，不能通过导入修改"
SHEET_TWICE = "项目“{code}”的{form}已在工作表“{sheet}”中出现"
TARGET_UNKNOWN = "“{name}”不是项目“{code}”本次绩效跟踪的重点目标"
TARGET_TWICE = "重点目标“{name}”在本表中出现了两次"

STAGES_SHEET = "{code}分阶段"
TARGETS_SHEET = "{code}纠偏"
STAGE_BLANK_ROWS = 3  # empty rows under the stages, for the unit to add stages

# --- Layouts ----------------------------------------------------------------------------------


def _footer() -> tuple[FooterField, ...]:
    return (
        FooterField("sealed_by", "填报单位（盖章）", line=1, column="A", span=2),
        FooterField("filled_by", "填报人", line=1, column="D", span=2),
        FooterField("phone", "联系电话", line=2, column="A", span=2),
        FooterField("submitted_on", "报送日期", Date(), line=2, column="D", span=2),
    )


def _header(right: str, last: str, value_end: str) -> tuple[Field, ...]:
    """项目名称 / 实施单位 on the left (B…``value_end``), 项目代码 / 跟踪期间 on the right
    (label in column ``right``, value from the next column to ``last``)."""
    value = chr(ord(right) + 1)
    return (
        Field("name", "项目名称", "B2", Text(max_length=200), merge_to=f"{value_end}2"),
        Field(
            "code", "项目代码", f"{value}2", Text(max_length=40), required=True, merge_to=f"{last}2"
        ),
        Field("unit", "实施单位", "B3", Text(max_length=300), merge_to=f"{value_end}3"),
        Field(
            "period",
            "跟踪期间",
            f"{value}3",
            Text(max_length=100),
            required=True,
            merge_to=f"{last}3",
        ),
    )


_POSITION = Column("position", "序号", Integer(min=1, max=999), optional=True, width=6)

STAGES_LAYOUT = Layout(
    title=STAGES_TITLE,
    fields=_header("E", "F", "D"),
    table=Table(
        header_row=5,
        columns=(
            _POSITION,
            Column("stage", "实施阶段", Text(max_length=100), required=True, width=18),
            Column("planned_content", "计划内容", Text(max_length=5000), width=30),
            Column("planned_time", "计划完成时间", Text(max_length=50), width=14),
            Column("actual_progress", "实际进展", Text(max_length=5000), width=30),
            Column("completion", "完成情况", Text(max_length=100), width=14),
        ),
    ),
    footer=_footer(),
)

TARGETS_LAYOUT = Layout(
    title=TARGETS_TITLE,
    fields=_header("F", "H", "E"),
    table=Table(
        header_row=5,
        columns=(
            _POSITION,
            Column("name", "重点目标", Text(max_length=200), required=True, width=20),
            Column("target", "目标值", Text(max_length=500), width=12),
            Column("actual", "实际完成值", Text(max_length=500), width=12),
            Column("deviation", "偏差情况", Text(max_length=500), width=16),
            Column("reason_analysis", "偏差原因分析", Text(max_length=5000), width=26),
            Column("correction_path", "纠偏路径及措施", Text(max_length=5000), width=26),
            Column("correction_result", "纠偏结果", Text(max_length=5000), width=20),
        ),
    ),
    footer=_footer(),
)

LAYOUTS = {squash(STAGES_TITLE): STAGES_LAYOUT, squash(TARGETS_TITLE): TARGETS_LAYOUT}

# --- Export ----------------------------------------------------------------------------------


def _with_rows(records: QuerySet[TrackingRecord]) -> list[TrackingRecord]:
    return list(
        records.select_related("project", "project__unit", "round").prefetch_related(
            Prefetch("stages", queryset=TrackingStage.objects.order_by("position", "id")),
            Prefetch("targets", queryset=TrackingTarget.objects.order_by("position", "id")),
        )
    )


def _fields(record: TrackingRecord) -> dict[str, Any]:
    submitted = record.submitted_at if record.state == TrackingState.SUBMITTED else None
    return {
        "name": record.project.name,
        "code": record.project.code,
        "unit": record.project.unit.name,
        "period": record.round.name,
        "submitted_on": timezone.localdate(submitted) if submitted else None,
    }


def stages_data(record: TrackingRecord) -> SheetData:
    rows = [
        {"position": n, **{f: getattr(row, f) or None for f in tracking.STAGE_FIELDS}}
        for n, row in enumerate(record.stages.all(), 1)
    ]
    name = STAGES_SHEET.format(code=record.project.code)
    return SheetData(name=name, fields=_fields(record), rows=rows)


def targets_data(record: TrackingRecord) -> SheetData:
    rows = [
        {
            "position": n,
            "name": row.indicator_name,
            **{f: getattr(row, f) or None for f in tracking.TARGET_FIELDS},
        }
        for n, row in enumerate(record.targets.all(), 1)
    ]
    name = TARGETS_SHEET.format(code=record.project.code)
    return SheetData(name=name, fields=_fields(record), rows=rows)


@in_official_language
def export_records(records: QuerySet[TrackingRecord]) -> bytes:
    """Two sheets per record (its stages, then its targets), in the order given; the stages
    sheet has empty rows below for stages still to come."""
    writer = WorkbookWriter()
    found = _with_rows(records)
    for record in found:
        writer.add_data(STAGES_LAYOUT, stages_data(record), blank_rows=STAGE_BLANK_ROWS)
        writer.add_data(TARGETS_LAYOUT, targets_data(record))
    if not found:
        writer.add_sheet(STAGES_LAYOUT, name="分阶段完成情况表", blank_rows=STAGE_BLANK_ROWS)
        writer.add_sheet(TARGETS_LAYOUT, name="绩效目标实现情况及纠偏表")
    return writer.close() or b""


def export_record(record: TrackingRecord) -> bytes:
    return export_records(TrackingRecord.objects.filter(pk=record.pk))


def filename(record: TrackingRecord | None = None, year: int | None = None) -> str:
    if record is not None:
        return f"{record.project.code}_绩效跟踪表.xlsx"
    return f"绩效跟踪表-{year}年度.xlsx"


# --- Import ----------------------------------------------------------------------------------


@dataclass
class ImportResult:
    records: int = 0  # records the workbook names
    saved: int = 0  # forms saved (each a service call and an audit row)
    unchanged: int = 0  # forms the workbook leaves as they are


@dataclass
class _Plan:
    record: TrackingRecord
    stages_sheet: SheetData | None = None
    targets_sheet: SheetData | None = None
    stages: list[dict[str, str]] | None = None
    targets: dict[int, dict[str, str]] = field(default_factory=dict)


def _clean(value: Any) -> str:
    return str(value or "").strip()


def _sheets(file: Any, errors: ImportErrors) -> list[tuple[Layout, SheetData]]:
    """Every sheet read with the layout its title (cell A1) names."""
    found: list[tuple[Layout, SheetData]] = []
    try:
        with WorkbookReader(file) as reader:
            for name in reader.sheet_names:
                first = next(reader.rows(name), None)
                if first is None:
                    continue  # an empty sheet
                title = next((v for v in first.values if v is not None), None)
                layout = LAYOUTS.get(squash(title)) if isinstance(title, str) else None
                if layout is None:
                    message = SHEET_UNKNOWN.format(
                        stages=STAGES_TITLE,
                        targets=TARGETS_TITLE,
                        value=shown(title) if title is not None else "",
                    )
                    errors.add(message, sheet=name, row=first.number, column="A")
                    continue
                for stream in iter_sheets(reader, layout, errors, sheets=[name]):
                    found.append((layout, stream.collect()))
    except ImportRefused as refused:  # the file cannot be read at all
        errors.extend(refused.errors)
    return found


def _candidates(records: QuerySet[TrackingRecord]) -> dict[tuple[str, str], TrackingRecord]:
    """The records offered, by (项目代码, 跟踪期间)."""
    return {
        (squash(r.project.code), squash(r.round.name)): r
        for r in records.select_related("project", "project__unit", "round")
    }


def import_workbook(
    *,
    actor: User | None,
    records: QuerySet[TrackingRecord],
    file: str | bytes | IO[bytes] | Any,
) -> ImportResult:
    """Save the tracking forms of a workbook into ``records`` (the ones the page offers: what
    the actor sees in a year, or one record): all of them, or none.

    Raises :class:`ImportRefused` (nothing written) listing every error with sheet, row, column
    and message."""
    errors = ImportErrors()
    sheets = _sheets(file, errors)
    offered = _candidates(records)
    plans: dict[int, _Plan] = {}
    for layout, sheet in sheets:
        plan = _plan_for(actor, sheet, offered, plans, errors)
        if plan is None:
            continue
        if layout is STAGES_LAYOUT:
            _plan_stages(plan, sheet, errors)
        else:
            _plan_targets(plan, sheet, errors)
    errors.raise_if_any()
    result = ImportResult(records=len(plans))
    with transaction.atomic():
        for plan in plans.values():
            _save(actor, plan, result, errors)
        errors.raise_if_any()  # inside the transaction: every form saved rolls back
    return result


def _plan_for(
    actor: User | None,
    sheet: SheetData,
    offered: dict[tuple[str, str], TrackingRecord],
    plans: dict[int, _Plan],
    errors: ImportErrors,
) -> _Plan | None:
    code, period = _clean(sheet.fields.get("code")), _clean(sheet.fields.get("period"))
    if not code or not period:
        return None  # the reader has named the missing value
    record = offered.get((squash(code), squash(period)))
    if record is None:
        sheet.error(errors, RECORD_UNKNOWN.format(code=code, period=period), key="code")
        return None
    if actor is not None and not perms.can(actor, tracking.FILL, record.project.unit):
        sheet.error(errors, RECORD_NOT_EDITABLE.format(code=code), key="code")
        return None
    if record.state != TrackingState.DRAFT:
        sheet.error(errors, RECORD_SUBMITTED.format(code=code), key="code")
        return None
    return plans.setdefault(record.pk, _Plan(record))


def _twice(plan: _Plan, sheet: SheetData, kind: str, errors: ImportErrors) -> bool:
    earlier = plan.stages_sheet if kind == "stages" else plan.targets_sheet
    if earlier is None:
        setattr(plan, f"{kind}_sheet", sheet)
        return False
    form = STAGES_TITLE if kind == "stages" else TARGETS_TITLE
    message = SHEET_TWICE.format(code=plan.record.project.code, form=form, sheet=earlier.name)
    sheet.error(errors, message, key="code")
    return True


def _plan_stages(plan: _Plan, sheet: SheetData, errors: ImportErrors) -> None:
    if _twice(plan, sheet, "stages", errors):
        return
    stages = [{f: _clean(row.get(f)) for f in tracking.STAGE_FIELDS} for row in sheet.rows]
    current = [
        {f: getattr(row, f) for f in tracking.STAGE_FIELDS}
        for row in plan.record.stages.order_by("position", "id")
    ]
    if stages != current:
        plan.stages = stages


def _plan_targets(plan: _Plan, sheet: SheetData, errors: ImportErrors) -> None:
    if _twice(plan, sheet, "targets", errors):
        return
    code = plan.record.project.code
    by_name = {squash(row.indicator_name): row for row in plan.record.targets.all()}
    seen: set[int] = set()
    for index, values in enumerate(sheet.rows):
        name = _clean(values.get("name"))
        row = by_name.get(squash(name))
        if row is None:
            message = TARGET_UNKNOWN.format(name=name, code=code)
            sheet.error(errors, message, row=index, key="name")
            continue
        if row.pk in seen:
            sheet.error(errors, TARGET_TWICE.format(name=name), row=index, key="name")
            continue
        seen.add(row.pk)
        changes = {
            f: _clean(values.get(f))
            for f in tracking.TARGET_FIELDS
            if _clean(values.get(f)) != getattr(row, f)
        }
        if changes:
            plan.targets[row.pk] = changes


def _save(actor: User | None, plan: _Plan, result: ImportResult, errors: ImportErrors) -> None:
    record = plan.record
    for sheet, changed, call in (
        (
            plan.stages_sheet,
            plan.stages is not None,
            lambda: tracking.tracking_stages_save(
                actor=actor, record=record, stages=plan.stages or []
            ),
        ),
        (
            plan.targets_sheet,
            bool(plan.targets),
            lambda: tracking.tracking_targets_save(actor=actor, record=record, rows=plan.targets),
        ),
    ):
        if sheet is None:
            continue
        if not changed:
            result.unchanged += 1
            continue
        try:
            call()
        except MonitoringError as exc:
            for problem in exc.problems or [exc.message]:
                sheet.error(errors, problem, key="code")
            continue
        except ValidationError as exc:
            for problem in exc.messages:
                sheet.error(errors, problem, key="code")
            continue
        result.saved += 1


__all__ = [
    "STAGES_LAYOUT",
    "TARGETS_LAYOUT",
    "ImportRefused",
    "ImportResult",
    "export_record",
    "export_records",
    "import_workbook",
]
