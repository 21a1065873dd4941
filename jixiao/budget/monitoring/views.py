"""Pages of double monitoring (BUD-5): the finance bureau's rounds, thresholds and warnings,
the units' monitoring forms and spending, the dashboards and the Excel form. Thin: parse, call
a service or a query, render. Every object comes through ``get_round_for_user`` /
``get_form_for_user`` (404 outside the user's scope); every write through the services."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import (
    content_disposition_header,
    url_has_allowed_host_and_scheme,
    urlencode,
)
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.budget import permissions as actions
from jixiao.budget.monitoring import excel, queries, services
from jixiao.budget.monitoring import forms as monitoring_forms
from jixiao.budget.monitoring import warnings as rules
from jixiao.budget.monitoring.errors import MonitoringError
from jixiao.budget.monitoring.models import (
    Colour,
    FormState,
    MonitoringForm,
    MonitoringRound,
    RoundState,
    WarningKind,
)
from jixiao.documents.excel import ImportRefused
from jixiao.lib.actions import run_for_form, run_with_message
from jixiao.lib.pages import paginate
from jixiao.orgs import permissions as perms
from jixiao.orgs.errors import DomainError, PermissionDeniedError
from jixiao.orgs.models import Organization, OrgKind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_NAME_RE = re.compile(r"指标“([^”]*)”")


def _can_manage(request: HttpRequest, organization: Organization | None = None) -> bool:
    return perms.can(request.user, actions.MONITORING_MANAGE, organization)


def _bureau(request: HttpRequest) -> Organization:
    """The finance bureau the user manages monitoring for; 404 for anyone else."""
    bureau = (
        perms.visible_organizations(request.user, actions.MONITORING_MANAGE)
        .filter(kind=OrgKind.FINANCE_BUREAU)
        .order_by("path")
        .first()
    )
    if bureau is None:
        raise Http404
    return bureau


def _this_year() -> int:
    return timezone.localdate().year


def _year(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("year") or _this_year())
    except ValueError:
        return _this_year()


def percent(value: Decimal | None) -> str:
    """A ratio as the pages show it: 45.71%; — for none."""
    if value is None:
        return "—"
    return f"{(value * 100).quantize(Decimal('0.01'), ROUND_HALF_UP)}%"


def _refuse(exc: PermissionDeniedError) -> PermissionDenied:
    return PermissionDenied(exc.message)


# --- Rounds ----------------------------------------------------------------------------------


@require_GET
@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    if not perms.can(request.user, actions.MONITORING_VIEW):
        raise Http404
    rounds = list(queries.rounds_visible(request.user).order_by("-fiscal_year", "-months_elapsed"))
    counts: dict[int, dict[str, int]] = {}
    for row in (
        queries.forms_visible(request.user)
        .filter(round__in=rounds)
        .order_by()
        .values("round_id", "state")
        .annotate(n=Count("pk"))
    ):
        counts.setdefault(row["round_id"], {})[row["state"]] = row["n"]
    now = timezone.now()
    items = [
        {
            "round": r,
            "forms": sum(counts.get(r.pk, {}).values()),
            "submitted": counts.get(r.pk, {}).get(FormState.SUBMITTED, 0),
            "overdue": r.is_open and r.deadline.due_at < now,
        }
        for r in rounds
    ]
    return render(
        request,
        "budget/monitoring/round_list.html",
        {
            "page_title": _("绩效运行监控"),
            "items": items,
            "can_manage": _can_manage(request),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def round_open(request: HttpRequest) -> HttpResponse:
    bureau = _bureau(request)
    form = monitoring_forms.RoundOpenForm(
        request.POST or None, initial={"fiscal_year": _this_year(), "months_elapsed": 7}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        round = run_for_form(
            form,
            lambda: services.round_open(
                actor=request.user,
                bureau=bureau,
                fiscal_year=data["fiscal_year"],
                months_elapsed=data["months_elapsed"],
                due_at=form.due_at(),
                name=data["name"],
                description=data["description"],
            ),
        )
        if round is not None:
            messages.success(request, _("已开启监控轮次：%(name)s。") % {"name": round.name})
            return redirect("budget:monitoring_round", pk=round.pk)
    return render(
        request,
        "budget/monitoring/round_open.html",
        {"page_title": _("开启监控轮次"), "form": form, "bureau": bureau},
    )


@require_http_methods(["GET", "POST"])
@login_required
def thresholds(request: HttpRequest) -> HttpResponse:
    bureau = _bureau(request)
    year = _year(request)
    current = services.thresholds_for(bureau, year)
    percent = {
        "red_below": current.red_below * 100,
        "yellow_below": current.yellow_below * 100,
        "blue_at": current.blue_at * 100,
    }
    form = monitoring_forms.ThresholdsForm(request.POST or None, initial=percent)
    if request.method == "POST" and form.is_valid():
        done = run_for_form(
            form,
            lambda: services.thresholds_set(
                actor=request.user, bureau=bureau, fiscal_year=year, **form.fractions()
            ),
        )
        if done is not None:
            messages.success(request, _("已保存%(year)s年度预警阈值。") % {"year": year})
            return redirect(f"{reverse('budget:monitoring_thresholds')}?year={year}")
    return render(
        request,
        "budget/monitoring/thresholds.html",
        {
            "page_title": _("监控预警阈值"),
            "form": form,
            "year": year,
            "years": range(_this_year() - 2, _this_year() + 3),
            "bureau": bureau,
        },
    )


FILTERS = ("department", "unit", "state", "colour", "execution", "q")


def _filters(request: HttpRequest) -> dict[str, str]:
    return {name: request.GET.get(name, "").strip() for name in FILTERS}


def _departments(request: HttpRequest, round: MonitoringRound) -> list[tuple[str, str]]:
    """The departments of the round's visible forms, for the filter (one query)."""
    rows = (
        queries.forms_visible(request.user, round)
        .order_by("project__department__path")
        .values_list("project__department_id", "project__department__name")
        .distinct()
    )
    return [
        (str(pk) if pk else queries.NO_DEPARTMENT, name or _("（直属财政的单位）"))
        for pk, name in rows
    ]


