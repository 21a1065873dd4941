"""Running a service from a page: what a refusal becomes, in one place.

A ``PermissionDeniedError`` is a 403; a ``DomainError`` (or a validation or scoring error)
is shown to the person — on the form, or as a message after a one-button action — and, the
service being one transaction, nothing was written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from jixiao.orgs.errors import DomainError, PermissionDeniedError


def run_for_form(form: Any, call: Callable[[], Any], also: tuple[type[Exception], ...] = ()) -> Any:
    """The service's result, or None with its refusal added to ``form`` as errors. ``also``:
    more exception types that carry a list of ``messages`` (e.g. the scoring engine's
    ``SheetError``)."""
    try:
        return call()
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        form.add_error(None, exc.message)
    except (ValidationError, *also) as exc:
        for message in exc.messages:  # type: ignore[attr-defined]
            form.add_error(None, message)
    return None


def run_with_message(request: HttpRequest, call: Callable[[], Any], done: str) -> bool:
    """Run a one-button action; ``done`` or the refusal becomes the page's message."""
    try:
        call()
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, done)
    return True
