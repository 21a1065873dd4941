from __future__ import annotations

from collections.abc import Callable

import pytest

from jixiao.api import services
from jixiao.orgs.models import Role, User
from jixiao.testing.factories import Personas, make_user


@pytest.fixture
def bearer() -> Callable[[User], dict[str, str]]:
    """Headers that authenticate as ``user`` with a freshly issued token."""

    def make(user: User) -> dict[str, str]:
        _, raw = services.api_token_create(actor=None, user=user, name="测试")
        return {"Authorization": f"Bearer {raw}"}

    return make


@pytest.fixture
def integration(personas: Personas) -> User:
    """The budget system's integration account, scoped to unit A like its operator."""
    return make_user("budget_system", personas.unit_a, Role.UNIT_OPERATOR, service_account=True)