@require_GET
@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The round's forms with their state and colours, filtered; the units that have not
    submitted; the bureau's buttons."""
    round = queries.get_round_for_user(request.user, pk)
    filters = _filters(request)
    rows = queries.form_rows(request.user, round, **filters)
    page = paginate(request, rows)
    for f in page:
        f.rate = f.executed_to_date * 100 / f.budget if f.budget > 0 else None
    counts = queries.form_state_counts(request.user, round)
    can_manage = _can_manage(request, round.bureau)
    return render(
        request,
        "budget/monitoring/round_detail.html",
        {
            "page_title": round.name,
            "round": round,
            "page": page,
            "filters": filters,
            "counts": counts,
            "state_tabs": [("", _("全部"), counts["all"])]
            + [(v, label, counts.get(v, 0)) for v, label in FormState.choices],
            "departments": _departments(request, round),
            "colours": Colour.choices,
            "pending": queries.pending_units(request.user, round),
            "overdue": round.is_open and round.deadline.due_at < timezone.now(),
            "can_manage": can_manage,
            "can_fill": round.is_open and perms.can(request.user, actions.MONITORING_FILL),
            "time_progress": rules.time_progress(round.months_elapsed),
        },
    )


@require_POST
@login_required
def round_compute(request: HttpRequest, pk: int) -> HttpResponse:
    round = queries.get_round_for_user(request.user, pk)
    result: dict[str, Any] = {}

    def compute() -> None:
        result["r"] = services.round_compute_warnings(actor=request.user, round=round)

    if run_with_message(request, compute, _("已计算预警。")):
        combined = result["r"].by_kind.get(WarningKind.COMBINED, {})
        messages.info(
            request,
            _(
                "项目综合预警：红色%(red)s个、黄色%(yellow)s个、绿色%(green)s个（共%(projects)s个项目）"
            )
            % {
                **{c: combined.get(c, 0) for c in Colour.values},
                "projects": result["r"].projects,
            },
        )
    back = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure())
    return redirect(back if back and safe else reverse("budget:monitoring_round", args=[pk]))


