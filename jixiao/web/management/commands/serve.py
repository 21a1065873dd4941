"""``jixiao serve``: the application server (gunicorn) on this machine.

For production put a reverse proxy in front (docs/operations.md); ``--dev`` uses Django's
auto-reloading development server instead (without the background worker). The gunicorn
server starts the background worker (``jixiao worker``) beside it unless ``--no-worker``.
"""

from __future__ import annotations

import os
import shutil
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "启动应用服务（gunicorn）；--dev 使用开发服务器。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
        parser.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", 2)))
        parser.add_argument("--dev", action="store_true", help="使用 Django 开发服务器")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="不随服务启动后台任务（jixiao worker 另行运行时）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        address = f"{options['host']}:{options['port']}"
        self.stdout.write(f"绩效管理平台：http://{address}/  （Ctrl+C 停止）")
        if options["dev"]:
            call_command("runserver", address)
            return
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable))
        if gunicorn is None:
            raise CommandError("找不到 gunicorn，请先运行 make setup。")
        argv = [
            gunicorn,
            "jixiao.wsgi:application",
            "--bind",
            address,
            "--workers",
            str(options["workers"]),
            "--access-logfile",
            "-",
            "--forwarded-allow-ips",
            os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
            "--config",
            "python:jixiao.web.gunicorn_conf",  # starts and stops the background worker
        ]
        if options["no_worker"]:
            os.environ["JIXIAO_NO_WORKER"] = "1"
        sys.stdout.flush()
        os.execv(gunicorn, argv)  # noqa: S606 (replaces this process with the server)
