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