@require_POST
@login_required
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    round = queries.get_round_for_user(request.user, pk)
    run_with_message(
        request,
        lambda: services.round_close(actor=request.user, round=round),
        _("监控轮次已结束，预警已按最终填报计算。"),
    )
    return redirect("budget:monitoring_round", pk=pk)


# --- Forms -----------------------------------------------------------------------------------


def _problems_by_row(problems: list[str], form: Any) -> tuple[dict[int, list[str]], list[str]]:
    """The service's problems next to their indicator (named 指标“…”), the rest for the top."""
    by_name: dict[str, int] = {}
    for row in form.rows:
        by_name.setdefault(row.indicator_name, row.indicator_id)
    by_row: dict[int, list[str]] = {}
    general = []
    for problem in problems:
        match = _NAME_RE.search(problem)
        indicator = by_name.get(match.group(1)) if match else None
        if indicator is None:
            general.append(problem)
        else:
            by_row.setdefault(indicator, []).append(problem)
    return by_row, general


def _form_context(request: HttpRequest, form: MonitoringForm, **extra: Any) -> dict[str, Any]:
    round = form.round
    rows = extra.pop("rows", None) or list(queries.progress_rows(form))
    editable = (
        form.state == FormState.DRAFT
        and round.is_open
        and perms.can(request.user, actions.MONITORING_FILL, form.project.unit)
    )
    page_form = extra.pop("page_form", None) or monitoring_forms.MonitoringFormForm(
        form=form, rows=rows
    )
    warnings = list(queries.form_warnings(form))
    live = {}
    for row in rows:
        try:
            live[row.indicator_id] = services.progress_warning(round, row)
        except ValueError:
            live[row.indicator_id] = None
    executed = form.executed_to_date
    return {
        "page_title": _("项目支出绩效目标执行监控表"),
        "form": form,
        "round": round,
        "project": form.project,
        "page_form": page_form,
        "lines": [
            {
                **line,
                "live": live.get(line["row"].indicator_id),
                "target": monitoring_forms.plain(line["row"].target_value)
                or line["row"].target_text,
                "actual_shown": monitoring_forms.plain(line["row"].actual),
                "expected_shown": monitoring_forms.plain(line["row"].expected),
            }
            for line in page_form.lines()
        ],
        "editable": editable,
        "spent": form.spent,
        "executed": executed,
        "execution_rate_text": percent(executed / form.budget if form.budget > 0 else None),
        "time_progress_text": percent(rules.time_progress(round.months_elapsed)),
        "project_warnings": [w for w in warnings if w.indicator_id is None],
        "indicator_warnings": {w.indicator_id: w for w in warnings if w.indicator_id},
        "can_reopen": form.state == FormState.SUBMITTED
        and round.is_open
        and _can_manage(request, form.project.unit),
        "reopen_form": monitoring_forms.FormReopenForm(),
        "row_problems": {},
        "problems": [],
        **extra,
    }


@require_http_methods(["GET", "POST"])
@login_required
def form_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "GET":
        form = queries.get_form_for_user(request.user, pk)
        return render(request, "budget/monitoring/form.html", _form_context(request, form))
    form = queries.get_form_for_user(request.user, pk, actions.MONITORING_FILL)
    rows = list(queries.progress_rows(form))
    page_form = monitoring_forms.MonitoringFormForm(request.POST, form=form, rows=rows)
    problems: list[str] = []
    if page_form.is_valid():
        values, progress = page_form.changes()
        try:
            if values or progress:
                services.form_save(actor=request.user, form=form, progress=progress, **values)
            if "submit" in request.POST:
                services.form_submit(actor=request.user, form=form)
                messages.success(request, _("绩效监控表已报送。"))
            else:
                messages.success(request, _("已保存草稿。"))
            return redirect("budget:monitoring_form", pk=form.pk)
        except PermissionDeniedError as exc:
            raise _refuse(exc) from exc
        except MonitoringError as exc:
            problems = exc.problems or [exc.message]
        except DomainError as exc:
            problems = [exc.message]
    else:  # only a tampered choice gets here: the inputs are text and known choices
        problems = [str(e) for errs in page_form.errors.values() for e in errs]
    form.refresh_from_db()
    row_problems, general = _problems_by_row(problems, page_form)
    context = _form_context(
        request,
        form,
        rows=rows,
        page_form=page_form,
        row_problems=row_problems,
        problems=problems,
        general_problems=general,
    )
    return render(request, "budget/monitoring/form.html", context, status=400)


