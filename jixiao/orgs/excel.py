"""组织机构及人员导入导出: the organisation tree and its people in one workbook (CORE-4, X-4).

Two sheets. 组织机构: one row per organisation (上级机构代码 · 机构代码 · 机构名称 · 机构类型 ·
简称 · 排序 · 状态); 人员: one row per role a person holds (用户名 · 姓名 · 所属机构代码 · 角色 ·
角色范围机构代码 · 手机 · 邮箱 · 工号 · 状态) — a person with several roles has several rows, one
without a role one row with 角色 empty. Types and roles are written with their Chinese labels.

:func:`import_workbook` is all or nothing and order-independent. It reads both sheets, checks
everything — cell types, duplicate codes, unknown parent or organisation codes, parent kinds
(财政局 → 主管部门 → 预算单位 …) on the tree as it will be, cycles, the separation of the three
administrators on each person's roles as they will be — and lists every error located by sheet,
row and column. Only then does it write, through the named services (permission check and audit
row each) inside one transaction; a service's refusal becomes a located error too and rolls
everything back. Organisations are matched by code and people by username: existing ones are
updated (moved, renamed, switched on or off) only where the sheet differs, so importing the same
workbook twice changes nothing the second time. Nothing is deleted and no role is revoked.

A new person gets a random initial password, returned once in :class:`ImportResult` (shown once
on the page, printed once by the command) and stored only as its hash. Roles are granted by the
security administrator (三员分立): when the actor may not grant a role (a system administrator),
it is left *pending* and listed; the security administrator imports the same workbook to grant
them. The command line (actor None) does everything.
"""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from jixiao.documents.excel import (
    Choice,
    Column,
    ImportErrors,
    Integer,
    Invalid,
    Layout,
    SheetData,
    Table,
    Text,
    WorkbookWriter,
    read_workbook,
)
from jixiao.documents.excel import errors as excel_errors
from jixiao.documents.language import in_official_language, official_text
from jixiao.orgs import errors as org_errors
from jixiao.orgs import permissions as perms
from jixiao.orgs import services
from jixiao.orgs.models import ADMIN_ROLES, Organization, OrgKind, Role, RoleAssignment, User

ORG_SHEET = "组织机构"
PEOPLE_SHEET = "人员"

# --- Messages (Chinese, defined once; tests assert them) -------------------------------------

CODE_TWICE = "机构代码“{code}”与第{row}行重复"
PARENT_UNKNOWN = "上级机构代码“{code}”在本表和系统中都不存在"
PARENT_IS_SELF = "上级机构代码不能是本机构自己的代码"
CYCLE = "上级关系形成循环：{codes}"
ORG_UNKNOWN = "机构代码“{code}”在本表和系统中都不存在"
USERNAME_INVALID = "用户名只能包含字母、数字和 _ . @ -，实际为“{value}”"
PERSON_CONFLICT = "用户“{username}”的{label}与第{row}行不一致（“{first}”和“{value}”）"
PERSON_MOVED = "用户“{username}”已属于“{org}”，导入不调动人员，请在人员页面办理"
ROLE_TWICE = "用户“{username}”的角色“{role}”（范围“{scope}”）与第{row}行重复"
EMAIL_INVALID = "邮箱格式不正确：“{value}”"
PARENT_FAILED = "上级机构未能导入，本行未处理"

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@-]+$")


class Unknown:
    """A choice cell whose text is none of the labels: kept (not dropped) so the row's code
    still counts, and reported by the import with the engine's message."""

    def __init__(self, message: str) -> None:
        self.message = message


class LabelChoice(Choice):
    def parse(self, value: Any) -> Any:
        try:
            return super().parse(value)
        except Invalid as exc:
            return Unknown(exc.message)


KIND = LabelChoice({official_text(label): value for value, label in OrgKind.choices})
ROLE = LabelChoice({official_text(label): value for value, label in Role.choices})
STATE = LabelChoice({"启用": True, "停用": False})

