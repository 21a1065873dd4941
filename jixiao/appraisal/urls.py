from __future__ import annotations

from django.urls import path

from jixiao.appraisal import views

app_name = "appraisal"
urlpatterns = [
    path("", views.month_list, name="months"),
    path("months/<int:pk>/", views.month_detail, name="month"),
    path("months/<int:pk>/pay/", views.pay_list, name="pay"),
    path("months/<int:pk>/<str:action>/", views.month_action, name="month_action"),
    path("sheets/<int:pk>/", views.sheet_detail, name="sheet"),
    path("sheets/<int:pk>/export/", views.sheet_export, name="sheet_export"),
    path("sheets/<int:pk>/import/", views.sheet_import, name="sheet_import"),
    path("sheets/<int:pk>/<str:action>/", views.sheet_action, name="sheet_action"),
    path("review/", views.review_queue, name="review_queue"),
    path("statistics/", views.statistics, name="statistics"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("rule-sets/", views.rule_set_list, name="rule_sets"),
    path("rule-sets/<int:pk>/", views.rule_set_detail, name="rule_set"),
    path("settings/", views.settings_page, name="settings"),
    path("progress/", views.progress, name="progress"),
    path("salary-bases/", views.salary_bases, name="salary_bases"),
    path("salary-bases/export/", views.salary_bases_export, name="salary_bases_export"),
    path("salary-bases/import/", views.salary_bases_import, name="salary_bases_import"),
    path("mine/", views.mine, name="mine"),
    path("mine/<int:pk>/", views.mine_detail, name="mine_detail"),
    path("appeals/", views.appeals, name="appeals"),
]
