"""Pages of what follows the evaluations (BUD-11…BUD-14): feedback and rectification,
disclosure (and the public site's pages, no login), accountability and the departments'
appraisal, reports, the year's rules. Thin: fetch in scope (404 outside it), call a service
(403 when the role may not), render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.budget.evaluation import queries
from jixiao.budget.evaluation import result_forms as forms
from jixiao.budget.evaluation.models import Evaluation, SelfEvaluation
from jixiao.budget.evaluation.queries import get_evaluation_for_user, get_self_evaluation_for_user
from jixiao.budget.evaluation.result_models import (
    DepartmentAppraisal,
    PublicationKind,
    PublicationState,
    RectificationState,
    ReportKind,
    ReportState,
)
from jixiao.budget.evaluation.results import (
    accountability,
    disclosure,
    excel,
    printing,
    rectification,
    reports,
    rules,
)
from jixiao.budget.evaluation.results.actions import RESULTS_ANSWER, RESULTS_MANAGE, RESULTS_VIEW
from jixiao.budget.evaluation.results.common import bureau_of, result_settings
from jixiao.budget.models import Project
from jixiao.lib import function_classes
from jixiao.lib.actions import run_for_form, run_with_message
from jixiao.lib.pages import paginate
from jixiao.orgs import permissions as perms
from jixiao.orgs.errors import DomainError, PermissionDeniedError
from jixiao.orgs.models import Organization, OrgKind

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(request: HttpRequest) -> int:
    """The evaluated year: last year unless asked (evaluation follows the year's end)."""
    try:
        return int(request.GET.get("year") or timezone.localdate().year - 1)
    except ValueError:
        return timezone.localdate().year - 1


def _years() -> range:
    this = timezone.localdate().year
    return range(this - 3, this + 2)


def _require(request: HttpRequest, action: str = RESULTS_VIEW) -> None:
    if not perms.can(request.user, action):
        raise Http404


def _bureau(request: HttpRequest, action: str = RESULTS_MANAGE) -> Organization:
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


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _base(request: HttpRequest, tab: str, **extra: Any) -> dict[str, Any]:
    user = request.user
    return {
        "tab": tab,
        "year": _year(request),
        "years": _years(),
        "today": timezone.localdate(),
        "can_manage": perms.can(user, RESULTS_MANAGE),
        "can_answer": perms.can(user, RESULTS_ANSWER),
        **extra,
    }


# --- Overview ----------------------------------------------------------------------------------


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The year's rectification at a glance (counts, by department), results still to send."""
    _require(request)
    year, today, user = _year(request), timezone.localdate(), request.user
    can_manage = perms.can(user, RESULTS_MANAGE)
    departments = rectification.counts_by_department(user, year, today)
    return render(
        request,
        "budget/results/home.html",
        _base(
            request,
            "home",
            page_title="结果应用与整改",
            departments=departments,
            totals={
                "total": sum(d.total for d in departments),
                "done": sum(d.done for d in departments),
                "waiting": sum(d.waiting for d in departments),
                "unresolved": sum(d.unresolved for d in departments),
                "overdue": sum(d.overdue for d in departments),
            },
            to_send=rectification.results_to_send(user, year) if can_manage else None,
            overdue=rectification.overdue_tasks(user, today, year)[:50],
            feedback=paginate(
                request, rectification.feedback_visible(user).filter(fiscal_year=year)
            ),
            proposed=disclosure.publications_visible(user, state=PublicationState.PROPOSED)[:50]
            if can_manage
            else [],
        ),
    )


# --- Sending a result --------------------------------------------------------------------------


def _result(request: HttpRequest, kind: str, pk: int) -> SelfEvaluation | Evaluation:
    if kind == "self":
        return get_self_evaluation_for_user(request.user, pk)
    if kind == "evaluation":
        return get_evaluation_for_user(request.user, pk)
    raise Http404


@require_http_methods(["GET", "POST"])
@login_required
def feedback_send(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    result = _result(request, kind, pk)
    if not perms.can(request.user, RESULTS_MANAGE, result.project.unit):
        raise Http404
    if request.method == "POST":
        form = forms.SendForm(request.POST)
        if form.is_valid():
            feedback = run_for_form(
                form,
                lambda: rectification.feedback_send(
                    actor=request.user,
                    self_evaluation=result if kind == "self" else None,  # type: ignore[arg-type]
                    evaluation=result if kind == "evaluation" else None,  # type: ignore[arg-type]
                    opinion=form.cleaned_data["opinion"],
                    problems=form.problem_lines(),
                ),
            )
            if feedback is not None:
                messages.success(request, "已将评价结果反馈给单位，整改任务已下达。")
                return redirect("budget:result_feedback", pk=feedback.pk)
    else:
        problems = "\n".join(rectification.problems_suggested(result))
        form = forms.SendForm(initial={"opinion": result.conclusion, "problems": problems})
    settings = result_settings(bureau_of(result.project.unit), result.project.fiscal_year)
    return render(
        request,
        "budget/results/send.html",
        _base(
            request,
            "home",
            page_title="反馈评价结果",
            result=result,
            form=form,
            months=settings.rectification_months,
        ),
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@login_required
def feedback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = rectification.get_feedback_for_user(request.user, pk)
    return render(
        request,
        "budget/results/feedback.html",
        _base(
            request,
            "home",
            page_title=f"评价结果反馈：{feedback.project.name}",
            feedback=feedback,
            tasks=feedback.tasks.order_by("position"),
            problem_form=forms.ProblemForm()
            if perms.can(request.user, RESULTS_MANAGE, feedback.unit)
            else None,
        ),
    )


@require_POST
@login_required
def feedback_add_task(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = rectification.get_feedback_for_user(request.user, pk)
    form = forms.ProblemForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        task = run_for_form(
            form,
            lambda: rectification.rectification_add(
                actor=request.user,
                feedback=feedback,
                problem=data["problem"],
                suggestion=data["suggestion"],
                deadline=data["deadline"],
            ),
        )
        if task is not None:
            messages.success(request, "已下达整改任务。")
            return redirect("budget:result_feedback", pk=feedback.pk)
    for error in form.non_field_errors() or [e for es in form.errors.values() for e in es]:
        messages.error(request, error)
    return redirect("budget:result_feedback", pk=feedback.pk)


# --- Rectification -----------------------------------------------------------------------------


@require_GET
@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    _require(request)
    year, today, user = _year(request), timezone.localdate(), request.user
    state = request.GET.get("state", "")
    if request.GET.get("overdue"):
        rows = rectification.overdue_tasks(user, today, year)
    elif request.GET.get("unresolved"):
        rows = rectification.unresolved_tasks(user, year)
    else:
        rows = rectification.tasks_visible(user, fiscal_year=year, state=state)
    department = request.GET.get("department", "")
    if department.isdigit():
        rows = rows.filter(project__department_id=int(department))
    return render(
        request,
        "budget/results/task_list.html",
        _base(
            request,
            "tasks",
            page_title="整改任务",
            rows=paginate(request, rows.order_by("deadline", "unit__path", "id")),
            states=RectificationState.choices,
            state=state,
        ),
    )


def _task_context(request: HttpRequest, task: Any, **extra: Any) -> dict[str, Any]:
    user = request.user
    answer_form = extra.pop("answer_form", None)
    if answer_form is None and task.awaits_unit and perms.can(user, RESULTS_ANSWER, task.unit):
        answer_form = forms.AnswerForm()
    decide = task.state == RectificationState.ANSWERED and perms.can(
        user, RESULTS_MANAGE, task.unit
    )
    return _base(
        request,
        "tasks",
        page_title=f"整改任务：{task.project.name}",
        task=task,
        answers=task.answers.select_related("answered_by", "decided_by").order_by("id"),
        answer_form=answer_form,
        decision_form=forms.CommentForm() if decide else None,
        overdue=task.awaits_unit and task.deadline < timezone.localdate(),
        **extra,
    )


@require_GET
@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = rectification.get_task_for_user(request.user, pk)
    return render(request, "budget/results/task.html", _task_context(request, task))


@require_POST
@login_required
def task_answer(request: HttpRequest, pk: int) -> HttpResponse:
    task = rectification.get_task_for_user(request.user, pk)
    form = forms.AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        done = run_for_form(
            form,
            lambda: rectification.rectification_answer(
                actor=request.user,
                task=task,
                measures=data["measures"],
                evidence=data.get("evidence"),
            ),
        )
        if done is not None:
            messages.success(request, "已提交整改答复，等待财政部门验收。")
            return redirect("budget:rectification", pk=task.pk)
    context = _task_context(request, task, answer_form=form)
    return render(request, "budget/results/task.html", context, status=400)


@require_POST
@login_required
def task_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """``decision`` = accept (验收通过) or return (退回)."""
    task = rectification.get_task_for_user(request.user, pk)
    comment = request.POST.get("comment", "")
    if request.POST.get("decision") == "accept":
        call = lambda: rectification.rectification_accept(  # noqa: E731
            actor=request.user, task=task, comment=comment
        )
        done = "整改已验收通过。"
    else:
        call = lambda: rectification.rectification_return(  # noqa: E731
            actor=request.user, task=task, comment=comment
        )
        done = "已退回整改答复。"
    run_with_message(request, call, done)
    return redirect("budget:rectification", pk=task.pk)


# --- Disclosure (in the platform) --------------------------------------------------------------


def _proposable(request: HttpRequest, year: int) -> Any:
    return perms.filter_for_user(
        request.user,
        Project.objects.filter(fiscal_year=year).select_related("unit"),
        RESULTS_ANSWER,
        "unit",
    ).order_by("code")


@require_http_methods(["GET", "POST"])
@login_required
def publication_list(request: HttpRequest) -> HttpResponse:
    """Proposals and published items in scope; the unit's form to propose one."""
    _require(request)
    year = _year(request)
    form = None
    if perms.can(request.user, RESULTS_ANSWER):
        form = forms.ProposeForm(
            request.POST or None, projects=_proposable(request, year), initial={"kind": "targets"}
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            report = None
            if data["kind"] == PublicationKind.REPORT:
                report = reports.issued_report_of(data["project"])
            done = run_for_form(
                form,
                lambda: disclosure.publication_propose(
                    actor=request.user,
                    project=data["project"],
                    kind=data["kind"],
                    report=report,
                    note=data["note"],
                ),
            )
            if done is not None:
                messages.success(request, "已提交公开申请，等待财政部门审核。")
                return redirect("budget:publication", pk=done.pk)
    elif request.method == "POST":
        raise Http404
    state = request.GET.get("state", "")
    rows = disclosure.publications_visible(request.user, state=state).filter(fiscal_year=year)
    return render(
        request,
        "budget/results/publication_list.html",
        _base(
            request,
            "publications",
            page_title="绩效信息公开",
            rows=paginate(request, rows),
            form=form,
            states=PublicationState.choices,
            state=state,
        ),
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@login_required
def publication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    publication = disclosure.get_publication_for_user(request.user, pk)
    can_manage = perms.can(request.user, RESULTS_MANAGE, publication.unit)
    content = publication.content
    if publication.state == PublicationState.PROPOSED:
        content = disclosure.content_of(publication)  # a preview of what would be published
    return render(
        request,
        "budget/results/publication.html",
        _base(
            request,
            "publications",
            page_title=publication.title,
            publication=publication,
            content=content,
            review=can_manage and publication.state == PublicationState.PROPOSED,
            withdraw=can_manage and publication.state == PublicationState.PUBLISHED,
            comment_form=forms.CommentForm(),
        ),
    )


@require_POST
@login_required
def publication_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    publication = disclosure.get_publication_for_user(request.user, pk)
    comment = request.POST.get("comment", "")
    calls = {
        "approve": (
            lambda: disclosure.publication_approve(
                actor=request.user, publication=publication, comment=comment
            ),
            "已公开。",
        ),
        "reject": (
            lambda: disclosure.publication_reject(
                actor=request.user, publication=publication, comment=comment
            ),
            "已退回公开申请。",
        ),
        "withdraw": (
            lambda: disclosure.publication_withdraw(
                actor=request.user, publication=publication, reason=comment
            ),
            "已撤回公开。",
        ),
    }
    if move not in calls:
        raise Http404
    call, done = calls[move]
    run_with_message(request, call, done)
    return redirect("budget:publication", pk=publication.pk)


# --- The public site (no login) ----------------------------------------------------------------


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    """Published items by year, department and sector, with search. No login."""
    get = request.GET
    filters = {
        "fiscal_year": _int(get.get("year", "")),
        "department": _int(get.get("department", "")),
        "sector": get.get("sector", "")[:3],
        "kind": get.get("kind", "") if get.get("kind", "") in PublicationKind.values else "",
        "q": get.get("q", "")[:100],
    }
    return render(
        request,
        "budget/results/public_list.html",
        {
            "page_title": "预算绩效信息公开",
            "rows": paginate(request, disclosure.published(**filters)),
            "facets": disclosure.facets(),
            "kinds": PublicationKind.choices,
            "filters": filters,
        },
    )


@require_GET
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One published item, from its frozen copy; 404 for anything not published."""
    publication = disclosure.get_published(pk)
    return render(
        request,
        "budget/results/public_detail.html",
        {
            "page_title": publication.title,
            "publication": publication,
            "content": publication.content,
            "sector": function_classes.label(publication.sector) if publication.sector else "",
        },
    )


# --- The year's rules --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    bureau = _bureau(request)
    year = _year(request)
    current = result_settings(bureau, year)
    fields = list(rules.FIELDS)
    form = forms.SettingsForm(
        request.POST or None, initial={f: getattr(current, f) for f in fields}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_for_form(
            form,
            lambda: rules.result_settings_set(
                actor=request.user,
                bureau=bureau,
                fiscal_year=year,
                rectification_months=data["rectification_months"],
                declaration_due=data["declaration_due"],
                self_evaluation_due=data["self_evaluation_due"],
                weights={
                    "timeliness": data["weight_timeliness"],
                    "coverage": data["weight_coverage"],
                    "quality": data["weight_quality"],
                    "rectification": data["weight_rectification"],
                },
                commend_top=data["commend_top"],
                notify_bottom=data["notify_bottom"],
            ),
        )
        if done is not None:
            messages.success(request, "已保存结果应用规则。")
            return redirect(f"{request.path}?year={year}")
    return render(
        request,
        "budget/results/settings.html",
        _base(request, "settings", page_title="结果应用规则", form=form, bureau=bureau),
        status=400 if request.method == "POST" else 200,
    )


# --- Accountability and the departments' appraisal ---------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def accountability_page(request: HttpRequest) -> HttpResponse:
    _require(request)
    year = _year(request)
    form = None
    if perms.can(request.user, RESULTS_MANAGE):
        organizations = perms.visible_organizations(request.user, RESULTS_MANAGE).filter(
            kind__in=[OrgKind.BUDGET_UNIT, OrgKind.SUPERVISING_DEPARTMENT]
        )
        projects = perms.filter_for_user(
            request.user,
            Project.objects.filter(fiscal_year=year).select_related("unit"),
            RESULTS_MANAGE,
            "unit",
        ).order_by("code")
        form = forms.AccountabilityForm(
            request.POST or None,
            organizations=organizations.order_by("path"),
            projects=projects,
            initial={"decided_on": timezone.localdate()},
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            done = run_for_form(
                form,
                lambda: accountability.accountability_record(
                    actor=request.user, fiscal_year=year, **data
                ),
            )
            if done is not None:
                messages.success(request, "已登记问责。")
                return redirect(f"{request.path}?year={year}")
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "budget/results/accountability.html",
        _base(
            request,
            "accountability",
            page_title="问责",
            rows=paginate(request, accountability.accountability_visible(request.user, year)),
            form=form,
        ),
        status=400 if request.method == "POST" else 200,
    )


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError as exc:
        raise Http404 from exc


@require_GET
@login_required
def department_scores_page(request: HttpRequest) -> HttpResponse:
    """The departments' appraisal: the latest finalised version (or ``?version=``), the live
    computation while none is finalised or with ``?live=1``; ``?export=xlsx`` exports what is
    shown."""
    bureau = queries.results_bureau(request.user)
    year = _year(request)
    live = request.GET.get("live") == "1"
    try:
        appraisal = accountability.appraisal_for_user(
            request.user,
            bureau,
            year,
            version=_int_or_none(request.GET.get("version")),
            live=live,
        )
    except DepartmentAppraisal.DoesNotExist as exc:
        raise Http404 from exc
    if request.GET.get("export") == "xlsx":
        suffix = f"（第{appraisal.version.version}版）" if appraisal.version else "（未定稿）"
        return _download(
            excel.export_appraisal(appraisal),
            f"{year}年度部门预算绩效管理工作考核表{suffix}.xlsx",
            XLSX,
        )
    versions = list(accountability.appraisal_versions(bureau, year))
    can_finalise = perms.can(request.user, RESULTS_MANAGE, bureau)
    return render(
        request,
        "budget/results/departments.html",
        _base(
            request,
            "departments",
            page_title=_("部门预算绩效管理工作考核"),
            appraisal=appraisal,
            parts=accountability.PARTS,
            versions=versions,
            latest=versions[0] if versions else None,
            live=live,
            can_finalise=can_finalise,
            finalise_form=forms.FinaliseForm() if can_finalise else None,
        ),
    )


@require_POST
@login_required
def department_scores_finalise(request: HttpRequest) -> HttpResponse:
    """定稿 (the bureau): store the year's scores as the next version."""
    bureau = _bureau(request)
    year = _year(request)
    form = forms.FinaliseForm(request.POST)
    url = f"{reverse('budget:department_scores')}?year={year}"
    if not form.is_valid():  # pragma: no cover (an optional text field)
        return redirect(url)
    run_with_message(
        request,
        lambda: accountability.department_appraisal_finalise(
            actor=request.user,
            bureau=bureau,
            fiscal_year=year,
            reason=form.cleaned_data["reason"],
        ),
        _("已定稿，考核结果已保存为新版本。"),
    )
    return redirect(url)


@require_GET
@login_required
def department_scores_versions(request: HttpRequest) -> HttpResponse:
    """The finalised versions of the year: who, when, why, the rules used."""
    bureau = queries.results_bureau(request.user)
    year = _year(request)
    versions = list(accountability.appraisal_versions(bureau, year))
    return render(
        request,
        "budget/results/department_versions.html",
        _base(
            request,
            "departments",
            page_title=_("历次定稿"),
            bureau=bureau,
            versions=versions,
            parts=accountability.PARTS,
        ),
    )


# --- Reports -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    """The reports in scope; buttons to generate the ones the user writes."""
    _require(request)
    year, user = _year(request), request.user
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind == ReportKind.EVALUATION:
            evaluation = get_evaluation_for_user(user, request.POST.get("evaluation"))
            call = lambda: reports.report_generate(  # noqa: E731
                actor=user, kind=kind, evaluation=evaluation
            )
        elif kind in (ReportKind.UNIT, ReportKind.SUMMARY):
            organization = perms.get_organization_for_user(
                user, request.POST.get("organization"), RESULTS_VIEW
            )
            call = lambda: reports.report_generate(  # noqa: E731
                actor=user, kind=kind, organization=organization, fiscal_year=year
            )
        else:
            raise Http404
        try:
            report = call()
        except PermissionDeniedError as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(f"{request.path}?year={year}")
        messages.success(request, "已根据数据生成报告草稿，可继续修改。")
        return redirect("budget:performance_report", pk=report.pk)
    own = perms.visible_organizations(user, RESULTS_ANSWER).filter(
        kind__in=[OrgKind.BUDGET_UNIT, OrgKind.SUPERVISING_DEPARTMENT]
    )
    bureaus = perms.visible_organizations(user, RESULTS_MANAGE).filter(kind=OrgKind.FINANCE_BUREAU)
    return render(
        request,
        "budget/results/report_list.html",
        _base(
            request,
            "reports",
            page_title="绩效报告",
            rows=reports.reports_visible(user, year).order_by("kind", "organization__path", "id"),
            units=own.order_by("path")[:50],
            bureaus=bureaus.order_by("path")[:5],
            evaluations=reports.finished_without_report(user, year)
            if perms.can(user, RESULTS_MANAGE)
            else [],
        ),
    )


@require_http_methods(["GET", "POST"])
@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = reports.get_report_for_user(request.user, pk)
    editable = report.state == ReportState.DRAFT and reports.may_write(request.user, report)
    if request.method == "POST":
        if not editable:
            raise Http404
        step = request.POST.get("step", "save")
        sections = {s["key"]: request.POST.get(s["key"], s["text"]) for s in report.sections}
        if step == "issue":
            saved = run_with_message(
                request,
                lambda: reports.report_save(actor=request.user, report=report, sections=sections),
                "已保存。",
            )
            if saved:
                run_with_message(
                    request,
                    lambda: reports.report_issue(actor=request.user, report=report),
                    "报告已印发，不能再修改。",
                )
        else:
            run_with_message(
                request,
                lambda: reports.report_save(actor=request.user, report=report, sections=sections),
                "已保存报告。",
            )
        return redirect("budget:performance_report", pk=report.pk)
    return render(
        request,
        "budget/results/report.html",
        _base(
            request,
            "reports",
            page_title=report.title,
            report=report,
            editable=editable,
            tables=printing.tables(report),
        ),
    )


@require_GET
@login_required
def report_download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    report = reports.get_report_for_user(request.user, pk)
    if kind == "pdf":
        return _download(
            printing.report_pdf(report), printing.filename(report, "pdf"), "application/pdf"
        )
    if kind == "docx":
        return _download(printing.report_docx(report), printing.filename(report, "docx"), DOCX)
    raise Http404
