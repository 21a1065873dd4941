"""``jixiao setup``: first-time set-up of an empty installation (X-4, X-6).

Creates the root organisation (a finance bureau, a company or a township) and the three
separate administrators (三员分立): the system administrator keeps the organisation tree and
the people, the security administrator grants roles and unlocks accounts, the audit
administrator reads the trail. Each is a person of the root with one role scoped to it.

Passwords are asked twice without echo, or read for automation from ``--password-file`` (lines
``system=…``, ``security=…``, ``audit=…``) or from the environment
(``JIXIAO_SETUP_SYSTEM_PASSWORD`` … or ``…_PASSWORD_FILE``); they pass the project's password
validators and must differ from one another. An installation that already has organisations is
refused (exit code 2) unless ``--add-root`` asks for one more root; then administrators that
already exist keep their password and are given their role over the new root too.
"""

from __future__ import annotations

import getpass
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from jixiao.audit.context import acting
from jixiao.lib.env import env_str
from jixiao.orgs import services
from jixiao.orgs.errors import DomainError
from jixiao.orgs.models import Organization, OrgKind, Role, User

ROOT_KINDS = (OrgKind.FINANCE_BUREAU, OrgKind.COMPANY, OrgKind.TOWNSHIP)

ALREADY_SET_UP = (
    "系统中已有组织机构，初始化只能在空系统上进行。如需再增加一个顶级组织，请加 --add-root 参数。"
)
KIND_UNKNOWN = "组织类型“{value}”无效，应为：{choices}。"
MISSING_VALUE = "缺少{label}：请用 {option} 给出，或在终端中交互运行。"
CODE_TAKEN = "组织代码“{code}”已存在。"
USERNAME_TWICE = "三名管理员的用户名必须各不相同。"
USER_HAS_OTHER_ROLES = "用户“{username}”已存在且不是{role}，不能作为{role}。"
USER_EXISTS = "用户“{username}”已存在。"
PASSWORDS_EQUAL = "三名管理员的密码必须各不相同。"
PASSWORD_MISMATCH = "两次输入的密码不一致，请重新输入。"  # noqa: S105 (a message)
PASSWORD_EMPTY = "密码不能为空。"  # noqa: S105 (a message)
PASSWORD_MISSING = (
    "没有{label}（{username}）的密码：请在终端中交互运行，"  # noqa: S105 (a message)
    "或用 --password-file 或环境变量 {env} 提供。"
)
PASSWORD_INVALID = "{label}（{username}）的密码不符合要求：{reasons}"  # noqa: S105 (a message)
PASSWORD_FILE_LINE = "密码文件第{line}行格式应为“system=密码”（system / security / audit）。"  # noqa: S105
PASSWORD_FILE_UNREADABLE = "无法读取密码文件：{error}"  # noqa: S105 (a message)
TOO_MANY_TRIES = "多次输入无效，已退出。"
DONE = "初始化完成。"
NEXT_STEPS = (
    "下一步：以系统管理员（{system}）登录，在“组织机构”中建立下级组织和人员，"
    "或用 jixiao import_orgs 导入组织机构及人员；"
    "安全管理员（{security}）为人员授予角色；审计管理员（{audit}）查阅审计日志。"
)
EXIT_REFUSED = 2
TRIES = 3


@dataclass(frozen=True)
class Admin:
    key: str  # the key in a password file: system / security / audit
    role: str
    option: str
    default_username: str

    @property
    def label(self) -> str:
        return str(Role(self.role).label)

    @property
    def env(self) -> str:
        return f"JIXIAO_SETUP_{self.key.upper()}_PASSWORD"


ADMINS = (
    Admin("system", Role.SYSTEM_ADMIN, "system_admin", "sysadmin"),
    Admin("security", Role.SECURITY_ADMIN, "security_admin", "secadmin"),
    Admin("audit", Role.AUDIT_ADMIN, "audit_admin", "auditadmin"),
)


def stdin_is_terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def parse_kind(value: str) -> str:
    """A root kind from its value (finance_bureau) or its Chinese label (财政局)."""
    for kind in ROOT_KINDS:
        if value.strip() in (kind.value, str(kind.label)):
            return kind.value
    choices = "、".join(f"{kind.value}（{kind.label}）" for kind in ROOT_KINDS)
    raise CommandError(KIND_UNKNOWN.format(value=value, choices=choices))


def read_password_file(path: str) -> dict[str, str]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(PASSWORD_FILE_UNREADABLE.format(error=exc)) from exc
    keys = {admin.key for admin in ADMINS}
    passwords: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, password = line.partition("=")
        if not sep or key.strip() not in keys or not password:
            raise CommandError(PASSWORD_FILE_LINE.format(line=number))
        passwords[key.strip()] = password
    return passwords


