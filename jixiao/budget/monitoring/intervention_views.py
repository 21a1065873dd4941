"""Pages of the finance bureau's interventions and of tracking: thin — fetch in scope (404
outside it), call a service (403 when the role may not), render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.budget import permissions as actions
from jixiao.budget import queries as budget_queries
from jixiao.budget.models import Project
from jixiao.budget.monitoring import forms as monitoring_forms
from jixiao.budget.monitoring import intervention_forms as forms
from jixiao.budget.monitoring import interventions, tracking, tracking_excel, tracking_print
from jixiao.budget.monitoring.models import (
    CorrectionState,
    HoldKind,
    MidYearReviewItem,
    MonitoringForm,
    MonitoringRound,
    ProjectHold,
    TrackingRecord,
    TrackingState,
)
from jixiao.budget.monitoring.services import approved_projects
from jixiao.documents.excel import ImportRefused
from jixiao.lib.actions import run_for_form, run_with_message
from jixiao.lib.pages import paginate
from jixiao.orgs import permissions as perms
from jixiao.orgs.models import Organization, OrgKind

MANAGE, FILL, VIEW = actions.MONITORING_MANAGE, actions.MONITORING_FILL, actions.MONITORING_VIEW
STAGE_ROWS_BLANK = 3  # empty rows under the stages already written


def _year(request: HttpRequest) -> int:
    """The year being monitored: this year unless asked."""
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


def _years() -> range:
    this = timezone.localdate().year
    return range(this - 2, this + 2)


def _require_view(request: HttpRequest) -> None:
    if not perms.can(request.user, VIEW):
        raise Http404


def _bureau(request: HttpRequest, action: str = MANAGE) -> Organization:
    """The finance bureau the user acts for (404 for people who act for none)."""
    bureau = (
        perms.visible_organizations(request.user, action)
        .filter(kind=OrgKind.FINANCE_BUREAU)
        .order_by("depth", "path")
        .first()
    )
    if bureau is None:
        raise Http404
    return bureau


def _project(request: HttpRequest, pk: Any) -> Project:
    return budget_queries.get_project_for_user(request.user, pk, VIEW)


def _managed_projects(request: HttpRequest, year: int) -> Any:
    bureau = _bureau(request)
    return perms.filter_for_user(
        request.user,
        approved_projects(bureau, year).select_related("unit"),
        MANAGE,
        "unit",
    ).order_by("code")


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# --- Overview ----------------------------------------------------------------------------------


@require_GET
@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """What needs attention: overdue corrections and tracking, projects on hold."""
    _require_view(request)
    today = timezone.localdate()
    holds = perms.filter_for_user(
        request.user,
        ProjectHold.objects.filter(ended_at__isnull=True).select_related(
            "project", "project__unit"
        ),
        VIEW,
        "project__unit",
    )
    return render(
        request,
        "budget/monitoring/interventions/overview.html",
        {
            "page_title": _("监控纠偏与绩效跟踪"),
            "overdue_corrections": interventions.overdue_corrections(request.user, today)[:50],
            "waiting": interventions.corrections_for_user(
                request.user, state=CorrectionState.ANSWERED
            )[:50],
            "overdue_tracking": tracking.overdue_tracking(request.user, today)[:50],
            "holds": holds[:100],
            "can_manage": perms.can(request.user, MANAGE),
        },
    )


# --- Corrections ---------------------------------------------------------------------------------


@require_GET
@login_required
def correction_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    year, state = _year(request), request.GET.get("state", "")
    rows = interventions.corrections_for_user(request.user, fiscal_year=year, state=state)
    if request.GET.get("overdue"):
        rows = rows.filter(
            state__in=[CorrectionState.PENDING, CorrectionState.RETURNED],
            deadline__lt=timezone.localdate(),
        )
    return render(
        request,
        "budget/monitoring/interventions/correction_list.html",
        {
            "page_title": _("整改要求"),
            "rows": paginate(request, rows),
            "year": year,
            "years": _years(),
            "state": state,
            "states": CorrectionState.choices,
            "today": timezone.localdate(),
            "can_manage": perms.can(request.user, MANAGE),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def correction_new(request: HttpRequest) -> HttpResponse:
    if not perms.can(request.user, MANAGE):
        raise Http404
    year = _year(request)
    bureau = _bureau(request)
    initial = {"project": request.GET.get("project"), "round": request.GET.get("round")}
    form = forms.CorrectionForm(
        request.POST or None,
        initial=initial,
        projects=_managed_projects(request, year),
        rounds=MonitoringRound.objects.filter(bureau=bureau, fiscal_year=year),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = run_for_form(
            form,
            lambda: interventions.correction_require(actor=request.user, **data),
        )
        if created is not None:
            messages.success(request, _("已发出整改要求。"))
            return redirect("budget:correction", pk=created.pk)
    return render(
        request,
        "budget/monitoring/interventions/correction_new.html",
        {"page_title": _("责令整改"), "form": form, "year": year},
    )


def _correction_context(request: HttpRequest, correction: Any, **extra: Any) -> dict[str, Any]:
    unit = correction.project.unit
    can_answer = correction.awaits_unit and perms.can(request.user, FILL, unit)
    can_decide = correction.state == CorrectionState.ANSWERED and perms.can(
        request.user, MANAGE, unit
    )
    context = {
        "page_title": _("整改要求"),
        "correction": correction,
        "answers": correction.answers.select_related("answered_by", "decided_by"),
        "answer_form": forms.AnswerForm() if can_answer else None,
        "decision_form": forms.DecisionForm() if can_decide else None,
        "overdue": correction.awaits_unit and correction.deadline < timezone.localdate(),
    }
    context.update(extra)
    return context


@require_GET
@login_required
def correction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    correction = interventions.get_correction_for_user(request.user, pk)
    return render(
        request,
        "budget/monitoring/interventions/correction.html",
        _correction_context(request, correction),
    )


@require_POST
@login_required
def correction_answer(request: HttpRequest, pk: int) -> HttpResponse:
    correction = interventions.get_correction_for_user(request.user, pk)
    form = forms.AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        done = run_for_form(
            form,
            lambda: interventions.correction_answer(
                actor=request.user,
                request=correction,
                measures=data["measures"],
                attachment=data.get("attachment"),
            ),
        )
        if done is not None:
            messages.success(request, _("已提交整改答复，等待财政部门审核。"))
            return redirect("budget:correction", pk=correction.pk)
    context = _correction_context(request, correction, answer_form=form)
    return render(request, "budget/monitoring/interventions/correction.html", context, status=400)


@require_POST
@login_required
def correction_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The bureau's decision on the answer: ``decision`` = accept (办结) or return (退回)."""
    correction = interventions.get_correction_for_user(request.user, pk)
    comment = request.POST.get("comment", "")
    if request.POST.get("decision") == "accept":
        call = lambda: interventions.correction_accept(  # noqa: E731
            actor=request.user, request=correction, comment=comment
        )
        done = _("整改已办结。")
    else:
        call = lambda: interventions.correction_return(  # noqa: E731
            actor=request.user, request=correction, comment=comment
        )
        done = _("已退回整改答复。")
    run_with_message(request, call, done)
    return redirect("budget:correction", pk=correction.pk)


