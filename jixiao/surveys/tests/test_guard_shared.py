"""The flood guard's count is shared by every server process when ``JIXIAO_CACHE_URL`` names a
shared cache: answers counted by another process (a real one, started here) stop this one."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from jixiao.conftest import require_or_skip
from jixiao.lib.env import cache_config
from jixiao.surveys import guard

REDIS_URL = os.environ.get("JIXIAO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

# Another process counts ``n`` answers from one address for survey ``pk``, as a server would.
OTHER_PROCESS = """
import sys
from types import SimpleNamespace
import django
django.setup()
from jixiao.surveys import guard
survey = SimpleNamespace(pk=int(sys.argv[1]), ip_hourly_limit=1000)
for _ in range(int(sys.argv[2])):
    guard.count(survey, "198.51.100.7")
"""


def test_cache_urls() -> None:
    assert cache_config("locmem://")["BACKEND"].endswith("LocMemCache")
    db = cache_config("db://")
    assert db["BACKEND"].endswith("DatabaseCache") and db["LOCATION"] == "jixiao_cache"
    assert cache_config("db://other")["LOCATION"] == "other"
    redis = cache_config("rediss://cache.example:6380/2")
    assert redis["BACKEND"].endswith("RedisCache")
    assert redis["LOCATION"] == "rediss://cache.example:6380/2"
    with pytest.raises(ValueError, match="JIXIAO_CACHE_URL"):
        cache_config("memcached://127.0.0.1")


@pytest.fixture
def redis_cache(settings):  # type: ignore[no-untyped-def]
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        require_or_skip(f"no Redis server at {REDIS_URL}")
    prefix = f"jixiao-test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {"default": {**cache_config(REDIS_URL), "KEY_PREFIX": prefix}}
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_a_second_process_counts_into_the_same_hour(redis_cache: str) -> None:
    survey = SimpleNamespace(pk=987_654, ip_hourly_limit=5)
    address = "198.51.100.7"
    guard.count(survey, address)
    guard.count(survey, address)
    assert not guard.over_limit(survey, address)

    env = {**os.environ, "JIXIAO_CACHE_URL": REDIS_URL, "JIXIAO_CACHE_KEY_PREFIX": redis_cache}
    env["DJANGO_SETTINGS_MODULE"] = "jixiao.settings"
    subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-c", OTHER_PROCESS, str(survey.pk), "3"], env=env, check=True
    )

    assert cache.get(guard._key(survey, address)) == 5
    assert guard.over_limit(survey, address)
