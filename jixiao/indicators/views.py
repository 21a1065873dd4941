from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jixiao.indicators import library, queries
from jixiao.indicators.services import INDICATOR_VIEW, tree_check
from jixiao.indicators.sheets import sheet_json, tree_to_sheet
from jixiao.lib.pages import paginate
from jixiao.orgs import permissions as perms


@require_GET
@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    if not perms.can(request.user, INDICATOR_VIEW):
        raise Http404
    templates = queries.templates_visible(request.user)
    return render(
        request,
        "indicators/template_list.html",
        {
            "page_title": _("指标模板"),
            "templates": templates,
        },
    )


@require_GET
@login_required
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tree = queries.get_template_for_user(request.user, pk)
    return render(
        request,
        "indicators/template_detail.html",
        {
            "page_title": tree.name,
            "tree": tree,
            "rows": queries.tree_rows(tree),
            "problems": tree_check(tree),
        },
    )


@require_GET
@login_required
def template_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The template as a ``jixiao-sheet/1`` document, to fill in and score with the CLI."""
    tree = queries.get_template_for_user(request.user, pk)
    response = HttpResponse(
        sheet_json(tree_to_sheet(tree)), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="sheet-{tree.code or tree.pk}.json"'
    return response


def library_context(request: HttpRequest) -> dict[str, object]:
    """The search form's filters and results, shared with pages that add from the library."""
    f = {k: request.GET.get(k, "").strip() for k in ("q", "level1", "sector")}
    entries = paginate(request, library.library_search(request.user, **f))
    return {
        "entries": entries,
        "f": f,
        "level1_choices": ["产出指标", "效益指标", "满意度指标", "过程指标"],
        "sector_choices": sector_choices(),
    }


def sector_choices() -> list[tuple[str, str]]:
    """The sectors (functional classes 类) that library entries use."""
    from jixiao.indicators.models import LibraryIndicator
    from jixiao.lib import function_classes

    codes = LibraryIndicator.objects.exclude(sector="").values_list("sector", flat=True)
    return [(c, function_classes.label(c)) for c in sorted({code[:3] for code in codes})]


@require_GET
@login_required
def library_page(request: HttpRequest) -> HttpResponse:
    if not perms.can(request.user, INDICATOR_VIEW):
        raise Http404
    return render(
        request, "indicators/library.html", {"page_title": "指标库", **library_context(request)}
    )
