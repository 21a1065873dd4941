"""The one place that answers "may this user do this action here?" (CORE-4, X-6).

A role grants a set of actions; a role assignment grants them over an organisation and its
whole subtree. Domain apps add their actions with :func:`grant` from their ``AppConfig.ready``,
so the core never imports a domain. Objects a user may not see answer 404 (:func:`get_for_user`),
so their existence does not leak.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from jixiao.orgs.models import Organization, Role, RoleAssignment

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from jixiao.orgs.models import User

M = TypeVar("M", bound=Model)

# Core actions. Domain apps add theirs (e.g. "budget.project.change") with grant().
ORG_VIEW = "org.view"
ORG_MANAGE = "org.manage"
USER_VIEW = "user.view"
USER_MANAGE = "user.manage"
ROLE_ASSIGN = "role.assign"
ACCOUNT_UNLOCK = "account.unlock"
AUDIT_VIEW = "audit.view"
AUDIT_EXPORT = "audit.export"
ADMIN_SITE = "admin.site"
DEADLINE_VIEW = "deadline.view"
DEADLINE_MANAGE = "deadline.manage"
DASHBOARD_VIEW = "dashboard.view"
API_TOKEN_MANAGE = "api.token.manage"  # noqa: S105 (an action name, not a secret)

_BUSINESS_READERS = {
    Role.FINANCE_REVIEWER,
    Role.DEPARTMENT_REVIEWER,
    Role.UNIT_OPERATOR,
    Role.LEADER,
    Role.HR_OFFICER,
    Role.DEPARTMENT_HEAD,
}

# The three administrators (三员) never receive business actions: the system administrator
# keeps master data, the security administrator keeps roles and accounts, the audit
# administrator reads the trail.
_ROLE_ACTIONS: dict[str, set[str]] = {
    Role.SYSTEM_ADMIN: {ORG_VIEW, ORG_MANAGE, USER_VIEW, USER_MANAGE, ADMIN_SITE, API_TOKEN_MANAGE},
    Role.SECURITY_ADMIN: {ORG_VIEW, USER_VIEW, ROLE_ASSIGN, ACCOUNT_UNLOCK},
    Role.AUDIT_ADMIN: {AUDIT_VIEW, AUDIT_EXPORT},
    Role.FINANCE_REVIEWER: {ORG_VIEW, USER_VIEW, DEADLINE_VIEW, DEADLINE_MANAGE, DASHBOARD_VIEW},
    Role.DEPARTMENT_REVIEWER: {ORG_VIEW, USER_VIEW, DEADLINE_VIEW, DASHBOARD_VIEW},
    Role.UNIT_OPERATOR: {ORG_VIEW, DEADLINE_VIEW},
    Role.EVALUATOR: set(),
    Role.LEADER: {ORG_VIEW, DEADLINE_VIEW, DASHBOARD_VIEW},
    Role.HR_OFFICER: {ORG_VIEW, USER_VIEW, DEADLINE_VIEW, DEADLINE_MANAGE, DASHBOARD_VIEW},
    Role.DEPARTMENT_HEAD: {ORG_VIEW, USER_VIEW, DEADLINE_VIEW},
    Role.EMPLOYEE: set(),
}

# Actions that only read; a read-only role (the leader) is never granted anything else.
READ_ONLY_ROLES = frozenset({Role.LEADER})


def grant(role: str, *actions: str) -> None:
    """Let ``role`` perform ``actions`` within its scope (called from domain apps' ready())."""
    if role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        raise ValueError("三员不得授予业务权限")
    _ROLE_ACTIONS[role].update(actions)


def require(user: User | None, action: str, organization: Organization | None = None) -> None:
    """What every write service does first: refuse a person who may not ``action`` on
    ``organization``. System jobs (``user`` None: the demo loader, the command line,
    scheduled tasks) are trusted."""
    from jixiao.orgs.errors import NO_PERMISSION, PermissionDeniedError

    if user is not None and not can(user, action, organization):
        raise PermissionDeniedError(NO_PERMISSION)


def roles_with(action: str) -> set[str]:
    return {role for role, actions in _ROLE_ACTIONS.items() if action in actions}


def holders(organization: Organization, action: str) -> list[User]:
    """Active people who hold ``action`` over ``organization``: a role assigned at it or at
    one of its ancestors (one query)."""
    from jixiao.orgs.models import User

    path = organization.path
    prefixes = [path[: i + 1] for i, ch in enumerate(path) if ch == "."]
    ids = RoleAssignment.objects.filter(
        role__in=roles_with(action), organization__path__in=prefixes, user__is_active=True
    ).values("user_id")
    return list(User.objects.filter(pk__in=ids))


def business_reader_roles() -> set[str]:
    return set(_BUSINESS_READERS)


@dataclass(frozen=True)
class Scope:
    role: str
    organization_id: int
    path: str


def scopes(user: User | AnonymousUser) -> list[Scope]:
    """The user's role assignments, loaded once per user object."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_jixiao_scopes", None)
    if cached is None:
        rows = RoleAssignment.objects.filter(user=user, organization__is_active=True).values_list(
            "role", "organization_id", "organization__path"
        )
        cached = [Scope(role, org_id, path) for role, org_id, path in rows]
        user._jixiao_scopes = cached  # type: ignore[union-attr]
    return cached


def forget_scopes(user: User) -> None:
    """Drop the cached scopes after the user's roles changed."""
    user.__dict__.pop("_jixiao_scopes", None)
    user.__dict__.pop("_jixiao_acts_within", None)


def user_roles(user: User | AnonymousUser) -> set[str]:
    return {scope.role for scope in scopes(user)}


def has_role(user: User | AnonymousUser, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def action_paths(user: User | AnonymousUser, action: str) -> list[str]:
    """The subtree roots (paths) over which ``user`` may perform ``action``."""
    return [s.path for s in scopes(user) if action in _ROLE_ACTIONS.get(s.role, ())]


def can(user: User | AnonymousUser, action: str, organization: Organization | None = None) -> bool:
    """May ``user`` perform ``action`` on ``organization`` (or anywhere, if None)?"""
    paths = action_paths(user, action)
    if organization is None:
        return bool(paths)
    return any(organization.path.startswith(path) for path in paths)


def acts_within(
    user: User | AnonymousUser, kinds: Iterable[str], action: str | None = None
) -> bool:
    """Does ``user`` hold a role (one allowing ``action``, if given) over an organisation of one
    of ``kinds`` or inside one — a finance bureau's tree, a company's? Menus use it to show a
    domain only to the people it concerns. One query, remembered on the user object."""
    key = (tuple(sorted(kinds)), action)
    memo = user.__dict__.setdefault("_jixiao_acts_within", {})
    if key not in memo:
        paths = [s.path for s in scopes(user)] if action is None else action_paths(user, action)
        ids = {int(segment) for path in paths for segment in path.split(".") if segment}
        memo[key] = bool(ids) and Organization.objects.filter(pk__in=ids, kind__in=key[0]).exists()
    return memo[key]


def scope_q(user: User | AnonymousUser, action: str, org_field: str = "organization") -> Q:
    """A filter for the rows whose ``org_field`` lies inside the user's scope for ``action``.

    ``org_field`` names the path to an Organization ("organization", "project__unit" …);
    an empty field name means the rows are organisations themselves.
    """
    prefix = f"{org_field}__path" if org_field else "path"
    paths = _outermost(action_paths(user, action))
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for path in paths:
        q |= Q(**{f"{prefix}__startswith": path})
    return q


def _outermost(paths: Iterable[str]) -> list[str]:
    """Drop paths that lie inside another one, so the SQL filter stays short."""
    result: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(kept) for kept in result):
            result.append(path)
    return result


def visible_organizations(user: User | AnonymousUser, action: str = ORG_VIEW) -> QuerySet:
    return Organization.objects.filter(scope_q(user, action, org_field=""))


def filter_for_user(
    user: User | AnonymousUser, queryset: QuerySet[M], action: str, org_field: str = "organization"
) -> QuerySet[M]:
    return queryset.filter(scope_q(user, action, org_field))


def get_for_user(
    user: User | AnonymousUser,
    queryset: QuerySet[M],
    pk: Any,
    action: str,
    org_field: str = "organization",
) -> M:
    """The only way to fetch a protected object: 404 when it is missing or out of scope."""
    try:
        return filter_for_user(user, queryset, action, org_field).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def get_organization_for_user(
    user: User | AnonymousUser, pk: Any, action: str = ORG_VIEW
) -> Organization:
    return get_for_user(user, Organization.objects.all(), pk, action, org_field="")
