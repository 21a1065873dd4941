"""Values as plain JSON data, one way for the whole project (audit trail, workflow versions).

Decimals become their shortest exact text ("5.00" → "5"), so equal amounts compare equal
whatever their scale; dates become ISO text; sets become sorted lists. ``extra`` lets a caller
turn its own types (e.g. a model instance into its key) before the generic rules apply.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

_MISSING = object()


def plain(value: Any, extra: Callable[[Any], Any] | None = None) -> Any:
    if extra is not None:
        converted = extra(value)
        if converted is not _MISSING:
            return converted
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value.is_finite() else str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain(v, extra) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v, extra) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(plain(v, extra) for v in value)
    return value


def unchanged() -> object:
    """What an ``extra`` converter returns for values it leaves to the generic rules."""
    return _MISSING