@require_POST
@login_required
def form_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    form = queries.get_form_for_user(request.user, pk)
    run_with_message(
        request,
        lambda: services.form_reopen(
            actor=request.user, form=form, reason=request.POST.get("reason", "")
        ),
        _("已退回绩效监控表，单位可重新填报。"),
    )
    return redirect("budget:monitoring_form", pk=pk)


# --- Warnings and dashboards -----------------------------------------------------------------


@require_GET
@login_required
def warning_list(request: HttpRequest, pk: int) -> HttpResponse:
    round = queries.get_round_for_user(request.user, pk)
    filters = {k: request.GET.get(k, "").strip() for k in ("colour", "kind", "department")}
    page = paginate(request, queries.warning_rows(request.user, round, **filters))
    names = queries.indicator_names(page.object_list)
    for warning in page:
        warning.indicator_name = names.get(warning.pk, "")
    return render(
        request,
        "budget/monitoring/warning_list.html",
        {
            "page_title": _("监控预警"),
            "round": round,
            "page": page,
            "filters": filters,
            "colours": Colour.choices,
            "kinds": WarningKind.choices,
            "departments": _departments(request, round),
        },
    )


@require_GET
@login_required
def dashboard_latest(request: HttpRequest) -> HttpResponse:
    """The dashboard of the latest round the user sees."""
    if not perms.can(request.user, actions.MONITORING_VIEW):
        raise Http404
    rounds = queries.rounds_visible(request.user).order_by("-fiscal_year", "-months_elapsed")
    chosen = request.GET.get("round", "")
    round = (rounds.filter(pk=int(chosen)) if chosen.isdigit() else rounds).first()
    if round is None:
        return render(
            request,
            "budget/monitoring/dashboard.html",
            {"page_title": _("监控看板"), "round": None},
        )
    return redirect("budget:monitoring_dashboard", pk=round.pk)


def _list_url(round: MonitoringRound, **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{reverse('budget:monitoring_round', args=[round.pk])}?{query}"


def _department_key(department_id: Any) -> str:
    return str(department_id) if department_id else queries.NO_DEPARTMENT


def _pct(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value * 100, 2))


