"""Writes on organisations, people and roles. Each function is one transaction, checks the
actor's permission through :mod:`jixiao.orgs.permissions` and leaves one audit row."""

from __future__ import annotations

from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from jixiao.audit.services import audit_record, audited_update, snapshot
from jixiao.orgs import errors
from jixiao.orgs import permissions as perms
from jixiao.orgs.models import ADMIN_ROLES, Organization, OrgKind, Role, RoleAssignment, User

# Which kinds of organisation may sit under which (None: a root).
ALLOWED_PARENTS: dict[str, set[str | None]] = {
    OrgKind.FINANCE_BUREAU: {None},
    OrgKind.SUPERVISING_DEPARTMENT: {OrgKind.FINANCE_BUREAU},
    OrgKind.BUDGET_UNIT: {OrgKind.SUPERVISING_DEPARTMENT, OrgKind.FINANCE_BUREAU},
    OrgKind.SUBORDINATE_UNIT: {OrgKind.BUDGET_UNIT, OrgKind.SUBORDINATE_UNIT},
    OrgKind.COMPANY: {None},
    OrgKind.DEPARTMENT: {OrgKind.COMPANY, OrgKind.DEPARTMENT},
    OrgKind.TEAM: {OrgKind.DEPARTMENT},
    OrgKind.TOWNSHIP: {None},
    OrgKind.OFFICE: {OrgKind.TOWNSHIP},
}

ORG_FIELDS = ["name", "code", "kind", "parent_id", "sort_order", "is_active"]
USER_FIELDS = [
    "is_service_account",
    "username",
    "full_name",
    "email",
    "phone",
    "employee_number",
    "organization_id",
    "is_active",
]


def _path_segment(pk: int) -> str:
    return f"{pk:06d}."


@transaction.atomic
def organization_create(
    *,
    actor: User | None,
    name: str,
    code: str,
    kind: str,
    parent: Organization | None = None,
    sort_order: int = 0,
) -> Organization:
    perms.require(actor, perms.ORG_MANAGE, parent)
    if actor is not None and parent is None and not perms.can(actor, perms.ORG_MANAGE, None):
        raise errors.PermissionDeniedError(errors.NO_PERMISSION)
    parent_kind = parent.kind if parent else None
    if parent_kind not in ALLOWED_PARENTS[kind]:
        raise errors.DomainError(
            errors.PARENT_KIND_MISMATCH.format(
                parent=OrgKind(parent_kind).label if parent_kind else "（无上级）",
                child=OrgKind(kind).label,
            )
        )
    if Organization.objects.filter(code=code).exists():
        raise errors.DomainError(errors.ORG_CODE_TAKEN.format(code=code))
    # The path needs the primary key: insert with a unique placeholder, then set it.
    org = Organization(
        name=name,
        code=code,
        kind=kind,
        parent=parent,
        sort_order=sort_order,
        path=f"~{code}",
        depth=(parent.depth + 1) if parent else 0,
    )
    org.full_clean(exclude=["path"])
    org.save()
    org.path = (parent.path if parent else "") + _path_segment(org.pk)
    org.save(update_fields=["path"])
    audit_record(
        actor=actor,
        action="org.create",
        obj=org,
        organization_id=org.pk,
        new=snapshot(org, ORG_FIELDS),
    )
    return org


