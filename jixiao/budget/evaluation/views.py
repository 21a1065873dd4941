"""Pages of evaluation (BUD-7…BUD-10, item 9). Thin: parse, call a service or a query,
render. Objects come through ``queries.get_self_evaluation_for_user`` and
``queries.get_evaluation_for_user`` (404 outside the user's scope or assignments); every
write through the services, refusals shown through ``jixiao.lib.actions``."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.budget.evaluation import excel, queries, recompute, self_excel, self_print, services
from jixiao.budget.evaluation import permissions as actions
from jixiao.budget.evaluation.models import (
    AssignmentRole,
    Category,
    Combination,
    EvaluationAssignment,
    EvaluationKind,
    EvaluationState,
    JobState,
    Method,
    RecomputeJob,
    ResultState,
    Rounding,
    Standard,
)
from jixiao.budget.models import DeclarationKind
from jixiao.budget.monitoring.forms import ImportForm
from jixiao.budget.queries import get_project_for_user
from jixiao.documents.excel import ImportRefused
from jixiao.indicators.scoring import SheetError
from jixiao.lib.actions import run_with_message
from jixiao.lib.pages import paginate
from jixiao.orgs import permissions as perms
from jixiao.orgs.errors import PermissionDeniedError
from jixiao.orgs.models import Organization, Role, User
from jixiao.workflow.definitions import get_definition
from jixiao.workflow.queries import comments_by_item, history

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def _year(request: HttpRequest) -> int:
    last = timezone.localdate().year - 1  # evaluation looks back at last year
    try:
        return int(request.GET.get("year") or request.POST.get("year") or last)
    except ValueError:
        return last


def _bureau(request: HttpRequest) -> Organization:
    """The bureau the user manages evaluation for; 404 for everyone else."""
    bureau = queries.managed_bureau(request.user)
    if bureau is None:
        raise Http404
    return bureau


def _viewer_bureau(request: HttpRequest) -> Organization | None:
    """The bureau above the user's own organisation (for lists of anyone in the tree)."""
    organization = getattr(request.user, "organization", None)
    if organization is None:
        return None
    return services.bureau_of(organization)


# --- Self-evaluation -------------------------------------------------------------------------


@require_GET
@login_required
def self_evaluation_list(request: HttpRequest) -> HttpResponse:
    """Coverage: every approved declaration of the year with its self-evaluation; the ones
    not submitted first."""
    if not perms.can(request.user, actions.SELF_EVALUATION_VIEW):
        raise Http404
    year = _year(request)
    bureau = queries.managed_bureau(request.user) or _viewer_bureau(request)
    rows = queries.coverage(request.user, bureau, year) if bureau is not None else []
    missing = sum(1 for row in rows if not row.submitted)
    return render(
        request,
        "budget/evaluation/self_list.html",
        {
            "page_title": _("绩效自评"),
            "rows": paginate(request, rows),
            "total": len(rows),
            "year": year,
            "missing": missing,
            "can_fill": perms.can(request.user, actions.SELF_EVALUATION_FILL),
        },
    )


