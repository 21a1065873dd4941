"""The scoring grid in and out of Excel (all or nothing), the statistics table and the work
progress table."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest

from jixiao.appraisal import excel, queries, services
from jixiao.appraisal.models import DepartmentSheet, EmployeeScore, ProgressStep
from jixiao.documents.excel import ImportRefused

from .test_services import open_month, score_all, sheet_of


def _workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(BytesIO(data))


def test_grid_round_trips_and_imports(world) -> None:  # type: ignore[no-untyped-def]
    month = open_month(world)
    sheet = sheet_of(month, world.dept)
    book = _workbook(excel.export_grid(sheet))
    ws = book.active
    assert ws["A1"].value == "部门月度考核评分表"
    titles = [c.value for c in ws[4]]
    assert titles[:3] == ["工号", "姓名", "工作任务完成（50分）"]
    for row in ws.iter_rows(min_row=5):
        if row[0].value:
            row[2].value, row[3].value, row[4].value = 48, 27, 19
    out = BytesIO()
    book.save(out)
    out.seek(0)
    assert services.appraisal_scores_import(actor=world.head, sheet=sheet, upload=out) == 3
    assert EmployeeScore.objects.get(sheet=sheet, employee=world.employee).total == Decimal(94)


def test_grid_import_is_all_or_nothing_with_located_errors(world) -> None:  # type: ignore[no-untyped-def]
    month = open_month(world)
    sheet = sheet_of(month, world.dept)
    book = _workbook(excel.export_grid(sheet))
    ws = book.active
    ws["C5"], ws["D5"], ws["E5"] = 40, 20, 10
    ws["C6"] = 60  # over the full score
    ws["D7"] = "十二"
    ws["A8"], ws["C8"] = "NOBODY", 1
    out = BytesIO()
    book.save(out)
    out.seek(0)
    with pytest.raises(ImportRefused) as refused:
        services.appraisal_scores_import(actor=world.head, sheet=sheet, upload=out)
    text = "\n".join(refused.value.messages())
    assert "第6行C列" in text
    assert "第7行D列" in text and "十二" in text
    assert "第8行A列（工号）：工号“NOBODY”不在本部门本月考核名单中" in text
    assert not EmployeeScore.objects.filter(sheet=sheet, complete=True).exists()


def test_statistics_table_in_excel_and_pdf(world) -> None:  # type: ignore[no-untyped-def]
    month = open_month(world)
    sheet = sheet_of(month, world.dept)
    score_all(world, sheet)
    services.appraisal_sheet_sign(
        actor=world.head, sheet=sheet, reviewer_name="王审核", statistician_name="李统计"
    )
    rows = queries.department_rows(month, DepartmentSheet.objects.all())
    ws = _workbook(excel.export_statistics(month, rows)).active
    assert ws["A1"].value == "部门绩效考核统计分析表"
    cells = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert "王审核" in cells and "李统计" in cells and world.dept.name in cells
    assert "等级分布" in cells and "分差" in cells
    pdf = excel.statistics_pdf(month, rows)
    assert pdf.startswith(b"%PDF")


def test_progress_table_export(world) -> None:  # type: ignore[no-untyped-def]
    services.progress_step_save(
        actor=world.hr,
        organization=world.company,
        year=2026,
        title="修订各部门考核细则",
        start_date=date(2026, 1, 5),
        end_date=date(2026, 2, 28),
        owner="绩效办",
    )
    steps = list(ProgressStep.objects.all())
    ws = _workbook(excel.export_progress(world.company.name, 2026, steps)).active
    cells = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert "修订各部门考核细则" in cells and "未开始" in cells
