from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.table import Table

from jixiao.indicators.models import IndicatorTree, TreeKind
from jixiao.indicators.standard import library_install, templates_install


class Command(BaseCommand):
    help = "指标模板：install 安装缺少的标准模板和指标库共性指标（可重复运行）；list 列出模板。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["install", "list"])

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console()
        if options["action"] == "install":
            created = templates_install()
            console.print(f"新安装标准模板 {len(created)} 个，共性指标 {library_install()} 个。")
            for tree in created:
                console.print(f"  · {tree.name}")
            return
        table = Table(title="指标模板")
        for column in ("ID", "代码", "名称", "用途", "所属组织"):
            table.add_column(column)
        for tree in IndicatorTree.objects.filter(kind=TreeKind.TEMPLATE).select_related(
            "organization"
        ):
            org = tree.organization.name if tree.organization else "全部"
            table.add_row(str(tree.pk), tree.code, tree.name, str(tree.get_domain_display()), org)
        console.print(table)
