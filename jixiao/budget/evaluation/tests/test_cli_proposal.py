"""``jixiao export_proposal`` (X-4): the proposal page's workbook from the command line, as a
named person; a person without the right is refused with exit code 2."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jixiao.budget.evaluation.tests.factories import submitted
from jixiao.budget.monitoring.tests.factories import YEAR
from jixiao.lib import cli
from jixiao.orgs.errors import NO_PERMISSION

pytestmark = pytest.mark.django_db


def test_the_proposal_exports_to_excel(personas, tmp_path) -> None:  # type: ignore[no-untyped-def]
    submitted(personas.unit_a, "A1")
    path = tmp_path / "proposal.xlsx"
    out = io.StringIO()

    call_command(
        "export_proposal", "--year", str(YEAR), "--as", "finance", "-o", str(path), stdout=out
    )

    assert out.getvalue() == f"已导出测试县财政局{YEAR + 1}年度预算安排建议（1个项目）到 {path}。\n"
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["项目", "主管部门"]
    values = [c.value for row in book["项目"].iter_rows() for c in row]
    assert "A1" in values and "合计" in values and "优先保障" in values


def test_a_person_without_the_right_is_refused(personas, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "proposal.xlsx"
    with pytest.raises(CommandError) as caught:
        call_command(
            "export_proposal", "--year", str(YEAR), "--as", "hr", "-o", str(path),
            stdout=io.StringIO(), stderr=io.StringIO(),
        )  # fmt: skip
    assert (caught.value.returncode, str(caught.value)) == (cli.EXIT_REFUSED, NO_PERMISSION)
    assert not path.exists()
