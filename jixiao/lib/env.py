"""Small typed helpers that read configuration from the environment.

Every setting can also come from a file: ``NAME_FILE=/run/secrets/x`` reads the value of ``NAME``
from that file, so secrets never have to live in the environment itself.
"""

from __future__ import annotations

import os
from pathlib import Path

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    """Return ``name`` from the environment, from ``name_FILE``, or ``default``."""
    if name in os.environ:
        return os.environ[name]
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return default


def env_bool(name: str, default: bool = False) -> bool:
    raw = env_str(name, "1" if default else "0").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = env_str(name, str(default)).strip()
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env_str(name, ",".join(default))
    return [part.strip() for part in raw.split(",") if part.strip()]


def cache_config(url: str) -> dict[str, object]:
    """Django's cache settings for ``url`` (``JIXIAO_CACHE_URL``):

    - ``locmem://`` — each server process's own memory (the default; enough for one process);
    - ``db://`` or ``db://TABLE`` — a table of the database every server shares (Django's
      database cache; create it once with ``jixiao createcachetable``), no other service;
    - ``redis://HOST:PORT/DB`` (or ``rediss://`` with TLS) — a Redis server the servers share.
    """
    scheme, _, rest = url.partition("://")
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": rest}
    if scheme == "db":
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": rest or "jixiao_cache",
        }
    if scheme in ("redis", "rediss"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    raise ValueError(f"JIXIAO_CACHE_URL must start with locmem://, db:// or redis://, got {url!r}")
