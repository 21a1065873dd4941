"""``jixiao export_salary_bases`` / ``import_salary_bases`` (X-4): the salary bases in and out
of Excel from the command line, as a named person — counts, the audit source ``cli``, every
error located with exit code 2, rights, dry run."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.appraisal import salary_excel
from jixiao.appraisal.management.commands.import_salary_bases import no_company
from jixiao.audit.models import AuditEvent
from jixiao.lib import cli
from jixiao.testing.commands import refused, run

from .test_salary_excel import ACTION, audit_count, bases, edited, other_company

pytestmark = pytest.mark.django_db
D = Decimal


def exported(tmp_path: Path, username: str = "hr") -> Path:
    path = tmp_path / "bases.xlsx"
    out = run("export_salary_bases", "--as", username, "-o", str(path))
    assert out.startswith("已导出")
    return path


def changed(path: Path, changes: dict[str, object], extra: list[list[object]] = ()) -> Path:  # type: ignore[assignment]
    target = path.with_name("changed.xlsx")
    target.write_bytes(edited(path.read_bytes(), changes, extra).getvalue())
    return target


def test_export_then_import_two_changes_as_the_office(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bases.xlsx"
    out = run("export_salary_bases", "--as", "hr", "-o", str(path))
    assert out == f"已导出测试公司的工资基数（5名员工）到 {path}。\n"
    upload = changed(path, {"E001": 6400, "E003": 5800})
    before = audit_count()
    out = run("import_salary_bases", str(upload), "--as", "hr")
    assert out == "已保存2名员工的工资基数：新设0人，修改2人，未变3人，未填0人。\n"
    assert bases()["E001"] == D(6400) and bases()["E003"] == D(5800)
    events = AuditEvent.objects.filter(action=ACTION).order_by("-id")[:2]
    assert audit_count() == before + 2
    assert {(e.actor_id, e.source) for e in events} == {(world.hr.pk, cli.SOURCE)}
    again = run("import_salary_bases", str(upload), "--as", "hr")
    assert again == "已保存0名员工的工资基数：新设0人，修改0人，未变5人，未填0人。\n"
    assert audit_count() == before + 2


def test_dry_run_reports_and_writes_nothing(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    upload = changed(exported(tmp_path), {"E002": 9000})
    before = audit_count()
    out = run("import_salary_bases", str(upload), "--as", "hr", "--dry-run")
    assert out.splitlines() == [
        "已保存1名员工的工资基数：新设0人，修改1人，未变4人，未填0人。",
        cli.dry_run_done(),
    ]
    assert bases()["E002"] == D(5000) and audit_count() == before


def test_errors_are_listed_on_stderr_and_nothing_is_written(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    upload = changed(
        exported(tmp_path),
        {"E001": 7000, "E002": "五千", "E004": -1},
        extra=[["E999", None, None, 3000]],
    )
    before = bases()
    message, lines = refused("import_salary_bases", str(upload), "--as", "hr")
    assert message == "导入未完成：发现3处错误，未写入任何数据。"
    assert lines == [
        "工作表“工资基数”第4行D列（月工资基数（元））：应为数字，实际为“五千”",
        "工作表“工资基数”第6行D列（月工资基数（元））：工资基数不能为负数。",
        "工作表“工资基数”第8行A列（工号/用户名）："
        + salary_excel.EMPLOYEE_NOT_COVERED.format(key="E999"),
    ]
    assert bases() == before


@pytest.mark.parametrize("username", ["head", "employee"])
def test_people_without_the_office_role_are_refused(world, tmp_path, username) -> None:  # type: ignore[no-untyped-def]
    path = exported(tmp_path)
    upload = changed(path, {"E001": 1})
    assert refused("import_salary_bases", str(upload), "--as", username)[0] == no_company()
    out = str(tmp_path / "theirs.xlsx")
    assert refused("export_salary_bases", "--as", username, "-o", out)[0] == no_company()
    assert not Path(out).exists() and bases()["E001"] == D(5000)


def test_another_companys_office_cannot_touch_ours(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    other_company()
    upload = changed(exported(tmp_path), {"E001": 1})
    message, lines = refused("import_salary_bases", str(upload), "--as", "hr_other")
    assert message == "导入未完成：发现5处错误，未写入任何数据。"
    assert lines == [
        f"工作表“工资基数”第{row}行A列（工号/用户名）："
        + salary_excel.EMPLOYEE_NOT_COVERED.format(key=f"E00{row - 2}")
        for row in range(3, 8)
    ]
    assert bases()["E001"] == D(5000)
    theirs = tmp_path / "theirs.xlsx"
    out = run("export_salary_bases", "--as", "hr_other", "-o", str(theirs))
    assert out == f"已导出另一公司的工资基数（1名员工）到 {theirs}。\n"


def test_unknown_person_and_missing_file(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = str(tmp_path / "none.xlsx")
    assert refused("import_salary_bases", path, "--as", "nobody")[0] == cli.user_unknown("nobody")
    assert refused("import_salary_bases", path, "--as", "hr")[0] == cli.file_missing(path)
