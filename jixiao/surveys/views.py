"""Pages of surveys for signed-in people: list, builder, publish and close, results with
charts, Excel export, the printable invitation. Thin: parse, call a service or query, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.lib.actions import run_for_form, run_with_message
from jixiao.orgs import permissions as perms
from jixiao.orgs.errors import DomainError, PermissionDeniedError
from jixiao.orgs.models import Organization
from jixiao.surveys import excel, forms, qr, queries, services
from jixiao.surveys.models import Question, QuestionKind, Survey, SurveyState
from jixiao.surveys.permissions import SURVEY_MANAGE, SURVEY_VIEW

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATE_TABS = [("", "全部"), *SurveyState.choices]
TEXT_ANSWERS_SHOWN = 50
# Each printed slip carries a QR code with its own invitation code, up to this many slips
# (beyond, the page would grow to megabytes; the codes are still listed).
SLIP_QR_LIMIT = 300


def _file(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def public_url(request: HttpRequest, survey: Survey) -> str:
    return request.build_absolute_uri(reverse("surveys:answer", kwargs={"slug": survey.slug}))


@require_GET
@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
    if not perms.can(request.user, SURVEY_VIEW):
        raise Http404
    state, q = request.GET.get("state", ""), request.GET.get("q", "").strip()
    if state not in SurveyState.values:
        state = ""
    rows = queries.surveys_for_user(request.user, state=state, q=q)
    return render(
        request,
        "surveys/list.html",
        {
            "page_title": _("问卷调查"),
            "rows": rows[:500],
            "state": state,
            "q": q,
            "tabs": STATE_TABS,
            "can_create": perms.can(request.user, SURVEY_MANAGE),
        },
    )


def _organizations(request: HttpRequest) -> Any:
    return perms.visible_organizations(request.user, SURVEY_MANAGE).order_by("path")


@require_http_methods(["GET", "POST"])
@login_required
def survey_create(request: HttpRequest) -> HttpResponse:
    """A new survey; a domain page may link here with ``subject_type``, ``subject_id`` and
    ``subject_label`` (and ``organization``) in the query to tie the survey to its subject."""
    if not perms.can(request.user, SURVEY_MANAGE):
        raise Http404
    organizations = _organizations(request)
    initial = {k: request.GET.get(k, "") for k in ("subject_type", "subject_id", "subject_label")}
    own = request.user.organization_id
    in_scope = organizations.filter(pk=own).exists()
    initial["organization"] = request.GET.get("organization") or (own if in_scope else None)
    if initial["subject_label"]:
        initial["title"] = f"{initial['subject_label']}服务对象满意度调查"
    form = forms.SurveyForm(request.POST or None, organizations=organizations, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        survey = run_for_form(form, lambda: services.survey_create(actor=request.user, **data))
        if survey is not None:
            messages.success(request, _("已新建问卷，请添加题目。"))
            return redirect("surveys:detail", pk=survey.pk)
    return render(
        request,
        "surveys/survey_form.html",
        {"page_title": _("新建问卷"), "form": form, "subject_label": initial["subject_label"]},
    )


@require_http_methods(["GET", "POST"])
@login_required
def survey_edit(request: HttpRequest, pk: int) -> HttpResponse:
    survey = queries.get_survey_for_user(request.user, pk, write=True)
    form = forms.SurveyForm(
        request.POST or None,
        organizations=Organization.objects.filter(pk=survey.organization_id),
        initial={
            "organization": survey.organization_id,
            "title": survey.title,
            "description": survey.description,
            "ip_hourly_limit": survey.ip_hourly_limit,
            "subject_type": survey.subject_type,
            "subject_id": survey.subject_id,
            "subject_label": survey.subject_label,
        },
    )
    if not survey.is_draft:  # once published only the flood limit may change
        for name, field in form.fields.items():
            field.disabled = name != "ip_hourly_limit"
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("organization")
        if not survey.is_draft:
            data = {"ip_hourly_limit": data["ip_hourly_limit"]}
        done = run_for_form(
            form, lambda: services.survey_update(actor=request.user, survey=survey, **data)
        )
        if done is not None:
            messages.success(request, _("已保存。"))
            return redirect("surveys:detail", pk=survey.pk)
    return render(
        request,
        "surveys/survey_form.html",
        {
            "page_title": _("修改问卷"),
            "form": form,
            "survey": survey,
            "subject_label": survey.subject_label,
        },
    )


@require_GET
@login_required
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The builder while draft; the survey's link and state once published."""
    survey = queries.get_survey_for_user(request.user, pk)
    can_manage = perms.can(request.user, SURVEY_MANAGE, survey.organization)
    return render(
        request,
        "surveys/detail.html",
        {
            "page_title": survey.title,
            "survey": survey,
            "questions": queries.questions_with_options(survey),
            "can_manage": can_manage,
            "question_form": forms.QuestionForm(initial={"kind": QuestionKind.RATING}),
            "publish_form": forms.PublishForm(),
            "tokens_form": forms.TokensForm(),
            "public_url": public_url(request, survey) if survey.slug else "",
            "answer_count": survey.responses.count(),
            "token_counts": _token_counts(survey),
        },
    )


