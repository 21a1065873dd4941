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
