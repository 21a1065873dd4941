"""``/api/``: the ninja API, with JSON answers also where ninja or Django would answer in plain
text or HTML (a wrong method, an unknown address); ``/api/`` itself leads to the docs."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import RedirectView

from jixiao.api import errors
from jixiao.api.api import api

JSON_DUMPS_PARAMS = {"ensure_ascii": False}


def _json_405(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """ninja answers a method it has no operation for in plain text; keep its Allow header."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code != 405 or response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return response
        replacement = JsonResponse(
            {"detail": errors.METHOD_NOT_ALLOWED},
            status=405,
            json_dumps_params=JSON_DUMPS_PARAMS,
        )
        replacement["Allow"] = response.get("Allow", "")
        return replacement

    return wrapper


def _wrapped(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _json_405(pattern.callback)
    return patterns


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    return JsonResponse(
        {"detail": errors.NOT_FOUND}, status=404, json_dumps_params=JSON_DUMPS_PARAMS
    )


ninja_patterns, ninja_app_name, namespace = api.urls

urlpatterns = [
    # ninja's own root view answers an HTML 404; it stays (below) for reversing the prefix.
    path("", RedirectView.as_view(pattern_name="api:openapi-view")),
    path("", (_wrapped(ninja_patterns), ninja_app_name, namespace)),
    re_path(r"^(?P<rest>.*)$", not_found),
]
