"""Django admin for master data, open to system administrators only (X-6).

Every save goes through the audit trail; role assignments are read-only here because the
separation of the three administrators is enforced by ``role_assign``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from jixiao.audit.services import audit_record, changed, snapshot
from jixiao.orgs import permissions as perms
from jixiao.orgs.models import Organization, RoleAssignment, User


def _is_system_admin(request: HttpRequest) -> bool:
    return perms.can(request.user, perms.ADMIN_SITE)


admin.site.has_permission = lambda request: request.user.is_active and _is_system_admin(request)  # type: ignore[method-assign]
admin.site.site_header = "绩效管理平台 · 管理后台"
admin.site.site_title = "管理后台"


class AuditedAdmin(admin.ModelAdmin):
    """Lets system administrators edit master data and writes one audit row per change."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_system_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_system_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_system_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        old, new = changed(before, snapshot(obj))
        if new:
            audit_record(actor=request.user, action="admin.change", obj=obj, old=old, new=new)


@admin.register(Organization)
class OrganizationAdmin(AuditedAdmin):
    list_display = ["name", "code", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    readonly_fields = ["parent", "kind", "path", "depth"]


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    list_display = ["username", "full_name", "organization", "is_active", "last_login"]
    list_filter = ["is_active"]
    search_fields = ["username", "full_name", "employee_number"]
    fieldsets = [
        (None, {"fields": ["username", "full_name", "organization", "employee_number"]}),
        ("联系方式", {"fields": ["email", "phone"]}),
        ("状态", {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    readonly_fields = ["organization", "last_login", "date_joined"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedAdmin):
    list_display = ["user", "role", "organization", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__full_name", "organization__name"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
