"""Pages of evaluation (BUD-7…BUD-10, item 9). Included by ``jixiao.budget.urls`` into the
``budget`` namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from jixiao.budget.evaluation import views

urlpatterns: list[URLPattern] = [
    path("self-evaluations/", views.self_evaluation_list, name="self_evaluations"),
    path(
        "self-evaluations/new/<int:project_pk>/",
        views.self_evaluation_create,
        name="self_evaluation_create",
    ),
    path("self-evaluations/export/", views.self_evaluations_export, name="self_evaluations_export"),
    path("self-evaluations/import/", views.self_evaluations_import, name="self_evaluations_import"),
    path("self-evaluations/<int:pk>/", views.self_evaluation_detail, name="self_evaluation"),
    path(
        "self-evaluations/<int:pk>/export/",
        views.self_evaluation_export,
        name="self_evaluation_export",
    ),
    path("self-evaluations/<int:pk>/pdf/", views.self_evaluation_pdf, name="self_evaluation_pdf"),
    path(
        "self-evaluations/<int:pk>/review/",
        views.self_evaluation_review,
        name="self_evaluation_review",
    ),
    path("evaluation/", views.evaluation_list, name="evaluations"),
    path("evaluation/select/", views.evaluation_select, name="evaluation_select"),
    path("evaluation/quality/", views.quality, name="evaluation_quality"),
    path("evaluation/proposal/", views.proposal, name="evaluation_proposal"),
    path("evaluation/rules/", views.rules, name="evaluation_rules"),
    path("evaluation/jobs/<int:pk>/", views.job_step, name="evaluation_job"),
    path("evaluation/<int:pk>/", views.evaluation_detail, name="evaluation"),
    path("evaluation/<int:pk>/<slug:op>/", views.evaluation_action, name="evaluation_action"),
]