ORGANIZATIONS = Layout(
    title="组织机构",
    table=Table(
        header_row=2,
        columns=(
            Column("parent_code", "上级机构代码", Text(max_length=50), width=16),
            Column("code", "机构代码", Text(max_length=50), required=True, width=16),
            Column("name", "机构名称", Text(max_length=200), width=32),
            Column("kind", "机构类型", KIND, width=14),
            Column("short_name", "简称", Text(max_length=100), optional=True, width=16),
            Column("sort_order", "排序", Integer(), optional=True, width=8),
            Column("is_active", "状态", STATE, optional=True, width=8),
        ),
    ),
)
PEOPLE = Layout(
    title="人员",
    table=Table(
        header_row=2,
        columns=(
            Column("username", "用户名", Text(max_length=150), required=True, width=16),
            Column("full_name", "姓名", Text(max_length=100), width=12),
            Column("org_code", "所属机构代码", Text(max_length=50), width=16),
            Column("role", "角色", ROLE, optional=True, width=16),
            Column("scope_code", "角色范围机构代码", Text(max_length=50), optional=True, width=18),
            Column("phone", "手机", Text(max_length=30), optional=True, aliases=("联系电话",)),
            Column("email", "邮箱", Text(max_length=254), optional=True, aliases=("电子邮箱",)),
            Column("employee_number", "工号", Text(max_length=30), optional=True, width=10),
            Column("is_active", "状态", STATE, optional=True, width=8),
        ),
    ),
)


@dataclass
class InitialPassword:
    username: str
    full_name: str
    password: str


@dataclass
class ImportResult:
    orgs_created: int = 0
    orgs_updated: int = 0
    orgs_unchanged: int = 0
    people_created: int = 0
    people_updated: int = 0
    people_unchanged: int = 0
    roles_assigned: int = 0
    roles_unchanged: int = 0
    pending_roles: list[tuple[str, str, str]] = field(default_factory=list)  # user, role, scope
    passwords: list[InitialPassword] = field(default_factory=list)
    dry_run: bool = False


Progress = Callable[[int, int], None]

# --- Export ----------------------------------------------------------------------------------


def organization_rows(organizations: Iterable[Organization]) -> list[dict[str, Any]]:
    return [
        {
            "parent_code": org.parent.code if org.parent else None,
            "code": org.code,
            "name": org.name,
            "kind": org.kind,
            "short_name": org.short_name or None,
            "sort_order": org.sort_order,
            "is_active": org.is_active,
        }
        for org in organizations
    ]


def people_rows(people: Iterable[User]) -> list[dict[str, Any]]:
    rows = []
    for person in people:
        base = {
            "username": person.username,
            "full_name": person.full_name or None,
            "org_code": person.organization.code if person.organization else None,
            "phone": person.phone or None,
            "email": person.email or None,
            "employee_number": person.employee_number or None,
            "is_active": person.is_active,
        }
        assignments = sorted(
            person.role_assignments.all(), key=lambda a: (a.organization.path, a.role)
        )
        for assignment in assignments or [None]:
            row = dict(base)
            if assignment is not None:
                row.update(role=assignment.role, scope_code=assignment.organization.code)
            rows.append(row)
    return rows


def export_data(actor: User | None) -> tuple[list[Organization], list[User]]:
    """The organisations the actor manages (all for the command line) and their people."""
    orgs = Organization.objects.select_related("parent").order_by("path")
    if actor is not None:
        orgs = orgs.filter(perms.scope_q(actor, perms.ORG_MANAGE, org_field=""))
    org_list = list(orgs)
    people = (
        User.objects.filter(organization__in=[o.pk for o in org_list], is_service_account=False)
        .select_related("organization")
        .prefetch_related("role_assignments__organization")
        .order_by("organization__path", "username")
    )
    return org_list, list(people)


def export_workbook(actor: User | None, target: Any = None) -> bytes | None:
    """The tree and its people in the import's layout: import it again and nothing changes."""
    return write_workbook(*export_data(actor), target=target)


