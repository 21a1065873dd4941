from __future__ import annotations

from django.urls import path

from jixiao.government import views

app_name = "government"
urlpatterns = [
    path("", views.scheme_list, name="schemes"),
    path("new/", views.scheme_create, name="scheme_create"),
    path("mine/", views.my_items, name="my_items"),
    path("review/", views.review_queue, name="review_queue"),
    path("<int:pk>/", views.scheme_detail, name="scheme"),
    path("<int:pk>/settings/", views.scheme_settings, name="scheme_settings"),
    path("<int:pk>/raters/", views.raters_save, name="raters"),
    path("<int:pk>/activate/", views.scheme_activate, name="activate"),
    path("<int:pk>/publish/", views.scheme_publish, name="publish"),
    path("<int:pk>/unpublish/", views.scheme_unpublish, name="unpublish"),
    path("<int:pk>/items/<int:item_pk>/assign/", views.item_assign, name="item_assign"),
    path("<int:pk>/survey/", views.survey_create, name="survey_create"),
    path("<int:pk>/feed/<str:key>/", views.feed_pull, name="feed_pull"),
    path("<int:pk>/result/", views.scheme_result_page, name="result"),
    path("<int:pk>/cadres/", views.cadre_summary, name="cadres"),
    path("<int:pk>/cadres.xlsx", views.cadre_export, name="cadres_xlsx"),
    path("<int:pk>/report.docx", views.report_docx, name="report_docx"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/values/", views.value_save, name="value_save"),
    path("items/<int:pk>/self/", views.self_evaluate, name="self_evaluate"),
    path("items/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path(
        "items/<int:pk>/evidence/<int:evidence_pk>/",
        views.evidence_download,
        name="evidence_download",
    ),
    path(
        "items/<int:pk>/evidence/<int:evidence_pk>/remove/",
        views.evidence_remove,
        name="evidence_remove",
    ),
    path("items/<int:pk>/submit/", views.item_submit, name="item_submit"),
    path("items/<int:pk>/withdraw/", views.item_withdraw, name="item_withdraw"),
    path("items/<int:pk>/review/", views.item_review, name="item_review"),
    path("items/<int:pk>/return/", views.item_return, name="item_return"),
    path("public/", views.public_list, name="public"),
    path("public/<int:pk>/", views.public_detail, name="public_scheme"),
]
