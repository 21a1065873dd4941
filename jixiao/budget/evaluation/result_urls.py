"""Pages of results, rectification, disclosure, accountability and reports (BUD-11…14), and
the public disclosure pages (no login). Included by ``jixiao.budget.urls`` into the ``budget``
namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from jixiao.budget.evaluation import result_views as views

urlpatterns: list[URLPattern] = [
    path("results/", views.home, name="results"),
    path("results/settings/", views.settings_page, name="result_settings"),
    path("results/send/<str:kind>/<int:pk>/", views.feedback_send, name="result_send"),
    path("results/feedback/<int:pk>/", views.feedback_detail, name="result_feedback"),
    path("results/feedback/<int:pk>/tasks/", views.feedback_add_task, name="result_feedback_task"),
    path("results/rectification/", views.task_list, name="rectifications"),
    path("results/rectification/<int:pk>/", views.task_detail, name="rectification"),
    path("results/rectification/<int:pk>/answer/", views.task_answer, name="rectification_answer"),
    path("results/rectification/<int:pk>/decide/", views.task_decide, name="rectification_decide"),
    path("results/publications/", views.publication_list, name="publications"),
    path("results/publications/<int:pk>/", views.publication_detail, name="publication"),
    path(
        "results/publications/<int:pk>/<str:move>/",
        views.publication_move,
        name="publication_move",
    ),
    # The public site: no login.
    path("public/", views.public_list, name="public_results"),
    path("public/<int:pk>/", views.public_detail, name="public_result"),
]
urlpatterns += [
    path("results/accountability/", views.accountability_page, name="accountability"),
    path("results/departments/", views.department_scores_page, name="department_scores"),
    path(
        "results/departments/finalise/",
        views.department_scores_finalise,
        name="department_scores_finalise",
    ),
    path(
        "results/departments/versions/",
        views.department_scores_versions,
        name="department_scores_versions",
    ),
    path("results/reports/", views.report_list, name="performance_reports"),
    path("results/reports/<int:pk>/", views.report_detail, name="performance_report"),
    path(
        "results/reports/<int:pk>/download/<str:kind>/",
        views.report_download,
        name="performance_report_download",
    ),
]
