from __future__ import annotations

from datetime import date, time

import pytest

from jixiao.orgs.models import OrgKind, Role
from jixiao.periods import dates, services
from jixiao.periods.models import Deadline, PeriodKind


@pytest.fixture
def due_at():
    """2026-12-01 18:00 in Asia/Shanghai (10:00 UTC)."""
    return dates.local_datetime(date(2026, 12, 1), time(18, 0))


@pytest.fixture
def monitoring(personas, due_at) -> Deadline:
    """The bureau's deadline for every budget unit of the county (unit A and unit B)."""
    period = services.period_create(
        actor=None,
        kind=PeriodKind.MONITORING_ROUND,
        fiscal_year=2026,
        number=1,
        start_date=date(2026, 1, 1),
        end_date=date(2026, 10, 31),
        organization=personas.bureau,
    )
    return services.deadline_create(
        actor=personas.finance_reviewer,
        period=period,
        organization=personas.bureau,
        title="2026年1-10月绩效运行监控",
        opens_on=date(2026, 11, 1),
        due_at=due_at,
        role=Role.UNIT_OPERATOR,
        target_kinds=[OrgKind.BUDGET_UNIT],
        topic="budget.monitoring",
        link="/budget/monitoring/",
    )
