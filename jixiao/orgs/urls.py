from django.urls import path

from jixiao.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.organization_list, name="list"),
    path("<int:pk>/", views.organization_detail, name="detail"),
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