@in_official_language
def write_workbook(
    orgs: list[Organization], people: list[User], target: Any = None
) -> bytes | None:
    writer = WorkbookWriter(target)
    writer.add_sheet(ORGANIZATIONS, name=ORG_SHEET, rows=organization_rows(orgs))
    writer.add_sheet(PEOPLE, name=PEOPLE_SHEET, rows=people_rows(people))
    return writer.close()


@in_official_language
def template_workbook() -> bytes:
    """An empty workbook to fill in, with drop-down lists for types, roles and states."""
    writer = WorkbookWriter()
    writer.add_sheet(ORGANIZATIONS, name=ORG_SHEET, blank_rows=30)
    writer.add_sheet(PEOPLE, name=PEOPLE_SHEET, blank_rows=50)
    return writer.close() or b""


# --- Import: reading and checking ------------------------------------------------------------


@dataclass
class _OrgRow:
    index: int
    code: str
    parent_code: str | None
    name: str
    kind: str
    short_name: str | None
    sort_order: int | None
    is_active: bool | None


@dataclass
class _PersonRow:
    index: int
    username: str
    full_name: str
    org_code: str
    role: str | None
    scope_code: str | None
    values: dict[str, Any]


@dataclass
class _Plan:
    orgs: list[_OrgRow]  # parents before children
    existing: dict[str, Organization]
    people: dict[str, list[_PersonRow]]
    users: dict[str, User]


def _read(file: Any, errors: ImportErrors) -> tuple[SheetData | None, SheetData | None]:
    if hasattr(file, "seek"):
        file.seek(0)
    orgs = read_workbook(file, ORGANIZATIONS, sheets=[ORG_SHEET], errors=errors)
    if hasattr(file, "seek"):
        file.seek(0)
    people = read_workbook(file, PEOPLE, sheets=[PEOPLE_SHEET], errors=errors)
    return (orgs[0] if orgs else None), (people[0] if people else None)


def _choice(sheet: SheetData, errors: ImportErrors, row: dict, index: int, key: str) -> Any:
    value = row.get(key)
    if isinstance(value, Unknown):
        sheet.error(errors, value.message, row=index, key=key)
        return None
    return value


def _required(sheet: SheetData, errors: ImportErrors, row: dict, index: int, key: str) -> Any:
    value = row.get(key)
    if value is None:
        sheet.error(errors, excel_errors.REQUIRED, row=index, key=key)
    return value


def _check_orgs(
    sheet: SheetData, errors: ImportErrors, actor: User | None
) -> tuple[list[_OrgRow], dict[str, Organization]]:
    rows: dict[str, _OrgRow] = {}
    for index, raw in enumerate(sheet.rows):
        code = raw["code"]
        if code in rows:
            first = sheet.row_numbers[rows[code].index]
            sheet.error(errors, CODE_TWICE.format(code=code, row=first), row=index, key="code")
            continue
        name = _required(sheet, errors, raw, index, "name")
        kind = _required(sheet, errors, raw, index, "kind")
        kind = _choice(sheet, errors, raw, index, "kind")
        is_active = _choice(sheet, errors, raw, index, "is_active")
        if raw.get("parent_code") == code:
            sheet.error(errors, PARENT_IS_SELF, row=index, key="parent_code")
            raw = {**raw, "parent_code": None}
        rows[code] = _OrgRow(
            index,
            code,
            raw.get("parent_code"),
            name or "",
            kind or "",
            raw.get("short_name"),
            raw.get("sort_order"),
            is_active,
        )
    wanted = set(rows) | {r.parent_code for r in rows.values() if r.parent_code}
    existing = {o.code: o for o in Organization.objects.filter(code__in=wanted)}
    for row in rows.values():
        _check_parent(sheet, errors, row, rows, existing, actor)
    return _topological(sheet, errors, rows), existing