@require_GET
@login_required
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    """Execution against time progress, warnings by colour and department, the red list and
    the movement across rounds, for the bureau or a supervising department (the queries
    keep to the user's scope). Each figure links to the list behind it; the chart data go to
    the page as JSON for ``monitoring-charts.js`` and are also shown in tables."""
    round = queries.get_round_for_user(request.user, pk)
    user = request.user
    time_progress = rules.time_progress(round.months_elapsed)
    progress = queries.execution_progress(user, round)
    execution = queries.execution_by_department(progress)
    by_department = queries.colour_counts_by_department(user, round)
    totals = queries.colour_totals(user, round)
    trend = queries.colour_trend(user, round.bureau, round.fiscal_year)
    movement = queries.colour_movement(user, round)
    red = list(queries.red_list(user, round)[:200])
    labels = dict(Colour.choices)
    for row in execution:
        row["url"] = _list_url(round, department=_department_key(row["department_id"]))
        row["rate_text"] = percent(row["rate"])
    forms_of = dict(
        queries.forms_visible(user, round)
        .filter(project_id__in={w["project_id"] for w in red})
        .values_list("project_id", "pk")
    )
    for warning in red:
        warning["form_id"] = forms_of.get(warning["project_id"])
    for row in by_department:
        row["urls"] = {
            c: _list_url(round, department=_department_key(row["department_id"]), colour=c)
            for c in Colour.values
        }
    rounds = {r.pk: r for r in queries.rounds_visible(user).filter(bureau=round.bureau)}
    for row in trend:
        target = rounds.get(row["round_id"])
        row["urls"] = {c: _list_url(target, colour=c) if target else "" for c in Colour.values}
    for row in movement:
        row["from_label"] = labels.get(row["from_colour"], _("（新纳入）"))
        row["to_label"] = labels.get(row["to_colour"], "")
    combined = totals.get(WarningKind.COMBINED, {})
    execution_totals = totals.get(WarningKind.BUDGET_EXECUTION, {})
    budget = sum((r["budget"] for r in progress), Decimal(0))
    executed = sum((r["executed_to_date"] for r in progress), Decimal(0))
    chart = {
        "labels": {"rate": _("执行率"), "timeProgress": _("时间进度")},
        "timeProgress": _pct(time_progress),
        "execution": [
            {"name": r["department"] or _("直属单位"), "rate": _pct(r["rate"]), "url": r["url"]}
            for r in execution
        ],
        "colours": [{"key": c, "label": str(label)} for c, label in Colour.choices],
        "departments": [
            {
                "name": r["department"] or _("直属单位"),
                "counts": {c: r[c] for c in Colour.values},
                "urls": r["urls"],
            }
            for r in by_department
        ],
        "trend": [
            {"name": r["round"], "counts": {c: r[c] for c in Colour.values}, "urls": r["urls"]}
            for r in trend
        ],
    }
    return render(
        request,
        "budget/monitoring/dashboard.html",
        {
            "page_title": _("监控看板"),
            "round": round,
            "all_rounds": sorted(
                rounds.values(), key=lambda r: (-r.fiscal_year, -r.months_elapsed)
            ),
            "time_progress_text": percent(time_progress),
            "budget": budget,
            "executed": executed,
            "execution_rate_text": percent(executed / budget if budget > 0 else None),
            "execution": execution,
            "by_department": by_department,
            "combined": [
                (c, label, combined.get(c, 0), _list_url(round, colour=c))
                for c, label in Colour.choices
                if c != Colour.BLUE
            ],
            "execution_totals": [
                (c, label, execution_totals.get(c, 0), _list_url(round, execution=c))
                for c, label in Colour.choices
                if c != Colour.BLUE
            ],
            "indicator_totals": [
                (
                    c,
                    label,
                    totals.get(WarningKind.INDICATOR, {}).get(c, 0)
                    + totals.get(WarningKind.QUALITATIVE, {}).get(c, 0),
                )
                for c, label in Colour.choices
            ],
            "trend": trend,
            "movement": movement,
            "red": red,
            "kinds": dict(WarningKind.choices),
            "chart": chart,
            "colours": Colour.choices,
            "is_closed": round.state == RoundState.CLOSED,
        },
    )


# --- Spending --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def spending(request: HttpRequest) -> HttpResponse:
    """Payments of the year's projects in scope; the finance bureau records one by hand (the
    budget system pushes them through the API)."""
    if not perms.can(request.user, actions.MONITORING_VIEW):
        raise Http404
    year, project = _year(request), request.GET.get("project", "")
    can_record = _can_manage(request)
    form = monitoring_forms.SpendingForm(request.POST or None) if can_record else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            done = run_for_form(
                form,
                lambda: services.spending_record(
                    actor=request.user,
                    fiscal_year=year,
                    items=[(data["code"], data["date"], data["amount"], data["reference"])],
                ),
            )
            if done is not None:
                messages.success(request, _("已登记支出。"))
                return redirect(f"{reverse('budget:monitoring_spending')}?year={year}")
    return _spending_page(request, year, project, form)


def _spending_page(
    request: HttpRequest,
    year: int,
    project: str,
    form: Any,
    refused: ImportRefused | None = None,
) -> HttpResponse:
    records = queries.spending_visible(request.user, year, project)
    page = paginate(request, records)
    return render(
        request,
        "budget/monitoring/spending.html",
        {
            "page_title": _("支出记录"),
            "page": page,
            "year": year,
            "years": range(_this_year() - 2, _this_year() + 2),
            "project": project,
            "form": form,
            "import_form": monitoring_forms.ImportForm() if form is not None else None,
            "refused": refused,
        },
        status=400 if refused is not None or (form is not None and form.errors) else 200,
    )