@transaction.atomic
def organization_update(
    *, actor: User | None, organization: Organization, **values: Any
) -> Organization:
    """Change name, code, sort order or activity (moving a node is not offered)."""
    perms.require(actor, perms.ORG_MANAGE, organization)
    code = values.get("code")
    if code and Organization.objects.filter(code=code).exclude(pk=organization.pk).exists():
        raise errors.DomainError(errors.ORG_CODE_TAKEN.format(code=code))
    return audited_update(
        organization,
        values,
        actor=actor,
        action="org.update",
        fields=ORG_FIELDS,
        allowed={"name", "code", "sort_order", "is_active"},
        organization_id=organization.pk,
    )


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str | None,
    organization: Organization,
    full_name: str = "",
    email: str = "",
    phone: str = "",
    employee_number: str = "",
    is_service_account: bool = False,
) -> User:
    perms.require(actor, perms.USER_MANAGE, organization)
    if User.objects.filter(username=username).exists():
        raise errors.DomainError(errors.USERNAME_TAKEN.format(username=username))
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        phone=phone,
        employee_number=employee_number,
        organization=organization,
        is_service_account=is_service_account,
    )
    if password is None:
        user.set_unusable_password()  # a person on file who does not log in (yet)
    else:
        validate_password(password, user)
        user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(
        actor=actor,
        action="user.create",
        obj=user,
        organization_id=organization.pk,
        new=snapshot(user, USER_FIELDS),
    )
    return user


@transaction.atomic
def user_update(*, actor: User | None, user: User, **values: Any) -> User:
    perms.require(actor, perms.USER_MANAGE, user.organization)
    return audited_update(
        user,
        values,
        actor=actor,
        action="user.update",
        fields=USER_FIELDS,
        allowed={"full_name", "email", "phone", "employee_number", "is_active"},
        organization_id=user.organization_id,
    )


@transaction.atomic
def user_set_password(*, actor: User | None, user: User, password: str) -> None:
    """Set a password: the person themself, or a security administrator resetting it."""
    if actor is not None and actor.pk != user.pk:
        perms.require(actor, perms.ACCOUNT_UNLOCK, user.organization)
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=actor, action="user.password", obj=user, organization_id=user.organization_id
    )


def _check_separation(user: User, role: str) -> None:
    held = {a.role for a in user.role_assignments.all()}
    held_admin = held & ADMIN_ROLES
    labels = "、".join(str(Role(r).label) for r in sorted(held))
    if role in ADMIN_ROLES:
        if held_admin - {role}:
            raise errors.DomainError(errors.ADMIN_ROLES_EXCLUSIVE.format(held=labels))
        if held - ADMIN_ROLES:
            raise errors.DomainError(errors.ADMIN_ROLE_WITH_BUSINESS.format(held=labels))
    elif held_admin:
        raise errors.DomainError(errors.ADMIN_ROLE_WITH_BUSINESS.format(held=labels))


@transaction.atomic
def role_assign(
    *, actor: User | None, user: User, role: str, organization: Organization
) -> RoleAssignment:
    """Grant ``role`` over ``organization``'s subtree, keeping the three administrators apart."""
    perms.require(actor, perms.ROLE_ASSIGN, organization)
    User.objects.select_for_update().filter(pk=user.pk).first()
    _check_separation(user, role)
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, organization=organization
    )
    if created:
        audit_record(
            actor=actor,
            action="role.assign",
            obj=assignment,
            organization_id=organization.pk,
            new={"user": user.username, "role": role, "organization": organization.pk},
        )
    perms.forget_scopes(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor: User | None, assignment: RoleAssignment) -> None:
    perms.require(actor, perms.ROLE_ASSIGN, assignment.organization)
    old = {
        "user": assignment.user.username,
        "role": assignment.role,
        "organization": assignment.organization_id,
    }
    audit_record(
        actor=actor,
        action="role.revoke",
        obj=assignment,
        organization_id=assignment.organization_id,
        old=old,
    )
    assignment.delete()
    perms.forget_scopes(assignment.user)


@transaction.atomic
def account_unlock(*, actor: User | None, user: User) -> int:
    """Lift a login lockout before its cool-off period ends (security administrator)."""
    perms.require(actor, perms.ACCOUNT_UNLOCK, user.organization)
    cleared = axes_reset(username=user.username)
    audit_record(
        actor=actor,
        action="user.unlock",
        obj=user,
        organization_id=user.organization_id,
        new={"attempts_cleared": cleared},
    )
    return cleared
