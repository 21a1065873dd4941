"""Appraisal forms in Excel and PDF, each described once as a documents ``Layout``:

- the scoring grid of a department's month (export, and import all or nothing: every error
  names sheet, row and column in Chinese, and nothing is written when any is found);
- the department statistics table (部门绩效考核统计分析表): one row per department with its
  headcount, grade distribution, mean/max/min/spread, pay effect and 审核/统计 sign-off;
- the year's work progress table (绩效考核工作进度表).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jixiao.appraisal.errors import IMPORT_DUPLICATE, IMPORT_UNKNOWN_EMPLOYEE, IMPORT_WRONG_SHEET
from jixiao.appraisal.models import (
    AppraisalMonth,
    DepartmentSheet,
    EmployeeScore,
    ProgressStep,
    StepStatus,
)
from jixiao.appraisal.queries import GRADES, DepartmentRow
from jixiao.appraisal.services import sheet_items
from jixiao.documents.excel import (
    Choice,
    Column,
    Date,
    Field,
    FooterField,
    ImportErrors,
    Integer,
    Layout,
    Number,
    SheetData,
    Table,
    Text,
    export_workbook,
    read_workbook,
)
from jixiao.documents.language import in_official_language, official_text
from jixiao.documents.pdf import render_layout_pdf

GRID_TITLE = "部门月度考核评分表"


def _item_title(name: str, full: Decimal) -> str:
    return f"{name}（{full.normalize():f}分）"


def grid_layout(sheet: DepartmentSheet) -> Layout:
    items = sheet_items(sheet).scored
    columns = [
        Column("number", "工号", Text(max_length=30), required=True, width=12),
        Column("name", "姓名", Text(), width=12),
        *[
            Column(
                f"i{item.pk}",
                _item_title(item.name, item.full_score),  # type: ignore[arg-type]
                Number(places=2, min=0, max=item.full_score),
                aliases=(item.name,),
            )
            for item in items
        ],
        Column("total", "总分", Number(places=2), optional=True),
    ]
    return Layout(
        title=GRID_TITLE,
        fields=(
            Field("department", "部门", "B2", required=True),
            Field("period", "考核月份", "D2", required=True),
        ),
        table=Table(columns=tuple(columns), header_row=4),
    )


@in_official_language
def export_grid(sheet: DepartmentSheet) -> bytes:
    items = sheet_items(sheet).scored
    rows = []
    for score in EmployeeScore.objects.filter(sheet=sheet).select_related("employee"):
        row: dict[str, Any] = {
            "number": score.employee.employee_number or score.employee.username,
            "name": str(score.employee),
            "total": score.total if score.complete else None,
        }
        for item in items:
            value = (score.scores or {}).get(str(item.pk))
            row[f"i{item.pk}"] = Decimal(value) if value is not None else None
        rows.append(row)
    data = SheetData(
        name=sheet.department.name[:31],
        fields={"department": sheet.department.name, "period": sheet.month.label},
        rows=rows,
    )
    return export_workbook(grid_layout(sheet), [data])


def read_grid(upload: Any, sheet: DepartmentSheet) -> dict[int, dict[int, Any]]:
    """The grid's scores by employee id and item id; raises ``ImportRefused`` listing every
    problem. Blank cells leave a score as it is."""
    errors = ImportErrors()
    layout = grid_layout(sheet)
    items = sheet_items(sheet).scored
    people = {
        (s.employee.employee_number or s.employee.username): s.employee_id
        for s in EmployeeScore.objects.filter(sheet=sheet).select_related("employee")
    }
    result: dict[int, dict[int, Any]] = {}
    for data in read_workbook(upload, layout, errors=errors):
        got = data.fields.get("department")
        if got is not None and got != sheet.department.name:
            data.error(
                errors,
                IMPORT_WRONG_SHEET.format(want=sheet.department.name, got=got),
                key="department",
            )
            continue
        seen: set[str] = set()
        for index, row in enumerate(data.rows):
            number = row.get("number")
            if number is None:
                continue
            if number in seen:
                data.error(errors, IMPORT_DUPLICATE.format(number=number), row=index, key="number")
                continue
            seen.add(number)
            employee_id = people.get(number)
            if employee_id is None:
                message = IMPORT_UNKNOWN_EMPLOYEE.format(number=number)
                data.error(errors, message, row=index, key="number")
                continue
            values = {i.pk: row.get(f"i{i.pk}") for i in items}
            result[employee_id] = {k: v for k, v in values.items() if v is not None}
    errors.raise_if_any()
    return result


# --- The department statistics table (EMP-5) ----------------------------------------------

STATISTICS_TITLE = "部门绩效考核统计分析表"
_PLAIN2 = Number(places=2)
_MONEY = Number(places=2, style="money")


STATISTICS = Layout(
    title=STATISTICS_TITLE,
    fields=(
        Field("organization", "单位", "B2", merge_to="D2"),
        Field("period", "考核期间", "F2", merge_to="G2"),
    ),
    table=Table(
        columns=(
            Column("department", "部门", Text(), width=18),
            Column("period", "考核期间", Text(), width=12),
            Column("headcount", "考核人数", Integer()),
            *[Column(code, label, Integer(), group="等级分布") for code, label in GRADES],
            Column("mean", "平均分", _PLAIN2, group="得分"),
            Column("maximum", "最高分", _PLAIN2, group="得分"),
            Column("minimum", "最低分", _PLAIN2, group="得分"),
            Column("spread", "分差", _PLAIN2, group="得分"),
            Column("standard", "标准绩效工资", _MONEY, group="绩效工资（元）"),
            Column("paid", "应发绩效工资", _MONEY, group="绩效工资（元）"),
            Column("effect", "增减额", _MONEY, group="绩效工资（元）"),
            Column("up", "上浮人数", Integer(), group="绩效工资（元）"),
            Column("down", "下浮人数", Integer(), group="绩效工资（元）"),
            Column("state", "审核状态", Text(), width=10),
            Column("reviewer", "审核", Text(), width=10),
            Column("statistician", "统计", Text(), width=10),
        ),
        header_row=5,
    ),
    footer=(
        FooterField("office_reviewer", "审核", column="B", span=2),
        FooterField("office_statistician", "统计", column="F", span=2),
    ),
)


def statistics_data(
    month: AppraisalMonth, rows: list[DepartmentRow], *, reviewer: str = "", statistician: str = ""
) -> SheetData:
    table = []
    for r in rows:
        table.append(
            {
                "department": r.sheet.department.name,
                "period": month.label,
                "headcount": r.headcount,
                **{code: r.grades.get(code, 0) for code, _ in GRADES},
                "mean": r.mean,
                "maximum": r.maximum,
                "minimum": r.minimum,
                "spread": r.spread,
                "standard": r.standard_total if r.paid else None,
                "paid": r.pay_total if r.paid else None,
                "effect": r.pay_effect if r.paid else None,
                "up": r.up,
                "down": r.down,
                "state": r.state_label,
                "reviewer": r.sheet.reviewer_name,
                "statistician": r.sheet.statistician_name,
            }
        )
    return SheetData(
        name=month.label,
        fields={
            "organization": month.organization.name,
            "period": month.label,
            "office_reviewer": reviewer,
            "office_statistician": statistician,
        },
        rows=table,
    )


@in_official_language
def export_statistics(month: AppraisalMonth, rows: list[DepartmentRow]) -> bytes:
    return export_workbook(STATISTICS, [statistics_data(month, rows)])


@in_official_language
def statistics_pdf(month: AppraisalMonth, rows: list[DepartmentRow]) -> bytes:
    return render_layout_pdf(
        STATISTICS, statistics_data(month, rows), subtitle=f"（{month.label}）"
    )


# --- The work progress table (EMP-7) ------------------------------------------------------

PROGRESS = Layout(
    title="绩效考核工作进度表",
    fields=(
        Field("organization", "单位", "B2", merge_to="C2"),
        Field("year", "年度", "E2"),
    ),
    table=Table(
        columns=(
            Column("position", "序号", Integer(), width=6),
            Column("title", "工作事项", Text(), width=36),
            Column("start_date", "开始日期", Date()),
            Column("end_date", "完成时限", Date()),
            Column("owner", "责任人", Text(), width=14),
            Column("status", "状态", Choice({official_text(k): v for v, k in StepStatus.choices})),
            Column("note", "备注", Text(), width=24),
        ),
        header_row=4,
    ),
)


@in_official_language
def export_progress(organization_name: str, year: int, steps: list[ProgressStep]) -> bytes:
    rows = [
        {
            "position": n,
            "title": s.title,
            "start_date": s.start_date,
            "end_date": s.end_date,
            "owner": s.owner,
            "status": s.status,
            "note": s.note,
        }
        for n, s in enumerate(steps, start=1)
    ]
    data = SheetData(
        name=f"{year}年", fields={"organization": organization_name, "year": str(year)}, rows=rows
    )
    return export_workbook(PROGRESS, [data])
