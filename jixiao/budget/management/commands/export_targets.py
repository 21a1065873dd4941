"""``jixiao export_targets --year Y [--unit CODE …] --as USERNAME -o FILE``: the target
declarations the person sees, as the project list page exports them
(:func:`jixiao.budget.excel.export_projects`, one 项目支出绩效目标申报表 per project) — a
workbook ``import_targets`` reads back."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from jixiao.budget import excel, queries
from jixiao.budget import permissions as actions
from jixiao.budget.models import DeclarationKind
from jixiao.lib import cli
from jixiao.orgs import permissions as perms
from jixiao.orgs.errors import NO_PERMISSION
from jixiao.orgs.models import Organization


def unit_unknown(code: str) -> str:
    return _("没有代码为“%(code)s”的单位。") % {"code": code}


class Command(BaseCommand):
    help = _(
        "导出项目支出绩效目标申报表（Excel，每个项目一张工作表，可再导入）。"
        "退出码：0 成功；2 被拒绝；1 其他错误。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help=_("预算年度"))
        parser.add_argument(
            "--unit",
            nargs="+",
            default=[],
            metavar="CODE",
            help=_("只导出这些单位（组织代码，含其下级单位）的项目"),
        )
        cli.add_actor_argument(parser)
        cli.add_output_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = cli.actor(options["actor"])
        if not perms.can(user, actions.PROJECT_VIEW):
            raise cli.refuse(NO_PERMISSION)
        paths = [self._path(code) for code in options["unit"]]
        with cli.run(user, self.stderr, label=_("正在导出项目绩效目标")):
            rows, _counts = queries.project_rows(
                user, fiscal_year=options["year"], kind=DeclarationKind.PROJECT
            )
            projects = [
                row.project
                for row in rows
                if not paths or any(row.project.unit.path.startswith(p) for p in paths)
            ]
            content = excel.export_projects(projects)
        cli.write_output(options["output"], content)
        self.stdout.write(
            _("已导出%(count)s个项目到 %(file)s。")
            % {"count": len(projects), "file": options["output"]}
        )

    def _path(self, code: str) -> str:
        path = Organization.objects.filter(code=code).values_list("path", flat=True).first()
        if path is None:
            raise cli.refuse(unit_unknown(code))
        return path
