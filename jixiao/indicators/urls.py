from django.urls import path

from jixiao.indicators import views

app_name = "indicators"
urlpatterns = [
    path("library/", views.library_page, name="library"),
    path("templates/", views.template_list, name="templates"),
    path("templates/<int:pk>/", views.template_detail, name="template"),
    path("templates/<int:pk>/sheet.json", views.template_sheet, name="template_sheet"),
]
