"""``jixiao export_targets`` / ``import_targets`` (X-4): the pages' exporter and import from the
command line, as a named person (scope, audit source ``cli``), all or nothing with every error
on stderr and exit code 2, ``--dry-run``; the shared progress line; and the real ``jixiao``
entry point on a fresh SQLite database."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jixiao.audit.models import AuditEvent
from jixiao.budget import excel, services
from jixiao.budget.management.commands.export_targets import unit_unknown
from jixiao.budget.models import Project
from jixiao.budget.tests.test_excel import declared, row_of
from jixiao.documents.tests.helpers import edit
from jixiao.lib import cli
from jixiao.orgs.errors import NO_PERMISSION

YEAR = "2027"


def run(*args: str) -> tuple[str, str]:
    """Run a command; its stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args: str) -> tuple[str, str]:
    """Run a command that must be refused (exit code 2); its message and stderr."""
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(*args, stdout=io.StringIO(), stderr=err)
    assert caught.value.returncode == cli.EXIT_REFUSED == 2
    return str(caught.value), err.getvalue()


def export_file(tmp_path: Path, username: str, *units: str, name: str = "out.xlsx") -> Path:
    path = tmp_path / name
    unit_args = ["--unit", *units] if units else []
    out, _err = run("export_targets", "--year", YEAR, *unit_args, "--as", username, "-o", str(path))
    assert out.endswith(f"到 {path}。\n")
    return path


def sheets(path: Path) -> list[str]:
    return openpyxl.load_workbook(path, read_only=True).sheetnames


def written() -> tuple[int, int]:
    return Project.objects.count(), AuditEvent.objects.count()


# --- Export → import -------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_then_import_round_trips_as_the_person(personas, tmp_path):
    project = declared(personas.unit_a)
    before = services.target_snapshot(project)
    path = export_file(tmp_path, "unit_a")
    assert sheets(path) == ["P001"]

    out, err = run("import_targets", str(path), "--year", YEAR, "--as", "unit_a")

    assert out == "已导入1个项目（新建0个，更新1个），共6个指标。\n" and err == ""
    project.refresh_from_db()
    assert services.target_snapshot(project) == before
    event = AuditEvent.objects.get(action=excel.IMPORT_ACTION)
    assert (event.actor, event.source) == (personas.unit_a_operator, "cli")
    assert event.object_id == str(project.pk)


@pytest.mark.django_db
def test_dry_run_checks_and_counts_everything_then_writes_nothing(personas, tmp_path):
    declared(personas.unit_a)
    path = tmp_path / "new.xlsx"
    path.write_bytes(edit(export_file(tmp_path, "unit_a").read_bytes(), "P001", {"H3": "P002"}))
    before = written()

    out, _err = run("import_targets", str(path), "--year", YEAR, "--as", "unit_a", "--dry-run")

    assert out.splitlines() == [
        "已导入1个项目（新建1个，更新0个），共6个指标。",
        "试运行（--dry-run）：以上结果已全部回滚，未写入任何数据。",
    ]
    assert written() == before and not Project.objects.filter(code="P002").exists()

    out, _err = run("import_targets", str(path), "--year", YEAR, "--as", "unit_a")
    assert out == "已导入1个项目（新建1个，更新0个），共6个指标。\n"
    copy = Project.objects.get(code="P002")
    assert copy.created_by == personas.unit_a_operator


# --- Refusals: exit code 2, nothing written --------------------------------------------------


@pytest.mark.django_db
def test_a_wrong_workbook_lists_every_error_by_sheet_row_and_column(personas, tmp_path):
    declared(personas.unit_a)
    source = export_file(tmp_path, "unit_a").read_bytes()
    first = row_of(source, "P001", "新建改造供水工程")
    last = row_of(source, "P001", "受益群众满意度")
    path = tmp_path / "bad.xlsx"
    path.write_bytes(
        edit(
            source,
            "P001",
            {"H3": "P009", "H4": "县不存在的单位", f"G{first}": "三十", f"B{last}": "满意程度指标"},
        )
    )
    before = written()

    message, err = refused("import_targets", str(path), "--year", YEAR, "--as", "unit_a")

    assert message == "导入未完成：发现3处错误，未写入任何数据。"
    lines = err.splitlines()
    assert len(lines) == 3
    assert (
        f"工作表“P001”第4行H列（实施单位）：{excel.UNIT_UNKNOWN.format(unit='县不存在的单位')}"
        in (lines)
    )
    assert f"工作表“P001”第{first}行G列（分值）：应为数字，实际为“三十”" in lines
    assert any(line.startswith(f"工作表“P001”第{last}行B列（二级指标）：应为") for line in lines)
    assert written() == before


@pytest.mark.django_db
def test_the_import_runs_with_the_persons_rights_and_scope(personas, tmp_path):
    declared(personas.unit_a)
    path = export_file(tmp_path, "finance")
    before = written()

    # a reviewer may change no declaration at all
    assert refused("import_targets", str(path), "--year", YEAR, "--as", "finance") == (
        NO_PERMISSION,
        "",
    )
    # unit B's operator may change declarations, but not unit A's
    message, err = refused("import_targets", str(path), "--year", YEAR, "--as", "unit_b")
    assert message == "导入未完成：发现1处错误，未写入任何数据。"
    assert err.startswith("工作表“P001”第4行H列（实施单位）：实施单位“测试县第一中学”不存在")
    # nobody by that name; a deactivated account
    personas.unit_a_operator.is_active = False
    personas.unit_a_operator.save(update_fields=["is_active"])
    for username in ("nobody", "unit_a"):
        message, _err = refused("import_targets", str(path), "--year", YEAR, "--as", username)
        assert message == cli.user_unknown(username)
    assert written() == before


