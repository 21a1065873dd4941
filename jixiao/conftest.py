"""Shared fixtures: personas, a fast password hasher, and the rule that in CI a test that
needs PostgreSQL or the browser fails instead of skipping when they are missing."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import translation

from jixiao.testing.browser import browser_page  # noqa: F401 (a fixture for page tests)
from jixiao.testing.factories import Personas, make_personas

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language_afterwards() -> Iterator[None]:
    """A request in English (cookie, Accept-Language) leaves English active in this thread
    (LocaleMiddleware activates, nothing deactivates): the next test, a command or a service
    message would then speak English. Every test ends in the default language again."""
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Uploaded files of a test go to its own folder, never into var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def personas(db: None) -> Personas:
    return make_personas()


def require_or_skip(reason: str) -> None:
    """Skip locally; fail in CI, where every dependency must be present."""
    if IN_CI:
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _postgres_marker(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        require_or_skip("this test needs PostgreSQL (DATABASE_URL=postgres://…)")


@pytest.fixture(autouse=True, scope="session")
def _database_is_the_one_asked_for() -> None:
    if os.environ.get("JIXIAO_REQUIRE_POSTGRES") == "1" and connection.vendor != "postgresql":
        pytest.exit("JIXIAO_REQUIRE_POSTGRES=1 but the database is not PostgreSQL", returncode=3)
