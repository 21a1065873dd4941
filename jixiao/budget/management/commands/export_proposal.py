"""``jixiao export_proposal --year Y --as USERNAME -o FILE``: next year's budget proposal from
the year's grades (结果应用：下年度预算安排建议表, projects and supervising departments), as the
proposal page's Excel button gives it (:func:`jixiao.budget.evaluation.excel.export_proposal`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from jixiao.budget.evaluation import excel, queries, services
from jixiao.budget.evaluation import permissions as actions
from jixiao.lib import cli
from jixiao.orgs import permissions as perms
from jixiao.orgs.errors import NO_PERMISSION
from jixiao.orgs.models import Organization


def no_bureau(username: str) -> str:
    return _("用户“%(username)s”不属于任何财政部门的管辖范围。") % {"username": username}


class Command(BaseCommand):
    help = _(
        "导出绩效评价结果应用的下年度预算安排建议表（Excel）。"
        "退出码：0 成功；2 被拒绝；1 其他错误。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help=_("评价的预算年度"))
        cli.add_actor_argument(parser)
        cli.add_output_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = cli.actor(options["actor"])
        if not perms.can(user, actions.EVALUATION_VIEW):
            raise cli.refuse(NO_PERMISSION)
        bureau = self._bureau(user)
        year = options["year"]
        with cli.run(user, self.stderr, label=_("正在导出预算安排建议")):
            proposal = queries.proposal(user, bureau, year)
            content = excel.export_proposal(proposal)
        cli.write_output(options["output"], content)
        self.stdout.write(
            _("已导出%(bureau)s%(year)s年度预算安排建议（%(count)s个项目）到 %(file)s。")
            % {
                "bureau": bureau.name,
                "year": year + 1,
                "count": len(proposal.rows),
                "file": options["output"],
            }
        )

    def _bureau(self, user: Any) -> Organization:
        """As the page: the bureau the person manages, else the bureau above their own
        organisation."""
        organization = getattr(user, "organization", None)
        bureau = queries.managed_bureau(user) or (
            services.bureau_of(organization) if organization is not None else None
        )
        if bureau is None:
            raise cli.refuse(no_bureau(user.username))
        return bureau
