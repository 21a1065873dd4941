"""``jixiao worker``: the background worker (see :mod:`jixiao.web.worker`).

``jixiao serve`` starts one beside the web server; run it yourself with ``serve --no-worker``
(e.g. on one server of several, under systemd). ``--once`` does what is pending and stops.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from jixiao.web import worker


class Command(BaseCommand):
    help = "后台任务：继续执行已开始的任务（如重新计分），每日发送截止提醒。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="执行完当前待办即退出")
        parser.add_argument("--poll", type=float, default=2.0, help="无待办时的等待秒数（默认 2）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            rounds = 0
            while worker.run_pending():
                rounds += 1
            self.stdout.write(f"后台任务已执行完毕（{rounds} 轮）。")
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        at = worker.remind_time(settings.REMIND_AT)
        daily = worker.DailyReminders(at) if at is not None else None
        names = "、".join(worker.steps()) or "无"
        self.stdout.write(f"后台任务已启动：{names}；每日提醒：{settings.REMIND_AT or '关闭'}")
        self.stdout.flush()
        worker.run_forever(poll=options["poll"], stop=stop, reminders=daily)
        self.stdout.write("后台任务已停止。")
