"""Pages of the finance bureau's interventions during monitoring and of tracking (BUD-5 actions,
BUD-6): corrections, suspension and reallocation, adjustments, mid-year review, tracking forms
and report. Included by ``jixiao.budget.urls`` into the ``budget`` namespace."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
