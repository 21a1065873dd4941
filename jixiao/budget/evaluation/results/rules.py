"""The bureau's yearly rules of what follows the evaluations (``ResultSettings``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from jixiao.audit.services import audit_record
from jixiao.budget.evaluation.result_models import ResultSettings
from jixiao.budget.evaluation.results import errors
from jixiao.budget.evaluation.results.actions import RESULTS_MANAGE
from jixiao.budget.evaluation.results.errors import ResultsError
from jixiao.orgs import permissions as perms
from jixiao.orgs.models import Organization, User

FIELDS = (
    "rectification_months",
    "declaration_due",
    "self_evaluation_due",
    "weight_timeliness",
    "weight_coverage",
    "weight_quality",
    "weight_rectification",
    "commend_top",
    "notify_bottom",
)


def check_weights(weights: dict[str, Decimal]) -> None:
    if any(w < 0 for w in weights.values()):
        raise ResultsError(errors.WEIGHT_NEGATIVE)
    total = sum(weights.values(), Decimal(0))
    if total != 100:
        raise ResultsError(errors.WEIGHTS_SUM.format(total=f"{total.normalize():f}"))


@transaction.atomic
def result_settings_set(
    *,
    actor: User | None,
    bureau: Organization,
    fiscal_year: int,
    rectification_months: int = 1,
    declaration_due: date | None = None,
    self_evaluation_due: date | None = None,
    weights: dict[str, Decimal] | None = None,
    commend_top: int = 3,
    notify_bottom: int = 3,
) -> ResultSettings:
    """Set the year's rectification period, due dates and the departments' appraisal weights
    (timeliness, coverage, quality, rectification; adding up to 100)."""
    perms.require(actor, RESULTS_MANAGE, bureau)
    if not 1 <= rectification_months <= 12:
        raise ResultsError(errors.MONTHS_RANGE)
    row = ResultSettings.objects.filter(bureau=bureau, fiscal_year=fiscal_year).first()
    row = row or ResultSettings(bureau=bureau, fiscal_year=fiscal_year)
    before = {f: str(getattr(row, f)) for f in FIELDS} if row.pk else None
    merged = {**row.weights, **{k: Decimal(v) for k, v in (weights or {}).items()}}
    check_weights(merged)
    row.rectification_months = rectification_months
    row.declaration_due = declaration_due
    row.self_evaluation_due = self_evaluation_due
    row.weight_timeliness = merged["timeliness"]
    row.weight_coverage = merged["coverage"]
    row.weight_quality = merged["quality"]
    row.weight_rectification = merged["rectification"]
    row.commend_top = commend_top
    row.notify_bottom = notify_bottom
    row.full_clean()
    row.save()
    audit_record(
        actor=actor,
        action="budget.results.settings",
        obj=row,
        organization_id=bureau.pk,
        old=before,
        new={f: str(getattr(row, f)) for f in FIELDS},
    )
    return row
