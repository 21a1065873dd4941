"""``jixiao remind``: one notification per person concerned per reminder stage, however often
it runs; overdue notices once; ``--date`` and ``--dry-run``; local-time days."""

from __future__ import annotations

from datetime import date, time, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from jixiao.notifications.models import Notification
from jixiao.orgs.models import OrgKind, Role
from jixiao.periods import dates, services
from jixiao.periods.models import PeriodKind
from jixiao.testing.factories import make_org, make_user


def remind(day: str | None = None, *extra: str) -> str:
    out = StringIO()
    args = ["remind", *(["--date", day] if day else []), *extra]
    call_command(*args, stdout=out)
    return out.getvalue()


def notes(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user).order_by("id"))


def test_acceptance_running_twice_notifies_each_person_concerned_once(personas, monitoring):
    """The issue's acceptance test: a deadline is set, ``jixiao remind`` runs twice, and each
    person concerned has exactly one notification; nobody else has any."""
    services.deadline_complete(actor=None, deadline=monitoring, organization=personas.unit_b)
    other_unit = make_org("测试县第二中学", OrgKind.BUDGET_UNIT, personas.education)
    make_user("other_op", other_unit, Role.UNIT_OPERATOR)  # not a target: set before it existed

    remind("2026-11-28")
    remind("2026-11-28")

    (note,) = notes(personas.unit_a_operator)
    assert note.title == "截止提醒：2026年1-10月绩效运行监控将于2026-12-01 18:00截止"
    assert "测试县第一中学尚未完成" in note.body
    assert note.link == "/budget/monitoring/"
    assert Notification.objects.count() == 1  # unit B completed; the other unit is no target


def test_each_stage_once_then_overdue_once(personas, monitoring):
    days = ["2026-11-27", "2026-11-28", "2026-11-29", "2026-11-30", "2026-12-01", "2026-12-02"]
    for day in days * 2:
        remind(day)
    titles = [n.title for n in notes(personas.unit_a_operator)]
    assert titles == [
        "截止提醒：2026年1-10月绩效运行监控将于2026-12-01 18:00截止",  # 3 days before
        "截止提醒：2026年1-10月绩效运行监控将于2026-12-01 18:00截止",  # 1 day before
        "已逾期：2026年1-10月绩效运行监控已于2026-12-01 18:00截止",
    ]
    assert len(notes(personas.unit_b_operator)) == 3


def test_overdue_list_goes_to_the_managers_once(personas, monitoring):
    services.deadline_complete(actor=None, deadline=monitoring, organization=personas.unit_b)
    remind("2026-12-02")
    remind("2026-12-03")
    (note,) = notes(personas.finance_reviewer)
    assert note.title == "逾期清单：2026年1-10月绩效运行监控"
    assert note.body == "已于2026-12-01 18:00截止，1个单位尚未完成：测试县第一中学。"
    assert note.link == f"/periods/deadlines/{monitoring.pk}/"
    assert [n.title[:4] for n in notes(personas.unit_a_operator)] == ["已逾期："]
    assert notes(personas.unit_b_operator) == []
    for who in ("leader", "department_reviewer", "hr_officer", "employee"):
        assert notes(getattr(personas, who)) == [], who


def test_nothing_when_everything_is_done_or_cancelled(personas, monitoring):
    services.deadline_complete(actor=None, deadline=monitoring, organization=personas.unit_a)
    services.deadline_update(actor=None, deadline=monitoring, is_active=False)
    remind("2026-11-30")
    remind("2026-12-05")
    assert Notification.objects.count() == 0


def test_no_reminder_before_the_window_opens_or_too_early(personas, due_at):
    period = services.period_ensure(actor=None, kind=PeriodKind.MONTH, fiscal_year=2026, number=12)
    services.deadline_create(
        actor=None,
        period=period,
        organization=personas.bureau,
        title="窗口",
        opens_on=date(2026, 12, 1),
        due_at=due_at,
        role=Role.UNIT_OPERATOR,
        target_kinds=[OrgKind.BUDGET_UNIT],
    )
    remind("2026-11-25")  # 6 days before: no stage
    remind("2026-11-30")  # in a stage, but the window opens on 12-01
    assert Notification.objects.count() == 0
    remind("2026-12-01")
    assert Notification.objects.count() == 2


def test_days_are_counted_in_local_time(personas):
    """Due 2026-12-01 00:30 in Shanghai is 2026-11-30 16:30 UTC: on 11-30 it is one day
    away (the 1-day stage), not due today, and on 11-28 three days away."""
    period = services.period_ensure(actor=None, kind=PeriodKind.MONTH, fiscal_year=2026, number=12)
    services.deadline_create(
        actor=None,
        period=period,
        organization=personas.bureau,
        title="凌晨截止",
        due_at=dates.local_datetime(date(2026, 12, 1), time(0, 30)),
        role=Role.UNIT_OPERATOR,
        targets=[personas.unit_a],
    )
    remind("2026-11-27")
    assert Notification.objects.count() == 0
    remind("2026-11-28")
    remind("2026-11-30")
    keys = [n.dedupe_key.rsplit(":", 1)[1] for n in notes(personas.unit_a_operator)]
    assert keys == ["due-3d", "due-1d"]


def test_moving_the_deadline_restarts_the_reminders(personas, monitoring, due_at):
    remind("2026-11-30")
    services.deadline_update(actor=None, deadline=monitoring, due_at=due_at + timedelta(days=7))
    remind("2026-12-07")
    titles = [n.title for n in notes(personas.unit_a_operator)]
    assert titles[-1] == "截止提醒：2026年1-10月绩效运行监控将于2026-12-08 18:00截止"
    assert len(titles) == 2


def test_configured_days(personas, monitoring, settings):
    settings.REMINDER_DAYS_BEFORE = [7]
    remind("2026-11-24")
    remind("2026-11-30")
    assert len(notes(personas.unit_a_operator)) == 1


def test_dry_run_sends_nothing_and_counts(personas, monitoring):
    out = remind("2026-11-30", "--dry-run")
    assert Notification.objects.count() == 0
    assert "即将截止 1 项，已逾期 0 项；待发通知 2 条" in out
    assert "试运行" in out


def test_summary_counts(personas, monitoring):
    first = remind("2026-12-02")
    assert "2026-12-02 00:00 即将截止 0 项，已逾期 1 项；待发通知 3 条，此前已发 0 条。" in first
    assert "已发送 3 条通知。" in first
    second = remind("2026-12-02")
    assert "待发通知 0 条，此前已发 3 条。" in second


def test_mail_goes_out_after_commit(personas, monitoring, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        remind("2026-11-30")
    assert sorted(m.to[0] for m in mail.outbox) == ["unit_a@example.org", "unit_b@example.org"]


def test_without_date_runs_now(personas, monitoring):
    assert "即将截止" in remind()


def test_bad_date_is_an_error(personas):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        remind("2026-13-01")


def test_progress_bar_when_there_is_much_to_do(personas, monitoring, monkeypatch):
    from rich.console import Console

    from jixiao.periods.management.commands import remind as command

    screen = StringIO()
    monkeypatch.setattr(command, "PROGRESS_FROM", 2)
    monkeypatch.setattr(command, "Console", lambda file: Console(file=screen, force_terminal=True))
    assert "已发送 2 条通知。" in remind("2026-11-30")
    assert "发送通知" in screen.getvalue()
