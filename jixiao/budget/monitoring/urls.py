"""Pages of double monitoring (BUD-5): rounds, the units' forms, dashboards, Excel.
Included by ``jixiao.budget.urls`` into the ``budget`` namespace."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
