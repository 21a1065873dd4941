"""``jixiao export_orgs -o FILE``: the whole organisation tree and its people in the layout
``jixiao import_orgs`` reads (组织机构 and 人员 sheets); importing it again changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from xlsxwriter.exceptions import FileCreateError

from jixiao.orgs import excel

CANNOT_WRITE = "无法写入文件“{path}”：{reason}"


class Command(BaseCommand):
    help = "导出组织机构及人员（Excel，与 import_orgs 的格式相同，可修改后再导入）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, metavar="FILE", help="输出文件")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["output"])
        orgs, people = excel.export_data(None)
        try:
            excel.write_workbook(orgs, people, target=str(path))
        except (OSError, FileCreateError) as exc:
            raise CommandError(CANNOT_WRITE.format(path=path, reason=exc)) from exc
        self.stdout.write(f"已导出{len(orgs)}个组织、{len(people)}名人员：{path}")
