from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.lib.actions import run_with_message
from jixiao.orgs import errors, forms, queries, services
from jixiao.orgs import permissions as perms
from jixiao.orgs.models import Organization, OrgKind, RoleAssignment, User

PAGE_SIZE = 50


def _require_any(request: HttpRequest, action: str) -> None:
    if not perms.can(request.user, action):
        raise Http404


@require_GET
@login_required
def organization_list(request: HttpRequest) -> HttpResponse:
    _require_any(request, perms.ORG_VIEW)
    search = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    qs = queries.organizations_visible(request.user, search=search, kind=kind)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "orgs/organization_list.html",
        {
            "page_title": _("组织机构"),
            "page": page,
            "q": search,
            "kind": kind,
            "kinds": OrgKind.choices,
        },
    )


@require_GET
@login_required
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = perms.get_organization_for_user(request.user, pk)
    children = queries.organizations_visible(request.user).filter(parent=org)
    people = (
        queries.people_visible(request.user).filter(organization=org)
        if perms.can(request.user, perms.USER_VIEW, org)
        else None
    )
    return render(
        request,
        "orgs/organization_detail.html",
        {
            "page_title": org.name,
            "org": org,
            "children": children,
            "people": people,
            "ancestors": _ancestors(request, org),
        },
    )


def _ancestors(request: HttpRequest, org: Organization) -> list[Organization]:
    visible = queries.organizations_visible(request.user)
    ids = [int(seg) for seg in org.path.split(".") if seg][:-1]
    by_id = {o.pk: o for o in visible.filter(pk__in=ids)}
    return [by_id[i] for i in ids if i in by_id]


@require_GET
@login_required
def people_list(request: HttpRequest) -> HttpResponse:
    _require_any(request, perms.USER_VIEW)
    search = request.GET.get("q", "").strip()
    qs = queries.people_visible(request.user, search=search)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "orgs/people_list.html",
        {
            "page_title": _("人员"),
            "page": page,
            "q": search,
        },
    )


def _person(request: HttpRequest, pk: int) -> User:
    return perms.get_for_user(
        request.user, User.objects.select_related("organization"), pk, perms.USER_VIEW
    )


def _person_context(request: HttpRequest, person: User, **forms_: object) -> dict[str, object]:
    org = person.organization
    can_assign = perms.can(request.user, perms.ROLE_ASSIGN, org)
    assign_scope = perms.visible_organizations(request.user, perms.ROLE_ASSIGN)
    return {
        "page_title": person.display_name,
        "person": person,
        "assignments": person.role_assignments.select_related("organization").order_by(
            "organization__path", "role"
        ),
        "locked": person.username in queries.locked_usernames([person.username]),
        "can_assign": can_assign,
        "can_unlock": perms.can(request.user, perms.ACCOUNT_UNLOCK, org),
        "can_manage": perms.can(request.user, perms.USER_MANAGE, org),
        "assign_form": forms_.get("assign_form")
        or (forms.RoleAssignForm(organizations=assign_scope) if can_assign else None),
        "password_form": forms_.get("password_form") or forms.PasswordResetForm(),
    }


@require_GET
@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    return render(request, "orgs/person_detail.html", _person_context(request, person))


@require_http_methods(["GET", "POST"])
@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    _require_any(request, perms.USER_MANAGE)
    scope = perms.visible_organizations(request.user, perms.USER_MANAGE)
    form = forms.UserCreateForm(request.POST or None, organizations=scope)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.user_create(actor=request.user, **data)
        except ValidationError as exc:
            form.add_error("password", exc)
        except errors.DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已新增人员：%(name)s") % {"name": person.display_name})
            return redirect("orgs:person", pk=person.pk)
    return render(request, "orgs/person_form.html", {"page_title": _("新增人员"), "form": form})


@require_POST
@login_required
def person_role_assign(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    scope = perms.visible_organizations(request.user, perms.ROLE_ASSIGN)
    form = forms.RoleAssignForm(request.POST, organizations=scope)
    if form.is_valid():
        try:
            services.role_assign(actor=request.user, user=person, **form.cleaned_data)
        except errors.DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已授予角色。"))
            return redirect("orgs:person", pk=person.pk)
    context = _person_context(request, person, assign_form=form)
    return render(request, "orgs/person_detail.html", context, status=400)


@require_POST
@login_required
def person_role_revoke(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    person = _person(request, pk)
    assignment = perms.get_for_user(
        request.user,
        RoleAssignment.objects.filter(user=person),
        assignment_pk,
        perms.ROLE_ASSIGN,
    )
    _run(request, services.role_revoke, _("已撤销角色。"), assignment=assignment)
    return redirect("orgs:person", pk=person.pk)


@require_POST
@login_required
def person_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    _run(request, services.account_unlock, _("账号已解锁。"), user=person)
    return redirect("orgs:person", pk=person.pk)


@require_POST
@login_required
def person_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    active = request.POST.get("active") == "1"
    _run(
        request,
        services.user_update,
        _("已启用账号。") if active else _("已停用账号。"),
        user=person,
        is_active=active,
    )
    return redirect("orgs:person", pk=person.pk)


@require_POST
@login_required
def person_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    form = forms.PasswordResetForm(request.POST)
    if form.is_valid():
        try:
            services.user_set_password(
                actor=request.user, user=person, password=form.cleaned_data["password"]
            )
        except ValidationError as exc:
            form.add_error("password", exc)
        except errors.DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已重置密码。"))
            return redirect("orgs:person", pk=person.pk)
    context = _person_context(request, person, password_form=form)
    return render(request, "orgs/person_detail.html", context, status=400)


def _run(request: HttpRequest, service: Callable[..., object], done: str, **kwargs: object) -> None:
    """Call a service for a one-button action; a refusal becomes an error message."""
    run_with_message(request, lambda: service(actor=request.user, **kwargs), done)


@require_GET
@login_required
def locked_accounts(request: HttpRequest) -> HttpResponse:
    _require_any(request, perms.ACCOUNT_UNLOCK)
    people = queries.people_visible(request.user).filter(username__in=queries.locked_usernames())
    return render(
        request,
        "orgs/locked_accounts.html",
        {
            "page_title": _("锁定账号"),
            "people": people,
        },
    )
