"""Writes on organisations, people and roles. Each function is one transaction, checks the
actor's permission through :mod:`jixiao.orgs.permissions` and leaves one audit row."""

from __future__ import annotations

from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

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

ORG_FIELDS = ["name", "short_name", "code", "kind", "parent_id", "sort_order", "is_active"]
PATH_MAX = Organization._meta.get_field("path").max_length
SEGMENT = 7  # len("000001.")
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
    short_name: str = "",
) -> Organization:
    """A new organisation under ``parent``. A root (no parent) is made by the command line
    (``jixiao setup``, ``jixiao import_orgs``: actor None), never from a page."""
    if actor is not None and parent is None:
        raise errors.PermissionDeniedError(errors.ROOT_NEEDS_SETUP)
    perms.require(actor, perms.ORG_MANAGE, parent)
    _check_parent_kind(kind, parent)
    if parent is not None and not parent.is_active:
        raise errors.DomainError(errors.PARENT_INACTIVE.format(parent=parent.name))
    if Organization.objects.filter(code=code).exists():
        raise errors.DomainError(errors.ORG_CODE_TAKEN.format(code=code))
    # The path needs the primary key: insert with a unique placeholder, then set it.
    org = Organization(
        name=name,
        short_name=short_name,
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


def _check_parent_kind(kind: str, parent: Organization | None) -> None:
    parent_kind = parent.kind if parent else None
    if parent_kind not in ALLOWED_PARENTS[kind]:
        raise errors.DomainError(
            errors.PARENT_KIND_MISMATCH.format(
                parent=OrgKind(parent_kind).label if parent_kind else "（无上级）",
                child=OrgKind(kind).label,
            )
        )


def _check_children_fit(organization: Organization, kind: str) -> None:
    for child in organization.children.all():
        if kind not in ALLOWED_PARENTS[child.kind]:
            raise errors.DomainError(
                errors.KIND_CHILD_MISMATCH.format(
                    child=organization.name,
                    name=child.name,
                    kind=child.get_kind_display(),
                    new=OrgKind(kind).label,
                )
            )


@transaction.atomic
def organization_update(
    *, actor: User | None, organization: Organization, **values: Any
) -> Organization:
    """Change name, short name, code, kind, sort order or activity. Moving a node is
    :func:`organization_move`; pages and imports switch activity with
    :func:`organization_set_active`, which refuses to strand active people (``is_active`` here
    is the unchecked switch that system jobs use)."""
    perms.require(actor, perms.ORG_MANAGE, organization)
    code = values.get("code")
    if code and Organization.objects.filter(code=code).exclude(pk=organization.pk).exists():
        raise errors.DomainError(errors.ORG_CODE_TAKEN.format(code=code))
    kind = values.get("kind")
    if kind and kind != organization.kind:
        _check_parent_kind(kind, organization.parent)
        _check_children_fit(organization, kind)
    return audited_update(
        organization,
        values,
        actor=actor,
        action="org.update",
        fields=ORG_FIELDS,
        allowed={"name", "short_name", "code", "kind", "sort_order", "is_active"},
        organization_id=organization.pk,
    )


@transaction.atomic
def organization_move(
    *, actor: User | None, organization: Organization, parent: Organization
) -> Organization:
    """Put ``organization`` and its whole subtree under ``parent``: the materialised paths and
    depths of the subtree change in one UPDATE. The actor must manage both the organisation
    where it is and the new parent; a move into its own subtree is refused."""
    perms.require(actor, perms.ORG_MANAGE, organization)
    perms.require(actor, perms.ORG_MANAGE, parent)
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    parent = Organization.objects.select_for_update().get(pk=parent.pk)
    if org.parent_id is None:
        raise errors.DomainError(errors.MOVE_ROOT)
    if parent.path.startswith(org.path):
        raise errors.DomainError(errors.MOVE_INTO_ITSELF.format(org=org.name))
    if org.parent_id == parent.pk:
        return organization
    _check_parent_kind(org.kind, parent)
    if not parent.is_active and org.is_active:
        raise errors.DomainError(errors.PARENT_INACTIVE.format(parent=parent.name))
    old_path, new_path = org.path, parent.path + _path_segment(org.pk)
    delta = parent.depth + 1 - org.depth
    subtree = Organization.objects.filter(path__startswith=old_path)
    deepest = max(len(p) for p in subtree.values_list("path", flat=True))
    if deepest - len(old_path) + len(new_path) > PATH_MAX:
        raise errors.DomainError(errors.TREE_TOO_DEEP.format(depth=PATH_MAX // SEGMENT))
    old = snapshot(org, ["parent_id", "path", "depth"])
    subtree.update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + delta,
    )
    Organization.objects.filter(pk=org.pk).update(parent=parent)
    org.refresh_from_db()
    audit_record(
        actor=actor,
        action="org.move",
        obj=org,
        organization_id=org.pk,
        old=old,
        new=snapshot(org, ["parent_id", "path", "depth"]),
    )
    organization.refresh_from_db()
    return organization


@transaction.atomic
def organization_set_active(
    *, actor: User | None, organization: Organization, active: bool
) -> Organization:
    """Switch an organisation on or off. Deactivating is refused while it has active
    sub-organisations or active people: their roles scoped there would silently stop working
    (scopes ignore inactive organisations) and they would belong nowhere. Records that refer to
    it (projects, forms, the trail) are kept; it just no longer appears in choices and targets.
    Reactivating is refused under an inactive parent."""
    perms.require(actor, perms.ORG_MANAGE, organization)
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    if active and org.parent is not None and not org.parent.is_active:
        raise errors.DomainError(errors.PARENT_INACTIVE.format(parent=org.parent.name))
    if not active:
        children = org.children.filter(is_active=True).count()
        if children:
            raise errors.DomainError(
                errors.DEACTIVATE_WITH_CHILDREN.format(org=org.name, count=children)
            )
        people = org.members.filter(is_active=True).count()
        if people:
            raise errors.DomainError(
                errors.DEACTIVATE_WITH_PEOPLE.format(org=org.name, count=people)
            )
    audited_update(
        org,
        {"is_active": active},
        actor=actor,
        action="org.update",
        fields=ORG_FIELDS,
        allowed={"is_active"},
        organization_id=org.pk,
    )
    organization.refresh_from_db()
    return organization


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
