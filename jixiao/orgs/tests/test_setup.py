"""``jixiao setup``: the first root organisation and the three administrators."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jixiao.audit.models import AuditEvent
from jixiao.orgs import permissions as perms
from jixiao.orgs.management.commands import setup
from jixiao.orgs.models import Organization, OrgKind, Role, User

pytestmark = pytest.mark.django_db

PASSWORDS = {"system": "Sys#Admin2026", "security": "Sec#Admin2026", "audit": "Aud#Admin2026"}


def _password_file(tmp_path, passwords=PASSWORDS):  # type: ignore[no-untyped-def]
    path = tmp_path / "passwords.txt"
    path.write_text(
        "# 初始化密码\n" + "".join(f"{k}={v}\n" for k, v in passwords.items()), encoding="utf-8"
    )
    return str(path)


def _setup(*args: str, **options: object) -> str:
    out = StringIO()
    call_command("setup", *args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def test_setup_creates_the_root_and_three_separate_administrators(tmp_path):
    output = _setup(
        "--kind", "财政局", "--name", "青山县财政局", "--code", "QS",
        "--password-file", _password_file(tmp_path), "--no-input",
    )  # fmt: skip
    root = Organization.objects.get()
    assert (root.name, root.code, root.kind, root.parent) == (
        "青山县财政局", "QS", OrgKind.FINANCE_BUREAU, None,
    )  # fmt: skip
    expected = {
        "sysadmin": (Role.SYSTEM_ADMIN, PASSWORDS["system"]),
        "secadmin": (Role.SECURITY_ADMIN, PASSWORDS["security"]),
        "auditadmin": (Role.AUDIT_ADMIN, PASSWORDS["audit"]),
    }
    for username, (role, password) in expected.items():
        user = User.objects.get(username=username)
        assert user.check_password(password)
        assert user.organization == root
        assert list(user.role_assignments.values_list("role", "organization")) == [(role, root.pk)]
    assert perms.can(User.objects.get(username="sysadmin"), perms.ORG_MANAGE, root)
    assert not perms.can(User.objects.get(username="sysadmin"), perms.ROLE_ASSIGN, root)
    assert AuditEvent.objects.filter(action="org.create", source="cli").count() == 1
    assert "初始化完成" in output and "jixiao import_orgs" in output


def test_passwords_from_the_environment(monkeypatch):
    for key, password in PASSWORDS.items():
        monkeypatch.setenv(f"JIXIAO_SETUP_{key.upper()}_PASSWORD", password)
    _setup(
        "--kind", "company", "--name", "青山城投", "--code", "CT", "--no-input",
        "--system-admin", "ct_sys", "--security-admin", "ct_sec", "--audit-admin", "ct_audit",
    )  # fmt: skip
    assert Organization.objects.get().kind == OrgKind.COMPANY
    assert User.objects.get(username="ct_sec").check_password(PASSWORDS["security"])


def test_interactive_passwords_asked_twice_and_checked(monkeypatch):
    answers = iter(
        [
            "short", "short",  # too short: asked again
            "Sys#Admin2026", "Sys#Admin2027",  # the two entries differ: asked again
            "Sys#Admin2026", "Sys#Admin2026",
            "Sec#Admin2026", "Sec#Admin2026",
            "Aud#Admin2026", "Aud#Admin2026",
        ]
    )  # fmt: skip
    monkeypatch.setattr(setup, "stdin_is_terminal", lambda: True)
    monkeypatch.setattr(setup.getpass, "getpass", lambda prompt="": next(answers))
    monkeypatch.setattr("builtins.input", lambda prompt="": "石桥镇人民政府")
    err = StringIO()
    call_command("setup", "--kind", "township", "--code", "SQ", stdout=StringIO(), stderr=err)
    assert Organization.objects.get().name == "石桥镇人民政府"
    assert User.objects.get(username="sysadmin").check_password("Sys#Admin2026")
    assert "密码长度至少为8位" in err.getvalue()
    assert setup.PASSWORD_MISMATCH in err.getvalue()


def test_weak_password_is_refused_and_nothing_written(tmp_path):
    weak = {**PASSWORDS, "audit": "password"}
    with pytest.raises(CommandError, match="审计管理员（auditadmin）的密码不符合要求"):
        _setup(
            "--kind", "finance_bureau", "--name", "青山县财政局", "--code", "QS",
            "--password-file", _password_file(tmp_path, weak), "--no-input",
        )  # fmt: skip
    assert not Organization.objects.exists()
    assert not User.objects.exists()


def test_equal_passwords_are_refused(tmp_path):
    same = dict.fromkeys(PASSWORDS, "Same#Pass2026")
    with pytest.raises(CommandError, match=setup.PASSWORDS_EQUAL):
        _setup(
            "--kind", "finance_bureau", "--name", "青山县财政局", "--code", "QS",
            "--password-file", _password_file(tmp_path, same), "--no-input",
        )  # fmt: skip


def test_missing_password_without_a_terminal_is_an_error():
    with pytest.raises(CommandError, match="JIXIAO_SETUP_SYSTEM_PASSWORD"):
        _setup("--kind", "财政局", "--name", "青山县财政局", "--code", "QS", "--no-input")
    assert not Organization.objects.exists()


def test_unknown_kind_is_an_error():
    with pytest.raises(CommandError, match="组织类型“部门”无效"):
        _setup("--kind", "部门", "--name", "x", "--code", "x", "--no-input")


def test_refuses_politely_with_exit_code_2_when_already_set_up(tmp_path, personas):
    with pytest.raises(CommandError, match="系统中已有组织机构") as caught:
        _setup(
            "--kind", "财政局", "--name", "另一财政局", "--code", "QS2",
            "--password-file", _password_file(tmp_path), "--no-input",
        )  # fmt: skip
    assert caught.value.returncode == 2
    assert not Organization.objects.filter(code="QS2").exists()


def test_add_root_reuses_the_administrators(tmp_path):
    _setup(
        "--kind", "财政局", "--name", "青山县财政局", "--code", "QS",
        "--password-file", _password_file(tmp_path), "--no-input",
    )  # fmt: skip
    _setup("--add-root", "--kind", "公司", "--name", "青山城投", "--code", "CT", "--no-input")
    company = Organization.objects.get(code="CT")
    sysadmin = User.objects.get(username="sysadmin")
    assert sysadmin.check_password(PASSWORDS["system"])  # unchanged, not asked again
    assert perms.can(sysadmin, perms.ORG_MANAGE, company)
    assert set(
        User.objects.get(username="auditadmin").role_assignments.values_list("role", flat=True)
    ) == {Role.AUDIT_ADMIN}


def test_add_root_refuses_a_business_user_as_administrator(tmp_path, personas):
    with pytest.raises(CommandError, match="已存在且不是系统管理员"):
        _setup(
            "--add-root", "--kind", "公司", "--name", "青山城投", "--code", "CT",
            "--system-admin", "finance", "--password-file", _password_file(tmp_path),
            "--no-input",
        )  # fmt: skip
    assert not Organization.objects.filter(code="CT").exists()


def test_cli_exit_code_is_2(tmp_path, personas, capsys):
    from jixiao.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["setup", "--kind", "财政局", "--name", "x", "--code", "x", "--no-input"])
    assert exited.value.code == 2
    assert "系统中已有组织机构" in capsys.readouterr().err
