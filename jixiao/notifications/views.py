from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jixiao.lib.pages import paginate
from jixiao.notifications import queries, services
from jixiao.notifications.models import Notification


@require_GET
@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    only_unread = request.GET.get("unread") == "1"
    qs = queries.notifications_for(request.user)
    if only_unread:
        qs = qs.filter(read_at__isnull=True)
    page = paginate(request, qs, 30)
    return render(
        request,
        "notifications/list.html",
        {
            "page_title": _("消息通知"),
            "page": page,
            "only_unread": only_unread,
        },
    )


@require_POST
@login_required
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(user=request.user, notification=note)
    for target in (note.link, request.POST.get("next", "")):
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return HttpResponseRedirect(target)
    return HttpResponseRedirect(reverse("notifications:list"))


@require_POST
@login_required
def notification_read_all(request: HttpRequest) -> HttpResponse:
    services.notification_mark_all_read(user=request.user)
    return HttpResponseRedirect(reverse("notifications:list"))
