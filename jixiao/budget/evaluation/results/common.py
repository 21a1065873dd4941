"""Helpers shared by the result services: the year's rules and the bureau above a unit."""

from __future__ import annotations

from jixiao.budget.evaluation.result_models import ResultSettings
from jixiao.budget.evaluation.results import errors
from jixiao.budget.evaluation.results.errors import ResultsError
from jixiao.budget.evaluation.services import bureau_of as _bureau_of
from jixiao.orgs.models import Organization, User


def person(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None


def bureau_of(organization: Organization) -> Organization:
    bureau = _bureau_of(organization)
    if bureau is None:
        raise ResultsError(errors.NO_BUREAU)
    return bureau


def result_settings(bureau: Organization | None, fiscal_year: int) -> ResultSettings:
    """The bureau's rules for the year; the defaults (unsaved) when none were set."""
    row = None
    if bureau is not None:
        row = ResultSettings.objects.filter(bureau=bureau, fiscal_year=fiscal_year).first()
    return row or ResultSettings(bureau=bureau, fiscal_year=fiscal_year)
