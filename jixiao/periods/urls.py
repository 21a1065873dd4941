from django.urls import path

from jixiao.periods import views

app_name = "periods"
urlpatterns = [
    path("", views.deadline_list, name="deadlines"),
    path("deadlines/new/", views.deadline_create, name="deadline_create"),
    path("deadlines/<int:pk>/", views.deadline_detail, name="deadline"),
    path("deadlines/<int:pk>/edit/", views.deadline_edit, name="deadline_edit"),
    path(
        "deadlines/<int:pk>/targets/<int:org_pk>/complete/",
        views.deadline_complete,
        name="deadline_complete",
    ),
    path(
        "deadlines/<int:pk>/targets/<int:org_pk>/reopen/",
        views.deadline_reopen,
        name="deadline_reopen",
    ),
    path("periods/new/", views.period_create, name="period_create"),
]