def _check_parent(
    sheet: SheetData,
    errors: ImportErrors,
    row: _OrgRow,
    rows: dict[str, _OrgRow],
    existing: dict[str, Organization],
    actor: User | None,
) -> None:
    parent_code = row.parent_code
    if parent_code and parent_code not in rows and parent_code not in existing:
        message = PARENT_UNKNOWN.format(code=parent_code)
        sheet.error(errors, message, row=row.index, key="parent_code")
        return
    current = existing.get(row.code)
    if parent_code is None and actor is not None and (current is None or current.parent_id):
        sheet.error(errors, org_errors.ROOT_NEEDS_SETUP, row=row.index, key="parent_code")
        return
    if current is not None and current.parent_id is None and parent_code:
        sheet.error(errors, org_errors.MOVE_ROOT, row=row.index, key="parent_code")
        return
    parent_kind = None
    if parent_code:
        parent_kind = rows[parent_code].kind if parent_code in rows else existing[parent_code].kind
    if row.kind and parent_kind != "" and parent_kind not in services.ALLOWED_PARENTS[row.kind]:
        message = org_errors.PARENT_KIND_MISMATCH.format(
            parent=OrgKind(parent_kind).label if parent_kind else "（无上级）",
            child=OrgKind(row.kind).label,
        )
        sheet.error(errors, message, row=row.index, key="kind")


def _topological(sheet: SheetData, errors: ImportErrors, rows: dict[str, _OrgRow]) -> list[_OrgRow]:
    """The rows with every parent defined in the sheet before its children; a cycle of
    parents is an error at each of its rows."""
    ordered: list[_OrgRow] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done
    for start in rows:
        chain: list[str] = []
        code: str | None = start
        while code in rows and state.get(code) != 2:
            if state.get(code) == 1:
                cycle = chain[chain.index(code) :]
                text = " → ".join([*cycle, code])
                for member in cycle:
                    sheet.error(
                        errors, CYCLE.format(codes=text), row=rows[member].index, key="parent_code"
                    )
                    state[member] = 2
                break
            state[code] = 1
            chain.append(code)
            code = rows[code].parent_code
        for member in reversed(chain):
            if state.get(member) == 1:
                state[member] = 2
                ordered.append(rows[member])
    return ordered


def _check_people(
    sheet: SheetData,
    errors: ImportErrors,
    org_codes: set[str],
) -> tuple[dict[str, list[_PersonRow]], dict[str, User]]:
    people: dict[str, list[_PersonRow]] = {}
    for index, raw in enumerate(sheet.rows):
        username = raw["username"]
        if not USERNAME_RE.match(username):
            message = USERNAME_INVALID.format(value=username)
            sheet.error(errors, message, row=index, key="username")
            continue
        full_name = _required(sheet, errors, raw, index, "full_name")
        org_code = _required(sheet, errors, raw, index, "org_code")
        role = _choice(sheet, errors, raw, index, "role")
        is_active = _choice(sheet, errors, raw, index, "is_active")
        for key in ("org_code", "scope_code"):
            code = raw.get(key)
            if code and code not in org_codes:
                sheet.error(errors, ORG_UNKNOWN.format(code=code), row=index, key=key)
        if raw.get("email"):
            try:
                validate_email(raw["email"])
            except ValidationError:
                message = EMAIL_INVALID.format(value=raw["email"])
                sheet.error(errors, message, row=index, key="email")
        values = {
            "phone": raw.get("phone"),
            "email": raw.get("email"),
            "employee_number": raw.get("employee_number"),
            "is_active": is_active,
        }
        row = _PersonRow(
            index,
            username,
            full_name or "",
            org_code or "",
            role,
            raw.get("scope_code") or org_code,
            values,
        )
        people.setdefault(username, []).append(row)
    users = {
        u.username: u
        for u in User.objects.filter(username__in=people)
        .select_related("organization")
        .prefetch_related("role_assignments__organization")
    }
    for username, rows in people.items():
        _check_person(sheet, errors, username, rows, users.get(username))
    return people, users


_PERSON_FIELDS = (
    ("full_name", "姓名"),
    ("org_code", "所属机构代码"),
    ("phone", "手机"),
    ("email", "邮箱"),
    ("employee_number", "工号"),
    ("is_active", "状态"),
)


