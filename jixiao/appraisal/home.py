"""The home-page block of the performance office: the open months with their dead-water and
late departments, so a department that does not really appraise is seen on arrival."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from jixiao.appraisal import permissions as p
from jixiao.appraisal import queries
from jixiao.orgs import permissions as perms


def office_block(user: Any) -> dict[str, Any] | None:
    if not perms.can(user, p.MANAGE):
        return None
    today = timezone.localdate()
    months = []
    for month in queries.months_for_user(user).filter(status="open")[:3]:
        if not perms.can(user, p.MANAGE, month.organization):
            continue
        rows = queries.department_rows(month, queries.sheets_for_user(user))
        months.append(
            {
                "month": month,
                "dead": queries.dead_water(rows, month, today),
                "late": queries.late_departments(rows, month, today),
                "submitted": sum(r.state == "submitted" for r in rows),
                "departments": len(rows),
            }
        )
    return {"months": months}
