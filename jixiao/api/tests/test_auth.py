"""Who may call the API: bearer tokens and the web session (with CSRF); everything else 401."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from jixiao.api import errors, services
from jixiao.api.models import ApiToken
from jixiao.orgs import services as org_services


def _token(user):  # type: ignore[no-untyped-def]
    return services.api_token_create(actor=None, user=user, name="预算一体化系统")


def _me(client, raw: str | None = None):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {raw}"} if raw is not None else {}
    return client.get("/api/me", headers=headers)


def _assert_401(response, detail: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 401
    assert response.json() == {"detail": detail}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_token_authenticates_as_its_owner(client, personas):
    token, raw = _token(personas.unit_a_operator)
    response = _me(client, raw)
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "unit_a"
    assert body["auth_method"] == "token"
    assert response["Cache-Control"] == "no-store"  # data answers are never cached
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_no_credentials_is_401(client, personas):
    _assert_401(_me(client), errors.NOT_AUTHENTICATED)


@pytest.mark.parametrize("raw", ["jx_not-a-real-token", "", "x" * 500])
def test_unknown_token_is_401(client, personas, raw):
    _assert_401(_me(client, raw), errors.TOKEN_INVALID)


def test_other_schemes_are_not_accepted(client, personas):
    _, raw = _token(personas.unit_a_operator)
    _assert_401(
        client.get("/api/me", headers={"Authorization": f"Token {raw}"}), errors.NOT_AUTHENTICATED
    )


def test_revoked_token_is_401(client, personas):
    token, raw = _token(personas.unit_a_operator)
    services.api_token_revoke(actor=None, token=token)
    _assert_401(_me(client, raw), errors.TOKEN_REVOKED)


def test_expired_token_is_401(client, personas):
    token, raw = services.api_token_create(
        actor=None,
        user=personas.unit_a_operator,
        name="短期",
        expires_at=timezone.now() + timedelta(days=1),
    )
    assert _me(client, raw).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    _assert_401(_me(client, raw), errors.TOKEN_EXPIRED)


def test_token_of_inactive_user_is_401(client, personas):
    _, raw = _token(personas.unit_a_operator)
    org_services.user_update(actor=None, user=personas.unit_a_operator, is_active=False)
    _assert_401(_me(client, raw), errors.USER_INACTIVE)


def test_invalid_token_does_not_fall_back_to_the_session(client, personas):
    client.force_login(personas.unit_a_operator)
    _assert_401(_me(client, "jx_wrong"), errors.TOKEN_INVALID)


def test_session_authenticates(client, personas):
    client.force_login(personas.finance_reviewer)
    response = _me(client)
    assert response.status_code == 200
    assert response.json()["auth_method"] == "session"


def test_session_of_inactive_user_is_401(client, personas):
    client.force_login(personas.unit_a_operator)
    org_services.user_update(actor=None, user=personas.unit_a_operator, is_active=False)
    assert _me(client).status_code == 401


def _csrf_client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_session_needs_csrf_for_unsafe_methods(personas, integration):
    client = _csrf_client(personas.system_admin)
    payload = {"user_id": integration.pk, "name": "预算一体化系统"}
    assert client.get("/api/me").status_code == 200  # safe methods need no CSRF token
    response = client.post("/api/tokens/", payload, content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {"detail": errors.CSRF_FAILED}
    assert not ApiToken.objects.exists()

    client.get("/api/docs")  # the docs page hands out the CSRF cookie, as any page does
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        "/api/tokens/", payload, content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert response.status_code == 201
    assert ApiToken.objects.count() == 1


def test_tokens_cannot_manage_tokens(client, personas, bearer):
    headers = bearer(personas.system_admin)
    payload = {"user_id": personas.unit_a_operator.pk, "name": "x"}
    response = client.post(
        "/api/tokens/", payload, content_type="application/json", headers=headers
    )
    assert response.status_code == 401
    assert client.get("/api/tokens/", headers=headers).status_code == 401
    assert ApiToken.objects.count() == 1  # only the one the fixture made
