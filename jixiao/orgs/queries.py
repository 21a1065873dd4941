"""Reads of organisations and people shared by pages, the API and reports."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from jixiao.orgs import permissions as perms
from jixiao.orgs.models import Organization, RoleAssignment, User


def assignments_of(user: Any) -> list[dict[str, str]]:
    rows = RoleAssignment.objects.filter(user=user).select_related("organization")
    return [
        {"role": a.role, "role_label": a.get_role_display(), "organization": a.organization.name}
        for a in rows.order_by("organization__path", "role")
    ]


def organizations_visible(user: Any, search: str = "", kind: str = "") -> QuerySet[Organization]:
    qs = perms.visible_organizations(user).annotate(member_count=Count("members"))
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("parent").order_by("path")


def people_visible(
    user: Any, search: str = "", organization: Organization | None = None
) -> QuerySet[User]:
    qs = perms.filter_for_user(user, User.objects.all(), perms.USER_VIEW)
    if organization is not None:
        qs = qs.filter(organization__path__startswith=organization.path)
    if search:
        qs = qs.filter(
            Q(username__icontains=search)
            | Q(full_name__icontains=search)
            | Q(employee_number__icontains=search)
        )
    return (
        qs.select_related("organization")
        .prefetch_related("role_assignments")
        .order_by("organization__path", "username")
    )


def locked_usernames(usernames: list[str] | None = None) -> set[str]:
    """Accounts currently locked out by too many failed logins."""
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.utils import timezone

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    qs = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    )
    if usernames is not None:
        qs = qs.filter(username__in=usernames)
    return set(qs.values_list("username", flat=True))
