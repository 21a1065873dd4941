"""Deadline pages: list, detail (the overdue list of one deadline), create, edit, and the
completion buttons. Thin: parse, call a query or a service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.lib.pages import paginate
from jixiao.orgs import permissions as perms
from jixiao.periods import forms, queries, services
from jixiao.periods.errors import DomainError, PermissionDeniedError
from jixiao.periods.queries import DeadlineFilter, DeadlineStatus


def _year(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


@require_GET
@login_required
def deadline_list(request: HttpRequest) -> HttpResponse:
    if not perms.can(request.user, perms.DEADLINE_VIEW):
        raise Http404
    g = request.GET
    f = DeadlineFilter(
        status=g.get("status", ""), year=_year(g.get("year")), q=g.get("q", "").strip()
    )
    base = queries.deadlines_for_list(request.user, f)
    page = paginate(request, queries.filter_status(base, f.status))
    return render(
        request,
        "periods/deadline_list.html",
        {
            "page_title": _("期间与截止"),
            "page": page,
            "f": f,
            "counts": queries.status_counts(base),
            "statuses": DeadlineStatus.choices,
            "years": queries.deadline_years(request.user),
            "can_manage": perms.can(request.user, perms.DEADLINE_MANAGE),
        },
    )


@require_GET
@login_required
def deadline_detail(request: HttpRequest, pk: int) -> HttpResponse:
    deadline = queries.get_deadline_for_user(request.user, pk)
    show = request.GET.get("show", "")
    rows = queries.target_rows(deadline, request.user, show)
    can_manage = perms.can(request.user, perms.DEADLINE_MANAGE, deadline.organization)
    return render(
        request,
        "periods/deadline_detail.html",
        {
            "page_title": deadline.title,
            "deadline": deadline,
            "page": paginate(request, rows),
            "show": show,
            "past_due": deadline.due_at < timezone.now(),
            "can_manage": can_manage,
            "can_complete": can_manage or perms.has_role(request.user, deadline.role),
        },
    )


def _save(request: HttpRequest, form: forms.BootstrapForm, save: Any) -> Any:
    """Run ``save`` (a service call) for a valid form; its domain errors go on the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except PermissionDeniedError as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        form.add_domain_error(exc)
        return None


@require_http_methods(["GET", "POST"])
@login_required
def deadline_create(request: HttpRequest) -> HttpResponse:
    if not perms.can(request.user, perms.DEADLINE_MANAGE):
        raise PermissionDenied
    initial = {"period": request.GET.get("period"), "role": "unit_operator"}
    form = forms.DeadlineForm(request.POST or None, user=request.user, initial=initial)
    deadline = _save(
        request,
        form,
        lambda data: services.deadline_create(actor=request.user, **data),
    )
    if deadline is not None:
        messages.success(request, _("已设定截止事项“%(title)s”。") % {"title": deadline.title})
        return redirect("periods:deadline", deadline.pk)
    return render(
        request,
        "periods/deadline_form.html",
        {"page_title": _("设定截止事项"), "form": form, "deadline": None},
    )


@require_http_methods(["GET", "POST"])
@login_required
def deadline_edit(request: HttpRequest, pk: int) -> HttpResponse:
    deadline = queries.get_deadline_for_user(request.user, pk, write=True)
    initial = {
        "period": deadline.period_id,
        "title": deadline.title,
        "organization": deadline.organization_id,
        "target_kinds": deadline.target_kinds,
        "targets": queries.explicit_target_ids(deadline),
        "role": deadline.role,
        "opens_on": deadline.opens_on,
        "due_at": deadline.due_at,
        "topic": deadline.topic,
        "link": deadline.link,
        "description": deadline.description,
        "is_active": deadline.is_active,
    }
    form = forms.DeadlineEditForm(request.POST or None, user=request.user, initial=initial)

    def save(data: dict[str, Any]) -> Any:
        data.pop("organization", None)
        changed = {name: data[name] for name in form.changed_data if name in data}
        return services.deadline_update(actor=request.user, deadline=deadline, **changed)

    if _save(request, form, save) is not None:
        messages.success(request, _("截止事项已修改。"))
        return redirect("periods:deadline", deadline.pk)
    return render(
        request,
        "periods/deadline_form.html",
        {"page_title": _("修改截止事项"), "form": form, "deadline": deadline},
    )


def _completion_action(request: HttpRequest, pk: int, org_pk: int, action: str) -> HttpResponse:
    deadline = queries.get_deadline_for_user(request.user, pk)
    organization = queries.target_for_user(deadline, request.user, org_pk)
    try:
        if action == "complete":
            services.deadline_complete(
                actor=request.user, deadline=deadline, organization=organization
            )
            messages.success(request, _("已标记“%(name)s”完成。") % {"name": organization.name})
        else:
            services.deadline_reopen(
                actor=request.user, deadline=deadline, organization=organization
            )
            messages.success(request, _("已重新打开“%(name)s”。") % {"name": organization.name})
    except PermissionDeniedError as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("periods:deadline", deadline.pk)


@require_POST
@login_required
def deadline_complete(request: HttpRequest, pk: int, org_pk: int) -> HttpResponse:
    return _completion_action(request, pk, org_pk, "complete")


@require_POST
@login_required
def deadline_reopen(request: HttpRequest, pk: int, org_pk: int) -> HttpResponse:
    return _completion_action(request, pk, org_pk, "reopen")


@require_http_methods(["GET", "POST"])
@login_required
def period_create(request: HttpRequest) -> HttpResponse:
    if not perms.can(request.user, perms.DEADLINE_MANAGE):
        raise PermissionDenied
    form = forms.PeriodForm(request.POST or None, user=request.user)
    period = _save(request, form, lambda data: services.period_create(actor=request.user, **data))
    if period is not None:
        messages.success(request, _("已新建期间“%(name)s”。") % {"name": period.name})
        return redirect(f"{reverse('periods:deadline_create')}?period={period.pk}")
    return render(request, "periods/period_form.html", {"page_title": _("新建期间"), "form": form})