class Command(BaseCommand):
    help = "初始化空系统：建立顶级组织（财政局、公司或乡镇政府）和三员（系统、安全、审计管理员）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", help="顶级组织类型：finance_bureau / company / township")
        parser.add_argument("--name", help="顶级组织名称，如“青山县财政局”")
        parser.add_argument("--code", help="顶级组织代码（唯一）")
        parser.add_argument("--short-name", default="", help="简称")
        for admin in ADMINS:
            parser.add_argument(
                f"--{admin.option.replace('_', '-')}",
                default=admin.default_username,
                help=f"{admin.label}的用户名（默认 {admin.default_username}）",
            )
        parser.add_argument(
            "--password-file",
            help="密码文件：每行 system=… / security=… / audit=…（用于自动化部署）",
        )
        parser.add_argument(
            "--add-root", action="store_true", help="系统中已有组织时，再增加一个顶级组织"
        )
        parser.add_argument(
            "--no-input", action="store_true", help="不交互询问：缺少的参数或密码视为错误"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.interactive = not options["no_input"] and stdin_is_terminal()
        if Organization.objects.exists() and not options["add_root"]:
            raise CommandError(ALREADY_SET_UP, returncode=EXIT_REFUSED)
        kind = parse_kind(self._value(options, "kind", "组织类型（财政局/公司/乡镇政府）"))
        name = self._value(options, "name", "顶级组织名称")
        code = self._value(options, "code", "顶级组织代码")
        if Organization.objects.filter(code=code).exists():
            raise CommandError(CODE_TAKEN.format(code=code), returncode=EXIT_REFUSED)
        usernames = {admin.key: options[admin.option] for admin in ADMINS}
        if len(set(usernames.values())) != len(ADMINS):
            raise CommandError(USERNAME_TWICE)
        existing = self._existing_admins(usernames)
        passwords = self._passwords(options, usernames, existing)
        with acting(source="cli"), transaction.atomic():
            try:
                root = services.organization_create(
                    actor=None, name=name, code=code, kind=kind, short_name=options["short_name"]
                )
                for admin in ADMINS:
                    self._admin(admin, usernames[admin.key], root, existing, passwords)
            except DomainError as exc:
                raise CommandError(exc.message) from exc
        self.stdout.write(DONE)
        self.stdout.write(f"顶级组织：{root.name}（{root.code}，{root.get_kind_display()}）")
        for admin in ADMINS:
            self.stdout.write(f"{admin.label}：{usernames[admin.key]}")
        self.stdout.write(NEXT_STEPS.format(**usernames))

    def _value(self, options: dict[str, Any], key: str, label: str) -> str:
        value = (options.get(key) or "").strip()
        while not value:
            if not self.interactive:
                raise CommandError(MISSING_VALUE.format(label=label, option=f"--{key}"))
            value = input(f"{label}：").strip()
        return value

    def _existing_admins(self, usernames: dict[str, str]) -> dict[str, User]:
        """Administrators that already exist (only with --add-root): each must hold its own
        administrator role and nothing else."""
        existing: dict[str, User] = {}
        for admin in ADMINS:
            user = User.objects.filter(username=usernames[admin.key]).first()
            if user is None:
                continue
            held = set(user.role_assignments.values_list("role", flat=True))
            if not Organization.objects.exists():
                raise CommandError(USER_EXISTS.format(username=user.username))
            if held != {admin.role}:
                raise CommandError(
                    USER_HAS_OTHER_ROLES.format(username=user.username, role=admin.label)
                )
            existing[admin.key] = user
        return existing

    def _passwords(
        self, options: dict[str, Any], usernames: dict[str, str], existing: dict[str, User]
    ) -> dict[str, str]:
        from_file = read_password_file(options["password_file"]) if options["password_file"] else {}
        passwords: dict[str, str] = {}
        for admin in ADMINS:
            if admin.key in existing:
                continue
            username = usernames[admin.key]
            given = from_file.get(admin.key) or env_str(admin.env)
            if given:
                self._check(admin, username, given)
                passwords[admin.key] = given
            elif self.interactive:
                passwords[admin.key] = self._ask(admin, username)
            else:
                raise CommandError(
                    PASSWORD_MISSING.format(label=admin.label, username=username, env=admin.env)
                )
        if len(set(passwords.values())) != len(passwords):
            raise CommandError(PASSWORDS_EQUAL)
        return passwords

    def _check(self, admin: Admin, username: str, password: str) -> None:
        try:
            validate_password(password, User(username=username))
        except ValidationError as exc:
            reasons = "；".join(exc.messages)
            raise CommandError(
                PASSWORD_INVALID.format(label=admin.label, username=username, reasons=reasons)
            ) from exc

    def _ask(self, admin: Admin, username: str) -> str:
        for _try in range(TRIES):
            first = getpass.getpass(f"{admin.label}（{username}）的密码：")
            second = getpass.getpass("再输入一次：")
            if not first:
                self.stderr.write(PASSWORD_EMPTY)
            elif first != second:
                self.stderr.write(PASSWORD_MISMATCH)
            else:
                try:
                    self._check(admin, username, first)
                except CommandError as exc:
                    self.stderr.write(str(exc))
                else:
                    return first
        raise CommandError(TOO_MANY_TRIES)

    def _admin(
        self,
        admin: Admin,
        username: str,
        root: Organization,
        existing: dict[str, User],
        passwords: dict[str, str],
    ) -> None:
        user = existing.get(admin.key)
        if user is None:
            user = services.user_create(
                actor=None,
                username=username,
                password=passwords[admin.key],
                organization=root,
                full_name=admin.label,
            )
        services.role_assign(actor=None, user=user, role=admin.role, organization=root)
