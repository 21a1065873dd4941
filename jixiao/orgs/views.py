from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jixiao.orgs import permissions as perms
from jixiao.orgs import queries
from jixiao.orgs.models import Organization, OrgKind

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
            "page_title": "组织机构",
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
            "page_title": "人员",
            "page": page,
            "q": search,
        },
    )
