"""``jixiao import_targets FILE --year Y --as USERNAME [--dry-run]``: import a workbook of target
declarations (项目支出绩效目标申报表, one project per sheet) — the import of the page
“导入项目绩效目标”, :func:`jixiao.budget.excel.import_workbook`, all or nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from jixiao.budget import excel
from jixiao.lib import cli


class Command(BaseCommand):
    help = _(
        "导入项目支出绩效目标申报表（Excel，每个项目一张工作表），全部导入或全部不导入。"
        "退出码：0 成功；2 被拒绝（逐条列出错误，未写入任何数据）；1 其他错误。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help=_("要导入的 Excel 文件（.xlsx）"))
        parser.add_argument("--year", type=int, required=True, help=_("预算年度"))
        cli.add_actor_argument(parser)
        cli.add_dry_run_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = cli.actor(options["actor"])
        file = cli.input_file(options["file"])
        label = _("正在导入项目绩效目标")
        with cli.run(user, self.stderr, label=label, dry_run=options["dry_run"]):
            result = excel.import_workbook(actor=user, file=file, fiscal_year=options["year"])
        self.stdout.write(
            _(
                "已导入%(projects)s个项目（新建%(created)s个，更新%(updated)s个），共%(indicators)s个指标。"
            )
            % {
                "projects": len(result.projects),
                "created": result.created,
                "updated": result.updated,
                "indicators": result.indicators,
            }
        )
        if options["dry_run"]:
            self.stdout.write(cli.dry_run_done())