@require_POST
@login_required
def spending_import(request: HttpRequest) -> HttpResponse:
    """The finance bureau records the payments of a 项目支出明细 workbook, all or nothing."""
    if not _can_manage(request):
        raise Http404
    year = _year(request)
    upload = monitoring_forms.ImportForm(request.POST, request.FILES)
    if not upload.is_valid():
        messages.error(request, _("请选择要导入的 Excel 文件。"))
        return redirect(f"{reverse('budget:monitoring_spending')}?year={year}")
    try:
        result = excel.import_spending(
            actor=request.user, fiscal_year=year, file=upload.cleaned_data["file"]
        )
    except PermissionDeniedError as exc:
        raise _refuse(exc) from exc
    except ImportRefused as exc:
        return _spending_page(request, year, "", monitoring_forms.SpendingForm(), refused=exc)
    messages.success(
        request,
        _("已导入%(created)s条支出记录，合计%(total)s万元（%(projects)s个项目）。")
        % {"created": result.created, "total": result.total, "projects": result.projects},
    )
    return redirect(f"{reverse('budget:monitoring_spending')}?year={year}")


@require_GET
@login_required
def spending_template(request: HttpRequest) -> HttpResponse:
    if not _can_manage(request):
        raise Http404
    return _xlsx(excel.spending_template(), "项目支出明细.xlsx")


# --- Excel -----------------------------------------------------------------------------------


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@require_GET
@login_required
def form_export(request: HttpRequest, pk: int) -> HttpResponse:
    form = queries.get_form_for_user(request.user, pk)
    content = excel.export_forms(form.round, MonitoringForm.objects.filter(pk=form.pk))
    return _xlsx(content, f"绩效监控表-{form.project.code}.xlsx")


@require_GET
@login_required
def round_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The visible forms of the round (a unit: its own), filtered as on the list page."""
    round = queries.get_round_for_user(request.user, pk)
    forms = queries.form_rows(request.user, round, **_filters(request))
    return _xlsx(excel.export_forms(round, forms), f"绩效监控表-{round.name}.xlsx")


@require_http_methods(["GET", "POST"])
@login_required
def round_import(request: HttpRequest, pk: int) -> HttpResponse:
    round = queries.get_round_for_user(request.user, pk)
    if not perms.can(request.user, actions.MONITORING_FILL):
        raise Http404
    form = monitoring_forms.ImportForm(request.POST or None, request.FILES or None)
    refused = None
    if request.method == "POST" and form.is_valid():
        try:
            result = excel.import_workbook(
                actor=request.user, round=round, file=form.cleaned_data["file"]
            )
        except PermissionDeniedError as exc:
            raise _refuse(exc) from exc
        except ImportRefused as exc:
            refused = exc
        else:
            messages.success(
                request,
                _("已导入%(forms)s张绩效监控表（%(rows)s个指标）。")
                % {"forms": result.forms, "rows": result.indicators},
            )
            return redirect("budget:monitoring_round", pk=round.pk)
    return render(
        request,
        "budget/monitoring/import.html",
        {"page_title": _("导入绩效监控表"), "round": round, "form": form, "refused": refused},
        status=400 if refused is not None else 200,
    )


# --- Home page -------------------------------------------------------------------------------


def home_block(user: Any) -> dict[str, Any] | None:
    """The open rounds the user takes part in, with their forms still to fill or submit (a
    unit's own, a department's or the bureau's whole scope); hidden when there are none."""
    if not perms.can(user, actions.MONITORING_VIEW):
        return None
    rounds = list(queries.rounds_visible(user).filter(state=RoundState.OPEN).order_by("-pk")[:5])
    if not rounds:
        return None
    counts: dict[int, dict[str, int]] = {}
    for row in (
        queries.forms_visible(user)
        .filter(round__in=rounds)
        .order_by()
        .values("round_id", "state")
        .annotate(n=Count("pk"))
    ):
        counts.setdefault(row["round_id"], {})[row["state"]] = row["n"]
    now = timezone.now()
    return {
        "rounds": [
            {
                "round": r,
                "draft": counts.get(r.pk, {}).get(FormState.DRAFT, 0),
                "submitted": counts.get(r.pk, {}).get(FormState.SUBMITTED, 0),
                "overdue": r.deadline.due_at < now,
            }
            for r in rounds
        ],
        "can_fill": perms.can(user, actions.MONITORING_FILL),
    }
