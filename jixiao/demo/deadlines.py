"""Demo deadlines around today, so the deadline pages, the home page and ``jixiao remind``
have something to show: one coming up, one later, one overdue and partly done, and the
company's monthly review windows."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from jixiao.orgs.models import Organization, OrgKind, Role
from jixiao.periods import reminders, services
from jixiao.periods.models import PeriodKind


def _due(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(18, 0)))


def build(today: date, bureau: Organization, company: Organization) -> int:
    year = today.year
    created = 0
    round_period = services.period_create(
        actor=None,
        kind=PeriodKind.MONITORING_ROUND,
        fiscal_year=year,
        start_date=date(year, 1, 1),
        end_date=date(year, 10, 31),
        name=f"{year}年1-10月",
        organization=bureau,
    )
    this_year = services.period_ensure(actor=None, kind=PeriodKind.YEAR, fiscal_year=year)
    last_year = services.period_ensure(actor=None, kind=PeriodKind.YEAR, fiscal_year=year - 1)
    unit_kinds = [OrgKind.BUDGET_UNIT]
    services.deadline_create(
        actor=None,
        period=round_period,
        organization=bureau,
        title=f"{year}年1-10月绩效运行监控表填报",
        due_at=_due(today + timedelta(days=3)),
        role=Role.UNIT_OPERATOR,
        target_kinds=unit_kinds,
        topic="budget.monitoring",
        description="填报预算执行情况和绩效目标完成情况，说明偏差原因及纠偏措施。",
    )
    services.deadline_create(
        actor=None,
        period=this_year,
        organization=bureau,
        title=f"{year + 1}年度项目支出绩效目标申报",
        due_at=_due(today + timedelta(days=24)),
        role=Role.UNIT_OPERATOR,
        target_kinds=unit_kinds,
        topic="budget.target",
        opens_on=today - timedelta(days=6),
    )
    overdue = services.deadline_create(
        actor=None,
        period=last_year,
        organization=bureau,
        title=f"{year - 1}年度项目支出绩效自评报告报送",
        due_at=_due(today - timedelta(days=5)),
        role=Role.UNIT_OPERATOR,
        target_kinds=unit_kinds,
        topic="budget.self_evaluation",
    )
    created += 3
    units = Organization.objects.filter(kind=OrgKind.BUDGET_UNIT).order_by("path")
    for unit in units[: units.count() * 4 // 5]:  # most units have reported, some have not
        services.deadline_complete(
            actor=None,
            deadline=overdue,
            organization=unit,
            completed_at=_due(today - timedelta(days=7)),
        )
    created += len(
        services.monthly_windows_create(
            actor=None,
            organization=company,
            year=year,
            month=today.month,
        )
    )
    # What `jixiao remind` would send today, so the bell of the demo accounts is not empty.
    reminders.send(reminders.plan(timezone.now(), settings.REMINDER_DAYS_BEFORE).reminders)
    return created
