"""The departments' finalised budget-performance appraisal through the API (BUD-14): the
versions of the caller's bureau and year, one version with its stored rows (a department only
its own row, as on the page), 定稿 by the bureau; refusals (401, 403, 404) and the OpenAPI
document."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from jixiao.api.evaluation import APPRAISAL_NOT_FINALISED
from jixiao.audit.models import AuditEvent
from jixiao.budget.evaluation.result_models import DepartmentAppraisal, DepartmentAppraisalRow
from jixiao.budget.evaluation.results import accountability, errors, rules
from jixiao.budget.evaluation.tests.factories import approved
from jixiao.budget.monitoring.tests.factories import YEAR, approved_project
from jixiao.orgs.errors import NO_PERMISSION
from jixiao.orgs.models import OrgKind, Role
from jixiao.testing.factories import make_org, make_user

D = Decimal
pytestmark = pytest.mark.django_db
BASE = "/api/budget/results/department-appraisals"
PARTS = ["timeliness", "coverage", "quality", "rectification"]


def _scenario(personas) -> None:  # type: ignore[no-untyped-def]
    """Education: two approved declarations, one with an approved self-evaluation submitted
    before the due date (timeliness 1/1, coverage 1/2 → 87.50); health: nothing to count
    (100.00)."""
    rules.result_settings_set(
        actor=None,
        bureau=personas.bureau,
        fiscal_year=YEAR,
        self_evaluation_due=timezone.localdate() + timedelta(days=30),
    )
    approved(personas.unit_a, "P001")
    approved_project(personas.unit_a, "P002")


def _finalise(personas, reason: str = "") -> DepartmentAppraisal:  # type: ignore[no-untyped-def]
    return accountability.department_appraisal_finalise(
        actor=personas.finance_reviewer, bureau=personas.bureau, fiscal_year=YEAR, reason=reason
    )


def _assert_row_is_stored(body: dict, row: DepartmentAppraisalRow) -> None:  # type: ignore[type-arg]
    assert body["department"] == {
        "id": row.department.pk,
        "name": row.department.name,
        "code": row.department.code,
    }
    assert body["department_name"] == row.department_name
    assert (body["rank"], body["commended"], body["notified"]) == (
        row.rank,
        row.commended,
        row.notified,
    )
    assert D(body["total"]) == row.total
    assert [part["key"] for part in body["parts"]] == PARTS
    for part in body["parts"]:
        stored = row.inputs[part["key"]]
        assert D(part["points"]) == getattr(row, part["key"])
        assert (part["done"], part["due"]) == (stored["done"], stored["due"])
        assert D(part["weight"]) == D(stored["weight"])
        assert {s["key"]: [s["done"], s["due"]] for s in part["sub"]} == stored["sub"]
    assert body["explanation"] == row.explanation


def test_the_bureau_reads_the_versions_and_their_stored_rows(client, personas, bearer) -> None:  # type: ignore[no-untyped-def]
    _scenario(personas)
    finance = bearer(personas.finance_reviewer)
    assert client.get(f"{BASE}/?fiscal_year={YEAR}", headers=finance).json() == []
    missing = client.get(f"{BASE}/{YEAR}/latest", headers=finance)
    assert missing.status_code == 404
    assert missing.json()["detail"] == APPRAISAL_NOT_FINALISED.format(year=YEAR)

    first = _finalise(personas)
    rules.result_settings_set(
        actor=None,
        bureau=personas.bureau,
        fiscal_year=YEAR,
        self_evaluation_due=timezone.localdate() + timedelta(days=30),
        weights={"timeliness": D(10), "coverage": D(60), "quality": D(15), "rectification": D(15)},
    )
    second = _finalise(personas, reason="调整年度权重后重新定稿")

    versions = client.get(f"{BASE}/?fiscal_year={YEAR}", headers=finance)
    assert versions.status_code == 200
    listed = versions.json()
    assert [v["version"] for v in listed] == [2, 1]  # newest first
    assert listed[0]["reason"] == "调整年度权重后重新定稿" and listed[1]["reason"] == ""
    assert listed[0]["rule_version"] == accountability.RULE_VERSION
    assert listed[0]["finalised_by"]["username"] == personas.finance_reviewer.username
    assert listed[0]["finalised_at"] and listed[0]["fiscal_year"] == YEAR

    latest = client.get(f"{BASE}/{YEAR}/latest", headers=finance).json()
    assert latest["version"] == 2 and latest["latest_version"] == 2
    assert latest["bureau"]["id"] == personas.bureau.pk
    assert latest["rules"]["weights"]["coverage"] == "60"
    by_name = {row["department"]["name"]: row for row in latest["rows"]}
    assert [row["rank"] for row in latest["rows"]] == [1, 2]
    assert D(by_name["测试县教育局"]["total"]) == D("70.00")
    for stored in second.rows.select_related("department"):
        _assert_row_is_stored(by_name[stored.department.name], stored)

    older = client.get(f"{BASE}/{YEAR}/versions/1", headers=finance).json()
    assert older["version"] == 1 and older["latest_version"] == 2 and older["reason"] == ""
    assert older["rules"]["weights"]["coverage"] == "25"
    education = next(r for r in older["rows"] if r["department"]["id"] == personas.education.pk)
    stored = DepartmentAppraisalRow.objects.get(appraisal=first, department=personas.education)
    _assert_row_is_stored(education, stored)
    assert D(education["total"]) == D("87.50") and education["rank"] == 2
    timeliness, coverage = education["parts"][0], education["parts"][1]
    assert timeliness["sub"] == [{"key": "self_evaluation", "label": "自评", "done": 1, "due": 1}]
    assert (coverage["done"], coverage["due"], D(coverage["points"])) == (1, 2, D("12.50"))
    assert "覆盖面：1/2 = 50.00%，× 25 = 12.50分" in education["explanation"]
    assert education["explanation"][-1].startswith("合计：")

    assert client.get(f"{BASE}/{YEAR}/versions/9", headers=finance).status_code == 404
    assert client.get(f"{BASE}/{YEAR + 1}/latest", headers=finance).status_code == 404
    assert client.get(f"{BASE}/?fiscal_year={YEAR + 1}", headers=finance).json() == []
    assert client.get(f"{BASE}/", headers=finance).status_code == 422  # the year is required


def test_a_department_reviewer_gets_only_its_own_row(client, personas, bearer) -> None:  # type: ignore[no-untyped-def]
    _scenario(personas)
    version = _finalise(personas)
    reviewer = bearer(personas.department_reviewer)
    assert [
        v["version"] for v in client.get(f"{BASE}/?fiscal_year={YEAR}", headers=reviewer).json()
    ] == [1]
    for url in (f"{BASE}/{YEAR}/latest", f"{BASE}/{YEAR}/versions/1"):
        body = client.get(url, headers=reviewer).json()
        assert [row["department"]["name"] for row in body["rows"]] == ["测试县教育局"]
        stored = version.rows.get(department=personas.education)
        _assert_row_is_stored(body["rows"][0], stored)
        assert body["rows"][0]["rank"] == 2  # the rank among all departments, as stored
    # A leader of the bureau reads every department.
    leader = client.get(f"{BASE}/{YEAR}/latest", headers=bearer(personas.leader)).json()
    assert {row["department"]["name"] for row in leader["rows"]} == {
        "测试县教育局",
        "测试县卫生健康局",
    }


def test_units_outsiders_and_anonymous_callers_are_refused(client, personas, bearer) -> None:  # type: ignore[no-untyped-def]
    _scenario(personas)
    _finalise(personas)
    urls = [f"{BASE}/?fiscal_year={YEAR}", f"{BASE}/{YEAR}/latest", f"{BASE}/{YEAR}/versions/1"]
    for url in urls:
        anonymous = client.get(url)
        assert anonymous.status_code == 401 and anonymous.json()["detail"]
    # A unit has no row in the appraisal; an evaluator and an HR officer read no results.
    for who in (personas.unit_a_operator, personas.evaluator, personas.hr_officer):
        headers = bearer(who)
        for url in urls:
            refused = client.get(url, headers=headers)
            assert refused.status_code == 404, (who.username, url)
            assert refused.json()["detail"]
        finalise = client.post(
            f"{BASE}/{YEAR}/finalise", {}, content_type="application/json", headers=headers
        )
        assert finalise.status_code == 404
    # The finance bureau of another tree reads its own (empty) appraisal, never this one.
    other = make_org("另一县财政局", OrgKind.FINANCE_BUREAU)
    make_org("另一县教育局", OrgKind.SUPERVISING_DEPARTMENT, other)
    outsider = bearer(make_user("other_finance", other, Role.FINANCE_REVIEWER))
    assert client.get(urls[0], headers=outsider).json() == []
    assert client.get(urls[1], headers=outsider).status_code == 404
    assert client.get(urls[2], headers=outsider).status_code == 404
    assert DepartmentAppraisal.objects.count() == 1


def test_the_bureau_finalises_by_api(client, personas, bearer) -> None:  # type: ignore[no-untyped-def]
    _scenario(personas)
    url = f"{BASE}/{YEAR}/finalise"

    def post(headers, body):  # type: ignore[no-untyped-def]
        return client.post(url, json.dumps(body), content_type="application/json", headers=headers)

    for who in (personas.department_reviewer, personas.leader):
        forbidden = post(bearer(who), {})
        assert forbidden.status_code == 403 and forbidden.json()["detail"] == NO_PERMISSION
    assert not DepartmentAppraisal.objects.exists()
    finance = bearer(personas.finance_reviewer)
    created = post(finance, {})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["version"] == 1 and body["latest_version"] == 1
    stored = DepartmentAppraisal.objects.get()
    assert stored.finalised_by == personas.finance_reviewer
    by_id = {row["department"]["id"]: row for row in body["rows"]}
    for row in stored.rows.select_related("department"):
        _assert_row_is_stored(by_id[row.department.pk], row)
    refused = post(finance, {"reason": "  "})
    assert refused.status_code == 400
    assert refused.json()["detail"] == errors.APPRAISAL_REASON.format(version=1)
    again = post(finance, {"reason": "补充整改验收后重新定稿"})
    assert again.status_code == 201 and again.json()["version"] == 2
    assert again.json()["reason"] == "补充整改验收后重新定稿"
    assert DepartmentAppraisal.objects.count() == 2
    event = AuditEvent.objects.filter(action="budget.department_appraisal.finalise").latest("id")
    assert event.actor_id == personas.finance_reviewer.pk and event.new_values["version"] == 2
    # The session needs the CSRF token for a write, as every unsafe method.
    session = Client(enforce_csrf_checks=True)
    session.force_login(personas.finance_reviewer)
    no_csrf = session.post(url, json.dumps({"reason": "x"}), content_type="application/json")
    assert no_csrf.status_code == 403
    assert DepartmentAppraisal.objects.count() == 2


def test_the_openapi_document_lists_the_appraisal(client, db) -> None:  # type: ignore[no-untyped-def]
    doc = client.get("/api/openapi.json").json()
    paths = {
        f"{BASE}/": "get",
        f"{BASE}/{{fiscal_year}}/latest": "get",
        f"{BASE}/{{fiscal_year}}/versions/{{version}}": "get",
        f"{BASE}/{{fiscal_year}}/finalise": "post",
    }
    for path, method in paths.items():
        assert set(doc["paths"][path]) == {method}
        operation = doc["paths"][path][method]
        assert "部门预算绩效管理工作考核" in operation["summary"]
        assert operation["tags"] == ["部门预算绩效管理工作考核"]
    assert "定稿" in doc["paths"][f"{BASE}/{{fiscal_year}}/finalise"]["post"]["summary"]
    row = doc["components"]["schemas"]["AppraisalRowOut"]["properties"]
    assert {"department", "parts", "total", "rank", "commended", "notified", "explanation"} <= set(
        row
    )
    assert "department" in doc["components"]["schemas"]["AppraisalRowOut"]["required"]
