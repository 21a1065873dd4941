"""Searching the trail (audit administrators only)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from jixiao.audit.models import AuditEvent
from jixiao.orgs import permissions as perms
from jixiao.orgs.models import Organization


@dataclass(frozen=True)
class AuditFilter:
    q: str = ""
    actor: str = ""
    action: str = ""
    object_type: str = ""
    date_from: date | None = None
    date_to: date | None = None


def events_visible(user: Any) -> QuerySet[AuditEvent]:
    """Rows of the organisations in the user's audit scope; rows without an organisation
    (system-wide changes) only for those whose scope is a whole tree."""
    paths = perms.action_paths(user, perms.AUDIT_VIEW)
    if not paths:
        return AuditEvent.objects.none()
    org_ids = perms.visible_organizations(user, perms.AUDIT_VIEW).values("pk")
    condition = Q(organization_id__in=org_ids)
    if Organization.objects.filter(path__in=paths, parent__isnull=True).exists():
        condition |= Q(organization_id__isnull=True)
    return AuditEvent.objects.filter(condition)


def search(user: Any, f: AuditFilter) -> QuerySet[AuditEvent]:
    qs = events_visible(user)
    if f.q:
        condition = Q(object_repr__icontains=f.q) | Q(object_id=f.q) | Q(actor_name__icontains=f.q)
        if _looks_like_ip(f.q):
            condition |= Q(ip_address=f.q)
        qs = qs.filter(condition)
    if f.actor:
        qs = qs.filter(actor_name__icontains=f.actor)
    if f.action:
        qs = qs.filter(action__startswith=f.action)
    if f.object_type:
        qs = qs.filter(object_type=f.object_type)
    if f.date_from:
        qs = qs.filter(created_at__gte=_start_of(f.date_from))
    if f.date_to:
        qs = qs.filter(created_at__lt=_start_of(f.date_to + timedelta(days=1)))
    return qs.order_by("-created_at", "-id")


def _looks_like_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def distinct_values(qs: QuerySet[AuditEvent], field: str) -> list[str]:
    return list(qs.order_by(field).values_list(field, flat=True).distinct()[:200])
