"""The public site's home (no login): the sections the domains registered in
:mod:`jixiao.web.public`."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jixiao.web.public import sections


@require_GET
def public_home(request: HttpRequest) -> HttpResponse:
    rows = []
    for section in sections():
        try:
            url = reverse(section.url_name)
        except NoReverseMatch:
            continue
        rows.append({"label": section.label, "description": section.description, "url": url})
    return render(request, "public/home.html", {"page_title": _("绩效信息公开"), "sections": rows})
