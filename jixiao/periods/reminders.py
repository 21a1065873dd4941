"""What ``jixiao remind`` sends, worked out as a plan and then sent (CORE-5).

Stages: a deadline due in ``n`` days (``n`` in settings.REMINDER_DAYS_BEFORE, e.g. [3, 1]) is
in the stage of the smallest ``n`` not below the days left, counted in local calendar days
(settings.TIME_ZONE). So a run that was missed catches up, and a deadline set the day before it
falls due gets the 1-day reminder only. Past due, it is overdue: the people concerned are told
once, and the managers get the list of the organisations still pending.

Each reminder's dedupe key names the deadline, its due time and the stage, and
``notification_send`` stores a (recipient, key) pair once, so running the job twice — or several
times a day — notifies nobody twice. Moving the due time starts the stages afresh.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from jixiao.notifications.models import Notification
from jixiao.notifications.services import notification_send
from jixiao.orgs.models import Organization, User
from jixiao.periods import dates, queries
from jixiao.periods.models import Deadline
from jixiao.periods.queries import DeadlineStatus

NAMES_SHOWN = 10  # organisations named in a message before "等N个单位"


@dataclass(frozen=True)
class Reminder:
    recipient: User
    title: str
    body: str
    link: str
    dedupe_key: str


@dataclass
class Plan:
    now: datetime
    upcoming: int = 0  # deadlines in a reminder stage
    overdue: int = 0  # deadlines past due with pending organisations
    reminders: list[Reminder] = field(default_factory=list)  # not sent before
    already_sent: int = 0


def reminder_stage(days_left: int, days_before: Iterable[int]) -> int | None:
    """The stage (days before) a deadline ``days_left`` days away is in, if any."""
    if days_left < 0:
        return None
    stages = [n for n in days_before if n >= days_left]
    return min(stages) if stages else None


def plan(now: datetime, days_before: Sequence[int]) -> Plan:
    """The reminders due at ``now`` that have not been sent yet."""
    today = timezone.localdate(now)
    result = Plan(now=now)
    candidates: list[Reminder] = []
    for deadline, stage in _upcoming(now, today, days_before):
        result.upcoming += 1
        candidates += _due_reminders(deadline, stage)
    for deadline in queries.overdue_list(now=now).select_related("created_by"):
        result.overdue += 1
        candidates += _overdue_reminders(deadline)
    result.reminders = _not_sent(candidates)
    result.already_sent = len(candidates) - len(result.reminders)
    return result


def send_due(now: datetime) -> int:
    """Plan with the configured days before a deadline (``REMINDER_DAYS_BEFORE``) and send what
    is due at ``now``: what the daily run does; returns how many were new."""
    return send(plan(now, settings.REMINDER_DAYS_BEFORE).reminders)


def send(reminders: Iterable[Reminder], advance: Callable[[], None] | None = None) -> int:
    """Send ``reminders``; returns how many were new (a concurrent run may have sent some)."""
    sent = 0
    for r in reminders:
        note = notification_send(
            recipient=r.recipient,
            title=r.title,
            body=r.body,
            link=r.link,
            dedupe_key=r.dedupe_key,
        )
        sent += note is not None
        if advance is not None:
            advance()
    return sent


def _upcoming(now: datetime, today: date, days_before: Sequence[int]) -> list[tuple[Deadline, int]]:
    if not days_before:
        return []
    horizon = dates.start_of_day(today + timedelta(days=max(days_before) + 1))
    deadlines = (
        queries.with_status(Deadline.objects.all(), now=now)
        .filter(status=DeadlineStatus.OPEN, due_at__lt=horizon)
        .filter(Q(opens_on__isnull=True) | Q(opens_on__lte=today))
        .select_related("organization", "period")
        .order_by("due_at", "pk")
    )
    result = []
    for deadline in deadlines:
        stage = reminder_stage((timezone.localdate(deadline.due_at) - today).days, days_before)
        if stage is not None:
            result.append((deadline, stage))
    return result


def _key(deadline: Deadline, stage: str) -> str:
    return f"periods.deadline:{deadline.pk}:{int(deadline.due_at.timestamp())}:{stage}"


def _names(orgs: Sequence[Organization]) -> str:
    shown = "、".join(org.name for org in orgs[:NAMES_SHOWN])
    return shown if len(orgs) <= NAMES_SHOWN else f"{shown}等{len(orgs)}个单位"


def _detail(deadline: Deadline) -> str:
    return reverse("periods:deadline", args=[deadline.pk])


def _due_reminders(deadline: Deadline, stage: int) -> list[Reminder]:
    due = dates.local_text(deadline.due_at)
    return [
        Reminder(
            recipient=c.user,
            title=f"截止提醒：{deadline.title}将于{due}截止",
            body=f"{deadline.period.name}：{_names(c.organizations)}尚未完成，请在截止前办理。",
            link=deadline.link or _detail(deadline),
            dedupe_key=_key(deadline, f"due-{stage}d"),
        )
        for c in queries.concerned_people(deadline)
    ]


def _overdue_reminders(deadline: Deadline) -> list[Reminder]:
    due = dates.local_text(deadline.due_at)
    pending = list(queries.pending_organizations(deadline).only("pk", "name", "path"))
    reminders = [
        Reminder(
            recipient=c.user,
            title=f"已逾期：{deadline.title}已于{due}截止",
            body=f"{deadline.period.name}：{_names(c.organizations)}尚未完成，请尽快办理。",
            link=deadline.link or _detail(deadline),
            dedupe_key=_key(deadline, "overdue"),
        )
        for c in queries.concerned_people(deadline, pending)
    ]
    body = f"已于{due}截止，{len(pending)}个单位尚未完成：{_names(pending)}。"
    reminders += [
        Reminder(
            recipient=manager,
            title=f"逾期清单：{deadline.title}",
            body=body,
            link=_detail(deadline),
            dedupe_key=_key(deadline, "overdue-list"),
        )
        for manager in queries.deadline_managers(deadline)
    ]
    return reminders


def _not_sent(candidates: list[Reminder]) -> list[Reminder]:
    """Drop the reminders already stored, in one query per few hundred keys rather than a
    failing insert each."""
    keys = sorted({r.dedupe_key for r in candidates})
    sent: set[tuple[int, str]] = set()
    for start in range(0, len(keys), 500):
        sent.update(
            Notification.objects.filter(dedupe_key__in=keys[start : start + 500]).values_list(
                "recipient_id", "dedupe_key"
            )
        )
    return [r for r in candidates if (r.recipient.pk, r.dedupe_key) not in sent]