def _person_value(row: _PersonRow, key: str) -> Any:
    return getattr(row, key) if key in ("full_name", "org_code") else row.values.get(key)


def _check_person(
    sheet: SheetData, errors: ImportErrors, username: str, rows: list[_PersonRow], user: User | None
) -> None:
    first = rows[0]
    for row in rows[1:]:
        for key, label in _PERSON_FIELDS:
            mine, theirs = _person_value(row, key), _person_value(first, key)
            if mine not in (None, "") and theirs not in (None, "") and mine != theirs:
                shown = [STATE.to_cell(v) if isinstance(v, bool) else v for v in (theirs, mine)]
                message = PERSON_CONFLICT.format(
                    username=username,
                    label=label,
                    row=sheet.row_numbers[first.index],
                    first=shown[0],
                    value=shown[1],
                )
                sheet.error(errors, message, row=row.index, key=key)
    if user is not None and user.organization and first.org_code != user.organization.code:
        message = PERSON_MOVED.format(username=username, org=user.organization.name)
        sheet.error(errors, message, row=first.index, key="org_code")
    held = {a.role for a in user.role_assignments.all()} if user is not None else set()
    seen: dict[tuple[str, str | None], int] = {}
    for row in rows:
        if not row.role:
            continue
        key = (row.role, row.scope_code)
        if key in seen:
            message = ROLE_TWICE.format(
                username=username,
                role=Role(row.role).label,
                scope=row.scope_code,
                row=sheet.row_numbers[seen[key]],
            )
            sheet.error(errors, message, row=row.index, key="role")
            continue
        seen[key] = row.index
        message = _separation(held, row.role)
        if message:
            sheet.error(errors, message, row=row.index, key="role")
        else:
            held.add(row.role)


def _separation(held: set[str], role: str) -> str | None:
    """What ``services._check_separation`` would say about ``role`` after ``held``."""
    labels = "、".join(str(Role(r).label) for r in sorted(held))
    held_admin = held & ADMIN_ROLES
    if role in ADMIN_ROLES:
        if held_admin - {role}:
            return org_errors.ADMIN_ROLES_EXCLUSIVE.format(held=labels)
        if held - ADMIN_ROLES:
            return org_errors.ADMIN_ROLE_WITH_BUSINESS.format(held=labels)
    elif held_admin:
        return org_errors.ADMIN_ROLE_WITH_BUSINESS.format(held=labels)
    return None


# --- Import: writing -------------------------------------------------------------------------


def initial_password(username: str) -> str:
    """A random password that passes the validators: 12 characters of four classes."""
    rng = secrets.SystemRandom()
    while True:
        chars = [
            *(rng.choice(string.ascii_uppercase) for _ in range(3)),
            *(rng.choice(string.ascii_lowercase) for _ in range(4)),
            *(rng.choice(string.digits) for _ in range(4)),
            rng.choice("#@%+="),
        ]
        rng.shuffle(chars)
        password = "".join(chars)
        try:
            validate_password(password, User(username=username))
        except ValidationError:
            continue
        return password


