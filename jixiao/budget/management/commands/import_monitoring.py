"""``jixiao import_monitoring FILE --round ID --as USERNAME [--dry-run]``: save the monitoring
forms (项目支出绩效目标执行监控表, one per sheet) of a workbook into a round, as the round's
import page does (:func:`jixiao.budget.monitoring.excel.import_workbook`), all or nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from jixiao.budget.monitoring import excel, queries
from jixiao.lib import cli


def round_unknown(pk: int) -> str:
    return _("没有编号为%(pk)s的监控轮次，或不在您的范围内。") % {"pk": pk}


class Command(BaseCommand):
    help = _(
        "导入绩效监控表（Excel，每个项目一张工作表），全部导入或全部不导入。"
        "退出码：0 成功；2 被拒绝（逐条列出错误，未写入任何数据）；1 其他错误。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help=_("要导入的 Excel 文件（.xlsx）"))
        parser.add_argument("--round", type=int, required=True, help=_("监控轮次编号"))
        cli.add_actor_argument(parser)
        cli.add_dry_run_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = cli.actor(options["actor"])
        pk = options["round"]
        round = cli.in_scope(lambda: queries.get_round_for_user(user, pk), round_unknown(pk))
        file = cli.input_file(options["file"])
        label = _("正在导入绩效监控表")
        with cli.run(user, self.stderr, label=label, dry_run=options["dry_run"]):
            result = excel.import_workbook(actor=user, round=round, file=file)
        self.stdout.write(
            _("已导入%(forms)s张绩效监控表（%(rows)s个指标）。")
            % {"forms": result.forms, "rows": result.indicators}
        )
        if options["dry_run"]:
            self.stdout.write(cli.dry_run_done())
