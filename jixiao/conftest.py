from __future__ import annotations

import pytest

from jixiao.testing.factories import Personas, make_personas


@pytest.fixture
def personas(db: None) -> Personas:
    return make_personas()
