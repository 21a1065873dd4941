"""Pages of budget performance management, part I: thin — parse, call a service, render."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.budget import excel, forms, printing, queries, services
from jixiao.budget import permissions as actions
from jixiao.budget.models import BudgetYearSettings, DeclarationKind, ExAnteAssessment, Project
from jixiao.documents.excel import ImportRefused
from jixiao.indicators.library import LIBRARY_MANAGE, get_entry_for_user
from jixiao.indicators.scoring import SheetError
from jixiao.indicators.views import library_context
from jixiao.lib.actions import run_for_form, run_with_message
from jixiao.lib.forms import BootstrapFormMixin
from jixiao.lib.pages import paginate
from jixiao.orgs import permissions as perms
from jixiao.orgs.errors import PermissionDeniedError
from jixiao.orgs.models import OrgKind
from jixiao.workflow import queries as wf
from jixiao.workflow.definitions import get_definition
from jixiao.workflow.models import WorkflowState

STATE_TABS = [("", gettext_lazy("全部")), *WorkflowState.choices]


def _this_year() -> int:
    return timezone.localdate().year


def _year(request: HttpRequest) -> int:
    """The budget year a page is about: by default next year's budget being prepared."""
    try:
        return int(request.GET.get("year") or _this_year() + 1)
    except ValueError:
        return _this_year() + 1


@require_GET
@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    if not perms.can(request.user, actions.PROJECT_VIEW):
        raise Http404
    year, state, q = _year(request), request.GET.get("state", ""), request.GET.get("q", "")
    kind = request.GET.get("kind", "")
    projects = queries.project_queryset(request.user, fiscal_year=year, q=q, kind=kind)
    counts = queries.project_state_counts(projects)
    if state:
        projects = queries.in_state(projects, state)
    page = paginate(request, projects)
    rows = queries.rows_of(list(page))
    tabs = [(value, label, counts.get(value or "all", 0)) for value, label in STATE_TABS]
    return render(
        request,
        "budget/project_list.html",
        {
            "page_title": "项目绩效目标申报",
            "rows": rows,
            "page": page,
            "kind": kind,
            "kinds": DeclarationKind.choices,
            "tabs": tabs,
            "state": state,
            "q": q,
            "year": year,
            "years": range(_this_year() - 2, _this_year() + 3),
            "can_create": perms.can(request.user, actions.PROJECT_CHANGE),
        },
    )


def _units(request: HttpRequest) -> Any:
    return perms.visible_organizations(request.user, actions.PROJECT_CHANGE).filter(
        kind__in=[OrgKind.BUDGET_UNIT, OrgKind.SUBORDINATE_UNIT]
    )