# --- A project's interventions: hold, money, corrections, tracking ----------------------------


@require_GET
@login_required
def project_interventions(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    can_manage = perms.can(request.user, MANAGE, project.unit)
    hold = interventions.active_hold(project)
    return render(
        request,
        "budget/monitoring/interventions/project.html",
        {
            "page_title": project.name,
            "project": project,
            "figures": interventions.budget_rows(Project.objects.filter(pk=project.pk))[0],
            "hold": hold,
            "holds": ProjectHold.objects.filter(project=project).select_related(
                "started_by", "ended_by"
            ),
            "corrections": project.correction_requests.all(),
            "tracking": project.tracking_records.select_related("round"),
            "moves_out": project.reallocations_out.prefetch_related("lines__target"),
            "moves_in": project.reallocations_in.select_related(
                "reallocation", "reallocation__source"
            ),
            "can_manage": can_manage,
            "can_fill": perms.can(request.user, FILL, project.unit),
            "reason_form": forms.ReasonForm() if can_manage else None,
            "can_suspend": can_manage and hold is None,
            "can_stop": can_manage and (hold is None or hold.kind == HoldKind.SUSPENDED),
            "can_resume": can_manage and hold is not None and hold.kind == HoldKind.SUSPENDED,
        },
    )


@require_POST
@login_required
def project_hold(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    """暂缓 / 停止 / 恢复执行 (``move``: suspend, stop, resume)."""
    project = _project(request, pk)
    reason = request.POST.get("reason", "")
    services = {
        "suspend": (interventions.project_suspend, _("项目已暂缓执行。")),
        "stop": (interventions.project_stop, _("项目已停止执行。")),
        "resume": (interventions.project_resume, _("项目已恢复执行。")),
    }
    if move not in services:
        raise Http404
    service, done = services[move]
    run_with_message(
        request, lambda: service(actor=request.user, project=project, reason=reason), done
    )
    return redirect("budget:project_interventions", pk=project.pk)


# --- Moving money and the reconciliation --------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def reallocation_new(request: HttpRequest) -> HttpResponse:
    if not perms.can(request.user, MANAGE):
        raise Http404
    year = _year(request)
    form = forms.ReallocationForm(
        request.POST or None,
        initial={"source": request.GET.get("source")},
        projects=_managed_projects(request, year),
    )
    if request.method == "POST" and form.is_valid():
        lines = form.line_pairs()
        if form.is_valid():
            data = form.cleaned_data
            move = run_for_form(
                form,
                lambda: interventions.reallocation_create(
                    actor=request.user, source=data["source"], lines=lines, reason=data["reason"]
                ),
            )
            if move is not None:
                amount = interventions.money(move.amount)
                messages.success(request, _("已调剂%(amount)s万元。") % {"amount": amount})
                return redirect(f"{_url('budget:reallocations')}?year={move.fiscal_year}")
    return render(
        request,
        "budget/monitoring/interventions/reallocation_new.html",
        {"page_title": _("资金调剂"), "form": form, "year": year},
    )


def _url(name: str, *args: Any) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


@require_GET
@login_required
def reallocation_list(request: HttpRequest) -> HttpResponse:
    """The year's moves and the reconciliation: approved totals equal available totals."""
    if not perms.can(request.user, MANAGE):
        raise Http404
    year = _year(request)
    bureau = _bureau(request)
    return render(
        request,
        "budget/monitoring/interventions/reallocations.html",
        {
            "page_title": _("资金调剂与预算核对"),
            "year": year,
            "years": _years(),
            "bureau": bureau,
            "moves": interventions.reallocations_for_user(request.user, year),
            "recon": interventions.reconciliation(bureau, year),
        },
    )


# --- Mid-year review -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def midyear_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    year = _year(request)
    can_manage = perms.can(request.user, MANAGE)
    form = None
    if can_manage:
        form = forms.MidYearForm(request.POST or None, projects=_managed_projects(request, year))
    elif request.method == "POST":
        raise Http404
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        review = run_for_form(
            form,
            lambda: interventions.midyear_review_create(
                actor=request.user,
                bureau=_bureau(request),
                fiscal_year=year,
                projects=list(data["projects"]),
                due_date=data["due_date"],
                title=data["title"],
            ),
        )
        if review is not None:
            messages.success(request, _("已发起中期评估。"))
            return redirect("budget:midyear_review", pk=review.pk)
    return render(
        request,
        "budget/monitoring/interventions/midyear_list.html",
        {
            "page_title": _("中期评估"),
            "year": year,
            "years": _years(),
            "reviews": interventions.midyear_reviews_for_user(request.user).filter(
                fiscal_year=year
            ),
            "form": form,
        },
    )


@require_GET
@login_required
def midyear_review(request: HttpRequest, pk: int) -> HttpResponse:
    review = interventions.get_midyear_review_for_user(request.user, pk)
    items = perms.filter_for_user(
        request.user, interventions.midyear_items(review), VIEW, "project__unit"
    )
    rows = [
        (item, forms.ConcludeForm(prefix=f"i{item.pk}") if not item.conclusion else None)
        for item in items
    ]
    return render(
        request,
        "budget/monitoring/interventions/midyear_review.html",
        {
            "page_title": review.title,
            "review": review,
            "rows": rows,
            "can_manage": perms.can(request.user, MANAGE, review.bureau),
        },
    )


@require_POST
@login_required
def midyear_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        perms.filter_for_user(
            request.user,
            MidYearReviewItem.objects.select_related("review", "project"),
            VIEW,
            "project__unit",
        ),
        pk=pk,
    )
    form = forms.ConcludeForm(request.POST, prefix=f"i{item.pk}")
    if not form.is_valid():
        messages.error(request, "；".join(m for ms in form.errors.values() for m in ms))
    else:
        data = form.cleaned_data
        run_with_message(
            request,
            lambda: interventions.midyear_review_conclude(actor=request.user, item=item, **data),
            _("已保存“%(project)s”的评估结论。") % {"project": item.project.name},
        )
    return redirect("budget:midyear_review", pk=item.review_id)


# --- Tracking ------------------------------------------------------------------------------------


@require_GET
@login_required
def tracking_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    year = _year(request)
    can_manage = perms.can(request.user, MANAGE)
    days = None
    if can_manage:
        bureau = _bureau(request)
        days = forms.DaysForm(initial={"days": tracking.due_days(bureau.pk, year)})
    return render(
        request,
        "budget/monitoring/interventions/tracking_list.html",
        {
            "page_title": _("绩效跟踪"),
            "year": year,
            "years": _years(),
            "rows": tracking.tracking_for_user(request.user, fiscal_year=year),
            "overdue": tracking.overdue_tracking(request.user),
            "today": timezone.localdate(),
            "days_form": days,
            "can_fill": perms.can(request.user, FILL),
        },
    )


@require_POST
@login_required
def tracking_settings(request: HttpRequest) -> HttpResponse:
    if not perms.can(request.user, MANAGE):
        raise Http404
    year = _year(request)
    form = forms.DaysForm(request.POST)
    if not form.is_valid():
        messages.error(request, tracking.DAYS_RANGE)
    else:
        run_with_message(
            request,
            lambda: tracking.tracking_days_set(
                actor=request.user,
                bureau=_bureau(request),
                fiscal_year=year,
                days=form.cleaned_data["days"],
            ),
            _("已保存报送期限。"),
        )
    return redirect(f"{_url('budget:tracking_list')}?year={year}")


@require_http_methods(["GET", "POST"])
@login_required
def tracking_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Start tracking project ``pk``: the round and the key targets."""
    project = _project(request, pk)
    if not perms.can(request.user, FILL, project.unit):
        raise Http404
    rounds = MonitoringRound.objects.filter(
        pk__in=MonitoringForm.objects.filter(project=project).values("round_id")
    )
    form = forms.TrackingStartForm(
        request.POST or None,
        rounds=rounds,
        indicators=project.annual_tree.indicators.filter(level=3).order_by(
            "parent_id", "position", "id"
        ),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        record = run_for_form(
            form,
            lambda: tracking.tracking_start(
                actor=request.user,
                project=project,
                round=data["round"],
                indicators=list(data["indicators"]),
            ),
        )
        if record is not None:
            messages.success(request, _("已开始绩效跟踪，请填写跟踪表。"))
            return redirect("budget:tracking", pk=record.pk)
    return render(
        request,
        "budget/monitoring/interventions/tracking_new.html",
        {"page_title": _("开始绩效跟踪"), "project": project, "form": form},
    )


def _tracking_context(request: HttpRequest, record: Any, **extra: Any) -> dict[str, Any]:
    unit = record.project.unit
    editable = record.state == TrackingState.DRAFT and perms.can(request.user, FILL, unit)
    stages = list(record.stages.all())
    context = {
        "page_title": _("绩效跟踪"),
        "record": record,
        "stages": stages,
        "blank_stages": range(len(stages) + 1, len(stages) + 1 + STAGE_ROWS_BLANK),
        "stage_rows": len(stages) + STAGE_ROWS_BLANK,
        "targets": list(record.targets.all()),
        "editable": editable,
        "overdue": record.state == TrackingState.DRAFT and record.due_date < timezone.localdate(),
        "key_form": forms.KeyTargetsForm(
            initial={"indicators": [t.indicator_id for t in record.targets.all()]},
            indicators=record.project.annual_tree.indicators.filter(level=3).order_by(
                "parent_id", "position", "id"
            ),
        )
        if editable
        else None,
        "report_form": forms.ReportForm(
            initial={field: text for field, _, text in record.report_sections()}
        ),
        "can_return": record.state == TrackingState.SUBMITTED
        and perms.can(request.user, MANAGE, unit),
        "problems": tracking.submit_problems(record) if editable else [],
    }
    context.update(extra)
    return context


@require_GET
@login_required
def tracking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = tracking.get_tracking_for_user(request.user, pk)
    return render(
        request,
        "budget/monitoring/interventions/tracking.html",
        _tracking_context(request, record),
    )


@require_POST
@login_required
def tracking_action(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """The tracking page's forms: key targets, stages, targets, report, generate, submit,
    return."""
    record = tracking.get_tracking_for_user(request.user, pk)
    handlers = {
        "targets_choose": _choose,
        "stages": _stages,
        "targets": _targets,
        "generate": lambda r, rec: (
            lambda: tracking.tracking_report_generate(actor=r.user, record=rec),
            _("已根据填报数据生成报告，可继续修改。"),
        ),
        "report": _report,
        "submit": lambda r, rec: (
            lambda: tracking.tracking_submit(actor=r.user, record=rec),
            _("已报送财政部门。"),
        ),
        "return": lambda r, rec: (
            lambda: tracking.tracking_return(
                actor=r.user, record=rec, reason=r.POST.get("reason", "")
            ),
            _("已退回。"),
        ),
    }
    if step not in handlers:
        raise Http404
    call, done = handlers[step](request, record)
    run_with_message(request, call, done)
    anchor = {"stages": "#stages", "targets": "#targets", "report": "#report"}.get(step, "")
    return redirect(f"{_url('budget:tracking', record.pk)}{anchor}")


def _choose(request: HttpRequest, record: Any) -> tuple[Any, str]:
    chosen = record.project.annual_tree.indicators.filter(
        level=3, pk__in=[v for v in request.POST.getlist("indicators") if v.isdigit()]
    )
    return (
        lambda: tracking.tracking_targets_choose(
            actor=request.user, record=record, indicators=list(chosen)
        ),
        _("已更新重点跟踪目标。"),
    )


def _stages(request: HttpRequest, record: Any) -> tuple[Any, str]:
    count = int(request.POST.get("rows") or 0) if request.POST.get("rows", "").isdigit() else 0
    stages = [
        {field: request.POST.get(f"{field}_{n}", "") for field in tracking.STAGE_FIELDS}
        for n in range(1, min(count, 100) + 1)
    ]
    return (
        lambda: tracking.tracking_stages_save(actor=request.user, record=record, stages=stages),
        _("已保存项目分阶段完成情况表。"),
    )


def _targets(request: HttpRequest, record: Any) -> tuple[Any, str]:
    rows = {
        row.pk: {
            field: request.POST.get(f"{field}_{row.pk}", "") for field in tracking.TARGET_FIELDS
        }
        for row in record.targets.all()
    }
    return (
        lambda: tracking.tracking_targets_save(actor=request.user, record=record, rows=rows),
        _("已保存绩效目标实现情况及纠偏表。"),
    )


def _report(request: HttpRequest, record: Any) -> tuple[Any, str]:
    sections = {field: request.POST.get(field, "") for field in tracking.SECTION_FIELDS}
    return (
        lambda: tracking.tracking_report_save(actor=request.user, record=record, sections=sections),
        _("已保存绩效跟踪结果报告。"),
    )


@require_GET
@login_required
def tracking_download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    record = tracking.get_tracking_for_user(request.user, pk)
    if kind == "pdf":
        return _download(
            tracking_print.report_pdf(record),
            tracking_print.filename(record, "pdf"),
            "application/pdf",
        )
    if kind == "docx":
        return _download(
            tracking_print.report_docx(record),
            tracking_print.filename(record, "docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    raise Http404


# --- Tracking forms in Excel ---------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
@login_required
def tracking_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The record's two tracking forms as a workbook (two sheets)."""
    record = tracking.get_tracking_for_user(request.user, pk)
    return _download(
        tracking_excel.export_record(record), tracking_excel.filename(record=record), XLSX
    )


@require_GET
@login_required
def tracking_list_export(request: HttpRequest) -> HttpResponse:
    """Every tracking record the user sees in the year, two sheets each."""
    _require_view(request)
    year = _year(request)
    records = tracking.tracking_for_user(request.user, fiscal_year=year).order_by(
        "project__code", "round_id"
    )
    return _download(
        tracking_excel.export_records(records), tracking_excel.filename(year=year), XLSX
    )


def _tracking_import_page(
    request: HttpRequest, records: Any, *, record: Any, year: int, done: str
) -> HttpResponse:
    form = monitoring_forms.ImportForm(request.POST or None, request.FILES or None)
    refused = None
    if request.method == "POST" and form.is_valid():
        try:
            result = tracking_excel.import_workbook(
                actor=request.user, records=records, file=form.cleaned_data["file"]
            )
        except ImportRefused as exc:
            refused = exc
        else:
            messages.success(
                request,
                _("已导入%(records)s个绩效跟踪的跟踪表：保存%(saved)s张，%(unchanged)s张未改动。")
                % {
                    "records": result.records,
                    "saved": result.saved,
                    "unchanged": result.unchanged,
                },
            )
            return redirect(done)
    return render(
        request,
        "budget/monitoring/interventions/tracking_import.html",
        {
            "page_title": _("导入绩效跟踪表"),
            "record": record,
            "year": year,
            "form": form,
            "refused": refused,
        },
        status=400 if refused is not None else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def tracking_import(request: HttpRequest, pk: int) -> HttpResponse:
    """The record's two tracking forms from a workbook (404 to whoever may not fill them)."""
    record = tracking.get_tracking_for_user(request.user, pk)
    if not perms.can(request.user, FILL, record.project.unit):
        raise Http404
    return _tracking_import_page(
        request,
        TrackingRecord.objects.filter(pk=record.pk),
        record=record,
        year=record.project.fiscal_year,
        done=_url("budget:tracking", record.pk),
    )


@require_http_methods(["GET", "POST"])
@login_required
def tracking_list_import(request: HttpRequest) -> HttpResponse:
    """The tracking forms of the year's records the user fills, from one workbook."""
    if not perms.can(request.user, FILL):
        raise Http404
    year = _year(request)
    return _tracking_import_page(
        request,
        tracking.tracking_for_user(request.user, fiscal_year=year),
        record=None,
        year=year,
        done=f"{_url('budget:tracking_list')}?year={year}",
    )
