"""Pages of double monitoring (BUD-5): rounds, the units' forms, dashboards, Excel.
Included by ``jixiao.budget.urls`` into the ``budget`` namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from jixiao.budget.monitoring import views

urlpatterns: list[URLPattern] = [
    path("monitoring/", views.round_list, name="monitoring_rounds"),
    path("monitoring/rounds/new/", views.round_open, name="monitoring_round_open"),
    path("monitoring/thresholds/", views.thresholds, name="monitoring_thresholds"),
    path("monitoring/rounds/<int:pk>/", views.round_detail, name="monitoring_round"),
    path("monitoring/rounds/<int:pk>/compute/", views.round_compute, name="monitoring_compute"),
    path("monitoring/rounds/<int:pk>/close/", views.round_close, name="monitoring_close"),
    path("monitoring/rounds/<int:pk>/warnings/", views.warning_list, name="monitoring_warnings"),
    path("monitoring/rounds/<int:pk>/dashboard/", views.dashboard, name="monitoring_dashboard"),
    path("monitoring/rounds/<int:pk>/export/", views.round_export, name="monitoring_export"),
    path("monitoring/rounds/<int:pk>/import/", views.round_import, name="monitoring_import"),
    path("monitoring/dashboard/", views.dashboard_latest, name="monitoring_dashboard_latest"),
    path("monitoring/forms/<int:pk>/", views.form_detail, name="monitoring_form"),
    path("monitoring/forms/<int:pk>/reopen/", views.form_reopen, name="monitoring_form_reopen"),
    path("monitoring/forms/<int:pk>/export/", views.form_export, name="monitoring_form_export"),
    path("monitoring/spending/", views.spending, name="monitoring_spending"),
    path("monitoring/spending/import/", views.spending_import, name="monitoring_spending_import"),
    path(
        "monitoring/spending/template/",
        views.spending_template,
        name="monitoring_spending_template",
    ),
]
