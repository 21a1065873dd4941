"""Pages of employee appraisal: thin — parse, call a service or query, render."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.appraisal import excel, queries, salary_excel, services
from jixiao.appraisal import permissions as actions
from jixiao.appraisal.models import (
    AppealStatus,
    AppraisalEvent,
    AppraisalMonth,
    CoefficientMethod,
    DepartmentSheet,
    EmployeeScore,
    ItemKind,
    PayMode,
    PayProfile,
    PayResult,
    ProgressStep,
    RuleItem,
    RuleSetKind,
    RuleSetStatus,
    StepStatus,
)
from jixiao.documents.excel import ImportRefused
from jixiao.lib.actions import run_with_message
from jixiao.orgs import permissions as perms
from jixiao.orgs.errors import DomainError, PermissionDeniedError
from jixiao.orgs.models import OrgKind, User
from jixiao.workflow import queries as wf
from jixiao.workflow.models import EDITABLE_STATES, WorkflowState

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _file(data: bytes, name: str, content_type: str = XLSX) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def _decimal(value: str | None) -> Decimal | None:
    try:
        return Decimal((value or "").strip()) if (value or "").strip() else None
    except InvalidOperation:
        return None


def _require_any(request: HttpRequest, *wanted: str) -> None:
    if not any(perms.can(request.user, a) for a in wanted):
        raise Http404


# --- Months ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def month_list(request: HttpRequest) -> HttpResponse:
    _require_any(request, actions.MANAGE, actions.SCORE, actions.VIEW)
    companies = list(queries.managed_companies(request.user))
    if request.method == "POST":
        company = perms.get_organization_for_user(
            request.user, request.POST.get("organization"), actions.MANAGE
        )
        try:
            year, month = int(request.POST["year"]), int(request.POST["month"])
        except (KeyError, ValueError):
            messages.error(request, _("请填写年度和月份。"))
            return redirect("appraisal:months")
        done = run_with_message(
            request,
            lambda: services.appraisal_month_open(
                actor=request.user, organization=company, year=year, month=month
            ),
            _("已开启%(year)s年%(month)s月考核。") % {"year": year, "month": month},
        )
        if done:
            opened = AppraisalMonth.objects.get(organization=company, year=year, month=month)
            return redirect("appraisal:month", pk=opened.pk)
        return redirect("appraisal:months")
    months = list(queries.months_for_user(request.user)[:36])
    my_sheets = {
        s.month_id: s for s in queries.sheets_for_user(request.user, actions.SCORE).order_by("-pk")
    }
    today = timezone.localdate()
    return render(
        request,
        "appraisal/month_list.html",
        {
            "page_title": _("月度考核"),
            "rows": [(m, my_sheets.get(m.pk)) for m in months],
            "companies": companies,
            "today": today,
            "can_open": bool(companies),
        },
    )


def _month_context(request: HttpRequest, month: AppraisalMonth) -> dict[str, Any]:
    rows = queries.department_rows(month, queries.sheets_for_user(request.user))
    today = timezone.localdate()
    quota = queries.quota_for(month)
    return {
        "month": month,
        "rows": rows,
        "late": queries.late_departments(rows, month, today),
        "dead": queries.dead_water(rows, month, today),
        "quota": quota,
        "quota_warnings": queries.quota_warnings(rows, quota),
        "reconciliation": queries.reconciliation(month, rows),
        "can_manage": perms.can(request.user, actions.MANAGE, month.organization),
    }


@require_GET
@login_required
def month_detail(request: HttpRequest, pk: int) -> HttpResponse:
    month = queries.get_month_for_user(request.user, pk)
    context = _month_context(request, month)
    return render(
        request,
        "appraisal/month_detail.html",
        {"page_title": _("%(month)s考核") % {"month": month.label}, **context},
    )


@require_POST
@login_required
def month_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    month = queries.get_month_for_user(request.user, pk)
    if action == "pay":
        run_with_message(
            request,
            lambda: services.appraisal_pay_compute(actor=request.user, month=month),
            _("已计算绩效工资。"),
        )
    elif action == "close":
        run_with_message(
            request,
            lambda: services.appraisal_month_close(actor=request.user, month=month),
            _("本月考核已锁定。"),
        )
    else:
        raise Http404
    return redirect("appraisal:month", pk=month.pk)


# --- A department's sheet: the grid, events, sign-off, submit, review --------------------------


def _sheet_context(request: HttpRequest, sheet: DepartmentSheet) -> dict[str, Any]:
    items = services.sheet_items(sheet)
    scores = list(
        EmployeeScore.objects.filter(sheet=sheet)
        .select_related("employee")
        .order_by("employee__employee_number", "employee_id")
    )
    grid = [(s, [(i, (s.scores or {}).get(str(i.pk), "")) for i in items.scored]) for s in scores]
    case = services.case_of(sheet)
    user = request.user
    editable = (
        perms.can(user, actions.SCORE, sheet.department)
        and sheet.month.status == "open"
        and sheet.rule_set_id is not None
        and queries.state_of(case) in EDITABLE_STATES
    )
    reviewable = (
        case is not None
        and case.state == WorkflowState.SUBMITTED
        and perms.can(user, actions.REVIEW, sheet.month.organization)
        and case.submitted_by_id != user.pk
    )
    events = AppraisalEvent.objects.filter(sheet=sheet).select_related("employee", "item")
    return {
        "sheet": sheet,
        "case": case,
        "items": items,
        "grid": grid,
        "events": events,
        "points_items": list(items.points.values()),
        "editable": editable,
        "reviewable": reviewable,
        "comments": wf.comments_by_item(case).get("", []) if case else [],
        "history": wf.history(case) if case else [],
        "has_previous": services.previous_sheet(sheet) is not None,
    }


@require_GET
@login_required
def sheet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = queries.get_sheet_for_user(request.user, pk)
    return render(
        request,
        "appraisal/sheet.html",
        {
            "page_title": _("%(dept)s %(month)s考核")
            % {"dept": sheet.department.name, "month": sheet.month.label},
            **_sheet_context(request, sheet),
        },
    )


def _grid_rows(request: HttpRequest, sheet: DepartmentSheet) -> dict[int, dict[int, str]]:
    """``score-<employee>-<item>`` inputs of the posted grid."""
    rows: dict[int, dict[int, str]] = {}
    for key, value in request.POST.items():
        if not key.startswith("score-"):
            continue
        try:
            _prefix, employee, item = key.split("-")
            rows.setdefault(int(employee), {})[int(item)] = value
        except ValueError:
            continue
    return rows


@require_POST
@login_required
def sheet_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    sheet = queries.get_sheet_for_user(request.user, pk)
    user: User = request.user  # type: ignore[assignment]
    post = request.POST
    calls = {
        "save": (
            lambda: services.appraisal_scores_save(
                actor=user, sheet=sheet, rows=_grid_rows(request, sheet)
            ),
            _("已保存得分。"),
        ),
        "copy": (
            lambda: services.appraisal_scores_copy_previous(actor=user, sheet=sheet),
            _("已复制上月得分，请核对后保存。"),
        ),
        "sign": (
            lambda: services.appraisal_sheet_sign(
                actor=user,
                sheet=sheet,
                reviewer_name=post.get("reviewer_name", ""),
                statistician_name=post.get("statistician_name", ""),
                summary=post.get("summary", ""),
            ),
            _("已保存。"),
        ),
        "submit": (
            lambda: services.appraisal_sheet_submit(
                actor=user, sheet=sheet, comment=post.get("comment", "")
            ),
            _("已提交绩效办审核。"),
        ),
        "return": (
            lambda: services.appraisal_sheet_return(
                actor=user, sheet=sheet, comment=post.get("comment", "")
            ),
            _("已退回部门整改。"),
        ),
        "approve": (
            lambda: services.appraisal_sheet_approve(
                actor=user, sheet=sheet, comment=post.get("comment", "")
            ),
            _("已审核通过，绩效工资已计算。"),
        ),
        "event": (lambda: _add_event(request, sheet), _("已登记奖惩事项。")),
        "event-delete": (lambda: _delete_event(request, sheet), _("已删除奖惩事项。")),
    }
    if action not in calls:
        raise Http404
    call, done = calls[action]
    run_with_message(request, call, done)
    if action in ("return", "approve"):
        return redirect("appraisal:review_queue")
    return redirect("appraisal:sheet", pk=sheet.pk)


def _add_event(request: HttpRequest, sheet: DepartmentSheet) -> AppraisalEvent:
    post = request.POST
    row = EmployeeScore.objects.filter(sheet=sheet, employee_id=post.get("employee") or 0).first()
    item = RuleItem.objects.filter(pk=post.get("item") or 0).first()
    if row is None or item is None:
        raise DomainError(_("请选择员工和奖惩项目。"))
    count = _decimal(post.get("count")) or Decimal(1)
    return services.appraisal_event_add(
        actor=request.user,  # type: ignore[arg-type]
        sheet=sheet,
        employee=row.employee,
        item=item,
        count=count,
        evidence_text=post.get("evidence_text", ""),
        evidence_file=request.FILES.get("evidence_file"),
    )


def _delete_event(request: HttpRequest, sheet: DepartmentSheet) -> None:
    event = AppraisalEvent.objects.filter(sheet=sheet, pk=request.POST.get("event") or 0).first()
    if event is None:
        raise Http404
    services.appraisal_event_delete(actor=request.user, event=event)  # type: ignore[arg-type]


@require_GET
@login_required
def sheet_export(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = queries.get_sheet_for_user(request.user, pk)
    name = f"{sheet.department.name}_{sheet.month.label}_考核评分表.xlsx"
    return _file(excel.export_grid(sheet), name)


@require_POST
@login_required
def sheet_import(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = queries.get_sheet_for_user(request.user, pk, actions.SCORE)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择Excel文件。"))
        return redirect("appraisal:sheet", pk=sheet.pk)
    try:
        count = services.appraisal_scores_import(actor=request.user, sheet=sheet, upload=upload)  # type: ignore[arg-type]
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except ImportRefused as refused:
        context = _sheet_context(request, sheet)
        return render(
            request,
            "appraisal/sheet.html",
            {"page_title": _("导入失败"), "import_errors": refused.messages(), **context},
            status=400,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("appraisal:sheet", pk=sheet.pk)
    messages.success(request, _("已导入%(count)s名员工的得分。") % {"count": count})
    return redirect("appraisal:sheet", pk=sheet.pk)


@require_GET
@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    if not perms.can(request.user, actions.REVIEW):
        raise Http404
    cases = list(wf.review_queue(request.user, actions.SHEET_WORKFLOW))
    sheets = DepartmentSheet.objects.in_bulk([c.subject_id for c in cases])
    return render(
        request,
        "appraisal/review_queue.html",
        {
            "page_title": _("考核审核"),
            "rows": [(c, sheets[c.subject_id]) for c in cases if c.subject_id in sheets],
        },
    )


# --- Pay ------------------------------------------------------------------------------------


@require_GET
@login_required
def pay_list(request: HttpRequest, pk: int) -> HttpResponse:
    month = queries.get_month_for_user(request.user, pk)
    visible = queries.sheets_for_user(request.user).filter(month=month)
    results = (
        PayResult.objects.filter(month=month, sheet__in=visible)
        .select_related("employee", "department")
        .order_by("department__path", "employee__employee_number", "employee_id")
    )
    context = _month_context(request, month)
    return render(
        request,
        "appraisal/pay.html",
        {
            "page_title": _("%(month)s绩效工资") % {"month": month.label},
            "results": results,
            **context,
        },
    )


# --- Statistics, dashboard ------------------------------------------------------------------


def _chosen_month(request: HttpRequest) -> AppraisalMonth | None:
    months = queries.months_for_user(request.user)
    if request.GET.get("month"):
        return queries.get_month_for_user(request.user, request.GET["month"])
    return months.first()


@require_GET
@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    if not perms.can(request.user, actions.VIEW):
        raise Http404
    month = _chosen_month(request)
    context: dict[str, Any] = {"page_title": _("部门绩效考核统计分析表"), "month": month}
    if month is not None:
        sheets = queries.sheets_for_user(request.user)
        rows = queries.department_rows(month, sheets)
        fmt = request.GET.get("format")
        if fmt == "xlsx":
            return _file(
                excel.export_statistics(month, rows), f"部门绩效考核统计分析表_{month.label}.xlsx"
            )
        if fmt == "pdf":
            return _file(
                excel.statistics_pdf(month, rows),
                f"部门绩效考核统计分析表_{month.label}.pdf",
                "application/pdf",
            )
        context.update(
            rows=rows,
            months=queries.months_for_user(request.user)[:24],
            trends=queries.trends(month.organization, sheets),
        )
    return render(request, "appraisal/statistics.html", context)


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The office's view of the open months: dead water, late departments, quotas."""
    if not perms.can(request.user, actions.MANAGE):
        raise Http404
    blocks = []
    for month in queries.months_for_user(request.user).filter(status="open")[:6]:
        if perms.can(request.user, actions.MANAGE, month.organization):
            blocks.append(_month_context(request, month))
    return render(
        request, "appraisal/dashboard.html", {"page_title": _("考核预警"), "blocks": blocks}
    )


