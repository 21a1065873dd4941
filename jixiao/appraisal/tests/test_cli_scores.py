"""``jixiao export_scores`` / ``import_scores`` (X-4): a department's monthly scoring grid in
and out of Excel from the command line, as a named person — the page's export and
``appraisal_scores_import``: counts, every error located with exit code 2, rights, dry run."""

from __future__ import annotations

import argparse
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from jixiao.appraisal.management.commands.import_scores import month, sheet_unknown
from jixiao.appraisal.models import EmployeeScore
from jixiao.audit.models import AuditEvent
from jixiao.lib import cli
from jixiao.orgs.errors import NO_PERMISSION
from jixiao.testing.commands import refused, run

from .test_services import open_month, sheet_of

pytestmark = pytest.mark.django_db
MONTH = "2026-03"


def exported(world, tmp_path: Path, username: str = "head") -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "grid.xlsx"
    code = world.dept.code
    out = run(
        "export_scores", "--month", MONTH, "--department", code, "--as", username, "-o", str(path)
    )
    assert out == f"已导出测试公司生产部 2026年3月的考核评分表（3名员工）到 {path}。\n"
    return path


def filled(path: Path, cells: dict[str, object] | None = None) -> Path:
    """Every employee scored 48 / 27 / 19, then ``cells`` changed."""
    book = openpyxl.load_workbook(path)
    ws = book.active
    for row in ws.iter_rows(min_row=5):
        if row[0].value:
            row[2].value, row[3].value, row[4].value = 48, 27, 19
    for ref, value in (cells or {}).items():
        ws[ref] = value
    book.save(path)
    return path


def import_args(world, path: Path, username: str = "head") -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    code = world.dept.code
    return ("import_scores", str(path), "--month", MONTH, "--department", code, "--as", username)


def totals(sheet) -> list[object]:  # type: ignore[no-untyped-def]
    return sorted(str(s.total) for s in EmployeeScore.objects.filter(sheet=sheet))


def test_export_fill_in_and_import_the_grid(world, tmp_path):
    sheet = sheet_of(open_month(world), world.dept)
    path = filled(exported(world, tmp_path))
    before = totals(sheet)

    out = run(*import_args(world, path), "--dry-run")
    assert out.splitlines() == ["已导入3名员工的得分。", cli.dry_run_done()]
    assert totals(sheet) == before

    assert run(*import_args(world, path)) == "已导入3名员工的得分。\n"
    assert EmployeeScore.objects.get(sheet=sheet, employee=world.employee).total == Decimal(94)
    event = AuditEvent.objects.get(action="appraisal.scores.import")
    assert (event.actor, event.source, event.object_id) == (world.head, "cli", str(sheet.pk))


def test_a_wrong_grid_is_refused_with_every_error_and_nothing_written(world, tmp_path):
    sheet = sheet_of(open_month(world), world.dept)
    path = filled(exported(world, tmp_path), {"C6": 60, "D7": "十二", "A8": "NOBODY", "C8": 1})
    before, events = totals(sheet), AuditEvent.objects.count()

    message, lines = refused(*import_args(world, path))

    assert message.startswith("导入未完成：发现") and message.endswith("处错误，未写入任何数据。")
    assert any("第7行D列" in line and "十二" in line for line in lines)
    assert "工作表“测试公司生产部”第8行A列（工号）：工号“NOBODY”不在本部门本月考核名单中" in lines
    assert all(line.startswith("工作表“测试公司生产部”第") for line in lines)
    assert totals(sheet) == before and AuditEvent.objects.count() == events


def test_the_import_runs_with_the_persons_rights(world, tmp_path):
    sheet = sheet_of(open_month(world), world.dept)
    path = filled(exported(world, tmp_path))
    before = totals(sheet)

    # the HR office sees the grid but does not score departments
    assert refused(*import_args(world, path, "hr")) == (NO_PERMISSION, [])
    # another department's head does not see this department's sheet at all
    message, _lines = refused(*import_args(world, path, "other_head"))
    assert message == sheet_unknown(world.dept.code, 2026, 3)
    # nor does anyone see a month that was never opened
    args = list(import_args(world, path))
    args[3] = "2026-04"
    assert refused(*args)[0] == sheet_unknown(world.dept.code, 2026, 4)
    assert totals(sheet) == before


def test_the_month_argument():
    assert month("2026-03") == month("2026-3") == (2026, 3)
    for wrong in ("2026-13", "202603", "三月"):
        with pytest.raises(argparse.ArgumentTypeError, match="考核月份应如“2026-03”"):
            month(wrong)
