"""``jixiao export_scores --month YYYY-MM --department CODE --as USERNAME -o FILE``: a
department's monthly scoring grid as the sheet page exports it
(:func:`jixiao.appraisal.excel.export_grid`) — a workbook ``import_scores`` reads back."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from jixiao.appraisal import excel
from jixiao.appraisal import permissions as p
from jixiao.appraisal.management.commands.import_scores import add_sheet_arguments, sheet_for
from jixiao.appraisal.models import EmployeeScore
from jixiao.lib import cli


class Command(BaseCommand):
    help = _(
        "导出部门月度考核评分表（Excel，可填写后再导入）。退出码：0 成功；2 被拒绝；1 其他错误。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_sheet_arguments(parser)
        cli.add_actor_argument(parser)
        cli.add_output_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = cli.actor(options["actor"])
        sheet = sheet_for(user, options, p.VIEW)
        with cli.run(user, self.stderr, label=_("正在导出考核评分表")):
            content = excel.export_grid(sheet)
        cli.write_output(options["output"], content)
        count = EmployeeScore.objects.filter(sheet=sheet).count()
        self.stdout.write(
            _("已导出%(department)s %(month)s的考核评分表（%(count)s名员工）到 %(file)s。")
            % {
                "department": sheet.department.name,
                "month": sheet.month.label,
                "count": count,
                "file": options["output"],
            }
        )
