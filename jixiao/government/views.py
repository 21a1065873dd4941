"""Pages of government performance assessment: thin — parse, call a service, render."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.government import errors, external, forms, printing, queries, services, social
from jixiao.government import permissions as p
from jixiao.government.models import Item, ItemEvidence, Part, Rater, Scheme, SchemeState
from jixiao.government.scoring import SchemeResult, scheme_result
from jixiao.indicators.scoring import SheetError
from jixiao.lib import feeds
from jixiao.lib.actions import run_for_form, run_with_message
from jixiao.orgs import permissions as perms
from jixiao.orgs.models import Organization, OrgKind, User
from jixiao.workflow import queries as wf
from jixiao.workflow.models import WorkflowState

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _result(scheme: Scheme) -> SchemeResult:
    return scheme_result(scheme, external.scheme_feeds)


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# --- Schemes ---------------------------------------------------------------------------------


@require_GET
@login_required
def scheme_list(request: HttpRequest) -> HttpResponse:
    if not perms.can(request.user, p.SCHEME_VIEW):
        if perms.can(request.user, p.ITEM_SUBMIT):
            return redirect("government:my_items")
        raise Http404
    return render(
        request,
        "government/scheme_list.html",
        {
            "page_title": _("政府绩效考核方案"),
            "schemes": queries.schemes_for_user(request.user),
            "can_create": perms.can(request.user, p.SCHEME_MANAGE),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def scheme_create(request: HttpRequest) -> HttpResponse:
    if not perms.can(request.user, p.SCHEME_MANAGE):
        raise Http404
    organizations = perms.visible_organizations(request.user, p.SCHEME_MANAGE).exclude(
        kind__in=[OrgKind.OFFICE, OrgKind.TEAM]
    )
    form = forms.SchemeCreateForm(
        request.POST or None,
        organizations=organizations,
        initial={"year": timezone.localdate().year},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scheme = run_for_form(form, lambda: services.scheme_create(actor=request.user, **data))
        if scheme is not None:
            messages.success(request, _("已建立考核方案，请将各考核事项落实到责任科室和责任人。"))
            return redirect("government:scheme", pk=scheme.pk)
    return render(
        request, "government/scheme_form.html", {"page_title": _("新建考核方案"), "form": form}
    )


def _item_rows(user: Any, scheme: Scheme, result: SchemeResult) -> dict[str, list[dict]]:
    items = list(queries.items_for_user(user, scheme))
    cases = queries.cases_by_item(items)
    scores = {s.item.pk: s for s in result.items}
    parts: dict[str, list[dict]] = {Part.QUANTITATIVE: [], Part.SOCIAL: []}
    for item in items:
        parts[item.part].append(
            {"item": item, "case": cases.get(item.pk), "score": scores.get(item.pk)}
        )
    return parts


@require_GET
@login_required
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = queries.get_scheme_for_user(request.user, pk)
    manage = perms.can(request.user, p.SCHEME_MANAGE, scheme.organization)
    result = _result(scheme)
    rows = _item_rows(request.user, scheme, result)
    context = {
        "page_title": scheme.name,
        "scheme": scheme,
        "result": result,
        "parts": [(Part(k).label, v) for k, v in rows.items()],
        "manage": manage,
        "raters": scheme.raters.all(),
        "surveys": social.surveys_of(scheme),
        "feeds": external.feed_statuses(scheme),
    }
    if manage:
        context["settings_form"] = forms.SchemeSettingsForm(
            initial={
                f: getattr(scheme, f)
                for f in forms.SchemeSettingsForm.base_fields  # type: ignore[attr-defined]
            }
        )
    return render(request, "government/scheme_detail.html", context)


@require_POST
@login_required
def scheme_settings(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = queries.get_scheme_for_user(request.user, pk, manage=True)
    form = forms.SchemeSettingsForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        saved = run_for_form(
            form, lambda: services.scheme_update(actor=request.user, scheme=scheme, **data)
        )
        if saved is not None:
            messages.success(request, _("已保存方案设置。"))
            return redirect("government:scheme", pk=pk)
    for error in form.non_field_errors():
        messages.error(request, error)
    for name, errs in form.errors.items():
        if name != "__all__":
            messages.error(request, f"{form.fields[name].label}：{'；'.join(errs)}")
    return redirect("government:scheme", pk=pk)


@require_POST
@login_required
def raters_save(request: HttpRequest, pk: int) -> HttpResponse:
    """The rater components (names, weights, which is the assessment team) and the scores
    of the others, from one table."""
    scheme = queries.get_scheme_for_user(request.user, pk, manage=True)
    names = request.POST.getlist("name")
    weights = request.POST.getlist("weight")
    assessment = request.POST.get("assessment", "")
    try:
        specs = [
            services.RaterSpec(n.strip(), Decimal(w), str(i) == assessment)
            for i, (n, w) in enumerate(zip(names, weights, strict=True))
            if n.strip()
        ]
    except (ArithmeticError, ValueError):
        messages.error(request, _("权重应为数字。"))
        return redirect("government:scheme", pk=pk)
    if not run_with_message(
        request,
        lambda: services.scheme_set_raters(actor=request.user, scheme=scheme, raters=specs),
        _("已保存评价主体及权重。"),
    ):
        return redirect("government:scheme", pk=pk)
    scores = request.POST.getlist("score")
    notes = request.POST.getlist("note")
    kept = [n.strip() for n in names if n.strip()]
    raters = {r.name: r for r in Rater.objects.filter(scheme=scheme)}
    for name, raw, note in zip(kept, scores, notes, strict=False):
        rater = raters.get(name)
        if rater is None or rater.is_assessment:
            continue
        try:
            value = Decimal(raw) if raw.strip() else None
        except ArithmeticError:
            messages.error(request, _("评分应为数字。"))
            continue
        if value != rater.score or note.strip() != rater.note:
            run_with_message(
                request,
                lambda r=rater, v=value, n=note: services.rater_score_set(
                    actor=request.user, rater=r, score=v, note=n
                ),
                _("已保存%(name)s的评分。") % {"name": rater.name},
            )
    return redirect("government:scheme", pk=pk)


def _scheme_action(request: HttpRequest, pk: int, call: Any, done: str) -> HttpResponse:
    scheme = queries.get_scheme_for_user(request.user, pk, manage=True)
    run_with_message(request, lambda: call(actor=request.user, scheme=scheme), done)
    return redirect("government:scheme", pk=pk)


@require_POST
@login_required
def scheme_activate(request: HttpRequest, pk: int) -> HttpResponse:
    return _scheme_action(request, pk, services.scheme_activate, _("考核方案已启动实施。"))


@require_POST
@login_required
def scheme_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _scheme_action(
        request, pk, services.scheme_publish, _("已审核并在公开网站公开考核方案、标准和结果。")
    )


@require_POST
@login_required
def scheme_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    return _scheme_action(request, pk, services.scheme_unpublish, _("已撤销公开。"))


@require_http_methods(["GET", "POST"])
@login_required
def item_assign(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    scheme = queries.get_scheme_for_user(request.user, pk, manage=True)
    item = get_object_or_404(Item.objects.select_related("indicator"), pk=item_pk, scheme=scheme)
    offices = Organization.objects.filter(
        path__startswith=scheme.organization.path, is_active=True
    ).exclude(pk=scheme.organization_id)
    people = (
        User.objects.filter(organization__path__startswith=scheme.organization.path, is_active=True)
        .exclude(organization=scheme.organization)
        .select_related("organization")
    )
    initial = {
        "office": item.office_id,
        "responsible": item.responsible_id,
        "standard": item.standard,
        "deadline": item.deadline,
        "frequency": item.frequency,
        "aggregation": item.aggregation,
        "target_value": item.indicator.target_value,
    }
    form = forms.AssignForm(request.POST or None, offices=offices, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_for_form(
            form, lambda: services.item_assign(actor=request.user, item=item, **data)
        )
        if done is not None:
            messages.success(request, _("已落实责任：%(item)s") % {"item": item.indicator.name})
            return redirect("government:scheme", pk=pk)
    return render(
        request,
        "government/item_assign.html",
        {"page_title": _("落实责任"), "scheme": scheme, "item": item, "form": form},
    )


# --- Results, cadre summary, report ------------------------------------------------------------


@require_GET
@login_required
def scheme_result_page(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = queries.get_scheme_for_user(request.user, pk)
    result = _result(scheme)
    chart = {
        "parts": [{"name": part.label, "value": float(part.total)} for part in result.parts],
        "items": [
            {"name": s.item.indicator.name, "value": float(s.rate), "reviewed": s.reviewed}
            for s in result.items
        ],
    }
    return render(
        request,
        "government/result.html",
        {"page_title": _("考核结果"), "scheme": scheme, "result": result, "chart": chart},
    )


@require_GET
@login_required
def cadre_summary(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = queries.get_scheme_for_user(request.user, pk)
    summaries = queries.cadre_summaries(_result(scheme))
    return render(
        request,
        "government/cadres.html",
        {"page_title": _("干部考核汇总"), "scheme": scheme, "summaries": summaries},
    )


@require_GET
@login_required
def cadre_export(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = queries.get_scheme_for_user(request.user, pk)
    content = printing.cadre_xlsx(scheme, queries.cadre_summaries(_result(scheme)))
    return _download(content, f"{scheme.year}_干部年度考核结果汇总表.xlsx", XLSX)


def _report(request: HttpRequest, pk: int) -> printing.MeetingReport:
    scheme = queries.get_scheme_for_user(request.user, pk)
    return printing.meeting_report(scheme, _result(scheme), timezone.localdate())


@require_GET
@login_required
def report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    content = printing.meeting_report_docx(report)
    return _download(content, f"{report.scheme.year}_政府绩效管理工作进展情况报告.docx", DOCX)


@require_GET
@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    content = printing.meeting_report_pdf(report)
    return _download(
        content, f"{report.scheme.year}_政府绩效管理工作进展情况报告.pdf", "application/pdf"
    )


# --- Items: the responsible person and the leadership group's office ---------------------------


@require_GET
@login_required
def my_items(request: HttpRequest) -> HttpResponse:
    items = list(queries.my_items(request.user).prefetch_related("values"))
    cases = queries.cases_by_item(items)
    today = timezone.localdate()
    rows = queries.progress_rows(items, today)
    done = (WorkflowState.SUBMITTED, WorkflowState.APPROVED)
    return render(
        request,
        "government/my_items.html",
        {
            "page_title": _("我的责任事项"),
            "rows": [
                (
                    r,
                    cases.get(r.item.pk),
                    r.item.deadline is not None
                    and r.item.deadline < today
                    and getattr(cases.get(r.item.pk), "state", None) not in done,
                )
                for r in rows
            ],
        },
    )


@require_GET
@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    if not perms.can(request.user, p.ITEM_REVIEW):
        raise Http404
    cases = list(wf.review_queue(request.user, p.ITEM_WORKFLOW))
    items = {
        i.pk: i
        for i in queries.items_for_user(request.user).filter(pk__in=[c.subject_id for c in cases])
    }
    rows = [(c, items[c.subject_id]) for c in cases if c.subject_id in items]
    return render(
        request, "government/review_queue.html", {"page_title": _("待考核事项"), "rows": rows}
    )


def _item_context(request: HttpRequest, item: Item) -> dict[str, Any]:
    case = queries.case_of(item)
    editable = (
        item.scheme.state == SchemeState.ACTIVE
        and services.may_edit(request.user, item)
        and (case is None or case.is_editable)
    )
    reviewer = (
        case is not None
        and case.state == WorkflowState.SUBMITTED
        and perms.can(request.user, p.ITEM_REVIEW, case.reviewing_organization)
    )
    [progress] = queries.progress_rows([item], timezone.localdate())
    return {
        "page_title": item.indicator.name,
        "item": item,
        "case": case,
        "progress": progress,
        "values": item.values.all(),
        "evidence": item.evidence.all(),
        "editable": editable,
        "reviewer": reviewer,
        "history": wf.history(case) if case else [],
        "value_form": forms.ValueForm(),
        "self_form": forms.SelfEvaluationForm(
            initial={
                "self_check": item.self_check,
                "self_score": item.self_score,
                "self_explanation": item.self_explanation,
            }
        ),
        "evidence_form": forms.EvidenceForm(),
        "review_form": forms.ReviewForm(initial={"score": item.self_score}),
        "return_form": forms.ReturnForm(),
    }


@require_GET
@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = queries.get_item_for_user(request.user, pk)
    return render(request, "government/item_detail.html", _item_context(request, item))


def _item_form(
    request: HttpRequest, pk: int, form_class: type, key: str, call: Any, done: str
) -> HttpResponse:
    item = queries.get_item_for_user(request.user, pk)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        if run_for_form(form, lambda: call(item, data), also=(SheetError,)) is not None:
            messages.success(request, done)
            return redirect("government:item", pk=pk)
    context = _item_context(request, item)
    context[key] = form
    return render(request, "government/item_detail.html", context, status=400)


@require_POST
@login_required
def value_save(request: HttpRequest, pk: int) -> HttpResponse:
    if getattr(request, "htmx", False):
        return _value_fragment(request, pk)
    return _item_form(
        request,
        pk,
        forms.ValueForm,
        "value_form",
        lambda item, data: services.item_value_set(actor=request.user, item=item, **data),
        _("已保存完成值。"),
    )


def _value_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    """The values card alone (htmx): the table and progress refreshed, or the form with its
    errors."""
    item = queries.get_item_for_user(request.user, pk)
    form = forms.ValueForm(request.POST)
    saved = ""
    if form.is_valid():
        data = form.cleaned_data
        call = lambda: services.item_value_set(actor=request.user, item=item, **data)  # noqa: E731
        if run_for_form(form, call) is not None:
            saved, form = _("已保存完成值。"), forms.ValueForm()
    context = _item_context(request, item)
    context.update(value_form=form, saved=saved)
    return render(request, "government/_values.html", context)


@require_POST
@login_required
def self_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_form(
        request,
        pk,
        forms.SelfEvaluationForm,
        "self_form",
        lambda item, data: services.item_self_evaluate(actor=request.user, item=item, **data),
        _("已保存自查自评。"),
    )


@require_POST
@login_required
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_form(
        request,
        pk,
        forms.EvidenceForm,
        "evidence_form",
        lambda item, data: services.evidence_add(actor=request.user, item=item, file=data["file"]),
        _("已上传佐证材料。"),
    )


@require_GET
@login_required
def evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    item = queries.get_item_for_user(request.user, pk)
    evidence = get_object_or_404(ItemEvidence, pk=evidence_pk, item=item)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.name)


@require_POST
@login_required
def evidence_remove(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    item = queries.get_item_for_user(request.user, pk)
    evidence = get_object_or_404(ItemEvidence, pk=evidence_pk, item=item)
    run_with_message(
        request,
        lambda: services.evidence_remove(actor=request.user, evidence=evidence),
        _("已删除佐证材料。"),
    )
    return redirect("government:item", pk=pk)


@require_POST
@login_required
def item_submit(request: HttpRequest, pk: int) -> HttpResponse:
    item = queries.get_item_for_user(request.user, pk)
    run_with_message(
        request,
        lambda: services.item_submit(actor=request.user, item=item),
        _("已提交自评，等待领导小组办公室考核。"),
    )
    return redirect("government:item", pk=pk)


@require_POST
@login_required
def item_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    item = queries.get_item_for_user(request.user, pk)
    run_with_message(
        request, lambda: services.item_withdraw(actor=request.user, item=item), _("已撤回。")
    )
    return redirect("government:item", pk=pk)


@require_POST
@login_required
def item_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_form(
        request,
        pk,
        forms.ReviewForm,
        "review_form",
        lambda item, data: services.item_review(actor=request.user, item=item, **data),
        _("已考核评分。"),
    )


@require_POST
@login_required
def item_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_form(
        request,
        pk,
        forms.ReturnForm,
        "return_form",
        lambda item, data: services.item_return(actor=request.user, item=item, **data),
        _("已退回责任人。"),
    )


# --- The public site (GOV-5) -------------------------------------------------------------------


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "government/public/list.html",
        {"page_title": _("政府绩效考核公开"), "schemes": queries.published_schemes()},
    )


@require_GET
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = queries.get_published_scheme(pk)
    result = _result(scheme)
    return render(
        request,
        "government/public/detail.html",
        {"page_title": scheme.name, "scheme": scheme, "result": result},
    )


@require_POST
@login_required
def feed_pull(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """从预算绩效考核取数 (the leadership group's office): the item chosen, or the one the
    source feeds by default, takes the source's latest stored value."""
    scheme = queries.get_scheme_for_user(request.user, pk, manage=True)
    source = feeds.get(key)
    if source is None:
        raise Http404
    chosen = request.POST.get("item", "")
    if chosen:
        item = get_object_or_404(Item.objects.select_related("indicator"), pk=chosen, scheme=scheme)
    else:
        item = services.feed_item(scheme, source)
    if item is None:
        messages.error(
            request, errors.FEED_NO_ITEM.format(name=source.item_name, label=source.label)
        )
        return redirect("government:scheme", pk=pk)
    item.scheme = scheme
    run_with_message(
        request,
        lambda: services.item_feed_pull(actor=request.user, item=item, source_key=source.key),
        _("已从%(source)s取数：%(item)s") % {"source": source.label, "item": item.indicator.name},
    )
    return redirect("government:scheme", pk=pk)


@require_POST
@login_required
def survey_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the standard public satisfaction questionnaire about the scheme."""
    scheme = queries.get_scheme_for_user(request.user, pk, manage=True)
    run_with_message(
        request,
        lambda: social.scheme_survey_create(actor=request.user, scheme=scheme),
        _("已发布群众满意度问卷，满意度将计入社会评估。"),
    )
    return redirect("government:scheme", pk=pk)
