"""``jixiao import_scores FILE --month YYYY-MM --department CODE --as USERNAME [--dry-run]``:
a department's monthly scoring grid (部门月度考核评分表) from Excel, as the sheet page's import
does (:func:`jixiao.appraisal.services.appraisal_scores_import`), all or nothing."""

from __future__ import annotations

import argparse
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from jixiao.appraisal import permissions as p
from jixiao.appraisal import queries, services
from jixiao.appraisal.models import DepartmentSheet
from jixiao.lib import cli

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def month(text: str) -> tuple[int, int]:
    """``--month 2026-03`` as (2026, 3)."""
    match = _MONTH.match(text.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise argparse.ArgumentTypeError(
            _("考核月份应如“2026-03”，实际为“%(value)s”") % {"value": text}
        )
    return int(match.group(1)), int(match.group(2))


def sheet_unknown(code: str, year: int, number: int) -> str:
    return _("没有部门“%(code)s”%(year)s年%(month)s月的考核表，或不在您的范围内。") % {
        "code": code,
        "year": year,
        "month": number,
    }


def add_sheet_arguments(parser: CommandParser) -> None:
    parser.add_argument("--month", type=month, required=True, help=_("考核月份，如 2026-03"))
    parser.add_argument("--department", required=True, metavar="CODE", help=_("部门的组织代码"))


def sheet_for(user: Any, options: dict[str, Any], action: str) -> DepartmentSheet:
    """The department's sheet of the month, through the pages' access helper for ``action``."""
    year, number = options["month"]
    code = options["department"]
    pk = (
        DepartmentSheet.objects.filter(month__year=year, month__month=number, department__code=code)
        .values_list("pk", flat=True)
        .first()
    )
    return cli.in_scope(
        lambda: queries.get_sheet_for_user(user, pk, action), sheet_unknown(code, year, number)
    )


class Command(BaseCommand):
    help = _(
        "导入部门月度考核评分表（Excel），全部导入或全部不导入。"
        "退出码：0 成功；2 被拒绝（逐条列出错误，未写入任何数据）；1 其他错误。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help=_("要导入的 Excel 文件（.xlsx）"))
        add_sheet_arguments(parser)
        cli.add_actor_argument(parser)
        cli.add_dry_run_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = cli.actor(options["actor"])
        # Found as a reader, so that someone who sees the sheet but may not score it is told
        # so by the service (which requires SCORE) rather than that the sheet does not exist.
        sheet = sheet_for(user, options, p.VIEW)
        file = cli.input_file(options["file"])
        label = _("正在导入考核评分")
        with cli.run(user, self.stderr, label=label, dry_run=options["dry_run"]):
            count = services.appraisal_scores_import(actor=user, sheet=sheet, upload=file)
        self.stdout.write(_("已导入%(count)s名员工的得分。") % {"count": count})
        if options["dry_run"]:
            self.stdout.write(cli.dry_run_done())
