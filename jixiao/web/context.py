"""Template context for the page shell: menu, roles, organisation in scope, unread count."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext

from jixiao.orgs import permissions as perms
from jixiao.orgs.models import Role
from jixiao.web.menu import menu_for


def shell(request: HttpRequest) -> dict[str, Any]:
    context: dict[str, Any] = {"platform_name": gettext(settings.SITE_NAME)}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    scope_list = perms.scopes(user)
    context["menu"] = menu_for(user, request.path)
    context["role_labels"] = sorted({str(Role(s.role).label) for s in scope_list})
    context["scope_organization"] = user.organization
    context["unread_count"] = _unread_count(user)
    return context


def _unread_count(user: Any) -> int:
    from jixiao.notifications.queries import unread_count

    return unread_count(user)
