"""Small template helpers shared by every app's pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Mapping[str, Any] | None, key: str) -> Any:
    """``{{ comments|get_item:row.key }}``: a dict lookup with a variable key."""
    if not mapping:
        return []
    return mapping.get(key, [])


@register.filter
def audit_label(action: str) -> str:
    """``{{ event.action|audit_label }}``: the action's Chinese name."""
    from jixiao.audit.labels import label

    return label(action)


@register.filter
def money(value: Any, places: int = 2) -> str:
    """Money as the forms print it: 1,234.56 (万元 with two decimals, UI.md); blank for None."""
    if value is None or value == "":
        return ""
    from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

    try:
        number = Decimal(str(value)).quantize(Decimal(1).scaleb(-int(places)), ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return str(value)
    return f"{number:,.{int(places)}f}"
