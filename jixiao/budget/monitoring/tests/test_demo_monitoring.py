"""The demo's monitoring: two rounds, forms in mixed states, every colour on the dashboard."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jixiao.budget.monitoring.models import MonitoringRound, RoundState
from jixiao.demo import build
from jixiao.orgs.models import User


@pytest.mark.django_db
def test_demo_monitoring_shows_every_colour() -> None:
    build.build()
    this_year = MonitoringRound.objects.filter(fiscal_year=timezone.localdate().year)
    closed, current = this_year.order_by("months_elapsed")
    assert (closed.state, current.state) == (RoundState.CLOSED, RoundState.OPEN)
    assert closed.months_elapsed in (1, 4)
    assert current.computed_at is not None
    states = set(current.forms.values_list("state", flat=True))
    assert states == {"draft", "submitted"}
    colours = set(current.warnings.values_list("colour", flat=True))
    assert colours == {"red", "yellow", "green", "blue"}
    client = Client()
    client.force_login(User.objects.get(username="finance"))
    page = client.get(reverse("budget:monitoring_dashboard", args=[current.pk]))
    assert page.status_code == 200
    red = page.context["red"]
    assert red and all(w["explain"] for w in red)
    assert len(page.context["trend"]) == 2 and page.context["movement"]
    client.force_login(User.objects.get(username="unit_operator"))
    forms = client.get(reverse("budget:monitoring_round", args=[current.pk]))
    assert forms.status_code == 200 and forms.context["page"].paginator.count >= 1
