"""Security baseline (X-6): password rules, lockout, session timeout, separation of the three
administrators, production settings."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from jixiao.orgs import errors, services
from jixiao.orgs.models import Role
from jixiao.orgs.passwords import CONTAINS_USERNAME, TOO_FEW_CLASSES, TOO_SHORT
from jixiao.testing.factories import PASSWORD


def _messages(password: str, user: object = None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return list(exc.messages)
    return []


@pytest.mark.django_db
def test_password_rules(personas):
    user = personas.unit_a_operator
    assert TOO_SHORT.format(min_length=8) in _messages("Ab1!", user)
    assert TOO_FEW_CLASSES.format(min_classes=3) in _messages("abcdefghij", user)
    assert CONTAINS_USERNAME in _messages("Unit_A-2026x", user)
    assert _messages("Qingshan#2026", user) == []


@pytest.mark.django_db
def test_password_rules_are_configurable(personas, settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {"NAME": "jixiao.orgs.passwords.LengthValidator", "OPTIONS": {"min_length": 12}},
    ]
    assert TOO_SHORT.format(min_length=12) in _messages("Qingshan#26")


def _login(client, username: str, password: str):  # type: ignore[no-untyped-def]
    return client.post("/login/", {"username": username, "password": password})


@pytest.mark.django_db
def test_login_with_good_password(client, personas):
    response = _login(client, "unit_a", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_lockout_after_five_failures_until_cooloff(client, personas):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _login(client, "unit_a", "wrong-password")
        assert response.status_code == 200
        assert "正确的" in response.content.decode()  # the form says the login was wrong
    locked = _login(client, "unit_a", "wrong-password")
    assert locked.status_code == 429
    assert "账号已被锁定" in locked.content.decode()
    # Even the right password is refused while locked.
    assert _login(client, "unit_a", PASSWORD).status_code == 429
    # Another account is not affected.
    assert _login(client, "unit_b", PASSWORD).status_code == 302
    # After the cool-off period the account logs in again.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _login(client, "unit_a", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_security_admin_can_unlock(client, personas):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "unit_a", "wrong-password")
    assert _login(client, "unit_a", PASSWORD).status_code == 429
    services.account_unlock(actor=personas.security_admin, user=personas.unit_a_operator)
    assert _login(client, "unit_a", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_only_security_admin_unlocks(personas):
    with pytest.raises(errors.PermissionDeniedError):
        services.account_unlock(actor=personas.system_admin, user=personas.unit_a_operator)


def test_session_idle_timeout_is_thirty_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


@pytest.mark.django_db
def test_three_administrators_are_separate(personas):
    with pytest.raises(errors.DomainError, match="三员分立"):
        services.role_assign(
            actor=None,
            user=personas.system_admin,
            role=Role.AUDIT_ADMIN,
            organization=personas.bureau,
        )
    with pytest.raises(errors.DomainError, match="三员分立"):
        services.role_assign(
            actor=None,
            user=personas.security_admin,
            role=Role.SYSTEM_ADMIN,
            organization=personas.bureau,
        )
    with pytest.raises(errors.DomainError, match="业务角色"):
        services.role_assign(
            actor=None,
            user=personas.audit_admin,
            role=Role.FINANCE_REVIEWER,
            organization=personas.bureau,
        )
    with pytest.raises(errors.DomainError, match="业务角色"):
        services.role_assign(
            actor=None,
            user=personas.finance_reviewer,
            role=Role.SECURITY_ADMIN,
            organization=personas.bureau,
        )


@pytest.mark.django_db
def test_administrators_do_not_read_business_pages(client, personas):
    for admin in (personas.system_admin, personas.security_admin, personas.audit_admin):
        client.force_login(admin)
        assert client.get(f"/orgs/{personas.unit_a.pk}/").status_code in (200, 404)
    client.force_login(personas.audit_admin)
    assert client.get(f"/orgs/{personas.unit_a.pk}/").status_code == 404
    assert client.get("/audit/").status_code == 200
    client.force_login(personas.system_admin)
    assert client.get("/audit/").status_code == 404


@pytest.mark.django_db
def test_only_security_admin_assigns_roles(personas):
    with pytest.raises(errors.PermissionDeniedError):
        services.role_assign(
            actor=personas.system_admin,
            user=personas.unit_b_operator,
            role=Role.LEADER,
            organization=personas.unit_b,
        )
    services.role_assign(
        actor=personas.security_admin,
        user=personas.unit_b_operator,
        role=Role.LEADER,
        organization=personas.unit_b,
    )


@pytest.mark.django_db
def test_admin_site_only_for_system_admin(client, personas):
    client.force_login(personas.finance_reviewer)
    assert client.get("/admin/").status_code == 302  # to the admin login: not allowed
    client.force_login(personas.system_admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/orgs/organization/").status_code == 200


def test_security_headers(client):
    response = client.get("/login/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "JIXIAO_ENV": "production",
        "SECRET_KEY": "x" * 20 + "production-secret-key-for-the-check-only-0123456789",
        "ALLOWED_HOSTS": "jixiao.example.gov.cn",
        "JIXIAO_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update({"JIXIAO_ENV": "production", "JIXIAO_VAR_DIR": str(tmp_path)})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