@require_POST
@login_required
def self_evaluation_create(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = get_project_for_user(request.user, project_pk)
    created: list[Any] = []
    ok = run_with_message(
        request,
        lambda: created.append(
            services.self_evaluation_create(actor=request.user, project=project)
        ),
        _("已生成绩效自评表，已按批复目标和最后一次监控预填。"),
    )
    if ok:
        return redirect("budget:self_evaluation", created[0].pk)
    return redirect(f"/budget/self-evaluations/?year={project.fiscal_year}")


def _item_changes(request: HttpRequest, rows: list[Any]) -> dict[int, dict[str, str]]:
    changes = {}
    for row in rows:
        fields = {}
        for name in ("actual", "level", "assessed_score", "reported_score", "explanation"):
            key = f"item-{row.pk}-{name}"
            if key in request.POST:
                fields[name] = request.POST[key]
        if fields:
            changes[row.pk] = fields
    return changes


@require_http_methods(["GET", "POST"])
@login_required
def self_evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = queries.get_self_evaluation_for_user(request.user, pk)
    rows = list(queries.self_items(evaluation))
    can_fill = perms.can(request.user, actions.SELF_EVALUATION_FILL, evaluation.unit)
    editable = can_fill and evaluation.state in (ResultState.DRAFT, ResultState.RETURNED)
    problems: list[str] = []
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if request.POST.get("op") == "survey":
            run_with_message(
                request,
                lambda: services.self_evaluation_survey_refresh(
                    actor=request.user, self_evaluation=evaluation
                ),
                _("已引入满意度调查结果并重新计分。"),
            )
            return redirect("budget:self_evaluation", evaluation.pk)
        values = {
            name: request.POST[name] for name in services.HEADER_FIELDS if name in request.POST
        }

        def save() -> None:
            services.self_evaluation_save(
                actor=request.user,
                self_evaluation=evaluation,
                values=values,
                items=_item_changes(request, rows),
            )
            if request.POST.get("op") == "submit":
                services.self_evaluation_submit(actor=request.user, self_evaluation=evaluation)

        done = _("已提交审核。") if request.POST.get("op") == "submit" else _("已保存。")
        if run_with_message(request, save, done):
            return redirect("budget:self_evaluation", evaluation.pk)
        return redirect("budget:self_evaluation", evaluation.pk)
    case = services.case_of(evaluation)
    rows = services.explained(evaluation, rows)
    outcome_problems = []
    if editable and evaluation.total is not None:
        rules = services.rules_for(services.bureau_of(evaluation.unit), evaluation.fiscal_year)
        try:
            outcome = services.score(evaluation, rows, rules)
        except SheetError as exc:
            outcome_problems = list(exc.messages)
        else:
            outcome_problems = services.submit_problems(evaluation, rows, outcome)
    problems.extend(outcome_problems)
    return render(
        request,
        "budget/evaluation/self_detail.html",
        {
            "page_title": _("绩效自评表"),
            "evaluation": evaluation,
            "project": evaluation.project,
            "rows": rows,
            "editable": editable,
            "case": case,
            "can_review": _can_review(request.user, case),
            "history": history(case),
            "results": recompute.history_of(evaluation)[:20],
            "comments": comments_by_item(case),
            "problems": problems,
            "levels": [("achieved", "达成"), ("partly", "部分达成"), ("not_achieved", "未达成")],
        },
    )


def _can_review(user: User, case: Any) -> bool:
    if case.current_level is None or case.reviewing_organization is None:
        return False
    level = get_definition(case.definition_key).levels[case.current_level]
    return perms.can(user, level.action, case.reviewing_organization)


@require_POST
@login_required
def self_evaluation_review(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = queries.get_self_evaluation_for_user(request.user, pk)
    comment = request.POST.get("comment", "").strip()
    if request.POST.get("op") == "return":
        run_with_message(
            request,
            lambda: services.self_evaluation_return(
                actor=request.user, self_evaluation=evaluation, comment=comment
            ),
            _("已退回。"),
        )
    else:
        run_with_message(
            request,
            lambda: services.self_evaluation_approve(
                actor=request.user, self_evaluation=evaluation, comment=comment
            ),
            _("已审核通过。"),
        )
    return redirect("budget:self_evaluation", evaluation.pk)


# --- Evaluations -----------------------------------------------------------------------------


@require_GET
@login_required
def evaluation_list(request: HttpRequest) -> HttpResponse:
    evaluations = paginate(request, queries.evaluations_visible(request.user))
    allowed = perms.can(request.user, actions.EVALUATION_VIEW) or perms.has_role(
        request.user, Role.EVALUATOR
    )
    if not evaluations.paginator.count and not allowed:
        raise Http404
    return render(
        request,
        "budget/evaluation/evaluation_list.html",
        {
            "page_title": _("重点评价与再评价"),
            "evaluations": evaluations,
            "can_manage": queries.managed_bureau(request.user) is not None,
        },
    )


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text.strip() else None
    except InvalidOperation:
        return None


@require_http_methods(["GET", "POST"])
@login_required
def evaluation_select(request: HttpRequest) -> HttpResponse:
    """The bureau picks projects (sector, amount, warnings, a seeded sample) and creates
    evaluations of them."""
    bureau = _bureau(request)
    source = request.POST if request.method == "POST" else request.GET
    year = _year(request)
    sample = source.get("sample", "").strip()
    seed = source.get("seed", "").strip()
    department = source.get("kind") == DeclarationKind.DEPARTMENT
    filters = {
        "sectors": [s.strip() for s in source.get("sectors", "").split(",") if s.strip()],
        "min_amount": _decimal(source.get("min_amount", "")),
        "max_amount": _decimal(source.get("max_amount", "")),
        "warning_colours": source.getlist("warnings"),
        "sample": int(sample) if sample.isdigit() and int(sample) > 0 else None,
        "seed": int(seed) if seed.lstrip("-").isdigit() else None,
        "kind": DeclarationKind.DEPARTMENT if department else DeclarationKind.PROJECT,
    }
    candidates = queries.selection_candidates(bureau, year, **filters)
    if request.method == "POST":
        chosen = {int(pk) for pk in request.POST.getlist("project") if pk.isdigit()}
        projects = [p for p in candidates if p.pk in chosen]
        kind = request.POST.get("evaluation_kind", EvaluationKind.KEY)
        if department:
            kind = EvaluationKind.DEPARTMENT
        selection = {k: str(v) for k, v in filters.items() if v not in (None, [], "")}
        if run_with_message(
            request,
            lambda: services.evaluations_create(
                actor=request.user,
                bureau=bureau,
                projects=projects,
                kind=kind,
                selection=selection,
                combination=request.POST.get("combination", Combination.MEAN),
            ),
            _("已创建%(count)d项评价。") % {"count": len(projects)},
        ):
            return redirect("budget:evaluations")
    return render(
        request,
        "budget/evaluation/select.html",
        {
            "page_title": _("选取评价项目"),
            "year": year,
            "candidates": candidates,
            "values": source,
            "warning_choices": queries.WARNING_CHOICES,
            "kinds": [
                (EvaluationKind.KEY, _("重点评价")),
                (EvaluationKind.REEVALUATION, _("再评价（复核单位自评）")),
            ],
            "combinations": Combination.choices,
        },
    )


@require_GET
@login_required
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = queries.get_evaluation_for_user(request.user, pk)
    can_manage = perms.can(request.user, actions.EVALUATION_MANAGE, evaluation.bureau)
    assignment = EvaluationAssignment.objects.filter(
        evaluation=evaluation, user=request.user
    ).first()
    items = list(queries.evaluation_items(evaluation))
    columns = queries.expert_table(evaluation) if can_manage else []
    mine = {}
    if assignment is not None:
        mine = {s.item_id: s.score for s in assignment.scores.all()}
    evaluators = []
    if can_manage:
        evaluators = list(
            User.objects.filter(role_assignments__role=Role.EVALUATOR, is_active=True)
            .distinct()
            .order_by("username")
        )
    return render(
        request,
        "budget/evaluation/evaluation_detail.html",
        {
            "page_title": evaluation.title,
            "evaluation": evaluation,
            "items": [
                {
                    "item": item,
                    "mine": mine.get(item.pk),
                    "experts": [c.scores.get(item.pk) for c in columns],
                }
                for item in items
            ],
            "columns": columns,
            "can_manage": can_manage,
            "assignment": assignment,
            "is_reevaluation": evaluation.kind == EvaluationKind.REEVALUATION,
            "scoring": evaluation.state == EvaluationState.SCORING,
            "draft": evaluation.state == EvaluationState.DRAFT,
            "finished": evaluation.state == EvaluationState.FINISHED,
            "may_rescore": can_manage or assignment is not None,
            "evaluators": evaluators,
            "roles": AssignmentRole.choices,
            "methods": Method.choices,
            "standards": Standard.choices,
            "categories": Category.choices,
            "levels": [("achieved", "达成"), ("partly", "部分达成"), ("not_achieved", "未达成")],
        },
    )


@require_POST
@login_required
def evaluation_action(request: HttpRequest, pk: int, op: str) -> HttpResponse:
    """The evaluation's one-button and form actions: settings, assign, open, scores, rescore,
    finish. Managers act on every one; an assigned person only scores."""
    evaluation = queries.get_evaluation_for_user(request.user, pk, write=True)
    post = request.POST
    calls = {
        "update": lambda: services.evaluation_update(
            actor=request.user,
            evaluation=evaluation,
            **_settings(post, evaluation.state == EvaluationState.DRAFT),
        ),
        "assign": lambda: services.evaluation_assign(
            actor=request.user,
            evaluation=evaluation,
            user=get_object_or_404(User, pk=post.get("user")),
            role=post.get("role", AssignmentRole.EXPERT),
            agency=post.get("agency", ""),
        ),
        "open": lambda: services.evaluation_open(actor=request.user, evaluation=evaluation),
        "scores": lambda: services.expert_scores_save(
            actor=request.user,  # type: ignore[arg-type]
            evaluation=evaluation,
            scores={int(k.split("-")[1]): v for k, v in post.items() if k.startswith("score-")},
            submit=post.get("submit") == "1",
        ),
        "rescore": lambda: services.reevaluation_score(
            actor=request.user,
            evaluation=evaluation,
            items=_rescore_items(post, evaluation),
        ),
        "finish": lambda: services.evaluation_finish(
            actor=request.user, evaluation=evaluation, conclusion=post.get("conclusion", "")
        ),
    }
    if op not in calls:
        raise Http404
    run_with_message(request, calls[op], _("已保存。"))
    return redirect("budget:evaluation", evaluation.pk)


def _settings(post: Any, draft: bool) -> dict[str, Any]:
    values: dict[str, Any] = {
        "methods": post.getlist("methods"),
        "standards": post.getlist("standards"),
        "method_note": post.get("method_note", ""),
    }
    if draft:
        weights = {c: _decimal(post.get(f"weight_{c}", "")) for c in Category.values}
        values["weights"] = {c: w for c, w in weights.items() if w is not None}
        values["combination"] = post.get("combination", Combination.MEAN)
        values["full_cycle"] = post.get("full_cycle") == "1"
        start, end = post.get("cycle_start", ""), post.get("cycle_end", "")
        values["cycle_start"] = int(start) if start.isdigit() else None
        values["cycle_end"] = int(end) if end.isdigit() else None
    return values


def _rescore_items(post: Any, evaluation: Any) -> dict[int, dict[str, str]]:
    changes: dict[int, dict[str, str]] = {}
    for item in evaluation.items.all():
        fields = {
            name: post[f"item-{item.pk}-{name}"]
            for name in ("actual", "level", "adjusted_score", "reason")
            if f"item-{item.pk}-{name}" in post
        }
        if fields:
            changes[item.pk] = fields
    return changes


# --- Quality check, proposal, rules and recompute --------------------------------------------


@require_GET
@login_required
def quality(request: HttpRequest) -> HttpResponse:
    bureau = _bureau(request)
    year = _year(request)
    return render(
        request,
        "budget/evaluation/quality.html",
        {
            "page_title": _("自评质量检查"),
            "year": year,
            "report": queries.quality_check(bureau, year),
        },
    )


@require_GET
@login_required
def proposal(request: HttpRequest) -> HttpResponse:
    if not perms.can(request.user, actions.EVALUATION_VIEW):
        raise Http404
    bureau = queries.managed_bureau(request.user) or _viewer_bureau(request)
    if bureau is None:
        raise Http404
    year = _year(request)
    result = queries.proposal(request.user, bureau, year)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(excel.export_proposal(result), content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(
            True, f"{year + 1}年度预算安排建议.xlsx"
        )
        return response
    return render(
        request,
        "budget/evaluation/proposal.html",
        {"page_title": _("结果应用与预算安排建议"), "year": year, "proposal": result},
    )


@require_http_methods(["GET", "POST"])
@login_required
def rules(request: HttpRequest) -> HttpResponse:
    bureau = _bureau(request)
    year = _year(request)
    settings = services.settings_for(bureau, year)
    if request.method == "POST":
        post = request.POST
        if post.get("op") == "recompute":
            run_with_message(
                request,
                lambda: recompute.results_recompute(
                    actor=request.user,
                    bureau=bureau,
                    fiscal_year=year,
                    reason=post.get("reason", ""),
                ),
                _("已开始重新计分。"),
            )
        else:
            run_with_message(
                request,
                lambda: services.evaluation_settings_set(
                    actor=request.user,
                    bureau=bureau,
                    fiscal_year=year,
                    excellent_min=_decimal(post.get("excellent_min", "")) or Decimal(0),
                    good_min=_decimal(post.get("good_min", "")) or Decimal(0),
                    fair_min=_decimal(post.get("fair_min", "")) or Decimal(0),
                    execution_full=_decimal(post.get("execution_full", "")) or Decimal(10),
                    decimals=int(post.get("decimals") or 2),
                    rounding=post.get("rounding", Rounding.HALF_UP),
                    fair_cut=_decimal(post.get("fair_cut", "")) or Decimal(0),
                ),
                _("已保存评价规则。规则调整后请重新计分。"),
            )
        return redirect(f"/budget/evaluation/rules/?year={year}")
    jobs = list(RecomputeJob.objects.filter(bureau=bureau, fiscal_year=year)[:10])
    stale = recompute.scope(bureau, year).exclude(rule_version=settings.version_label).count()
    return render(
        request,
        "budget/evaluation/rules.html",
        {
            "page_title": _("评价规则与重新计分"),
            "year": year,
            "settings": settings,
            "jobs": jobs,
            "stale": stale,
            "roundings": Rounding.choices,
        },
    )


@require_POST
@login_required
def job_step(request: HttpRequest, pk: int) -> HttpResponse:
    """One batch of a recompute job and its progress row (htmx polls this while it runs)."""
    bureau = _bureau(request)
    job = get_object_or_404(RecomputeJob, pk=pk, bureau=bureau)
    if job.state in (JobState.QUEUED, JobState.RUNNING):
        job = recompute.recompute_job_step(job=job)
    return render(request, "budget/evaluation/_job.html", {"job": job})


# --- Self-evaluation: Excel and print (CORE-7) -----------------------------------------------


def _download(content: bytes, filename: str, content_type: str, *, inline: bool = False) -> Any:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    return response


@require_GET
@login_required
def self_evaluation_export(request: HttpRequest, pk: int) -> HttpResponse:
    """One 项目支出绩效自评表 as a workbook (404 outside the user's scope, as the page)."""
    evaluation = queries.get_self_evaluation_for_user(request.user, pk)
    content = self_excel.export_self_evaluations([evaluation])
    return _download(content, self_excel.filename(evaluation), XLSX)


@require_GET
@login_required
def self_evaluation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = queries.get_self_evaluation_for_user(request.user, pk)
    content = self_print.self_evaluation_pdf(evaluation)
    return _download(content, self_print.pdf_filename(evaluation), PDF, inline=True)


@require_GET
@login_required
def self_evaluations_export(request: HttpRequest) -> HttpResponse:
    """The self-evaluations of the year the user sees, one per sheet: those on the coverage
    list's current page (``?scope=page&page=N``), or all of them."""
    if not perms.can(request.user, actions.SELF_EVALUATION_VIEW):
        raise Http404
    year = _year(request)
    visible = queries.self_evaluations_visible(request.user).filter(fiscal_year=year)
    if request.GET.get("scope") == "page":
        bureau = queries.managed_bureau(request.user) or _viewer_bureau(request)
        rows = queries.coverage(request.user, bureau, year) if bureau is not None else []
        page = paginate(request, rows)
        order = [row.self_evaluation.pk for row in page if row.self_evaluation is not None]
        position = {pk: n for n, pk in enumerate(order)}
        chosen = sorted(visible.filter(pk__in=order), key=lambda e: position[e.pk])
        content = self_excel.export_self_evaluations(chosen)
        name = _("%(year)s年度绩效自评表（第%(page)s页）.xlsx") % {
            "year": year,
            "page": page.number,
        }
        return _download(content, name, XLSX)
    content = self_excel.export_self_evaluations(visible.order_by("unit__path", "project__code"))
    return _download(content, _("%(year)s年度绩效自评表.xlsx") % {"year": year}, XLSX)


@require_http_methods(["GET", "POST"])
@login_required
def self_evaluations_import(request: HttpRequest) -> HttpResponse:
    """Upload filled-in self-evaluation tables of the year: every error listed with its
    sheet, row and column, or every table saved (units' filling-in role only)."""
    if not perms.can(request.user, actions.SELF_EVALUATION_FILL):
        raise Http404
    year = _year(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    refused = None
    if request.method == "POST" and form.is_valid():
        try:
            result = self_excel.import_workbook(
                actor=request.user, fiscal_year=year, file=form.cleaned_data["file"]
            )
        except PermissionDeniedError as exc:
            raise PermissionDenied(exc.message) from exc
        except ImportRefused as exc:
            refused = exc
        else:
            messages.success(
                request,
                _("已导入%(tables)s张绩效自评表，其中%(changed)s张有改动，已重新计分。")
                % {"tables": result.tables, "changed": len(result.changed)},
            )
            return redirect(f"{reverse('budget:self_evaluations')}?year={year}")
    return render(
        request,
        "budget/evaluation/self_import.html",
        {"page_title": _("导入绩效自评表"), "year": year, "form": form, "refused": refused},
        status=400 if refused is not None else 200,
    )
