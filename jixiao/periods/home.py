"""The home-page block: the user's overdue and upcoming deadlines."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from jixiao.orgs import permissions as perms
from jixiao.periods import queries

SHOWN = 8
UPCOMING_DAYS = 14


def deadlines_block(user: Any) -> dict[str, Any] | None:
    if not perms.can(user, perms.DEADLINE_VIEW):
        return None
    now = timezone.now()
    return {
        "overdue": list(queries.overdue_list(user, now)[:SHOWN]),
        "upcoming": list(queries.upcoming_for_user(user, now, UPCOMING_DAYS)[:SHOWN]),
        "upcoming_days": UPCOMING_DAYS,
    }
