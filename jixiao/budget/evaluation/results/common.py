"""Helpers shared by the result services: the year's rules, the bureau above a unit, the people
to notify, calendar months."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from django.db import transaction

from jixiao.budget.evaluation.result_models import ResultSettings
from jixiao.budget.evaluation.results import errors
from jixiao.budget.evaluation.results.errors import ResultsError
from jixiao.budget.evaluation.services import bureau_of as _bureau_of
from jixiao.notifications.services import notification_send
from jixiao.orgs import permissions as perms
from jixiao.orgs.models import Organization, OrgKind, RoleAssignment, User


def person(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None


def bureau_of(organization: Organization) -> Organization:
    bureau = _bureau_of(organization)
    if bureau is None:
        raise ResultsError(errors.NO_BUREAU)
    return bureau


def department_of(organization: Organization) -> Organization | None:
    """The supervising department at or above ``organization`` (None: directly under the
    bureau)."""
    ids = [int(seg) for seg in organization.path.split(".") if seg]
    return (
        Organization.objects.filter(pk__in=ids, kind=OrgKind.SUPERVISING_DEPARTMENT)
        .order_by("-depth")
        .first()
    )


def result_settings(bureau: Organization | None, fiscal_year: int) -> ResultSettings:
    """The bureau's rules for the year; the defaults (unsaved) when none were set."""
    row = None
    if bureau is not None:
        row = ResultSettings.objects.filter(bureau=bureau, fiscal_year=fiscal_year).first()
    return row or ResultSettings(bureau=bureau, fiscal_year=fiscal_year)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (31 January + 1 → 28/29 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def people(organization: Organization, action: str) -> list[User]:
    """Active people holding ``action`` over ``organization`` (one query)."""
    path = organization.path
    prefixes = [path[: i + 1] for i, ch in enumerate(path) if ch == "."]
    ids = RoleAssignment.objects.filter(
        role__in=perms.roles_with(action), organization__path__in=prefixes, user__is_active=True
    ).values("user_id")
    return list(User.objects.filter(pk__in=ids))


def notify(
    organization: Organization,
    action: str,
    actor: Any,
    title: str,
    link: str,
    key: str,
    body: str = "",
) -> None:
    """Tell the people of ``organization`` holding ``action``, after commit."""
    recipients = [p for p in people(organization, action) if p.pk != getattr(actor, "pk", None)]

    def send() -> None:
        for recipient in recipients:
            notification_send(
                recipient=recipient, title=title, body=body, link=link, dedupe_key=key
            )

    transaction.on_commit(send)
