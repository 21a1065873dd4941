"""Self-evaluations and evaluations for the evaluation tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from jixiao.budget.evaluation import services
from jixiao.budget.evaluation.models import SelfEvaluation
from jixiao.budget.monitoring.models import SpendingRecord
from jixiao.budget.monitoring.tests.factories import YEAR, approved_project
from jixiao.orgs.models import Organization, User

D = Decimal
TOTAL = Decimal(300)
EXECUTED = Decimal(270)
AFTER_YEAR = date(YEAR + 1, 1, 20)
# The standard targets' actual values that meet every target.
MET = {
    "新建改造供水工程": D(24),
    "工程验收合格率": D(100),
    "单处工程平均造价": D(48),
    "农村自来水普及率": D(93),
    "受益群众满意度": D(95),
}


def spend(project, amount: Decimal) -> None:  # type: ignore[no-untyped-def]
    SpendingRecord.objects.create(project=project, date=date(YEAR, 11, 30), amount=amount)


def filled(
    unit: Organization,
    code: str = "P001",
    actor: User | None = None,
    total: Decimal = TOTAL,
    executed: Decimal = EXECUTED,
    actuals: dict[str, Decimal] | None = None,
    explanations: dict[str, str] | None = None,
) -> SelfEvaluation:
    """An approved project's self-evaluation, filled in (not submitted)."""
    project = approved_project(unit, code, total=total)
    spend(project, executed)
    evaluation = services.self_evaluation_create(actor=actor, project=project, today=AFTER_YEAR)
    values = {**MET, **(actuals or {})}
    explanations = explanations or {}
    items = {
        row.pk: {"actual": values[row.name], "explanation": explanations.get(row.name, "")}
        for row in evaluation.items.all()
    }
    return services.self_evaluation_save(actor=actor, self_evaluation=evaluation, items=items)


def submitted(unit: Organization, code: str = "P001", **kwargs) -> SelfEvaluation:  # type: ignore[no-untyped-def]
    evaluation = filled(unit, code, **kwargs)
    return services.self_evaluation_submit(actor=None, self_evaluation=evaluation)


def approved(unit: Organization, code: str = "P001", **kwargs) -> SelfEvaluation:  # type: ignore[no-untyped-def]
    evaluation = submitted(unit, code, **kwargs)
    services.self_evaluation_approve(actor=None, self_evaluation=evaluation)
    return services.self_evaluation_approve(actor=None, self_evaluation=evaluation)
