from __future__ import annotations

import pytest

from jixiao.appraisal.tests.world import World, make_world
from jixiao.testing.factories import Personas


@pytest.fixture
def world(personas: Personas) -> World:
    return make_world(personas)
