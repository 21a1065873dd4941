from django.urls import path

from jixiao.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.organization_list, name="list"),
    path("<int:pk>/", views.organization_detail, name="detail"),
    path("people/", views.people_list, name="people"),
]
