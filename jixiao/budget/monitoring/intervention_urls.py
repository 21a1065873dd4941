"""Pages of the finance bureau's interventions during monitoring and of tracking (BUD-5 actions,
BUD-6): corrections, suspension and reallocation, adjustments, mid-year review, tracking forms
and report. Included by ``jixiao.budget.urls`` into the ``budget`` namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from jixiao.budget.monitoring import intervention_views as views

urlpatterns: list[URLPattern] = [
    path("monitoring/interventions/", views.overview, name="interventions"),
    path("monitoring/corrections/", views.correction_list, name="corrections"),
    path("monitoring/corrections/new/", views.correction_new, name="correction_new"),
    path("monitoring/corrections/<int:pk>/", views.correction_detail, name="correction"),
    path(
        "monitoring/corrections/<int:pk>/answer/",
        views.correction_answer,
        name="correction_answer",
    ),
    path(
        "monitoring/corrections/<int:pk>/decide/",
        views.correction_decide,
        name="correction_decide",
    ),
    path(
        "monitoring/projects/<int:pk>/interventions/",
        views.project_interventions,
        name="project_interventions",
    ),
    path(
        "monitoring/projects/<int:pk>/hold/<str:move>/",
        views.project_hold,
        name="project_hold",
    ),
    path("monitoring/reallocations/", views.reallocation_list, name="reallocations"),
    path("monitoring/reallocations/new/", views.reallocation_new, name="reallocation_new"),
    path("monitoring/midyear/", views.midyear_list, name="midyear_reviews"),
    path("monitoring/midyear/<int:pk>/", views.midyear_review, name="midyear_review"),
    path(
        "monitoring/midyear/items/<int:pk>/conclude/",
        views.midyear_conclude,
        name="midyear_conclude",
    ),
    path("monitoring/tracking/", views.tracking_list, name="tracking_list"),
    path("monitoring/tracking/settings/", views.tracking_settings, name="tracking_settings"),
    path("monitoring/projects/<int:pk>/tracking/new/", views.tracking_new, name="tracking_new"),
    path("monitoring/tracking/<int:pk>/", views.tracking_detail, name="tracking"),
    path("monitoring/tracking/excel/", views.tracking_list_export, name="tracking_list_export"),
    path("monitoring/tracking/import/", views.tracking_list_import, name="tracking_list_import"),
    path("monitoring/tracking/<int:pk>/excel/", views.tracking_export, name="tracking_export"),
    path("monitoring/tracking/<int:pk>/import/", views.tracking_import, name="tracking_import"),
    path(
        "monitoring/tracking/<int:pk>/<str:step>/",
        views.tracking_action,
        name="tracking_action",
    ),
    path(
        "monitoring/tracking/<int:pk>/download/<str:kind>/",
        views.tracking_download,
        name="tracking_download",
    ),
]
