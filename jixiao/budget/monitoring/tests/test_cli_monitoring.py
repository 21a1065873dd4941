"""``jixiao import_spending``, ``export_monitoring`` and ``import_monitoring`` (X-4): the pages'
Excel functions from the command line as a named person — counts on success, every error
located on stderr with exit code 2, the person's rights and scope, ``--dry-run``."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from jixiao.audit.models import AuditEvent
from jixiao.budget.management.commands.import_monitoring import round_unknown
from jixiao.budget.monitoring import excel
from jixiao.budget.monitoring.models import IndicatorProgress, SpendingRecord
from jixiao.budget.monitoring.tests.factories import YEAR, approved_project, form_of, open_round
from jixiao.lib import cli
from jixiao.orgs.errors import NO_PERMISSION
from jixiao.testing.commands import refused, run

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def world(personas):  # type: ignore[no-untyped-def]
    a2 = approved_project(personas.unit_a, "A-2", D(300))
    b1 = approved_project(personas.unit_b, "B-1", D(600))
    return open_round(personas.bureau), a2, b1


def trail() -> int:
    return AuditEvent.objects.count()


# --- 项目支出明细 ------------------------------------------------------------------------------


def spending_book(tmp_path: Path, rows: list[tuple[object, ...]]) -> str:
    """The page's blank 项目支出明细 with ``rows`` filled in from row 3."""
    book = openpyxl.load_workbook(io.BytesIO(excel.spending_template()))
    for number, values in enumerate(rows, start=3):
        for column, value in enumerate(values, start=1):
            book.active.cell(row=number, column=column, value=value)
    path = tmp_path / "spending.xlsx"
    book.save(path)
    return str(path)


def test_import_spending_records_the_payments(personas, world, tmp_path):
    path = spending_book(
        tmp_path, [("A-2", date(YEAR, 6, 1), 12.5, "P-1"), ("B-1", date(YEAR, 6, 3), 4, "")]
    )
    args = ("import_spending", path, "--year", str(YEAR), "--as", "finance")

    out = run(*args, "--dry-run")
    assert out.splitlines() == ["已导入2条支出记录，合计16.5万元（2个项目）。", cli.dry_run_done()]
    assert not SpendingRecord.objects.exists()

    assert run(*args) == "已导入2条支出记录，合计16.5万元（2个项目）。\n"
    assert SpendingRecord.objects.count() == 2


def test_import_spending_refused_lists_each_row_and_writes_nothing(personas, world, tmp_path):
    path = spending_book(
        tmp_path,
        [
            ("A-2", date(YEAR, 6, 1), 12.5, "P-1"),
            ("NOPE", date(YEAR, 6, 2), 3, "P-2"),
            ("B-1", date(YEAR - 1, 12, 1), 4, "P-3"),
        ],
    )
    events = trail()

    message, lines = refused("import_spending", path, "--year", str(YEAR), "--as", "finance")

    assert message == "导入未完成：发现2处错误，未写入任何数据。"
    assert len(lines) == 2
    # the service's checks name the row (the value checks of the layout name the column too)
    assert lines[0].startswith("工作表“支出明细”第4行：项目代码“NOPE”")
    assert lines[1].startswith("工作表“支出明细”第5行：") and f"不在{YEAR}年度内" in lines[1]
    assert not SpendingRecord.objects.exists() and trail() == events

    path = spending_book(tmp_path, [("A-2", date(YEAR, 6, 1), "五", "P-1")])
    _message, lines = refused("import_spending", path, "--year", str(YEAR), "--as", "finance")
    assert lines == ["工作表“支出明细”第3行C列（金额（万元））：应为数字，实际为“五”"]


def test_import_spending_needs_the_bureaus_right(personas, world, tmp_path):
    path = spending_book(tmp_path, [("A-2", date(YEAR, 6, 1), 12.5, "P-1")])
    message, lines = refused("import_spending", path, "--year", str(YEAR), "--as", "unit_a")
    assert (message, lines) == (NO_PERMISSION, [])
    assert not SpendingRecord.objects.exists()


