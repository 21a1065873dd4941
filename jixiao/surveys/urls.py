from __future__ import annotations

from django.urls import path

from jixiao.surveys import public_views, views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_create, name="create"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/edit/", views.survey_edit, name="edit"),
    path("<int:pk>/questions/new/", views.question_add, name="question_add"),
    path("<int:pk>/questions/<int:qid>/", views.question_edit, name="question_edit"),
    path("<int:pk>/questions/<int:qid>/move/", views.question_move, name="question_move"),
    path("<int:pk>/questions/<int:qid>/delete/", views.question_delete, name="question_delete"),
    path("<int:pk>/publish/", views.survey_publish, name="publish"),
    path("<int:pk>/close/", views.survey_close, name="close"),
    path("<int:pk>/tokens/", views.tokens_add, name="tokens_add"),
    path("<int:pk>/results/", views.survey_results, name="results"),
    path("<int:pk>/export/", views.survey_export, name="export"),
    path("<int:pk>/invitation/", views.survey_invitation, name="invitation"),
    path("<int:pk>/qr.<str:fmt>", views.survey_qr, name="qr"),
    # The public site: no login.
    path("s/<str:slug>/", public_views.answer, name="answer"),
    path("s/<str:slug>/thanks/", public_views.thanks, name="thanks"),
]
