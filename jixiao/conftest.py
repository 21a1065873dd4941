"""Shared fixtures: personas, a fast password hasher, and the rule that in CI a test that
needs PostgreSQL or the browser fails instead of skipping when they are missing."""

from __future__ import annotations

import os

import pytest
from django.db import connection

from jixiao.testing.browser import browser_page  # noqa: F401 (a fixture for page tests)
from jixiao.testing.factories import Personas, make_personas

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
