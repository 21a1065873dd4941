from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.documents.excel import ImportRefused
from jixiao.lib.actions import run_for_form, run_with_message
from jixiao.lib.pages import paginate
from jixiao.orgs import errors, excel, forms, queries, services
from jixiao.orgs import permissions as perms
from jixiao.orgs.models import Organization, OrgKind, RoleAssignment, User


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
    page = paginate(request, qs)
    return render(
        request,
        "orgs/organization_list.html",
        {
            "page_title": _("组织机构"),
            "page": page,
            "q": search,
            "kind": kind,
            "kinds": OrgKind.choices,
            "can_manage": perms.can(request.user, perms.ORG_MANAGE),
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
            "can_manage": perms.can(request.user, perms.ORG_MANAGE, org),
        },
    )


def _managed(request: HttpRequest, pk: int) -> Organization:
    """An organisation the user may manage (create under, edit, move, switch): 404 if not."""
    return perms.get_organization_for_user(request.user, pk, perms.ORG_MANAGE)


def _managed_parents(request: HttpRequest) -> QuerySet[Organization]:
    return perms.visible_organizations(request.user, perms.ORG_MANAGE).filter(is_active=True)


@require_http_methods(["GET", "POST"])
@login_required
def organization_create(request: HttpRequest) -> HttpResponse:
    """A new organisation under one the user manages (roots come from ``jixiao setup``)."""
    _require_any(request, perms.ORG_MANAGE)
    parents = _managed_parents(request)
    initial = {"parent": request.GET.get("parent")} if request.GET.get("parent") else None
    form = forms.OrganizationForm(request.POST or None, parents=parents, initial=initial)
    if request.method == "POST" and form.is_valid():
        org = run_for_form(
            form, lambda: services.organization_create(actor=request.user, **form.cleaned_data)
        )
        if org is not None:
            messages.success(request, _("已新增组织：%(name)s") % {"name": org.name})
            return redirect("orgs:detail", pk=org.pk)
    return render(
        request,
        "orgs/organization_form.html",
        {"page_title": _("新增组织"), "form": form, "org": None},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def organization_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = _managed(request, pk)
    initial = {f: getattr(org, f) for f in ("name", "short_name", "code", "kind", "sort_order")}
    form = forms.OrganizationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = run_for_form(
            form,
            lambda: services.organization_update(
                actor=request.user, organization=org, **form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(request, _("已保存组织：%(name)s") % {"name": org.name})
            return redirect("orgs:detail", pk=org.pk)
    return render(
        request,
        "orgs/organization_form.html",
        {"page_title": _("编辑组织"), "form": form, "org": org},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def organization_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Put an organisation, with everything below it, under another parent."""
    org = _managed(request, pk)
    kinds = [k for k in services.ALLOWED_PARENTS[org.kind] if k]
    parents = _managed_parents(request).filter(kind__in=kinds).exclude(path__startswith=org.path)
    form = forms.OrganizationMoveForm(
        request.POST or None, parents=parents, initial={"parent": org.parent_id}
    )
    if request.method == "POST" and form.is_valid():
        done = run_for_form(
            form,
            lambda: services.organization_move(
                actor=request.user, organization=org, parent=form.cleaned_data["parent"]
            ),
        )
        if done is not None:
            messages.success(request, _("已移动组织：%(name)s") % {"name": org.name})
            return redirect("orgs:detail", pk=org.pk)
    return render(
        request,
        "orgs/organization_move.html",
        {"page_title": _("移动组织"), "form": form, "org": org},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
@login_required
def organization_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    org = _managed(request, pk)
    active = request.POST.get("active") == "1"
    _run(
        request,
        services.organization_set_active,
        _("已启用组织。") if active else _("已停用组织。"),
        organization=org,
        active=active,
    )
    return redirect("orgs:detail", pk=org.pk)


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
    page = paginate(request, qs)
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


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _require_import(request: HttpRequest) -> None:
    if not any(
        perms.can(request.user, action)
        for action in (perms.ORG_MANAGE, perms.USER_MANAGE, perms.ROLE_ASSIGN)
    ):
        raise Http404


@require_http_methods(["GET", "POST"])
@login_required
def organization_import(request: HttpRequest) -> HttpResponse:
    """组织机构及人员导入: upload → the counts (and the new people's initial passwords, shown
    this once) or every error located; nothing is written when anything is wrong."""
    _require_import(request)
    form = forms.OrgImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"page_title": _("组织机构及人员导入"), "form": form}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                result = excel.import_workbook(actor=request.user, file=form.cleaned_data["file"])
            except ImportRefused as refused:
                context["refused"] = refused
            except errors.PermissionDeniedError as exc:
                raise PermissionDenied(exc.message) from exc
            else:
                status = 200
                context["result"] = result
    response = render(request, "orgs/organization_import.html", context, status=status)
    response["Cache-Control"] = "no-store"  # the initial passwords must not be cached
    return response


@require_GET
@login_required
def organization_import_template(request: HttpRequest) -> HttpResponse:
    _require_import(request)
    return _download(excel.template_workbook(), "组织机构及人员导入模板.xlsx")


@require_GET
@login_required
def organization_export(request: HttpRequest) -> HttpResponse:
    _require_any(request, perms.ORG_MANAGE)
    content = excel.export_workbook(request.user) or b""
    return _download(content, "组织机构及人员.xlsx")
