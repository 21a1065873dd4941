"""Demo deadlines around today, so the deadline pages, the home page and ``jixiao remind``
have something to show: one in three days, one overdue and partly done, and the company's monthly
review windows. The open monitoring round brings its own deadline
(``demo.monitoring``). Completions follow the work, through the domain services: next year's
declarations (``demo.budget``) are submitted before these deadlines exist, so the declaration
deadline starts with nobody done; last year's self-evaluations (``demo.evaluation``) come
after, and complete the overdue one for the units that submit."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from jixiao.budget.deadlines import SELF_EVALUATION_TOPIC, TARGET_TOPIC
from jixiao.orgs.models import Organization, OrgKind, Role
from jixiao.periods import reminders, services
from jixiao.periods.models import PeriodKind


def _due(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(18, 0)))


def build(today: date, bureau: Organization, company: Organization) -> int:
    year = today.year
    created = 0
    this_year = services.period_ensure(actor=None, kind=PeriodKind.YEAR, fiscal_year=year)
    last_year = services.period_ensure(actor=None, kind=PeriodKind.YEAR, fiscal_year=year - 1)
    unit_kinds = [OrgKind.BUDGET_UNIT]
    services.deadline_create(
        actor=None,
        period=this_year,
        organization=bureau,
        title=f"{year + 1}年度项目支出绩效目标申报",
        due_at=_due(today + timedelta(days=3)),
        role=Role.UNIT_OPERATOR,
        target_kinds=unit_kinds,
        topic=TARGET_TOPIC,
        opens_on=today - timedelta(days=6),
    )
    # Completed by the self-evaluation services as the units submit, in ``demo.evaluation``
    # (a later step): the unit whose table is still a draft, and the units with nothing
    # approved last year, stay pending, so the deadline is overdue and partly done.
    services.deadline_create(
        actor=None,
        period=last_year,
        organization=bureau,
        title=f"{year - 1}年度项目支出绩效自评报告报送",
        due_at=_due(today - timedelta(days=5)),
        role=Role.UNIT_OPERATOR,
        target_kinds=unit_kinds,
        topic=SELF_EVALUATION_TOPIC,
    )
    created += 2
    created += len(
        services.monthly_windows_create(
            actor=None,
            organization=company,
            year=year,
            month=today.month,
        )
    )
    return created


def send_reminders() -> None:
    """What ``jixiao remind`` would send today, so the bell of the demo accounts is not empty;
    called last, when every demo deadline (the monitoring round's too) exists."""
    reminders.send_due(timezone.now())
