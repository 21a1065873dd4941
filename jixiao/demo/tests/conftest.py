"""The demo, built once per test module that asks for it (``demo``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from jixiao.demo import build


@pytest.fixture(scope="module")
def _built(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[build.DemoResult]:
    """The demo is built once for the module, inside a transaction rolled back at its end;
    each test runs in a savepoint of it (pytest-django's ``db``). The settings are those the
    per-test fixtures of conftest give (fast hasher, files in a temporary folder)."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    media = tmp_path_factory.mktemp("demo-media")
    with (
        override_settings(PASSWORD_HASHERS=fast, MEDIA_ROOT=media),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield build.build()
        transaction.set_rollback(True)


@pytest.fixture
def demo(_built: build.DemoResult, db: None) -> build.DemoResult:
    return _built
