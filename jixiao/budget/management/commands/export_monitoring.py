"""``jixiao export_monitoring --round ID --as USERNAME -o FILE``: the round's monitoring forms
the person sees, as the round's export button gives them
(:func:`jixiao.budget.monitoring.excel.export_forms`) — a workbook ``import_monitoring`` reads
back."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from jixiao.budget.management.commands.import_monitoring import round_unknown
from jixiao.budget.monitoring import excel, queries
from jixiao.lib import cli


class Command(BaseCommand):
    help = _(
        "导出某一监控轮次的绩效监控表（Excel，每个项目一张工作表，可再导入）。"
        "退出码：0 成功；2 被拒绝；1 其他错误。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--round", type=int, required=True, help=_("监控轮次编号"))
        cli.add_actor_argument(parser)
        cli.add_output_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = cli.actor(options["actor"])
        pk = options["round"]
        round = cli.in_scope(lambda: queries.get_round_for_user(user, pk), round_unknown(pk))
        with cli.run(user, self.stderr, label=_("正在导出绩效监控表")):
            forms = queries.form_rows(user, round)
            content = excel.export_forms(round, forms)
            count = forms.count()
        cli.write_output(options["output"], content)
        self.stdout.write(
            _("已导出%(count)s张绩效监控表到 %(file)s。")
            % {"count": count, "file": options["output"]}
        )
