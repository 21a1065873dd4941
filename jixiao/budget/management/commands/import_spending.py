"""``jixiao import_spending FILE --year Y --as USERNAME [--dry-run]``: record the payments of a
项目支出明细 workbook — the budget system's nightly file — as the page “导入支出明细” does
(:func:`jixiao.budget.monitoring.excel.import_spending`), all or nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from jixiao.budget import permissions as actions
from jixiao.budget.monitoring import excel
from jixiao.lib import cli
from jixiao.orgs import permissions as perms
from jixiao.orgs.errors import NO_PERMISSION


class Command(BaseCommand):
    help = _(
        "导入项目支出明细（Excel：项目代码、支付日期、金额、凭证号），全部导入或全部不导入。"
        "退出码：0 成功；2 被拒绝（逐条列出错误，未写入任何数据）；1 其他错误。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help=_("要导入的 Excel 文件（.xlsx）"))
        parser.add_argument("--year", type=int, required=True, help=_("预算年度"))
        cli.add_actor_argument(parser)
        cli.add_dry_run_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = cli.actor(options["actor"])
        if not perms.can(user, actions.MONITORING_MANAGE):  # as the page: before the file
            raise cli.refuse(NO_PERMISSION)
        file = cli.input_file(options["file"])
        label = _("正在导入支出明细")
        with cli.run(user, self.stderr, label=label, dry_run=options["dry_run"]):
            result = excel.import_spending(actor=user, fiscal_year=options["year"], file=file)
        self.stdout.write(
            _("已导入%(created)s条支出记录，合计%(total)s万元（%(projects)s个项目）。")
            % {"created": result.created, "total": result.total, "projects": result.projects}
        )
        if options["dry_run"]:
            self.stdout.write(cli.dry_run_done())
