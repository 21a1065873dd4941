"""Who is calling: a bearer token (other systems) or the Django session (our own pages).

Both end with the same user object, so every endpoint checks permissions the same way, through
:mod:`jixiao.orgs.permissions`. A session caller must send the CSRF token with unsafe methods;
a token caller need not, since a browser never sends a bearer token on its own.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from jixiao.api import errors
from jixiao.api.models import ApiToken, TokenStatus, hash_token

# Recording every single use would turn each read into a write; a minute is precise enough.
LAST_USED_PRECISION = timedelta(minutes=1)

_REFUSALS = {TokenStatus.EXPIRED: errors.TOKEN_EXPIRED, TokenStatus.REVOKED: errors.TOKEN_REVOKED}


def _refuse(message: str) -> errors.ApiError:
    return errors.ApiError(401, message)


def user_for_token(raw: str) -> Any:
    """The active user a valid token belongs to; raises a 401 ApiError otherwise."""
    token = ApiToken.objects.select_related("user").filter(token_hash=hash_token(raw)).first()
    if token is None:
        raise _refuse(errors.TOKEN_INVALID)
    now = timezone.now()
    status = token.status_at(now)
    if status != TokenStatus.ACTIVE:
        raise _refuse(_REFUSALS[status])
    if not token.user.is_active:
        raise _refuse(errors.USER_INACTIVE)
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        # Usage bookkeeping, not a change of data: no audit row.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``. A token that is present but not valid is refused
    outright, never passed on to the session check."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token.strip())
        request.user = user
        request.auth_method = "token"  # type: ignore[attr-defined]
        return user


class SessionAuth(APIKeyCookie):
    """The logged-in web session; unsafe methods need the CSRF token (``X-CSRFToken``)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        user = request.user
        if not (user.is_authenticated and user.is_active):
            return None
        if check_csrf(request):
            raise errors.ApiError(403, errors.CSRF_FAILED)
        request.auth_method = "session"  # type: ignore[attr-defined]
        return user

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return None  # unused: __call__ reads the session through request.user


token_auth = TokenAuth()
session_auth = SessionAuth()
