"""The indicator library (指标库, BUD-4): search, copy into a declaration, promote into it.

Entries without an organisation serve everyone; an organisation's entries serve its subtree
and the organisations above it see them too (as for templates)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from jixiao.audit.services import audit_record, snapshot
from jixiao.indicators.errors import IndicatorError
from jixiao.indicators.models import Indicator, IndicatorKind, LibraryIndicator, LibrarySource
from jixiao.indicators.services import INDICATOR_VIEW
from jixiao.orgs import permissions as perms
from jixiao.orgs.errors import NO_PERMISSION, PermissionDeniedError
from jixiao.orgs.models import Organization, User

LIBRARY_MANAGE = "indicator.library.manage"
ENTRY_FIELDS = [
    "name",
    "level1",
    "level2",
    "sector",
    "category",
    "fund_use",
    "keywords",
    "kind",
    "direction",
    "unit",
    "reference_value",
    "basis",
    "formula",
    "history",
    "source",
    "organization_id",
]
ALREADY_IN_LIBRARY = "指标“{name}”已在指标库中。"


def owned_visible_q(user: Any, action: str) -> Q | None:
    """Rows owned by nobody, by an organisation in the user's scope, or by one above it.
    None when the user may not perform ``action`` anywhere."""
    paths = perms.action_paths(user, action)
    if not paths:
        return None
    ancestors = {int(seg) for path in paths for seg in path.split(".") if seg}
    return (
        Q(organization__isnull=True)
        | Q(organization_id__in=ancestors)
        | perms.scope_q(user, action)
    )


def library_search(
    user: Any,
    *,
    q: str = "",
    level1: str = "",
    level2: str = "",
    sector: str = "",
    category: str = "",
) -> QuerySet[LibraryIndicator]:
    visible = owned_visible_q(user, INDICATOR_VIEW)
    if visible is None:
        return LibraryIndicator.objects.none()
    qs = LibraryIndicator.objects.filter(visible, is_active=True)
    for word in q.split():
        qs = qs.filter(
            Q(name__icontains=word)
            | Q(keywords__icontains=word)
            | Q(category__icontains=word)
            | Q(fund_use__icontains=word)
        )
    if level1:
        qs = qs.filter(level1=level1)
    if level2:
        qs = qs.filter(level2=level2)
    if sector:
        qs = qs.filter(sector__startswith=sector)
    if category:
        qs = qs.filter(category__icontains=category)
    return qs.order_by("level1", "level2", "name", "id")


def get_entry_for_user(user: Any, pk: Any) -> LibraryIndicator:
    from django.http import Http404

    try:
        return library_search(user).get(pk=pk)
    except (LibraryIndicator.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


@transaction.atomic
def library_add(
    *, actor: User | None, organization: Organization | None = None, **fields: Any
) -> LibraryIndicator:
    if actor is not None and (
        organization is None or not perms.can(actor, LIBRARY_MANAGE, organization)
    ):
        raise PermissionDeniedError(NO_PERMISSION)
    entry = LibraryIndicator(organization=organization, **fields)
    entry.full_clean()
    entry.save()
    audit_record(
        actor=actor,
        action="indicator.library.add",
        obj=entry,
        organization_id=entry.organization_id,
        new=snapshot(entry, ENTRY_FIELDS),
    )
    return entry


@transaction.atomic
def library_promote(
    *,
    actor: User | None,
    indicator: Indicator,
    organization: Organization,
    fiscal_year: int,
    sector: str = "",
    category: str = "",
    fund_use: str = "",
    keywords: str = "",
    actual: Decimal | None = None,
) -> LibraryIndicator:
    """Put an approved declaration's indicator into the library of ``organization`` (the
    finance bureau), with its target (and actual, when known) as that year's values."""
    if LibraryIndicator.objects.filter(promoted_from=indicator).exists():
        raise IndicatorError(ALREADY_IN_LIBRARY.format(name=indicator.name))
    parent = indicator.parent
    grand = parent.parent if parent else None
    year_values: dict[str, str] = {}
    if indicator.target_value is not None:
        year_values["target"] = format(indicator.target_value.normalize(), "f")
    if actual is not None:
        year_values["actual"] = format(actual.normalize(), "f")
    return library_add(
        actor=actor,
        organization=organization,
        name=indicator.name,
        level1=grand.name if grand else "",
        level2=parent.name if parent else "",
        sector=sector,
        category=category,
        fund_use=fund_use,
        keywords=keywords,
        kind=indicator.kind or IndicatorKind.QUANTITATIVE,
        direction=indicator.direction,
        unit=indicator.unit,
        reference_value=indicator.target_value,
        basis=indicator.basis,
        formula=indicator.formula,
        explanation=indicator.explanation,
        history={str(fiscal_year): year_values} if year_values else {},
        source=LibrarySource.PROMOTED,
        promoted_from=indicator,
    )


def entry_indicator_fields(entry: LibraryIndicator) -> dict[str, Any]:
    """The fields of a declaration indicator copied from a library entry."""
    qualitative = entry.kind == IndicatorKind.QUALITATIVE
    return {
        "kind": entry.kind,
        "direction": "" if qualitative else entry.direction,
        "rule": "qualitative" if qualitative else entry.direction,
        "target_value": entry.reference_value,
        "unit": entry.unit,
        "basis": entry.basis,
        "formula": entry.formula,
        "explanation": entry.explanation,
        "previous_values": {
            y: v.get("actual") or v.get("target") for y, v in (entry.history or {}).items()
        },
        "library_entry_id": entry.pk,
    }
