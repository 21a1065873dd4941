"""``jixiao remind``: the daily reminder job (run by cron or a systemd timer).

Reminds the people concerned before a deadline (settings.REMINDER_DAYS_BEFORE) and tells them
and the deadline's managers once when it is overdue. Safe to run more than once a day: every
reminder is stored once per person (see :mod:`jixiao.periods.reminders`).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from jixiao.audit.context import acting
from jixiao.periods import dates, reminders

PROGRESS_FROM = 200  # show a progress bar from this many notifications on


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text}") from exc


class Command(BaseCommand):
    help = "发送截止提醒和逾期通知（每日运行；重复运行不会重复通知）。"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--date",
            type=_day,
            help="模拟在该日运行（YYYY-MM-DD，按当地时间该日 00:00 计）",
        )
        parser.add_argument("--dry-run", action="store_true", help="只统计，不发送")

    def handle(self, *args: Any, **options: Any) -> None:
        day: date | None = options["date"]
        now = dates.start_of_day(day) if day else timezone.now()
        with acting(source="cli"):
            plan = reminders.plan(now, settings.REMINDER_DAYS_BEFORE)
            sent = 0 if options["dry_run"] else self._send(plan.reminders)
        self._summary(plan, sent, options["dry_run"])

    def _send(self, todo: list[reminders.Reminder]) -> int:
        console = Console(file=sys.stderr)
        if len(todo) < PROGRESS_FROM or not console.is_terminal:
            return reminders.send(todo)
        columns = (TextColumn("发送通知"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("send", total=len(todo))
            return reminders.send(todo, advance=lambda: progress.advance(task))

    def _summary(self, plan: reminders.Plan, sent: int, dry_run: bool) -> None:
        when = timezone.localtime(plan.now).strftime("%Y-%m-%d %H:%M")
        self.stdout.write(
            f"{when} 即将截止 {plan.upcoming} 项，已逾期 {plan.overdue} 项；"
            f"待发通知 {len(plan.reminders)} 条，此前已发 {plan.already_sent} 条。"
        )
        if dry_run:
            self.stdout.write("试运行：未发送任何通知。")
        else:
            self.stdout.write(self.style.SUCCESS(f"已发送 {sent} 条通知。"))
