"""The government assessment API takes the finance bureau's finalised appraisal of a
department's budget-performance work into 预算绩效管理工作 (POST …/feeds/{key}), and the
scheme's result carries the value and the explanation."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client

from jixiao.budget.evaluation.results import accountability
from jixiao.budget.evaluation.tests.factories import approved
from jixiao.budget.monitoring.tests.factories import YEAR, approved_project
from jixiao.government import services, standard
from jixiao.government.tests.factories import item_named, make_town
from jixiao.orgs.models import Role
from jixiao.testing.factories import make_user

D = Decimal
pytestmark = pytest.mark.django_db
SOURCE = accountability.SOURCE_KEY


def _department_scheme(personas):  # type: ignore[no-untyped-def]
    office = make_user("edu_perf", personas.education, Role.HR_OFFICER)
    scheme = services.scheme_create(actor=office, organization=personas.education, year=YEAR + 1)
    return office, scheme


def _finalise(personas) -> None:  # type: ignore[no-untyped-def]
    approved(personas.unit_a, "P001")
    approved_project(personas.unit_a, "P002")
    accountability.department_appraisal_finalise(
        actor=personas.finance_reviewer, bureau=personas.bureau, fiscal_year=YEAR
    )


def test_the_api_pulls_and_reports_the_fed_item(personas, bearer) -> None:
    office, scheme = _department_scheme(personas)
    _finalise(personas)
    api, headers = Client(), bearer(office)
    url = f"/api/government/schemes/{scheme.pk}/feeds/{SOURCE}"
    response = api.post(url, {}, content_type="application/json", headers=headers)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == standard.BUDGET_LEAF and body["feed_source"] == SOURCE
    assert D(body["fed_value"]) == D("87.50") and "覆盖面" in body["fed_explanation"]
    result = api.get(f"/api/government/schemes/{scheme.pk}/result", headers=headers).json()
    [row] = [i for i in result["items"] if i["name"] == standard.BUDGET_LEAF]
    assert D(row["actual"]) == D("87.50") and "总分87.50分" in row["explain"]
    town = make_town()
    refused = api.post(url, {}, content_type="application/json", headers=bearer(town.office))
    assert refused.status_code == 404
    qualitative = item_named(scheme, "依法行政")
    body = json.dumps({"item_id": qualitative.pk})
    refused = api.post(url, body, content_type="application/json", headers=headers)
    assert refused.status_code == 400 and "定性事项" in refused.json()["detail"]
