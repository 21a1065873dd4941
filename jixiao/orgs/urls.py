from django.urls import path

from jixiao.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.organization_list, name="list"),
    path("new/", views.organization_create, name="create"),
    path("import/", views.organization_import, name="import"),
    path("import/template.xlsx", views.organization_import_template, name="import_template"),
    path("export.xlsx", views.organization_export, name="export"),
    path("<int:pk>/", views.organization_detail, name="detail"),
    path("<int:pk>/edit/", views.organization_edit, name="edit"),
    path("<int:pk>/move/", views.organization_move, name="move"),
    path("<int:pk>/active/", views.organization_set_active, name="set_active"),
    path("people/", views.people_list, name="people"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/locked/", views.locked_accounts, name="locked"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/roles/", views.person_role_assign, name="person_role_assign"),
    path(
        "people/<int:pk>/roles/<int:assignment_pk>/revoke/",
        views.person_role_revoke,
        name="person_role_revoke",
    ),
    path("people/<int:pk>/unlock/", views.person_unlock, name="person_unlock"),
    path("people/<int:pk>/active/", views.person_set_active, name="person_set_active"),
    path("people/<int:pk>/password/", views.person_password_reset, name="person_password"),
]
