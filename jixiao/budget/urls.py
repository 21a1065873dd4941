from django.urls import path

from jixiao.budget import overview_views, views
from jixiao.budget.evaluation import result_urls
from jixiao.budget.monitoring import intervention_urls as monitoring_intervention_urls
from jixiao.budget.monitoring import urls as monitoring_urls

app_name = "budget"
urlpatterns = [
    path("overview/", overview_views.overview_page, name="overview"),
    path("projects/", views.project_list, name="projects"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/new-department/", views.department_create, name="department_create"),
    path("projects/export/", views.project_export, name="project_export"),
    path("projects/import/", views.project_import, name="project_import"),
    path(
        "projects/import/template/",
        views.project_import_template,
        name="project_import_template",
    ),
    path("projects/<int:pk>/export/", views.project_export_one, name="project_export_one"),
    path("projects/<int:pk>/print/", views.project_print, name="project_print"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/indicators/", views.indicator_add, name="indicator_add"),
    path(
        "projects/<int:pk>/indicators/<int:indicator_pk>/",
        views.indicator_edit,
        name="indicator_edit",
    ),
    path(
        "projects/<int:pk>/indicators/<int:indicator_pk>/delete/",
        views.indicator_delete,
        name="indicator_delete",
    ),
    path("projects/<int:pk>/submit/", views.project_submit, name="project_submit"),
    path("projects/<int:pk>/withdraw/", views.project_withdraw, name="project_withdraw"),
    path("projects/<int:pk>/ex-ante/", views.ex_ante, name="ex_ante"),
    path("projects/<int:pk>/review/", views.review, name="review"),
    path("projects/<int:pk>/compare/", views.compare, name="compare"),
    path("projects/<int:pk>/library/", views.library_pick, name="library_pick"),
    path("projects/<int:pk>/library/<int:entry_pk>/add/", views.library_add, name="library_add"),
    path(
        "projects/<int:pk>/indicators/<int:indicator_pk>/promote/",
        views.indicator_promote,
        name="indicator_promote",
    ),
    path("projects/<int:pk>/adjust/", views.adjustment_request, name="adjust"),
    path("review/", views.review_queue, name="review_queue"),
    path("control-numbers/", views.control_numbers, name="control_numbers"),
    path("settings/", views.year_settings, name="year_settings"),
]

# Double monitoring and tracking (BUD-5, BUD-6) keep their own url modules.
urlpatterns += monitoring_urls.urlpatterns + monitoring_intervention_urls.urlpatterns
urlpatterns += result_urls.urlpatterns  # results, disclosure, reports (BUD-11…14)

# Evaluation (BUD-7…BUD-10) keeps its own url module.
from jixiao.budget.evaluation import urls as evaluation_urls  # noqa: E402

urlpatterns += evaluation_urls.urlpatterns
