"""The background worker (``jixiao worker``, started by ``jixiao serve`` beside the web
server): it carries on the work a page has started, so that work finishes when nobody keeps
the page open, and it sends the daily reminders.

Apps register *steps*: a function that does one small piece of pending work (a batch of a
recompute job) in its own transaction and says whether it found any. The worker calls every
step in turn, again at once while any found work, and sleeps ``poll`` seconds when none did.
Steps must be safe to run from several processes at once (each locks what it works on: a page
polling the same job, or a worker on a second server, only waits), so nothing here needs to be
the only worker.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import close_old_connections, connection
from django.utils import timezone

from jixiao.audit.context import acting

log = logging.getLogger("jixiao.worker")

Step = Callable[[], bool]
_STEPS: dict[str, Step] = {}


def register(name: str, step: Step) -> None:
    """Add ``step`` under ``name`` (an app's ``ready()`` calls this; twice is harmless)."""
    _STEPS[name] = step


def steps() -> dict[str, Step]:
    return dict(_STEPS)


def run_pending() -> int:
    """Call every step once; the number of steps that found work. A step that fails is
    logged and skipped this round: the others go on."""
    busy = 0
    for name, step in steps().items():
        if not connection.in_atomic_block:  # (a test's transaction must stay open)
            close_old_connections()  # a long-lived process: drop broken or too old ones
        try:
            with acting(source="worker"):
                busy += bool(step())
        except Exception:
            log.exception("worker step %s failed", name)
    return busy


@dataclass
class DailyReminders:
    """``jixiao remind`` once a day, at ``at`` (local time) or at the first pass after it."""

    at: time
    last_day: date | None = None

    def due(self, now: datetime) -> bool:
        local = timezone.localtime(now)
        return local.time() >= self.at and self.last_day != local.date()

    def run(self, now: datetime) -> int:
        from jixiao.periods import reminders

        self.last_day = timezone.localtime(now).date()
        with acting(source="worker"):
            return reminders.send_due(now)


def remind_time(text: str) -> time | None:
    """``JIXIAO_REMIND_AT``: ``HH:MM``, or empty/``off`` for no reminders from the worker."""
    if text.strip().lower() in ("", "off", "none"):
        return None
    return time.fromisoformat(text.strip())


def run_forever(
    *,
    poll: float,
    stop: threading.Event,
    reminders: DailyReminders | None,
) -> None:
    """Work until ``stop`` is set: pending steps first, reminders when due, then sleep."""
    while not stop.is_set():
        busy = run_pending()
        if reminders is not None and reminders.due(timezone.now()):
            try:
                sent = reminders.run(timezone.now())
                log.info("daily reminders sent: %s", sent)
            except Exception:
                log.exception("daily reminders failed")
        if not busy:
            stop.wait(poll)
