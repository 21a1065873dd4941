from __future__ import annotations

from django.urls import URLPattern

app_name = "government"
urlpatterns: list[URLPattern] = []
