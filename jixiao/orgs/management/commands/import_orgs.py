"""``jixiao import_orgs FILE [--dry-run]``: 组织机构及人员导入 from the command line (X-4).

The same all-or-nothing import as the page (:func:`jixiao.orgs.excel.import_workbook`), run as
the system (actor None, audit source "cli"): it may create roots and grant roles. Every error is
printed located (工作表“人员”第5行D列（角色）：…) and the command exits with code 2, having
written nothing. The new people's initial passwords are printed once, on standard output, as
tab-separated lines (用户名, 姓名, 初始密码); only their hashes are stored.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from jixiao.audit.context import acting
from jixiao.documents.excel import ImportRefused
from jixiao.orgs import excel
from jixiao.orgs.errors import DomainError

FILE_MISSING = "文件“{path}”不存在。"
DRY_RUN = "试运行（--dry-run）：检查通过，以上为将要写入的结果，未写入任何数据。"
PASSWORDS_HEADER = "# 新增人员的初始密码只显示这一次（用户名、姓名、初始密码，以制表符分隔）："
EXIT_REFUSED = 2


def summary(result: excel.ImportResult) -> list[str]:
    lines = [
        f"组织：新增{result.orgs_created}个，更新{result.orgs_updated}个，"
        f"未变{result.orgs_unchanged}个。",
        f"人员：新增{result.people_created}名，更新{result.people_updated}名，"
        f"未变{result.people_unchanged}名。",
        f"角色：授予{result.roles_assigned}项，已有{result.roles_unchanged}项。",
    ]
    if result.pending_roles:
        lines.append(f"待安全管理员授予的角色：{len(result.pending_roles)}项。")
    return lines


class Command(BaseCommand):
    help = (
        "导入组织机构及人员（Excel：“组织机构”和“人员”两张工作表），全部导入或全部不导入。"
        "退出码：0 成功；2 有错误（逐条列出，未写入任何数据）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="要导入的 Excel 文件（.xlsx）")
        parser.add_argument("--dry-run", action="store_true", help="只检查并统计，不写入任何数据")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(FILE_MISSING.format(path=path), returncode=EXIT_REFUSED)
        with acting(source="cli"):
            try:
                result = self._import(path, options["dry_run"])
            except ImportRefused as refused:
                for line in refused.messages():
                    self.stderr.write(line)
                raise CommandError(refused.message, returncode=EXIT_REFUSED) from refused
            except DomainError as exc:
                raise CommandError(exc.message, returncode=EXIT_REFUSED) from exc
        for line in summary(result):
            self.stdout.write(line)
        if result.dry_run:
            self.stdout.write(DRY_RUN)
        if result.passwords:
            self.stdout.write(PASSWORDS_HEADER)
            for item in result.passwords:
                self.stdout.write(f"{item.username}\t{item.full_name}\t{item.password}")

    def _import(self, path: Path, dry_run: bool) -> excel.ImportResult:
        console = Console(file=sys.stderr)
        columns = (TextColumn("导入组织机构及人员"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn())  # fmt: skip
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("import", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            return excel.import_workbook(
                actor=None, file=str(path), dry_run=dry_run, progress=advance
            )
