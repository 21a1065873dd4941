"""Approved declarations and open rounds for the monitoring tests."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from jixiao.budget import services
from jixiao.budget.models import Project
from jixiao.budget.monitoring import services as monitoring
from jixiao.budget.monitoring.models import MonitoringForm, MonitoringRound
from jixiao.budget.tests.factories import fill_targets, group, make_project
from jixiao.orgs.models import Organization, User

D = Decimal
YEAR = 2027


def approved_project(
    unit: Organization, code: str, total: Decimal = Decimal(300), qualitative: bool = False
) -> Project:
    """A declaration with the standard five targets (and a qualitative one), approved at both
    levels with its full amount."""
    project = make_project(unit, code=code, total=total, is_new=False)  # no ex-ante needed
    fill_targets(project)
    if qualitative:
        services.target_indicator_add(
            actor=None,
            project=project,
            parent=group(project, "社会效益指标"),
            name="群众饮水安全状况",
            kind="qualitative",
            target_text="明显改善",
            full_score=D(0),
        )
    services.target_submit(actor=None, project=project)
    services.target_approve(actor=None, project=project)
    services.target_approve(actor=None, project=project, approved_amount=total)
    return project


def open_round(bureau: Organization, actor: User | None = None, months: int = 7) -> MonitoringRound:
    return monitoring.round_open(
        actor=actor,
        bureau=bureau,
        fiscal_year=YEAR,
        months_elapsed=months,
        due_at=timezone.now() + timedelta(days=10),
    )


def form_of(round: MonitoringRound, project: Project) -> MonitoringForm:
    return MonitoringForm.objects.get(round=round, project=project)


def indicator_ids(form: MonitoringForm) -> dict[str, int]:
    return {row.indicator_name: row.indicator_id for row in form.progress.all()}
