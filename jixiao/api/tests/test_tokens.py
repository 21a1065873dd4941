"""Issuing and revoking tokens: who may, the one audit row each leaves, and that only a hash
of the token is ever stored (services, the ``jixiao token`` command and the API)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from jixiao.api import errors, services
from jixiao.api.models import ApiToken, hash_token
from jixiao.audit.models import AuditEvent
from jixiao.orgs import errors as org_errors
from jixiao.orgs.errors import DomainError, PermissionDeniedError


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def test_create_stores_only_a_hash_and_audits_once(personas, integration):
    token, raw = services.api_token_create(
        actor=personas.system_admin, user=integration, name="预算一体化系统"
    )
    assert raw.startswith("jx_") and len(raw) > 40
    assert token.token_hash == hash_token(raw) != raw
    assert raw.startswith(token.prefix) and len(token.prefix) < 16
    [event] = _events("api_token.create")
    assert event.actor == personas.system_admin
    assert event.organization_id == personas.unit_a.pk
    assert event.new_values["prefix"] == token.prefix
    assert raw not in str(event.new_values) and token.token_hash not in str(event.new_values)


def test_revoke_audits_once(personas):
    token, _ = services.api_token_create(actor=None, user=personas.unit_a_operator, name="x")
    services.api_token_revoke(actor=personas.system_admin, token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None
    [event] = _events("api_token.revoke")
    assert event.actor == personas.system_admin
    assert set(event.new_values) == {"revoked_at"}
    with pytest.raises(DomainError, match=errors.TOKEN_ALREADY_REVOKED):
        services.api_token_revoke(actor=None, token=token)
    assert len(_events("api_token.revoke")) == 1


@pytest.mark.parametrize(
    "persona", ["finance_reviewer", "security_admin", "audit_admin", "unit_a_operator"]
)
def test_only_the_system_admin_manages_tokens(personas, persona):
    actor = getattr(personas, persona)
    with pytest.raises(PermissionDeniedError, match=org_errors.NO_PERMISSION):
        services.api_token_create(actor=actor, user=personas.unit_a_operator, name="x")
    token, _ = services.api_token_create(actor=None, user=personas.unit_a_operator, name="x")
    with pytest.raises(PermissionDeniedError):
        services.api_token_revoke(actor=actor, token=token)
    assert len(_events("api_token.create")) == 1
    assert not _events("api_token.revoke")


def test_system_admin_cannot_issue_tokens_for_a_persons_account(client, personas):
    """A token acts as its owner: an administrator must not become a unit operator (三员分立).
    The server's command line may still issue one (actor None), as the operator of the
    machine can."""
    with pytest.raises(DomainError, match="系统集成账号"):
        services.api_token_create(
            actor=personas.system_admin, user=personas.unit_a_operator, name="x"
        )
    client.force_login(personas.system_admin)
    response = _post(client, "/api/tokens/", {"user_id": personas.unit_a_operator.pk, "name": "x"})
    assert response.status_code == 400
    assert response.json() == {"detail": errors.TOKEN_PERSON_ACCOUNT}
    assert not ApiToken.objects.exists()


def test_system_admin_is_bound_to_its_scope(personas):
    # The system administrator's scope is the county; the company is another tree.
    with pytest.raises(PermissionDeniedError):
        services.api_token_create(actor=personas.system_admin, user=personas.hr_officer, name="x")


def test_create_refuses_inactive_users_and_past_expiry(personas):
    from jixiao.orgs import services as org_services

    with pytest.raises(DomainError, match=errors.TOKEN_EXPIRY_PAST):
        services.api_token_create(
            actor=None,
            user=personas.unit_a_operator,
            name="x",
            expires_at=timezone.now() - timedelta(days=1),
        )
    org_services.user_update(actor=None, user=personas.unit_a_operator, is_active=False)
    with pytest.raises(DomainError, match=errors.TOKEN_USER_INACTIVE):
        services.api_token_create(actor=None, user=personas.unit_a_operator, name="x")
    assert not ApiToken.objects.exists()


def _call(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_prints_the_token_once_and_stores_its_hash(personas, client):
    out, err = _call("create", "unit_a", "--name", "预算一体化系统", "--days", "30")
    raw = out.strip()
    assert raw.startswith("jx_") and "\n" not in raw
    assert raw not in err
    token = ApiToken.objects.get()
    assert token.token_hash == hash_token(raw)
    assert not ApiToken.objects.filter(token_hash=raw).exists()
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    [event] = _events("api_token.create")
    assert event.actor is None and event.source == "cli"
    listing, _ = _call("list")
    assert token.prefix in listing and "有效" in listing
    assert raw not in listing
    assert client.get("/api/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200


def test_command_revokes(personas, client):
    out, _ = _call("create", "unit_a", "--name", "x")
    token = ApiToken.objects.get()
    revoked, _ = _call("revoke", str(token.pk))
    assert "已吊销" in revoked
    [event] = _events("api_token.revoke")
    assert event.actor is None and event.source == "cli"
    assert "已吊销" in _call("list")[0]
    assert (
        client.get("/api/me", headers={"Authorization": f"Bearer {out.strip()}"}).status_code == 401
    )


def test_command_errors_are_chinese(personas):
    with pytest.raises(CommandError, match="用户“nobody”不存在"):
        _call("create", "nobody", "--name", "x")
    with pytest.raises(CommandError, match="编号为 999 的令牌不存在"):
        _call("revoke", "999")
    _call("create", "unit_a", "--name", "x")
    _call("revoke", str(ApiToken.objects.get().pk))
    with pytest.raises(CommandError, match=errors.TOKEN_ALREADY_REVOKED):
        _call("revoke", str(ApiToken.objects.get().pk))


def _post(client, url: str, payload: dict | None = None):  # type: ignore[no-untyped-def]
    return client.post(url, payload or {}, content_type="application/json")


def test_system_admin_issues_and_revokes_through_the_api(client, personas, integration):
    client.force_login(personas.system_admin)
    response = _post(client, "/api/tokens/", {"user_id": integration.pk, "name": "接口"})
    assert response.status_code == 201
    body = response.json()
    token = ApiToken.objects.get()
    assert body["token"].startswith(token.prefix)
    assert token.token_hash == hash_token(body["token"])
    assert body["status"] == "active" and body["status_label"] == "有效"
    [event] = _events("api_token.create")
    assert event.actor == personas.system_admin and event.source == "api"

    listing = client.get("/api/tokens/").json()
    assert listing["count"] == 1 and "token" not in listing["items"][0]

    response = _post(client, f"/api/tokens/{token.pk}/revoke")
    assert response.status_code == 200
    assert response.json()["status_label"] == "已吊销"
    assert len(_events("api_token.revoke")) == 1
    response = _post(client, f"/api/tokens/{token.pk}/revoke")
    assert response.status_code == 400
    assert response.json() == {"detail": errors.TOKEN_ALREADY_REVOKED}


def test_others_cannot_manage_tokens_through_the_api(client, personas):
    token, _ = services.api_token_create(actor=None, user=personas.unit_a_operator, name="x")
    client.force_login(personas.finance_reviewer)
    assert client.get("/api/tokens/").json() == {"items": [], "count": 0}
    response = _post(client, "/api/tokens/", {"user_id": personas.unit_a_operator.pk, "name": "x"})
    assert response.status_code == 404
    assert _post(client, f"/api/tokens/{token.pk}/revoke").status_code == 404
    client.force_login(personas.system_admin)  # out of the system administrator's scope: 404
    response = _post(client, "/api/tokens/", {"user_id": personas.hr_officer.pk, "name": "x"})
    assert response.status_code == 404
    assert ApiToken.objects.count() == 1
    assert not _events("api_token.revoke")


def test_token_create_validates_input(client, personas):
    client.force_login(personas.system_admin)
    response = _post(client, "/api/tokens/", {"user_id": personas.unit_a_operator.pk, "name": ""})
    assert response.status_code == 422
    assert response.json()["detail"] == errors.INVALID_REQUEST
    assert not ApiToken.objects.exists()
