"""The audit trail (留痕, CORE-6): one row per change, never changed or deleted.

The application has no code path that updates or deletes an ``AuditEvent``; the model refuses
it, and on PostgreSQL a trigger refuses UPDATE and DELETE on the table itself (migration 0002).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditImmutableError(Exception):
    """Raised when code tries to change or delete an audit row."""

    message = "审计日志不可修改或删除"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AuditImmutableError(AuditImmutableError.message)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditImmutableError(AuditImmutableError.message)


class AuditEvent(models.Model):
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    # No database constraint: the actor may be deactivated, never cascaded into the trail.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("来源IP"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=20, blank=True)
    action = models.CharField(_("操作"), max_length=100, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, db_index=True)
    object_id = models.CharField(_("对象ID"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=255, blank=True)
    organization_id = models.BigIntegerField(_("所属组织"), null=True, blank=True, db_index=True)
    old_values = models.JSONField(_("修改前"), null=True, blank=True, encoder=DjangoJSONEncoder)
    new_values = models.JSONField(_("修改后"), null=True, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditImmutableError(AuditImmutableError.message)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditImmutableError(AuditImmutableError.message)
