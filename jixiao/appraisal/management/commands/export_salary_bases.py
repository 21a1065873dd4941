"""``jixiao export_salary_bases --as USERNAME -o FILE``: the salary bases of the company the
person keeps them for, as the salary-bases page exports them
(:func:`jixiao.appraisal.salary_excel.export_salary_bases`) — a workbook
``import_salary_bases`` reads back."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from jixiao.appraisal import salary_excel
from jixiao.appraisal.management.commands.import_salary_bases import company_of_actor
from jixiao.lib import cli


class Command(BaseCommand):
    help = _("导出员工工资基数（Excel，可填写后再导入）。退出码：0 成功；2 被拒绝；1 其他错误。")

    def add_arguments(self, parser: CommandParser) -> None:
        cli.add_actor_argument(parser)
        cli.add_output_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = cli.actor(options["actor"])
        company = company_of_actor(user)
        with cli.run(user, self.stderr, label=_("正在导出工资基数")):
            content = salary_excel.export_salary_bases(company)
        cli.write_output(options["output"], content)
        count = len(salary_excel.employees(company))
        self.stdout.write(
            _("已导出%(company)s的工资基数（%(count)s名员工）到 %(file)s。")
            % {"company": company.name, "count": count, "file": options["output"]}
        )