# --- Rule sets ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def rule_set_list(request: HttpRequest) -> HttpResponse:
    _require_any(request, actions.MANAGE, actions.SCORE)
    if request.method == "POST":
        org = perms.get_organization_for_user(request.user, request.POST.get("organization"))
        kind = request.POST.get("kind", RuleSetKind.DEPARTMENT)
        created = []
        run_with_message(
            request,
            lambda: created.append(
                services.rule_set_create(
                    actor=request.user,  # type: ignore[arg-type]
                    organization=org,
                    name=request.POST.get("name", "").strip() or f"{org.name}考核细则",
                    kind=kind,
                )
            ),
            _("已新建考核细则草稿。"),
        )
        if created:
            return redirect("appraisal:rule_set", pk=created[0].pk)
        return redirect("appraisal:rule_sets")
    orgs = perms.visible_organizations(request.user, actions.SCORE).filter(
        kind=OrgKind.DEPARTMENT
    ) | perms.visible_organizations(request.user, actions.MANAGE).filter(
        kind__in=[OrgKind.DEPARTMENT, OrgKind.COMPANY]
    )
    return render(
        request,
        "appraisal/rule_set_list.html",
        {
            "page_title": _("考核细则"),
            "rule_sets": queries.rule_sets_for_user(request.user).order_by(
                "organization__path", "kind", "-version"
            ),
            "organizations": orgs.distinct().order_by("path"),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def rule_set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rule_set = queries.get_rule_set_for_user(request.user, pk)
    if request.method == "POST":
        return _rule_set_post(request, rule_set)
    items = list(rule_set.items.all())
    return render(
        request,
        "appraisal/rule_set.html",
        {
            "page_title": str(rule_set),
            "rule_set": rule_set,
            "items": items,
            "full_sum": sum((i.full_score or 0 for i in items if i.kind == "scored"), Decimal(0)),
            "general_items": list(rule_set.general.items.all()) if rule_set.general else [],
            "feedback": rule_set.feedback.select_related("author", "resolved_in"),
            "kinds": ItemKind.choices,
            "versions": rule_set.__class__.objects.filter(
                organization=rule_set.organization, kind=rule_set.kind
            ).order_by("-version"),
            "can_manage": perms.can(request.user, actions.MANAGE, rule_set.organization),
            "can_edit": any(
                perms.can(request.user, a, rule_set.organization)
                for a in services.rule_set_writers(rule_set.organization)
            ),
        },
    )


def _rule_set_post(request: HttpRequest, rule_set: Any) -> HttpResponse:
    post, user = request.POST, request.user
    action = post.get("action")
    target = rule_set.pk
    if action == "item":
        spec = services.ItemSpec(
            kind=post.get("kind", ""),
            name=post.get("name", ""),
            full_score=_decimal(post.get("full_score")),
            points=_decimal(post.get("points")),
            cap=_decimal(post.get("cap")),
            standard=post.get("standard", ""),
        )
        run_with_message(
            request,
            lambda: services.rule_item_add(actor=user, rule_set=rule_set, spec=spec),  # type: ignore[arg-type]
            _("已添加考核项目。"),
        )
    elif action == "item-delete":
        item = rule_set.items.filter(pk=post.get("item") or 0).first()
        if item is None:
            raise Http404
        run_with_message(
            request,
            lambda: services.rule_item_delete(actor=user, item=item),  # type: ignore[arg-type]
            _("已删除考核项目。"),
        )
    elif action in (RuleSetStatus.TRIAL, RuleSetStatus.FINAL):
        run_with_message(
            request,
            lambda: services.rule_set_set_status(actor=user, rule_set=rule_set, status=action),  # type: ignore[arg-type]
            _("考核细则状态已更新。"),
        )
    elif action == "feedback":
        run_with_message(
            request,
            lambda: services.rule_set_feedback_add(
                actor=user,
                rule_set=rule_set,
                text=post.get("text", ""),  # type: ignore[arg-type]
            ),
            _("已记录反馈。"),
        )
    elif action == "revise":
        created: list[Any] = []
        open_feedback = list(rule_set.feedback.filter(resolved_in__isnull=True))
        run_with_message(
            request,
            lambda: created.append(
                services.rule_set_revise(
                    actor=user,  # type: ignore[arg-type]
                    rule_set=rule_set,
                    note=post.get("note", ""),
                    feedback=open_feedback,
                )
            ),
            _("已生成新版本草稿。"),
        )
        target = created[0].pk if created else target
    else:
        raise Http404
    return redirect("appraisal:rule_set", pk=target)


# --- Settings -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    company = queries.managed_companies(request.user).first()
    if company is None:
        raise Http404
    current = services.settings_for(company)
    if request.method == "POST":
        post = request.POST
        bands = []
        for low, coef in zip(post.getlist("band_min"), post.getlist("band_coef"), strict=False):
            if low.strip() or coef.strip():
                bands.append({"min": low.strip(), "coefficient": coef.strip()})
        share = _decimal(post.get("performance_share"))
        quota = _decimal(post.get("excellent_quota"))
        values: dict[str, Any] = {
            "performance_share": share / 100 if share is not None else None,
            "coefficient_method": post.get("coefficient_method", current.coefficient_method),
            "pay_mode": post.get("pay_mode", current.pay_mode),
            "bands": bands,
            "excellent_quota": quota,
        }
        for key in ("linear_pivot", "linear_slope", "coefficient_min", "coefficient_max"):
            number = _decimal(post.get(key))
            if number is not None:
                values[key] = number
        for key in (
            "submit_due_day",
            "review_opens_day",
            "review_due_day",
            "feedback_opens_day",
            "feedback_due_day",
        ):
            if post.get(key, "").isdigit():
                values[key] = int(post[key])
        if run_with_message(
            request,
            lambda: services.appraisal_settings_set(
                actor=request.user,
                organization=company,
                **values,  # type: ignore[arg-type]
            ),
            _("已保存考核设置。"),
        ):
            return redirect("appraisal:settings")
    return render(
        request,
        "appraisal/settings.html",
        {
            "page_title": _("考核设置"),
            "company": company,
            "s": current,
            "share_percent": (current.performance_share * 100).normalize(),
            "methods": CoefficientMethod.choices,
            "modes": PayMode.choices,
            "band_rows": list(current.bands) + [{"min": "", "coefficient": ""}] * 2,
        },
    )


# --- Work progress (EMP-7) ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def progress(request: HttpRequest) -> HttpResponse:
    company = queries.managed_companies(request.user).first()
    if company is None:
        raise Http404
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    steps = list(ProgressStep.objects.filter(organization=company, year=year))
    if request.GET.get("format") == "xlsx":
        return _file(
            excel.export_progress(company.name, year, steps), f"绩效考核工作进度表_{year}.xlsx"
        )
    if request.method == "POST":
        post = request.POST
        step = None
        if post.get("step"):
            step = ProgressStep.objects.filter(organization=company, pk=post["step"]).first()
            if step is None:
                raise Http404
        try:
            values = {
                "title": post.get("title", "").strip(),
                "start_date": date.fromisoformat(post.get("start_date", "")),
                "end_date": date.fromisoformat(post.get("end_date", "")),
                "owner": post.get("owner", "").strip(),
                "status": post.get("status", StepStatus.PLANNED),
                "note": post.get("note", "").strip(),
            }
        except ValueError:
            messages.error(request, _("请填写正确的开始日期和完成时限。"))
            return redirect(f"{request.path}?year={year}")
        if step is None:
            values["position"] = len(steps) + 1
        run_with_message(
            request,
            lambda: services.progress_step_save(
                actor=request.user,
                organization=company,
                year=year,
                step=step,
                **values,  # type: ignore[arg-type]
            ),
            _("已保存工作进度。"),
        )
        return redirect(f"{request.path}?year={year}")
    return render(
        request,
        "appraisal/progress.html",
        {
            "page_title": _("绩效考核工作进度表"),
            "company": company,
            "year": year,
            "years": range(timezone.localdate().year - 2, timezone.localdate().year + 2),
            "steps": steps,
            "statuses": StepStatus.choices,
        },
    )


# --- Employee self-service and appeals ------------------------------------------------------


@require_GET
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    if not perms.can(request.user, actions.OWN):
        raise Http404
    scores = list(queries.own_scores(request.user))
    cases = queries.cases_by_sheet([s.sheet_id for s in scores])
    pay = {r.month_id: r for r in PayResult.objects.filter(employee=request.user)}
    rows = [(s, queries.state_of(cases.get(s.sheet_id)), pay.get(s.sheet.month_id)) for s in scores]
    return render(request, "appraisal/mine.html", {"page_title": _("我的考核"), "rows": rows})


@require_http_methods(["GET", "POST"])
@login_required
def mine_detail(request: HttpRequest, pk: int) -> HttpResponse:
    score = queries.get_own_score(request.user, pk)
    if request.method == "POST":
        run_with_message(
            request,
            lambda: services.appraisal_appeal_create(
                actor=request.user,
                score=score,
                reason=request.POST.get("reason", ""),  # type: ignore[arg-type]
            ),
            _("已提交申诉，请等待绩效办处理。"),
        )
        return redirect("appraisal:mine_detail", pk=score.pk)
    case = services.case_of(score.sheet)
    result = PayResult.objects.filter(month=score.sheet.month, employee=request.user).first()
    events = AppraisalEvent.objects.filter(sheet=score.sheet, employee=request.user).select_related(
        "item"
    )
    return render(
        request,
        "appraisal/mine_detail.html",
        {
            "page_title": _("%(month)s考核结果") % {"month": score.sheet.month.label},
            "score": score,
            "state": queries.state_of(case),
            "approved": queries.state_of(case) == WorkflowState.APPROVED,
            "pay": result,
            "events": events,
            "appeals": score.appeals.all(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def appeals(request: HttpRequest) -> HttpResponse:
    if not perms.can(request.user, actions.MANAGE):
        raise Http404
    if request.method == "POST":
        appeal = perms.get_for_user(
            request.user,
            queries.appeals_for_user(request.user),
            request.POST.get("appeal"),
            actions.MANAGE,
            org_field="score__sheet__department",
        )
        run_with_message(
            request,
            lambda: services.appraisal_appeal_decide(
                actor=request.user,  # type: ignore[arg-type]
                appeal=appeal,
                status=request.POST.get("status", ""),
                decision=request.POST.get("decision", ""),
            ),
            _("已处理申诉。"),
        )
        return redirect("appraisal:appeals")
    return render(
        request,
        "appraisal/appeals.html",
        {
            "page_title": _("申诉处理"),
            "appeals": queries.appeals_for_user(request.user)[:200],
            "statuses": [
                (AppealStatus.UPHELD, AppealStatus.UPHELD.label),
                (AppealStatus.REJECTED, AppealStatus.REJECTED.label),
            ],
        },
    )


# --- Salary bases ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def salary_bases(request: HttpRequest) -> HttpResponse:
    """The office keeps each employee's monthly salary base, one department at a time."""
    company = queries.managed_companies(request.user).first()
    if company is None:
        raise Http404
    departments = services.departments_of(company)
    chosen = next(
        (d for d in departments if str(d.pk) == request.GET.get("department")),
        departments[0] if departments else None,
    )
    people = services.roster(chosen) if chosen else []
    bases = dict(
        PayProfile.objects.filter(employee__in=people).values_list("employee_id", "salary_base")
    )
    if request.method == "POST" and chosen is not None:
        changed = 0
        for person in people:
            value = _decimal(request.POST.get(f"base-{person.pk}"))
            if value is None or value == bases.get(person.pk):
                continue
            done = run_with_message(
                request,
                lambda person=person, value=value: services.pay_profile_set(
                    actor=request.user,  # type: ignore[arg-type]
                    employee=person,
                    salary_base=value,
                ),
                _("已保存%(name)s的工资基数。") % {"name": person.display_name},
            )
            changed += int(done)
        return redirect(f"{request.path}?department={chosen.pk}")
    return render(
        request,
        "appraisal/salary_bases.html",
        {
            "page_title": _("工资基数"),
            "departments": departments,
            "chosen": chosen,
            "rows": [(person, bases.get(person.pk)) for person in people],
        },
    )


def _salary_company(request: HttpRequest) -> Any:
    """The company of the salary-bases page: the office's own, 404 for anyone else."""
    company = queries.managed_companies(request.user).first()
    if company is None:
        raise Http404
    return company


@require_GET
@login_required
def salary_bases_export(request: HttpRequest) -> HttpResponse:
    company = _salary_company(request)
    name = f"{company.name}_工资基数.xlsx"
    return _file(salary_excel.export_salary_bases(company), name)


@require_http_methods(["GET", "POST"])
@login_required
def salary_bases_import(request: HttpRequest) -> HttpResponse:
    """Upload a filled-in export: the counts, or every error located and nothing written."""
    company = _salary_company(request)
    context: dict[str, Any] = {"page_title": _("导入工资基数"), "company": company}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["missing_file"] = _("请选择Excel文件。")
            status = 400
        else:
            try:
                context["result"] = salary_excel.pay_profiles_import(
                    actor=request.user,  # type: ignore[arg-type]
                    company=company,
                    upload=upload,
                )
            except PermissionDeniedError as exc:
                raise PermissionDenied(exc.message) from exc
            except ImportRefused as refused:
                context["refused"] = refused
                status = 400
    return render(request, "appraisal/salary_bases_import.html", context, status=status)
