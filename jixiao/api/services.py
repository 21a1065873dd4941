"""Issuing and revoking API tokens. Each function is one transaction, checks the actor's
permission (``api.token.manage`` over the token owner's organisation; actor None is the trusted
CLI) and leaves one audit row. Neither the token nor its hash ever enters the audit trail."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from jixiao.api import errors
from jixiao.api.models import ApiToken, hash_token
from jixiao.audit.services import audit_record
from jixiao.orgs import errors as org_errors
from jixiao.orgs import permissions as perms
from jixiao.orgs.errors import DomainError

if TYPE_CHECKING:
    from jixiao.orgs.models import User

TOKEN_PREFIX = "jx_"  # noqa: S105 (marks our tokens, so secret scanners can recognise them)
VISIBLE_PREFIX_LENGTH = len(TOKEN_PREFIX) + 8


def _require(actor: User | None, owner: User) -> None:
    if actor is None:
        return
    org = owner.organization
    if org is None or not perms.can(actor, perms.API_TOKEN_MANAGE, org):
        raise org_errors.PermissionDeniedError(org_errors.NO_PERMISSION)


def _audit_values(token: ApiToken) -> dict[str, object]:
    return {
        "user": token.user.username,
        "name": token.name,
        "prefix": token.prefix,
        "expires_at": token.expires_at,
    }


@transaction.atomic
def api_token_create(
    *, actor: User | None, user: User, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Issue a token for ``user``; returns the row and the token, which is never shown again."""
    _require(actor, user)
    if actor is not None and not user.is_service_account:
        raise DomainError(errors.TOKEN_PERSON_ACCOUNT)
    if not user.is_active:
        raise DomainError(errors.TOKEN_USER_INACTIVE)
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError(errors.TOKEN_EXPIRY_PAST)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip(),
        prefix=raw[:VISIBLE_PREFIX_LENGTH],
        token_hash=hash_token(raw),
        expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    audit_record(
        actor=actor,
        action="api_token.create",
        obj=token,
        organization_id=user.organization_id,
        new=_audit_values(token),
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    _require(actor, token.user)
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if token.revoked_at is not None:
        raise DomainError(errors.TOKEN_ALREADY_REVOKED)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="api_token.revoke",
        obj=token,
        organization_id=token.user.organization_id,
        old=_audit_values(token),
        new={"revoked_at": token.revoked_at},
    )
    return token
