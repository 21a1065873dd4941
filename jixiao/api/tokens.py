"""Managing API tokens through the API: for a system administrator in a logged-in browser
session only. A token cannot mint or revoke tokens, so a leaked token cannot entrench itself."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from jixiao.api import services
from jixiao.api.auth import session_auth
from jixiao.api.models import ApiToken
from jixiao.api.schemas import Error, TokenCreatedOut, TokenCreateIn, TokenOut
from jixiao.orgs import permissions as perms
from jixiao.orgs.models import User

router = Router(auth=session_auth, tags=["接口令牌"])
_ERRORS: dict[int, Any] = {400: Error, 401: Error, 403: Error, 404: Error}


def _manageable(user: Any) -> QuerySet[ApiToken]:
    qs = ApiToken.objects.select_related("user")
    return perms.filter_for_user(user, qs, perms.API_TOKEN_MANAGE, org_field="user__organization")


@router.get("/tokens/", response=list[TokenOut], summary="令牌列表（可管理的人员的令牌）")
@paginate(LimitOffsetPagination, max_limit=500)
def list_tokens(request: HttpRequest) -> QuerySet[ApiToken]:
    return _manageable(request.auth)


@router.post("/tokens/", response={201: TokenCreatedOut, **_ERRORS}, summary="签发令牌")
def create_token(request: HttpRequest, payload: TokenCreateIn) -> Status:
    """The answer contains the token itself; it is not shown again."""
    owner = perms.get_for_user(
        request.auth, User.objects.all(), payload.user_id, perms.API_TOKEN_MANAGE
    )
    expires_at = timezone.now() + timedelta(days=payload.days) if payload.days else None
    token, raw = services.api_token_create(
        actor=request.auth, user=owner, name=payload.name, expires_at=expires_at
    )
    token.token = raw  # type: ignore[attr-defined]  # for this answer only, never stored
    return Status(201, token)


@router.post(
    "/tokens/{int:token_id}/revoke", response={200: TokenOut, **_ERRORS}, summary="吊销令牌"
)
def revoke_token(request: HttpRequest, token_id: int) -> ApiToken:
    qs = ApiToken.objects.select_related("user")
    token = perms.get_for_user(
        request.auth, qs, token_id, perms.API_TOKEN_MANAGE, org_field="user__organization"
    )
    return services.api_token_revoke(actor=request.auth, token=token)