@require_http_methods(["GET", "POST"])
@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    if not perms.can(request.user, actions.PROJECT_CHANGE):
        raise Http404
    form = forms.ProjectForm(
        request.POST or None,
        units=_units(request),
        initial={
            "fiscal_year": _year(request),
            "is_new": "1",
            "start_year": _year(request),
            "end_year": _year(request),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        project = run_for_form(form, lambda: services.project_create(actor=request.user, **data))
        if project is not None:
            messages.success(request, f"已保存项目：{project.name}。请继续填写绩效指标。")
            return redirect("budget:project", pk=project.pk)
    return render(request, "budget/project_form.html", {"page_title": "新增项目", "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def department_create(request: HttpRequest) -> HttpResponse:
    """A unit's department overall expenditure declaration (部门整体支出)."""
    if not perms.can(request.user, actions.PROJECT_CHANGE):
        raise Http404
    form = forms.DepartmentForm(
        request.POST or None, units=_units(request), initial={"fiscal_year": _year(request)}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        declaration = run_for_form(
            form, lambda: services.department_declaration_create(actor=request.user, **data)
        )
        if declaration is not None:
            messages.success(request, f"已保存：{declaration.name}。请继续填写绩效指标。")
            return redirect("budget:project", pk=declaration.pk)
    return render(
        request,
        "budget/project_form.html",
        {"page_title": "新增部门整体支出绩效目标", "form": form},
    )


@require_http_methods(["GET", "POST"])
@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = queries.get_project_for_user(request.user, pk, actions.PROJECT_CHANGE)
    form_class = forms.DepartmentForm if project.is_department else forms.ProjectForm
    initial = {name: getattr(project, name) for name in form_class.base_fields}
    initial["is_new"] = "1" if project.is_new else "0"
    form = form_class(request.POST or None, units=_units(request), editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if getattr(project, k) != v}
        done = run_for_form(
            form, lambda: services.project_update(actor=request.user, project=project, **changes)
        )
        if done is not None:
            messages.success(request, "已保存。")
            return redirect("budget:project", pk=project.pk)
    return render(
        request,
        "budget/project_form.html",
        {"page_title": "编辑项目", "form": form, "project": project},
    )


def _groups(project: Project) -> Any:
    return (
        project.annual_tree.indicators.filter(level=2)
        .select_related("parent")
        .order_by("parent__position", "position")
    )


def _detail_context(request: HttpRequest, project: Project, **extra: Any) -> dict[str, Any]:
    case = services.case_of(project)
    editable = case.is_editable and perms.can(request.user, actions.PROJECT_CHANGE, project.unit)
    ex_ante = ExAnteAssessment.objects.filter(project=project).first()
    context = {
        "page_title": project.name,
        "project": project,
        "case": case,
        "rows": queries.target_rows(project),
        "check": services.targets_check(project),
        "editable": editable,
        "comments": wf.comments_by_item(case),
        "history": wf.history(case),
        "versions": list(wf.versions(case)),
        "ex_ante": ex_ante,
        "ex_ante_required": services.ex_ante_required(project),
        "can_submit": editable and perms.can(request.user, actions.TARGET_SUBMIT, project.unit),
        "can_withdraw": case.state == WorkflowState.SUBMITTED
        and perms.can(request.user, actions.TARGET_SUBMIT, project.unit),
        "can_review": _review_level(request, case) is not None,
        "can_assess": case.is_editable
        and perms.can(request.user, actions.EX_ANTE_ASSESS, project.unit),
        "audit_events": queries.project_audit_events(project, ex_ante)[:50],
        "indicator_form": forms.IndicatorForm(groups=_groups(project), year=project.fiscal_year)
        if editable
        else None,
        "adjust_form": forms.AdjustmentForm()
        if case.state == WorkflowState.APPROVED
        and perms.can(request.user, actions.TARGET_SUBMIT, project.unit)
        else None,
        "can_promote": case.state == WorkflowState.APPROVED
        and perms.can(request.user, LIBRARY_MANAGE),
    }
    context.update(extra)
    return context


def _review_level(request: HttpRequest, case: Any) -> Any:
    """The level the user may review now, or None."""
    if case.state != WorkflowState.SUBMITTED or case.current_level is None:
        return None
    level = get_definition(case.definition_key).levels[case.current_level]
    org = case.reviewing_organization
    if org is None or not perms.can(request.user, level.action, org):
        return None
    return level


@require_GET
@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = queries.get_project_for_user(request.user, pk)
    return render(request, "budget/project_detail.html", _detail_context(request, project))


@require_POST
@login_required
def indicator_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = queries.get_project_for_user(request.user, pk, actions.PROJECT_CHANGE)
    form = forms.IndicatorForm(request.POST, groups=_groups(project), year=project.fiscal_year)
    if form.is_valid():
        fields = form.indicator_fields()
        name = fields.pop("name")
        done = run_for_form(
            form,
            lambda: services.target_indicator_add(
                actor=request.user,
                project=project,
                parent=form.cleaned_data["group"],
                name=name,
                **fields,
            ),
        )
        if done is not None:
            messages.success(request, f"已添加指标：{name}")
            return redirect(f"{project_url(project)}#indicators")
    context = _detail_context(request, project, indicator_form=form)
    return render(request, "budget/project_detail.html", context, status=400)


def project_url(project: Project) -> str:
    from django.urls import reverse

    return reverse("budget:project", args=[project.pk])


@require_http_methods(["GET", "POST"])
@login_required
def indicator_edit(request: HttpRequest, pk: int, indicator_pk: int) -> HttpResponse:
    project = queries.get_project_for_user(request.user, pk, actions.PROJECT_CHANGE)
    indicator = get_object_or_404(project.annual_tree.indicators, pk=indicator_pk, level__gte=3)
    form = forms.IndicatorForm(
        request.POST or None,
        groups=_groups(project),
        year=project.fiscal_year,
        initial=forms.IndicatorForm.initial_from(indicator, project.fiscal_year),
    )
    if request.method == "POST" and form.is_valid():
        fields = form.indicator_fields(indicator.previous_values)
        done = run_for_form(
            form,
            lambda: services.target_indicator_update(
                actor=request.user, project=project, indicator=indicator, **fields
            ),
        )
        if done is not None:
            messages.success(request, f"已修改指标：{indicator.name}")
            return redirect(f"{project_url(project)}#indicators")
    return render(
        request,
        "budget/indicator_form.html",
        {
            "page_title": "修改指标",
            "project": project,
            "indicator": indicator,
            "form": form,
            "comments": wf.comments_by_item(services.case_of(project)).get(
                f"indicator:{indicator.pk}", []
            ),
        },
    )


@require_POST
@login_required
def indicator_delete(request: HttpRequest, pk: int, indicator_pk: int) -> HttpResponse:
    project = queries.get_project_for_user(request.user, pk, actions.PROJECT_CHANGE)
    indicator = get_object_or_404(project.annual_tree.indicators, pk=indicator_pk, level__gte=3)
    run_with_message(
        request,
        lambda: services.target_indicator_delete(
            actor=request.user, project=project, indicator=indicator
        ),
        f"已删除指标：{indicator.name}",
    )
    return redirect(f"{project_url(project)}#indicators")


@require_POST
@login_required
def project_submit(request: HttpRequest, pk: int) -> HttpResponse:
    project = queries.get_project_for_user(request.user, pk)
    run_with_message(
        request,
        lambda: services.target_submit(
            actor=request.user, project=project, comment=request.POST.get("comment", "")
        ),
        "已提交，等待审核。",
    )
    return redirect("budget:project", pk=project.pk)


@require_POST
@login_required
def project_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    project = queries.get_project_for_user(request.user, pk)
    run_with_message(
        request,
        lambda: services.target_withdraw(actor=request.user, project=project),
        "已撤回，可继续修改。",
    )
    return redirect("budget:project", pk=project.pk)


@require_http_methods(["GET", "POST"])
@login_required
def ex_ante(request: HttpRequest, pk: int) -> HttpResponse:
    project = queries.get_project_for_user(request.user, pk, actions.EX_ANTE_ASSESS)
    assessment = ExAnteAssessment.objects.filter(project=project).first()
    if assessment is None:
        if request.method != "POST" or "start" not in request.POST:
            return render(
                request,
                "budget/ex_ante.html",
                {
                    "page_title": "事前绩效评估",
                    "project": project,
                    "assessment": None,
                    "required": services.ex_ante_required(project),
                },
            )
        assessment = services.ex_ante_start(actor=request.user, project=project)
        return redirect("budget:ex_ante", pk=project.pk)
    criteria = list(assessment.tree.indicators.order_by("position", "id"))
    initial = {
        "conclusion": assessment.conclusion,
        "opinion": assessment.opinion,
        "approved_amount": assessment.approved_amount,
    }
    for c in criteria:
        saved = assessment.values.get(str(c.pk), {})
        initial[f"level_{c.pk}"] = saved.get("level")
        initial[f"score_{c.pk}"] = saved.get("score")
    form = forms.ExAnteForm(
        request.POST or None, request.FILES or None, criteria=criteria, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_for_form(
            form, lambda: _save_ex_ante(request, assessment, form, data), also=(SheetError,)
        )
        if done is not None:
            messages.success(request, "已保存事前绩效评估。")
            return redirect("budget:project", pk=project.pk)
    return render(
        request,
        "budget/ex_ante.html",
        {
            "page_title": "事前绩效评估",
            "project": project,
            "assessment": assessment,
            "form": form,
            "criteria": criteria,
            "required": services.ex_ante_required(project),
        },
    )


def _save_ex_ante(
    request: HttpRequest, assessment: ExAnteAssessment, form: Any, data: dict[str, Any]
) -> ExAnteAssessment:
    from django.db import transaction

    with transaction.atomic():
        services.ex_ante_assess(
            actor=request.user,
            assessment=assessment,
            values=form.values(),
            conclusion=data["conclusion"],
            opinion=data["opinion"],
            approved_amount=data.get("approved_amount"),
        )
        if data.get("report"):
            services.ex_ante_attach_report(
                actor=request.user, assessment=assessment, report=data["report"]
            )
    return assessment


@require_GET
@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    summary = wf.queue_summary(request.user, actions.TARGET_WORKFLOW)
    cases = wf.review_queue(request.user, actions.TARGET_WORKFLOW)
    if not (
        perms.can(request.user, actions.TARGET_REVIEW_DEPARTMENT)
        or perms.can(request.user, actions.TARGET_REVIEW_FINANCE)
        or cases.exists()
    ):
        raise Http404
    year = request.GET.get("year", "")
    if year.isdigit():
        of_year = Project.objects.filter(fiscal_year=int(year)).values("pk")
        cases = cases.filter(subject_id__in=of_year)
    page = paginate(request, cases)
    projects = Project.objects.select_related("unit").in_bulk([c.subject_id for c in page])
    rows = [(c, projects.get(c.subject_id)) for c in page]
    return render(
        request,
        "budget/review_queue.html",
        {
            "page_title": "绩效目标审核",
            "rows": rows,
            "page": page,
            "summary": summary,
            "year": int(year) if year.isdigit() else None,
            "years": range(_this_year() - 2, _this_year() + 3),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    project = queries.get_project_for_user(request.user, pk)
    case = services.case_of(project)
    level = _review_level(request, case)
    if level is None:
        raise Http404
    final = level.action == actions.TARGET_REVIEW_FINANCE
    form = forms.ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["decision"] == "approve":
            call = lambda: services.target_approve(  # noqa: E731
                actor=request.user,
                project=project,
                comment=data["comment"],
                approved_amount=data.get("approved_amount") if final else None,
            )
            done_text = "已审核通过。" if not final else "已批复。"
        else:
            items = [
                (key.removeprefix("item-"), text.strip())
                for key, text in request.POST.items()
                if key.startswith("item-indicator:") and text.strip()
            ]
            call = lambda: services.target_return(  # noqa: E731
                actor=request.user, project=project, comment=data["comment"], item_comments=items
            )
            done_text = "已退回。"
        if run_for_form(form, call) is not None:
            messages.success(request, done_text)
            return redirect("budget:review_queue")
    context = _detail_context(request, project, review_form=form, level=level, final=final)
    return render(
        request, "budget/review.html", context, status=400 if request.method == "POST" else 200
    )


@require_GET
@login_required
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    project = queries.get_project_for_user(request.user, pk)
    case = services.case_of(project)
    versions = {v.number: v for v in wf.versions(case)}
    try:
        a, b = versions[int(request.GET["a"])], versions[int(request.GET["b"])]
    except (KeyError, ValueError) as exc:
        raise Http404 from exc
    return render(
        request,
        "budget/compare.html",
        {
            "page_title": "版本比较",
            "project": project,
            "a": a,
            "b": b,
            "diff": wf.diff_versions(a, b),
        },
    )


@require_GET
@login_required
def library_pick(request: HttpRequest, pk: int) -> HttpResponse:
    """The library searched from a declaration, with "添加到申报表" per entry."""
    project = queries.get_project_for_user(request.user, pk, actions.PROJECT_CHANGE)
    return render(
        request,
        "budget/library_pick.html",
        {
            "page_title": "从指标库添加",
            "project": project,
            "action_template": "budget/_library_add.html",
            **library_context(request),
        },
    )


@require_POST
@login_required
def library_add(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    project = queries.get_project_for_user(request.user, pk, actions.PROJECT_CHANGE)
    entry = get_entry_for_user(request.user, entry_pk)
    form = forms.LibraryAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(m for ms in form.errors.values() for m in ms))
        return redirect("budget:library_pick", pk=project.pk)
    run_with_message(
        request,
        lambda: services.target_indicator_from_library(
            actor=request.user, project=project, entry=entry, **form.cleaned_data
        ),
        f"已从指标库添加：{entry.name}",
    )
    return redirect(f"{project_url(project)}#indicators")


@require_POST
@login_required
def indicator_promote(request: HttpRequest, pk: int, indicator_pk: int) -> HttpResponse:
    project = queries.get_project_for_user(request.user, pk)
    indicator = get_object_or_404(project.annual_tree.indicators, pk=indicator_pk, level__gte=3)
    run_with_message(
        request,
        lambda: services.target_indicator_promote(
            actor=request.user, project=project, indicator=indicator
        ),
        f"已将“{indicator.name}”纳入指标库。",
    )
    return redirect(f"{project_url(project)}#indicators")


@require_POST
@login_required
def adjustment_request(request: HttpRequest, pk: int) -> HttpResponse:
    project = queries.get_project_for_user(request.user, pk)
    form = forms.AdjustmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写调整理由。")
        return redirect("budget:project", pk=project.pk)
    run_with_message(
        request,
        lambda: services.target_adjust_request(
            actor=request.user, project=project, **form.cleaned_data
        ),
        "已发起调整，修改后请重新提交审核。",
    )
    return redirect("budget:project", pk=project.pk)


@require_http_methods(["GET", "POST"])
@login_required
def control_numbers(request: HttpRequest) -> HttpResponse:
    """Control numbers against requested, cut and approved amounts, per department."""
    if not (
        perms.can(request.user, actions.SETTINGS_MANAGE)
        or perms.can(request.user, actions.TARGET_REVIEW_DEPARTMENT)
    ):
        raise Http404
    year = _year(request)
    if request.method == "POST":
        department = perms.get_organization_for_user(
            request.user, request.POST.get("department"), actions.SETTINGS_MANAGE
        )
        form = forms.ControlNumberForm(request.POST)
        if form.is_valid():
            run_with_message(
                request,
                lambda: services.control_number_set(
                    actor=request.user,
                    department=department,
                    fiscal_year=year,
                    amount=form.cleaned_data["amount"],
                ),
                f"已设置{department.name}预算控制数。",
            )
        else:
            messages.error(request, "控制数应为不小于0的金额。")
        return redirect(f"{request.path}?year={year}")
    rows = queries.control_report(request.user, year)
    return render(
        request,
        "budget/control_numbers.html",
        {
            "page_title": "预算控制数",
            "rows": rows,
            "year": year,
            "years": range(_this_year() - 2, _this_year() + 3),
            "can_set": perms.can(request.user, actions.SETTINGS_MANAGE),
            "totals": {
                k: sum((getattr(r, k) for r in rows), Decimal(0))
                for k in ("requested", "ex_ante_cut", "approved")
            },
        },
    )


# --- Excel and PDF (CORE-7): export, import, print ---------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_MAX_MB = 50
IMPORT_RESULT_LINKS = 200


class ImportForm(BootstrapFormMixin, django_forms.Form):
    fiscal_year = django_forms.IntegerField(label="预算年度", min_value=2000, max_value=2100)
    file = django_forms.FileField(
        label="Excel文件",
        help_text="本系统导出的项目支出绩效目标申报表（.xlsx），每个项目一张工作表",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".xlsm", ".xls")):
            raise ValidationError("请选择Excel文件（.xlsx）。")
        if upload.size > IMPORT_MAX_MB * 2**20:
            raise ValidationError(f"文件不能超过{IMPORT_MAX_MB}MB，请拆分后再导入。")
        return upload


def _download(content: bytes, filename: str, content_type: str, *, inline: bool = False) -> Any:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    return response


def _declaration_for_user(request: HttpRequest, pk: int) -> Project:
    """A project declaration (not a department's: its form is another) the user may see."""
    project = queries.get_project_for_user(request.user, pk)
    if project.is_department:
        raise Http404
    return project


@require_GET
@login_required
def project_export(request: HttpRequest) -> HttpResponse:
    """The list as filtered on the page (year, status, search) as a workbook: one
    项目支出绩效目标申报表 per project."""
    if not perms.can(request.user, actions.PROJECT_VIEW):
        raise Http404
    year = _year(request)
    rows, _counts = queries.project_rows(
        request.user,
        fiscal_year=year,
        state=request.GET.get("state", ""),
        q=request.GET.get("q", ""),
        kind=DeclarationKind.PROJECT,
    )
    content = excel.export_projects([row.project for row in rows])
    return _download(content, f"{year}年度项目支出绩效目标申报表.xlsx", XLSX)


@require_GET
@login_required
def project_export_one(request: HttpRequest, pk: int) -> HttpResponse:
    project = _declaration_for_user(request, pk)
    content = excel.export_projects([project])
    return _download(content, f"{project.code}_项目支出绩效目标申报表.xlsx", XLSX)


@require_GET
@login_required
def project_print(request: HttpRequest, pk: int) -> HttpResponse:
    project = _declaration_for_user(request, pk)
    content = printing.declaration_pdf(project)
    return _download(content, printing.pdf_filename(project), "application/pdf", inline=True)


@require_GET
@login_required
def project_import_template(request: HttpRequest) -> HttpResponse:
    if not perms.can(request.user, actions.PROJECT_CHANGE):
        raise Http404
    year = _year(request)
    content = excel.template_workbook(year)
    return _download(content, f"{year}年度项目支出绩效目标申报表（空白）.xlsx", XLSX)


@require_http_methods(["GET", "POST"])
@login_required
def project_import(request: HttpRequest) -> HttpResponse:
    """Upload a workbook of declarations; every error is listed, or what was imported.
    The import runs in the request (a 5 000-project workbook takes seconds)."""
    if not perms.can(request.user, actions.PROJECT_CHANGE):
        raise Http404
    form = ImportForm(
        request.POST or None, request.FILES or None, initial={"fiscal_year": _year(request)}
    )
    context: dict[str, Any] = {"page_title": "导入项目绩效目标", "form": form}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            year = form.cleaned_data["fiscal_year"]
            try:
                result = excel.import_workbook(
                    actor=request.user, file=form.cleaned_data["file"], fiscal_year=year
                )
            except ImportRefused as refused:
                context["refused"] = refused
            except PermissionDeniedError as exc:
                raise PermissionDenied(exc.message) from exc
            else:
                status = 200
                context.update(
                    result=result,
                    year=year,
                    links=result.projects[:IMPORT_RESULT_LINKS],
                )
    return render(request, "budget/project_import.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def year_settings(request: HttpRequest) -> HttpResponse:
    """The finance bureau's rules for a budget year (ex-ante amount, indicator scale)."""
    bureaus = perms.visible_organizations(request.user, actions.SETTINGS_MANAGE).filter(
        kind=OrgKind.FINANCE_BUREAU
    )
    bureau = bureaus.first()
    if bureau is None:
        raise Http404
    year = _year(request)
    current = BudgetYearSettings.objects.filter(bureau=bureau, fiscal_year=year).first()
    current = current or BudgetYearSettings(bureau=bureau, fiscal_year=year)
    form = forms.YearSettingsForm(
        request.POST or None,
        initial={
            "ex_ante_threshold": current.ex_ante_threshold,
            "indicator_scale": current.indicator_scale,
        },
    )
    if request.method == "POST" and form.is_valid():
        done = run_for_form(
            form,
            lambda: services.year_settings_set(
                actor=request.user, bureau=bureau, fiscal_year=year, **form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(request, f"已保存{year}年度预算绩效设置。")
            return redirect(f"{request.path}?year={year}")
    return render(
        request,
        "budget/year_settings.html",
        {
            "page_title": "年度预算绩效设置",
            "form": form,
            "year": year,
            "bureau": bureau,
            "years": range(_this_year() - 2, _this_year() + 3),
        },
    )
