from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from jixiao.demo import build as demo
from jixiao.demo.data import DEMO_ACCOUNTS, DEMO_PASSWORD
from jixiao.orgs.models import Role


class Command(BaseCommand):
    help = (
        "生成演示数据：青山县（财政局、主管部门、预算单位）、一家公司和一个乡镇，"
        "以及各角色演示账号。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="数据库已有数据时不做任何事（make run 使用）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console()
        if not demo.is_empty():
            if options["if_empty"]:
                console.print("数据库已有数据，跳过演示数据。")
                print_accounts(console)
                return
            raise CommandError("数据库不为空：演示数据只能装入空数据库（可用 --if-empty 跳过）。")
        with console.status("正在生成演示数据…") as status:
            result = demo.build(progress=lambda msg: status.update(f"正在生成演示数据：{msg}"))
        console.print(
            f"演示数据已生成：组织 {result.organizations} 个，公司员工 {result.people} 人。"
        )
        print_accounts(console)


def print_accounts(console: Console) -> None:
    table = Table(title=f"演示账号（密码均为 {DEMO_PASSWORD}）")
    for column in ("用户名", "姓名", "角色", "范围"):
        table.add_column(column)
    for username, full_name, role, org in DEMO_ACCOUNTS:
        table.add_row(username, full_name, str(Role(role).label), "全部" if org == "*" else org)
    console.print(table)
