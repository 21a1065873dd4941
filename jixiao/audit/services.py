"""Writing the audit trail. Every service that changes domain data calls :func:`audit_record`
inside its own transaction, so the change and its trace commit or roll back together."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation

from jixiao.audit.context import current
from jixiao.audit.models import AuditEvent
from jixiao.lib.plain import plain, unchanged


def _model_key(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else unchanged()


def _jsonable(value: Any) -> Any:
    """JSON data for the trail: 5, 5.0 and 5.000000 (as read back from a DecimalField) are one
    value; a model instance is recorded by its key."""
    return plain(value, _model_key)


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The current values of ``fields`` (default: all concrete fields) as JSON-ready data."""
    names = (
        list(fields)
        if fields is not None
        else [f.attname for f in obj._meta.concrete_fields if f.attname != "password"]
    )
    return {name: _jsonable(getattr(obj, name)) for name in names}


def changed(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values differ, as (old, new)."""
    keys = [k for k in new if old.get(k) != new.get(k)]
    return {k: old.get(k) for k in keys}, {k: new[k] for k in keys}


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    organization_id: int | None = None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one row to the trail. ``actor`` may be None for system jobs (then the command's
    context names the source)."""
    origin = event_origin(actor)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or _object_repr(obj)
        if organization_id is None:
            organization_id = getattr(obj, "organization_id", None)
    return AuditEvent.objects.create(
        **origin,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        organization_id=organization_id,
        old_values=_jsonable(old) if old is not None else None,
        new_values=_jsonable(new) if new is not None else None,
    )


def event_origin(actor: Any) -> dict[str, Any]:
    """Who and where a row comes from — the fields every audit row shares: the actor (or the
    command's context when ``actor`` is None), their name as the trail shows it, the client
    address and the source. Bulk writers (imports) use it to fill their rows the same way."""
    ctx = current()
    person = actor if actor is not None and getattr(actor, "pk", None) else ctx.actor
    person = person if person is not None and getattr(person, "pk", None) else None
    return {
        "actor": person,
        "actor_name": _actor_name(person, ctx.source),
        "ip_address": ctx.ip_address,
        "source": ctx.source,
    }


def _object_repr(obj: models.Model) -> str:
    # The trail is written in the platform's language, whichever language the actor reads
    # (``str()`` of a role assignment includes the translated role name).
    with translation.override(settings.LANGUAGE_CODE):
        return str(obj)[:255]


def _actor_name(actor: Any, source: str) -> str:
    if actor is None or not getattr(actor, "pk", None):
        return f"系统（{source}）"
    full = getattr(actor, "full_name", "") or ""
    return f"{full}（{actor.username}）" if full else actor.username


def audited_update(
    obj: models.Model,
    values: dict[str, Any],
    *,
    actor: Any,
    action: str,
    allowed: set[str],
    fields: list[str],
    organization_id: int | None = None,
) -> models.Model:
    """Set ``values`` (only ``allowed`` keys) on ``obj``, validate, save just those columns and
    record what really changed — the body every ``<entity>_update`` service shares. The caller
    checks permission and holds the transaction."""
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    before = snapshot(obj, fields)
    for field, value in values.items():
        setattr(obj, field, value)
    obj.full_clean()
    obj.save(update_fields=list(values))
    old, new = changed(before, snapshot(obj, fields))
    if new:
        audit_record(
            actor=actor, action=action, obj=obj, organization_id=organization_id, old=old, new=new
        )
    return obj
