from __future__ import annotations

import csv
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jixiao.audit import queries
from jixiao.audit.models import AuditEvent
from jixiao.audit.services import audit_record
from jixiao.lib.pages import paginate
from jixiao.orgs import permissions as perms

EXPORT_HEADER = [
    "时间",
    "操作人",
    "来源IP",
    "来源",
    "操作",
    "对象类型",
    "对象ID",
    "对象",
    "修改前",
    "修改后",
]


def _parse_date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _filter_from(request: HttpRequest) -> queries.AuditFilter:
    g = request.GET
    return queries.AuditFilter(
        q=g.get("q", "").strip(),
        actor=g.get("actor", "").strip(),
        action=g.get("action", "").strip(),
        object_type=g.get("object_type", "").strip(),
        date_from=_parse_date(g.get("date_from")),
        date_to=_parse_date(g.get("date_to")),
    )


@require_GET
@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    if not perms.can(request.user, perms.AUDIT_VIEW):
        raise Http404
    f = _filter_from(request)
    qs = queries.search(request.user, f)
    page = paginate(request, qs)
    visible = queries.events_visible(request.user)
    return render(
        request,
        "audit/event_list.html",
        {
            "page_title": _("审计日志"),
            "page": page,
            "f": f,
            "actions": queries.distinct_values(visible, "action"),
            "object_types": queries.distinct_values(visible, "object_type"),
            "can_export": perms.can(request.user, perms.AUDIT_EXPORT),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _rows(events: object) -> object:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(EXPORT_HEADER)  # BOM: Excel opens UTF-8 CSV correctly
    for e in events:  # type: ignore[attr-defined]
        yield writer.writerow(
            [
                timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                e.actor_name,
                e.ip_address or "",
                e.source,
                e.action,
                e.object_type,
                e.object_id,
                e.object_repr,
                _json(e.old_values),
                _json(e.new_values),
            ]
        )


def _json(value: object) -> str:
    import json

    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


@require_GET
@login_required
def event_export(request: HttpRequest) -> StreamingHttpResponse:
    if not perms.can(request.user, perms.AUDIT_EXPORT):
        raise Http404
    f = _filter_from(request)
    events = queries.search(request.user, f).iterator(chunk_size=2000)
    audit_record(
        actor=request.user,
        action="audit.export",
        object_type=AuditEvent._meta.label_lower,
        new={"filter": f.__dict__},
    )
    response = StreamingHttpResponse(_rows(events), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response
