"""A simple guard against floods on a survey's open link (no invitation code).

Two checks, both honest about their limits:

- a **signed cookie** per survey, set after an answer: the same browser is told it already
  answered. Clearing cookies or another browser gets round it; it stops double submissions
  by mistake, not a determined person.
- a **per-address count in the cache**: at most ``survey.ip_hourly_limit`` accepted answers
  from one client address per clock hour. A whole office or village behind one NAT address
  shares the count (raise the limit for such surveys, or use invitation codes); someone with
  many addresses is not stopped. The count lives in Django's cache: with the default
  local-memory cache each server process counts on its own, so with N processes the real
  limit is up to N times higher; a shared cache (``JIXIAO_CACHE_URL=db://`` or
  ``redis://…``, see ``docs/operations.md``) makes it exact.

Invitation codes are the real "one answer per person" guarantee: each code is accepted once.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from jixiao.surveys.models import Survey

COOKIE_SALT = "jixiao.surveys.answered"
COOKIE_MAX_AGE = 365 * 24 * 3600
WINDOW_SECONDS = 3600


def cookie_name(survey: Survey) -> str:
    return f"jx_survey_{survey.pk}"


def has_answered(request: HttpRequest, survey: Survey) -> bool:
    """The browser holds our signed "answered" cookie for this survey."""
    value = request.get_signed_cookie(cookie_name(survey), default=None, salt=COOKIE_SALT)
    return value == str(survey.pk)


def mark_answered(response: HttpResponse, survey: Survey) -> None:
    response.set_signed_cookie(
        cookie_name(survey),
        str(survey.pk),
        salt=COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
    )


def _key(survey: Survey, address: str) -> str:
    # The address is hashed with the secret key, so the cache holds no readable addresses.
    digest = salted_hmac("jixiao.surveys.address", address).hexdigest()
    hour = int(timezone.now().timestamp()) // WINDOW_SECONDS
    return f"surveys:ip:{survey.pk}:{hour}:{digest[:32]}"


def over_limit(survey: Survey, address: str | None) -> bool:
    if not address:
        return False
    return int(cache.get(_key(survey, address), 0)) >= survey.ip_hourly_limit


def count(survey: Survey, address: str | None) -> None:
    """Count one accepted answer from ``address`` in the current hour."""
    if not address:
        return
    key = _key(survey, address)
    if cache.add(key, 1, timeout=WINDOW_SECONDS + 60):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS + 60)