@pytest.mark.django_db
def test_a_missing_file_is_refused(personas, tmp_path):
    missing = str(tmp_path / "missing.xlsx")
    message, _err = refused("import_targets", missing, "--year", YEAR, "--as", "unit_a")
    assert message == cli.file_missing(missing) == f"文件“{missing}”不存在或不是文件。"


@pytest.mark.django_db
def test_not_a_workbook_is_refused_with_the_readers_message(personas, tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_bytes(b"not a workbook")
    _message, err = refused("import_targets", str(path), "--year", YEAR, "--as", "unit_a")
    assert err.startswith("文件：无法读取文件")


# --- Export: the person's scope, units ------------------------------------------------------


@pytest.mark.django_db
def test_export_gives_what_the_person_sees_filtered_by_unit(personas, tmp_path):
    declared(personas.unit_a, "P001")
    declared(personas.unit_b, "P002")

    assert sheets(export_file(tmp_path, "finance")) == ["P001", "P002"]
    assert sheets(export_file(tmp_path, "unit_b")) == ["P002"]
    assert sheets(export_file(tmp_path, "finance", personas.unit_a.code)) == ["P001"]
    by_department = export_file(tmp_path, "finance", personas.health.code, personas.unit_a.code)
    assert sheets(by_department) == ["P001", "P002"]  # a department: its units' projects
    out, _err = run(
        "export_targets", "--year", YEAR, "--unit", personas.unit_a.code, "--as", "unit_b",
        "-o", str(tmp_path / "none.xlsx"),
    )  # fmt: skip
    assert out.startswith("已导出0个项目")  # unit A lies outside unit B's operator's scope


@pytest.mark.django_db
def test_export_refusals(personas, tmp_path):
    out = str(tmp_path / "out.xlsx")
    args = ("export_targets", "--year", YEAR, "-o", out)
    assert refused(*args, "--as", "hr")[0] == NO_PERMISSION  # no budget role
    assert refused(*args, "--unit", "NOPE", "--as", "finance")[0] == unit_unknown("NOPE")
    message, _err = refused(*args[:-1], str(tmp_path / "no-such-dir" / "x.xlsx"), "--as", "finance")
    assert message.startswith("无法写入文件")
    assert not Path(out).exists()


# --- The shared progress line ----------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_shown_on_a_terminal_only():
    for stream, shown in ((Terminal(), True), (io.StringIO(), False)):
        with cli.progress("正在导入项目绩效目标", stream) as advance:
            advance(0, 0)
        assert ("正在导入项目绩效目标" in stream.getvalue()) is shown


# --- The real entry point ----------------------------------------------------------------------


def _jixiao(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = Path(sys.executable).parent / "jixiao"
    return subprocess.run(  # noqa: S603 (our own entry point, fixed arguments)
        [str(command), *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_the_jixiao_entry_point_runs_the_commands_with_their_exit_codes(tmp_path):
    """A fresh SQLite database with the demo county: export as the finance bureau and as the
    school's operator, import the school's declaration back under a new code (dry run, then
    for real), and see refused imports exit with 2 and their messages on stderr."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    env.pop("JIXIAO_REQUIRE_POSTGRES", None)
    for setup in (["migrate", "-v0"], ["demo"]):
        assert _jixiao(env, *setup).returncode == 0
    everything, mine, new = (tmp_path / name for name in ("all.xlsx", "mine.xlsx", "new.xlsx"))
    as_school = ("--year", "2027", "--as", "unit_operator")

    done = _jixiao(
        env, "export_targets", "--year", "2027", "--as", "finance", "-o", str(everything)
    )
    assert done.returncode == 0 and done.stdout.startswith("已导出")
    assert _jixiao(env, "export_targets", *as_school, "-o", str(mine)).returncode == 0
    (code,) = sheets(mine)
    new.write_bytes(edit(mine.read_bytes(), code, {"H3": "CLI-2027-01"}))

    done = _jixiao(env, "import_targets", str(new), *as_school, "--dry-run")
    assert (done.returncode, done.stdout.splitlines()[-1]) == (0, cli.dry_run_done()), done.stderr
    done = _jixiao(env, "import_targets", str(new), *as_school)
    assert done.returncode == 0 and "新建1个" in done.stdout, done.stderr
    done = _jixiao(env, "export_targets", *as_school, "-o", str(mine))
    assert sorted(sheets(mine)) == sorted([code, "CLI-2027-01"])

    done = _jixiao(env, "import_targets", str(everything), *as_school)  # other units: refused
    assert done.returncode == 2
    *errors, summary = done.stderr.splitlines()
    assert summary == f"CommandError: 导入未完成：发现{len(errors)}处错误，未写入任何数据。"
    assert all(line.startswith("工作表“") and "行" in line and "列（" in line for line in errors)
    done = _jixiao(env, "import_targets", str(mine), "--year", "2027", "--as", "nobody")
    assert (done.returncode, done.stderr) == (2, f"CommandError: {cli.user_unknown('nobody')}\n")