def _token_counts(survey: Survey) -> dict[str, int]:
    total = survey.tokens.count()
    used = survey.tokens.filter(used_at__isnull=False).count() if total else 0
    return {"total": total, "used": used}


def _question_call(form: forms.QuestionForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data["satisfaction"] = data.get("satisfaction") or ""
    return data


@require_http_methods(["GET", "POST"])
@login_required
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    survey = queries.get_survey_for_user(request.user, pk, write=True)
    form = forms.QuestionForm(request.POST or None, initial={"kind": QuestionKind.RATING})
    if request.method == "POST" and form.is_valid():
        data = _question_call(form)
        done = run_for_form(
            form, lambda: services.question_add(actor=request.user, survey=survey, **data)
        )
        if done is not None:
            messages.success(request, _("已添加题目。"))
            return redirect(reverse("surveys:detail", kwargs={"pk": survey.pk}) + "#questions")
    return render(
        request,
        "surveys/question_form.html",
        {"page_title": _("添加题目"), "survey": survey, "form": form},
    )


def _question(survey: Survey, qid: int) -> Question:
    return get_object_or_404(Question, pk=qid, survey=survey)


def _question_action(
    request: HttpRequest, survey: Survey, call: Callable[[], Any], done: str
) -> HttpResponse:
    """Move or delete: with htmx, the question list comes back in place (with the refusal,
    if any); without script, the page reloads with a message."""
    if not request.htmx:  # type: ignore[attr-defined]
        run_with_message(request, call, done)
        return redirect(reverse("surveys:detail", kwargs={"pk": survey.pk}) + "#questions")
    error = ""
    try:
        call()
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        error = exc.message
    return render(
        request,
        "surveys/_questions.html",
        {
            "survey": survey,
            "questions": queries.questions_with_options(survey),
            "can_manage": True,
            "question_error": error,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def question_edit(request: HttpRequest, pk: int, qid: int) -> HttpResponse:
    survey = queries.get_survey_for_user(request.user, pk, write=True)
    question = _question(survey, qid)
    initial = {
        "kind": question.kind,
        "text": question.text,
        "help_text": question.help_text,
        "required": question.required,
        "satisfaction": question.satisfaction,
        "options": forms.options_text(question.options.order_by("position")),
    }
    form = forms.QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = _question_call(form)
        done = run_for_form(
            form, lambda: services.question_update(actor=request.user, question=question, **data)
        )
        if done is not None:
            messages.success(request, _("已保存题目。"))
            return redirect(reverse("surveys:detail", kwargs={"pk": survey.pk}) + "#questions")
    return render(
        request,
        "surveys/question_form.html",
        {"page_title": _("修改题目"), "survey": survey, "form": form, "question": question},
    )


@require_POST
@login_required
def question_move(request: HttpRequest, pk: int, qid: int) -> HttpResponse:
    survey = queries.get_survey_for_user(request.user, pk, write=True)
    question = _question(survey, qid)
    offset = -1 if request.POST.get("direction") == "up" else 1
    return _question_action(
        request,
        survey,
        lambda: services.question_move(actor=request.user, question=question, offset=offset),
        _("已调整顺序。"),
    )


@require_POST
@login_required
def question_delete(request: HttpRequest, pk: int, qid: int) -> HttpResponse:
    survey = queries.get_survey_for_user(request.user, pk, write=True)
    question = _question(survey, qid)
    return _question_action(
        request,
        survey,
        lambda: services.question_delete(actor=request.user, question=question),
        _("已删除题目。"),
    )


@require_POST
@login_required
def survey_publish(request: HttpRequest, pk: int) -> HttpResponse:
    survey = queries.get_survey_for_user(request.user, pk, write=True)
    form = forms.PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(m for ms in form.errors.values() for m in ms))
        return redirect("surveys:detail", pk=survey.pk)
    data = form.cleaned_data
    run_with_message(
        request,
        lambda: services.survey_publish(
            actor=request.user,
            survey=survey,
            tokens=data["tokens"],
            token_required=data["token_required"],
        ),
        _("问卷已发布，可以分享链接或打印邀请函。"),
    )
    return redirect("surveys:detail", pk=survey.pk)


@require_POST
@login_required
def survey_close(request: HttpRequest, pk: int) -> HttpResponse:
    survey = queries.get_survey_for_user(request.user, pk, write=True)
    run_with_message(
        request,
        lambda: services.survey_close(actor=request.user, survey=survey),
        _("问卷已结束收集。"),
    )
    return redirect("surveys:detail", pk=survey.pk)


@require_POST
@login_required
def tokens_add(request: HttpRequest, pk: int) -> HttpResponse:
    survey = queries.get_survey_for_user(request.user, pk, write=True)
    form = forms.TokensForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(m for ms in form.errors.values() for m in ms))
        return redirect("surveys:detail", pk=survey.pk)
    count = form.cleaned_data["count"]
    run_with_message(
        request,
        lambda: services.survey_tokens_add(actor=request.user, survey=survey, count=count),
        _("已增发%(count)d个邀请码。") % {"count": count},
    )
    return redirect("surveys:detail", pk=survey.pk)


@require_GET
@login_required
def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = queries.get_survey_for_user(request.user, pk)
    figures = queries.question_figures(survey)
    texts = queries.text_answers(survey, limit=TEXT_ANSWERS_SHOWN)
    chart_data = [
        {
            "id": f.question_id,
            "kind": f.kind,
            "title": f"{f.number}. {f.text}",
            "labels": [o.label for o in f.options],
            "counts": [o.count for o in f.options],
        }
        for f in figures
        if f.kind != QuestionKind.TEXT
    ]
    return render(
        request,
        "surveys/results.html",
        {
            "page_title": f"{survey.title} · {_('结果')}",
            "survey": survey,
            "figures": figures,
            "texts": texts,
            "satisfaction": queries.satisfaction(survey),
            "chart_data": chart_data,
        },
    )


@require_GET
@login_required
def survey_export(request: HttpRequest, pk: int) -> HttpResponse:
    survey = queries.get_survey_for_user(request.user, pk)
    data = excel.export_answers(survey, list(survey.questions.order_by("position", "pk")))
    return _file(data, f"{survey.title}_{_('答卷')}.xlsx", XLSX)


@require_GET
@login_required
def survey_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable page: title, QR code, link and the invitation codes (unused ones by
    default, all with ``?all=1``), each on a slip with a QR code that opens the survey with
    the code filled in."""
    survey = queries.get_survey_for_user(request.user, pk, write=True)
    if not survey.slug:
        raise Http404
    tokens = survey.tokens.order_by("pk")
    if request.GET.get("all") != "1":
        tokens = tokens.filter(used_at__isnull=True)
    link = public_url(request, survey)
    slips = [
        {
            "code": t.code,
            "used": t.used_at is not None,
            "qr": qr.qr_data_uri(f"{link}?t={t.code}") if i < SLIP_QR_LIMIT else "",
        }
        for i, t in enumerate(tokens)
    ]
    return render(
        request,
        "surveys/invitation.html",
        {
            "page_title": f"{survey.title} · {_('邀请函')}",
            "survey": survey,
            "public_url": link,
            "tokens": slips,
        },
    )


@require_GET
@login_required
def survey_qr(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    survey = queries.get_survey_for_user(request.user, pk)
    if not survey.slug or fmt not in ("svg", "png"):
        raise Http404
    url = public_url(request, survey)
    if fmt == "svg":
        response = HttpResponse(qr.qr_svg(url), content_type="image/svg+xml")
    else:
        response = HttpResponse(qr.qr_png(url), content_type="image/png")
    if request.GET.get("download") == "1":
        response["Content-Disposition"] = content_disposition_header(
            True, f"{survey.title}_{_('二维码')}.{fmt}"
        )
    return response
