"""The public answer pages (no login): people open them on their phones from the QR code.

They show only what the survey publishes — its title, description, publishing organisation
and questions — never answers, figures or invitation codes."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from jixiao.audit.middleware import client_ip
from jixiao.surveys import errors, guard, services
from jixiao.surveys.models import Survey, SurveyState
from jixiao.surveys.queries import get_public_survey, questions_with_options

# Shared phones and kiosks: no caching of the form with what someone chose.
NO_STORE = "no-store"


def _page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["Cache-Control"] = NO_STORE
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _message(request: HttpRequest, survey: Survey, message: str, status: int = 200) -> HttpResponse:
    return _page(
        request, "surveys/public/message.html", {"survey": survey, "message": message}, status
    )


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, slug: str) -> HttpResponse:
    survey = get_public_survey(slug)
    if survey.state == SurveyState.CLOSED:
        return _message(request, survey, errors.SURVEY_CLOSED)
    token = (request.POST.get("token") or request.GET.get("t") or "").strip()
    if not token and not survey.token_required and guard.has_answered(request, survey):
        return _message(request, survey, errors.ALREADY_ANSWERED)
    questions = questions_with_options(survey)
    context = {"survey": survey, "questions": questions, "token": token}
    if request.method == "GET":
        return _page(request, "surveys/public/answer.html", context)
    answers = {q.pk: request.POST.getlist(f"q{q.pk}") for q in questions}
    try:
        services.survey_answer_submit(
            survey=survey, answers=answers, token=token, client_address=client_ip(request)
        )
    except errors.AnswerRefused as exc:
        if exc.message == errors.SURVEY_CLOSED:
            return _message(request, survey, exc.message)
        for q in questions:  # shown again as chosen, with the question's problem
            q.chosen = answers.get(q.pk, [])  # type: ignore[attr-defined]
            q.problem = exc.problems.get(q.pk, "")  # type: ignore[attr-defined]
        context.update(error=exc.message)
        return _page(request, "surveys/public/answer.html", context, status=400)
    response = redirect("surveys:thanks", slug=survey.slug)
    guard.mark_answered(response, survey)
    return response


@require_GET
def thanks(request: HttpRequest, slug: str) -> HttpResponse:
    survey = get_public_survey(slug)
    return _page(request, "surveys/public/thanks.html", {"survey": survey})