class _Writer:
    def __init__(
        self,
        actor: User | None,
        plan: _Plan,
        sheets: tuple[SheetData, SheetData],
        errors: ImportErrors,
        progress: Progress | None,
    ) -> None:
        self.actor = actor
        self.plan = plan
        self.org_sheet, self.people_sheet = sheets
        self.errors = errors
        self.progress = progress
        self.result = ImportResult()
        self.orgs: dict[str, Organization] = dict(plan.existing)
        self.failed: set[str] = set()
        self.total = len(plan.orgs) + sum(len(rows) for rows in plan.people.values())
        self.done = 0

    def _call(self, sheet: SheetData, index: int, key: str | None, call: Callable[[], Any]) -> Any:
        """Run one service; its refusal becomes an error at the row (the import goes on, to
        find the others, and is rolled back at the end)."""
        try:
            return call()
        except org_errors.DomainError as exc:
            sheet.error(self.errors, exc.message, row=index, key=key)
        except ValidationError as exc:
            for message in exc.messages:
                sheet.error(self.errors, message, row=index, key=key)
        return None

    def _tick(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)

    def run(self) -> ImportResult:
        for row in self.plan.orgs:
            self._organization(row)
            self._tick()
        for username, rows in self.plan.people.items():
            self._person(username, rows)
            for _row in rows:
                self._tick()
        for row in reversed(self.plan.orgs):  # children before their parents
            if row.is_active is False and row.code not in self.failed:
                self._deactivate(row)
        return self.result

    def _organization(self, row: _OrgRow) -> None:
        sheet = self.org_sheet
        if row.parent_code in self.failed:
            sheet.error(self.errors, PARENT_FAILED, row=row.index, key="parent_code")
            self.failed.add(row.code)
            return
        parent = self.orgs.get(row.parent_code) if row.parent_code else None
        org = self.orgs.get(row.code)
        if org is None:
            created = self._call(
                sheet,
                row.index,
                "code",
                lambda: services.organization_create(
                    actor=self.actor,
                    name=row.name,
                    code=row.code,
                    kind=row.kind,
                    parent=parent,
                    sort_order=row.sort_order or 0,
                    short_name=row.short_name or "",
                ),
            )
            if created is None:
                self.failed.add(row.code)
            else:
                self.orgs[row.code] = created
                self.result.orgs_created += 1
            return
        if not self._update_organization(row, org, parent):
            self.failed.add(row.code)

    def _update_organization(
        self, row: _OrgRow, org: Organization, parent: Organization | None
    ) -> bool:
        sheet, changed = self.org_sheet, False
        if parent is not None and org.parent_id != parent.pk:
            moved = self._call(
                sheet,
                row.index,
                "parent_code",
                lambda: services.organization_move(
                    actor=self.actor, organization=org, parent=parent
                ),
            )
            if moved is None:
                return False
            changed = True
        values = {
            "name": row.name,
            "kind": row.kind,
            "short_name": row.short_name or "",
        }
        if row.sort_order is not None:
            values["sort_order"] = row.sort_order
        values = {k: v for k, v in values.items() if getattr(org, k) != v}
        if values:
            done = self._call(
                sheet,
                row.index,
                "name",
                lambda: services.organization_update(actor=self.actor, organization=org, **values),
            )
            if done is None:
                return False
            changed = True
        if row.is_active and not org.is_active:
            done = self._call(
                sheet,
                row.index,
                "is_active",
                lambda: services.organization_set_active(
                    actor=self.actor, organization=org, active=True
                ),
            )
            if done is None:
                return False
            changed = True
        if changed:
            self.result.orgs_updated += 1
        elif row.is_active is not False or not org.is_active:
            self.result.orgs_unchanged += 1
        return True

    def _deactivate(self, row: _OrgRow) -> None:
        org = self.orgs[row.code]
        if not org.is_active:
            return
        done = self._call(
            self.org_sheet,
            row.index,
            "is_active",
            lambda: services.organization_set_active(
                actor=self.actor, organization=org, active=False
            ),
        )
        if done is not None and row.code in self.plan.existing:
            self.result.orgs_updated += 1

    def _person(self, username: str, rows: list[_PersonRow]) -> None:
        first = rows[0]
        organization = self.orgs.get(first.org_code)
        if organization is None or first.org_code in self.failed:
            self.people_sheet.error(self.errors, PARENT_FAILED, row=first.index, key="org_code")
            return
        values = {"full_name": first.full_name}
        for key in ("phone", "email", "employee_number", "is_active"):
            found = next((r.values[key] for r in rows if r.values[key] not in (None, "")), None)
            if found is not None:
                values[key] = found
        user = self.plan.users.get(username)
        if user is None:
            user = self._create_person(username, first, organization, values)
            if user is None:
                return
        else:
            self._update_person(user, first, values)
        for row in rows:
            if row.role:
                self._role(user, row)

    def _create_person(
        self, username: str, row: _PersonRow, organization: Organization, values: dict[str, Any]
    ) -> User | None:
        password = initial_password(username)
        user = self._call(
            self.people_sheet,
            row.index,
            "username",
            lambda: services.user_create(
                actor=self.actor,
                username=username,
                password=password,
                organization=organization,
                full_name=values["full_name"],
                email=values.get("email") or "",
                phone=values.get("phone") or "",
                employee_number=values.get("employee_number") or "",
            ),
        )
        if user is None:
            return None
        if values.get("is_active") is False:
            self._call(
                self.people_sheet,
                row.index,
                "is_active",
                lambda: services.user_update(actor=self.actor, user=user, is_active=False),
            )
        self.result.people_created += 1
        self.result.passwords.append(InitialPassword(username, values["full_name"], password))
        return user

    def _update_person(self, user: User, row: _PersonRow, values: dict[str, Any]) -> None:
        changes = {k: v for k, v in values.items() if getattr(user, k) != v}
        if not changes:
            self.result.people_unchanged += 1
            return
        done = self._call(
            self.people_sheet,
            row.index,
            next(iter(changes)),
            lambda: services.user_update(actor=self.actor, user=user, **changes),
        )
        if done is not None:
            self.result.people_updated += 1

    def _role(self, user: User, row: _PersonRow) -> None:
        scope = self.orgs.get(row.scope_code or "")
        if scope is None or row.scope_code in self.failed:
            self.people_sheet.error(self.errors, PARENT_FAILED, row=row.index, key="scope_code")
            return
        held = RoleAssignment.objects.filter(user=user, role=row.role, organization=scope)
        if held.exists():
            self.result.roles_unchanged += 1
            return
        if self.actor is not None and not perms.can(self.actor, perms.ROLE_ASSIGN, scope):
            self.result.pending_roles.append((user.username, str(Role(row.role).label), scope.name))
            return
        done = self._call(
            self.people_sheet,
            row.index,
            "role",
            lambda: services.role_assign(
                actor=self.actor, user=user, role=row.role or "", organization=scope
            ),
        )
        if done is not None:
            self.result.roles_assigned += 1


