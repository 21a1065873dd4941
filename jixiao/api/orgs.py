"""Read-only endpoints for organisations, people and the caller (CORE-4).

Every object comes through :mod:`jixiao.orgs.permissions` (lists filtered to the caller's scope,
single objects 404 outside it) and through the same reads as the web pages (:mod:`orgs.queries`).
"""

# No ``from __future__ import annotations`` here: ninja reads the operations' parameter
# annotations (``Query[OrgFilters]``) at import time and cannot resolve them as strings.

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Query, Router
from ninja.pagination import LimitOffsetPagination, paginate

from jixiao.api.schemas import Error, MeOut, OrgFilters, OrgOut, PeopleFilters, PersonOut
from jixiao.orgs import permissions as perms
from jixiao.orgs import queries
from jixiao.orgs.models import Organization, Role, User

MAX_PAGE = 500
router = Router()
_ERRORS: dict[int, Any] = {401: Error, 404: Error}


@router.get("/orgs/", response=list[OrgOut], tags=["组织"], summary="组织列表（仅限可见范围）")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def list_organizations(request: HttpRequest, filters: Query[OrgFilters]) -> QuerySet[Organization]:
    qs = queries.organizations_visible(request.auth, search=filters.q, kind=filters.kind or "")
    if filters.parent is not None:
        qs = qs.filter(parent_id=filters.parent)
    return qs


@router.get("/orgs/{int:org_id}", response={200: OrgOut, **_ERRORS}, tags=["组织"], summary="组织")
def get_organization(request: HttpRequest, org_id: int) -> Organization:
    return perms.get_organization_for_user(request.auth, org_id)


@router.get("/people/", response=list[PersonOut], tags=["人员"], summary="人员列表（仅限可见范围）")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def list_people(request: HttpRequest, filters: Query[PeopleFilters]) -> QuerySet[User]:
    org = None
    if filters.organization is not None:
        try:
            org = perms.get_organization_for_user(
                request.auth, filters.organization, perms.USER_VIEW
            )
        except Http404:
            return User.objects.none()
    return queries.people_visible(request.auth, search=filters.q, organization=org)


@router.get(
    "/people/{int:person_id}", response={200: PersonOut, **_ERRORS}, tags=["人员"], summary="人员"
)
def get_person(request: HttpRequest, person_id: int) -> User:
    qs = User.objects.select_related("organization").prefetch_related("role_assignments")
    return perms.get_for_user(request.auth, qs, person_id, perms.USER_VIEW)


@router.get("/me", response={200: MeOut, 401: Error}, tags=["当前用户"], summary="当前调用者")
def me(request: HttpRequest) -> dict[str, Any]:
    """The caller, with each role and the organisation subtree it covers."""
    user = request.auth
    scopes = perms.scopes(user)
    orgs = Organization.objects.in_bulk({s.organization_id for s in scopes})
    roles = [
        {
            "role": s.role,
            "role_label": str(Role(s.role).label),
            "organization": orgs[s.organization_id],
        }
        for s in sorted(scopes, key=lambda s: (s.path, s.role))
    ]
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "organization": user.organization,
        "auth_method": getattr(request, "auth_method", "session"),
        "roles": roles,
    }
