"""The interactive documentation page, fully offline.

django-ninja's own Swagger page already loads swagger-ui from its bundled static files, but it
is a template we do not control, Swagger UI's default validator badge fetches an image from
validator.swagger.io, and the page lacks a charset and language. This renderer uses our template
(``api/docs.html``): the bundled swagger-ui files, the settings as a JSON data block, and the
start-up code in a static file (``api/docs.js``), so the site's CSP ``script-src 'self'`` holds
without inline scripts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

SWAGGER_SETTINGS: dict[str, Any] = {
    "layout": "BaseLayout",
    "deepLinking": True,
    "validatorUrl": None,  # never call validator.swagger.io
    "persistAuthorization": False,  # never keep a token in the browser's storage
}


class OfflineSwagger(DocsBase):
    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {**SWAGGER_SETTINGS, "url": self.get_openapi_url(api, kwargs)}
        return render(request, self.template, {"api": api, "swagger_settings": settings})
