"""Who is acting, from where: set per request (middleware) or per command (CLI)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AuditContext:
    ip_address: str | None = None
    source: str = "web"
    actor: Any = None


_current: ContextVar[AuditContext | None] = ContextVar("jixiao_audit_context", default=None)
_NOBODY = AuditContext()


def current() -> AuditContext:
    return _current.get() or _NOBODY


@contextmanager
def acting(**fields: Any) -> Iterator[None]:
    token = _current.set(AuditContext(**fields))
    try:
        yield
    finally:
        _current.reset(token)
