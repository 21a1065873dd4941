"""The background worker carries on started work without the page, and survives a failing
step; ``jixiao serve``'s gunicorn hooks start and stop it as a real process."""

from __future__ import annotations

import sys
from datetime import datetime, time
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from jixiao.budget.evaluation import recompute, services
from jixiao.budget.evaluation.models import JobState
from jixiao.budget.evaluation.tests.factories import submitted
from jixiao.budget.monitoring.tests.factories import YEAR
from jixiao.web import gunicorn_conf, worker

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db
def test_a_started_recompute_finishes_without_its_page(personas) -> None:
    submitted(personas.unit_a, "A1")
    submitted(personas.unit_b, "B1")
    services.evaluation_settings_set(
        actor=personas.finance_reviewer,
        bureau=personas.bureau,
        fiscal_year=YEAR,
        excellent_min=Decimal(95),
        good_min=Decimal(80),
        fair_min=Decimal(60),
        decimals=0,
        rounding="down",
    )
    job = recompute.results_recompute(
        actor=personas.finance_reviewer, bureau=personas.bureau, fiscal_year=YEAR, reason="取整"
    )
    assert job.state == JobState.QUEUED

    call_command("worker", "--once")

    job.refresh_from_db()
    assert (job.state, job.done, job.total) == (JobState.DONE, 2, 2)
    assert worker.run_pending() == 0  # nothing left


@pytest.mark.django_db
def test_a_failing_step_does_not_stop_the_others(caplog) -> None:  # type: ignore[no-untyped-def]
    done = []

    def broken() -> bool:
        raise RuntimeError("boom")

    saved = worker.steps()
    try:
        worker.register("test.broken", broken)
        worker.register("test.fine", lambda: bool(done.append(1)) or True)
        assert worker.run_pending() == 1
    finally:
        worker._STEPS.clear()
        worker._STEPS.update(saved)
    assert done == [1]
    assert "worker step test.broken failed" in caplog.text


@pytest.mark.django_db
def test_daily_reminders_once_a_day_after_their_time() -> None:
    daily = worker.DailyReminders(time(8, 30))
    morning = datetime(2026, 11, 27, 8, 0, tzinfo=SHANGHAI)
    assert not daily.due(morning)
    later = datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI)
    assert daily.due(later)
    daily.run(later)
    assert not daily.due(datetime(2026, 11, 27, 18, 0, tzinfo=SHANGHAI))
    assert daily.due(datetime(2026, 11, 28, 8, 31, tzinfo=SHANGHAI))
    assert worker.remind_time("off") is None and worker.remind_time("07:45") == time(7, 45)


def test_serve_starts_and_stops_a_real_worker_process(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # The worker process gets a database of its own (migrated by nobody: its steps log their
    # errors and it keeps running, which is what is checked before it is stopped).
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'worker.sqlite3'}")
    monkeypatch.setenv("JIXIAO_REMIND_AT", "off")
    monkeypatch.delenv("JIXIAO_NO_WORKER", raising=False)
    logs: list[str] = []
    server = SimpleNamespace(log=SimpleNamespace(info=lambda msg, *a: logs.append(msg % a)))
    gunicorn_conf.on_starting(server)
    process = gunicorn_conf._worker
    assert process is not None and process.args[:3] == [sys.executable, "-m", "jixiao.cli"]
    try:
        with pytest.raises(Exception, match="timed out"):
            process.wait(timeout=3)  # still running
    finally:
        gunicorn_conf.on_exit(server)
    assert process.poll() is not None
    assert gunicorn_conf._worker is None
    assert logs[-1] == "background worker stopped"

    monkeypatch.setenv("JIXIAO_NO_WORKER", "1")
    gunicorn_conf.on_starting(server)
    assert gunicorn_conf._worker is None
