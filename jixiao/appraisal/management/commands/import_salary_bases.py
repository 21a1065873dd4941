"""``jixiao import_salary_bases FILE --as USERNAME [--dry-run]``: employees' salary bases
(工资基数) from Excel for the company the person keeps them for, as the salary-bases page's
import does (:func:`jixiao.appraisal.salary_excel.pay_profiles_import`), all or nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from jixiao.appraisal import salary_excel
from jixiao.lib import cli
from jixiao.orgs.models import Organization


def no_company() -> str:
    return _("您不负责任何单位的工资基数（须为单位绩效办人员）。")


def company_of_actor(user: Any) -> Organization:
    """The company whose salary bases ``user`` keeps (as the page chooses it); a refusal for
    anyone who keeps none."""
    company = salary_excel.company_for(user)
    if company is None:
        raise cli.refuse(no_company())
    return company


class Command(BaseCommand):
    help = _(
        "导入员工工资基数（Excel），全部导入或全部不导入。"
        "退出码：0 成功；2 被拒绝（逐条列出错误，未写入任何数据）；1 其他错误。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help=_("要导入的 Excel 文件（.xlsx）"))
        cli.add_actor_argument(parser)
        cli.add_dry_run_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = cli.actor(options["actor"])
        company = company_of_actor(user)
        file = cli.input_file(options["file"])
        label = _("正在导入工资基数")
        with cli.run(user, self.stderr, label=label, dry_run=options["dry_run"]):
            result = salary_excel.pay_profiles_import(actor=user, company=company, upload=file)
        self.stdout.write(
            _(
                "已保存%(written)s名员工的工资基数：新设%(created)s人，修改%(updated)s人，"
                "未变%(unchanged)s人，未填%(blank)s人。"
            )
            % {
                "written": result.written,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "blank": result.blank,
            }
        )
        if options["dry_run"]:
            self.stdout.write(cli.dry_run_done())