# --- 绩效监控表 --------------------------------------------------------------------------------


def exported(tmp_path: Path, round_pk: int, username: str) -> Path:
    path = tmp_path / f"{username}.xlsx"
    out = run("export_monitoring", "--round", str(round_pk), "--as", username, "-o", str(path))
    assert out.startswith("已导出") and out.endswith(f"到 {path}。\n")
    return path


def with_values(path: Path, sheet: str, values: dict[str, tuple[int, object]]) -> Path:
    """The workbook with ``values`` (indicator name → (column, value)) in ``sheet``."""
    book = openpyxl.load_workbook(path)
    ws = book[sheet]
    rows = {ws.cell(row=r, column=3).value: r for r in range(11, ws.max_row + 1)}
    for name, (column, value) in values.items():
        ws.cell(row=rows[name], column=column, value=value)
    book.save(path)
    return path


def progress_of(round, project):  # type: ignore[no-untyped-def]
    return IndicatorProgress.objects.get(
        form=form_of(round, project), indicator_name="工程验收合格率"
    )


def test_export_then_import_monitoring_forms(personas, world, tmp_path):
    round, a2, _b1 = world
    assert openpyxl.load_workbook(exported(tmp_path, round.pk, "finance")).sheetnames == [
        "A-2",
        "B-1",
    ]
    path = with_values(
        exported(tmp_path, round.pk, "unit_a"),
        "A-2",
        {"工程验收合格率": (5, 100), "新建改造供水工程": (5, 30)},
    )
    assert openpyxl.load_workbook(path).sheetnames == ["A-2"]  # the unit's own form only
    args = ("import_monitoring", str(path), "--round", str(round.pk), "--as", "unit_a")

    assert run(*args, "--dry-run").splitlines() == [
        "已导入1张绩效监控表（2个指标）。",
        cli.dry_run_done(),
    ]
    assert progress_of(round, a2).actual is None

    assert run(*args) == "已导入1张绩效监控表（2个指标）。\n"
    assert progress_of(round, a2).actual == D(100)
    event = AuditEvent.objects.filter(object_id=str(form_of(round, a2).pk)).latest("id")
    assert (event.actor, event.source) == (personas.unit_a_operator, "cli")


def test_import_monitoring_refused_lists_every_error(personas, world, tmp_path):
    round, a2, _b1 = world
    path = with_values(
        exported(tmp_path, round.pk, "unit_a"),
        "A-2",
        {"工程验收合格率": (5, "九十"), "新建改造供水工程": (12, "大概能")},
    )
    events = trail()

    message, lines = refused(
        "import_monitoring", str(path), "--round", str(round.pk), "--as", "unit_a"
    )

    assert message == "导入未完成：发现2处错误，未写入任何数据。"
    assert len(lines) == 2 and all(line.startswith("工作表“A-2”第") for line in lines)
    assert any("行E列" in line and "实际为“九十”" in line for line in lines)
    assert any("行L列（完成目标可能性）" in line and "“大概能”" in line for line in lines)
    assert progress_of(round, a2).actual is None and trail() == events


def test_import_monitoring_with_the_persons_rights_and_scope(personas, world, tmp_path):
    round, _a2, _b1 = world
    path = exported(tmp_path, round.pk, "finance")
    args = ("import_monitoring", str(path), "--round", str(round.pk))
    events = trail()

    # the department reviewer sees the round but fills no form
    assert refused(*args, "--as", "edu_reviewer") == (NO_PERMISSION, [])
    # unit A's operator may fill only unit A's form: unit B's sheet is refused
    message, lines = refused(*args, "--as", "unit_a")
    assert message == "导入未完成：发现1处错误，未写入任何数据。"
    assert lines[0].startswith("工作表“B-1”第3行I列（项目代码）：项目代码“B-1”")
    # a round that does not exist, and a round outside a person's scope, read alike
    for pk in (round.pk + 100, round.pk):
        message, _lines = refused("import_monitoring", str(path), "--round", str(pk), "--as", "hr")
        assert message == round_unknown(pk)
    assert trail() == events