def import_workbook(
    *,
    actor: User | None,
    file: str | bytes | IO[bytes] | Any,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import the organisation tree and its people, all or nothing (see the module's doc).
    Raises ``ImportRefused`` listing every error; ``dry_run`` checks and writes inside a
    transaction that is rolled back, so the counts are those a real import would give."""
    if actor is not None and not (
        perms.can(actor, perms.ORG_MANAGE)
        or perms.can(actor, perms.USER_MANAGE)
        or perms.can(actor, perms.ROLE_ASSIGN)
    ):
        raise org_errors.PermissionDeniedError(org_errors.NO_PERMISSION)
    found = ImportErrors()
    org_sheet, people_sheet = _read(file, found)
    if org_sheet is None:
        org_sheet = SheetData(name=ORG_SHEET)
    if people_sheet is None:
        people_sheet = SheetData(name=PEOPLE_SHEET)
    org_rows, existing = _check_orgs(org_sheet, found, actor)
    codes = {row.code for row in org_rows} | set(existing)
    wanted = {r.get(k) for r in people_sheet.rows for k in ("org_code", "scope_code") if r.get(k)}
    codes |= set(
        Organization.objects.filter(code__in=wanted - codes).values_list("code", flat=True)
    )
    people, users = _check_people(people_sheet, found, codes)
    existing |= {o.code: o for o in Organization.objects.filter(code__in=wanted - set(existing))}
    found.raise_if_any()
    plan = _Plan(org_rows, existing, people, users)
    with transaction.atomic():
        result = _Writer(actor, plan, (org_sheet, people_sheet), found, progress).run()
        found.raise_if_any()
        if dry_run:
            result.dry_run = True
            result.passwords = []
            transaction.set_rollback(True)
    return result
