"""The finalised appraisal of the departments' budget-performance work (BUD-14, 定稿): stored
versions with their inputs and rules, history kept, who may finalise, what the page and the
Excel show, and the stored score as a source for the department's government assessment."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from jixiao.audit.models import AuditEvent
from jixiao.budget.evaluation.result_models import DepartmentAppraisal, DepartmentAppraisalRow
from jixiao.budget.evaluation.results import accountability, errors, rules
from jixiao.budget.evaluation.results.errors import ResultsError
from jixiao.budget.evaluation.results.excel import export_appraisal
from jixiao.budget.evaluation.tests.factories import approved
from jixiao.budget.monitoring.tests.factories import YEAR, approved_project
from jixiao.lib import feeds
from jixiao.orgs.errors import PermissionDeniedError

D = Decimal
pytestmark = pytest.mark.django_db


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _scenario(personas) -> None:  # type: ignore[no-untyped-def]
    """Education: two approved declarations, one with an approved self-evaluation (coverage
    1/2 → 12.50 of 25); health: nothing to count (100)."""
    approved(personas.unit_a, "P001")
    approved_project(personas.unit_a, "P002")


def _finalise(personas, reason: str = ""):  # type: ignore[no-untyped-def]
    return accountability.department_appraisal_finalise(
        actor=personas.finance_reviewer, bureau=personas.bureau, fiscal_year=YEAR, reason=reason
    )


def test_finalising_stores_parts_inputs_rules_and_who(personas) -> None:
    _scenario(personas)
    live = accountability.department_scores(personas.bureau, YEAR)
    version = _finalise(personas)
    assert version.version == 1 and version.rule_version == accountability.RULE_VERSION
    assert version.finalised_by == personas.finance_reviewer and version.finalised_at
    assert version.rules["weights"] == {
        "timeliness": "25",
        "coverage": "25",
        "quality": "25",
        "rectification": "25",
    }
    assert version.rules["commend_top"] == 3 and version.rules["updated_at"] is None  # defaults
    rows = {r.department_name: r for r in version.rows.all()}
    education = rows["测试县教育局"]
    expected = next(r for r in live.rows if r.department == personas.education)
    assert education.total == expected.total == D("87.50")
    assert (education.timeliness, education.coverage, education.quality) == (
        D("25.00"),
        D("12.50"),
        D("25.00"),
    )
    assert education.inputs["coverage"] == {"done": 1, "due": 2, "weight": "25", "sub": {}}
    assert education.explanation == expected.explanation
    assert "覆盖面：1/2 = 50.00%，× 25 = 12.50分" in education.explanation
    assert (education.rank, rows["测试县卫生健康局"].rank) == (2, 1)
    assert rows["测试县卫生健康局"].total == D("100.00")
    event = AuditEvent.objects.get(action="budget.department_appraisal.finalise")
    assert event.new_values["version"] == 1
    assert event.new_values["totals"] == {"测试县卫生健康局": "100.00", "测试县教育局": "87.50"}
    assert event.organization_id == personas.bureau.pk


def test_stored_figures_do_not_move_and_refinalising_keeps_the_history(personas) -> None:
    _scenario(personas)
    first = _finalise(personas)
    rules.result_settings_set(
        actor=None,
        bureau=personas.bureau,
        fiscal_year=YEAR,
        weights={"timeliness": D(10), "coverage": D(60), "quality": D(15), "rectification": D(15)},
    )
    stored = accountability.appraisal_for_user(personas.finance_reviewer, personas.bureau, YEAR)
    assert stored.version == first
    assert {r.department.name: r.total for r in stored.rows}["测试县教育局"] == D("87.50")
    live = accountability.appraisal_for_user(
        personas.finance_reviewer, personas.bureau, YEAR, live=True
    )
    assert live.version is None
    assert {r.department.name: r.total for r in live.rows}["测试县教育局"] == D("70.00")

    with pytest.raises(ResultsError) as exc:
        _finalise(personas)
    assert exc.value.message == errors.APPRAISAL_REASON.format(version=1)
    second = _finalise(personas, reason="调整年度权重后重新定稿")
    assert second.version == 2 and second.reason == "调整年度权重后重新定稿"
    assert second.rules["weights"]["coverage"] == "60" and second.rules["updated_at"]
    assert DepartmentAppraisal.objects.count() == 2
    kept = DepartmentAppraisalRow.objects.get(appraisal=first, department=personas.education)
    assert kept.total == D("87.50")  # the first version is untouched
    latest = accountability.appraisal_for_user(personas.finance_reviewer, personas.bureau, YEAR)
    assert latest.version == second
    assert {r.department.name: r.total for r in latest.rows}["测试县教育局"] == D("70.00")
    older = accountability.appraisal_for_user(
        personas.finance_reviewer, personas.bureau, YEAR, version=1
    )
    assert older.version == first and older.weights["coverage"] == D(25)
    event = AuditEvent.objects.filter(action="budget.department_appraisal.finalise").latest("id")
    assert event.old_values["version"] == 1 and event.new_values["version"] == 2
    assert event.old_values["totals"]["测试县教育局"] == "87.50"
    assert event.new_values["totals"]["测试县教育局"] == "70.00"


@pytest.mark.parametrize("who", ["unit_a_operator", "department_reviewer", "leader"])
def test_only_the_bureau_finalises(personas, who) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDeniedError):
        accountability.department_appraisal_finalise(
            actor=getattr(personas, who), bureau=personas.bureau, fiscal_year=YEAR
        )
    assert not DepartmentAppraisal.objects.exists()
    assert not AuditEvent.objects.filter(action="budget.department_appraisal.finalise").exists()


def test_a_department_sees_only_its_own_stored_row(personas) -> None:
    _scenario(personas)
    _finalise(personas)
    mine = accountability.appraisal_for_user(personas.department_reviewer, personas.bureau, YEAR)
    assert mine.version is not None
    assert [r.department.name for r in mine.rows] == ["测试县教育局"]
    assert mine.rows[0].total == D("87.50") and mine.rows[0].rank == 2


def test_the_stored_appraisal_exports_to_excel(personas) -> None:
    _scenario(personas)
    version = _finalise(personas)
    rules.result_settings_set(
        actor=None,
        bureau=personas.bureau,
        fiscal_year=YEAR,
        weights={"timeliness": D(10), "coverage": D(60), "quality": D(15), "rectification": D(15)},
    )
    content = export_appraisal(accountability.stored_appraisal(version))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet["B3"].value.startswith("第1版，")
    assert sheet["G2"].value == "及时性25，覆盖面25，质量25，整改完成25"
    body = {row[1]: row for row in sheet.iter_rows(min_row=5, values_only=True) if row[1]}
    assert float(body["测试县教育局"][6]) == 87.5
    assert "覆盖面：1/2 = 50.00%" in body["测试县教育局"][8]


def test_the_stored_score_is_a_source_for_the_government_assessment(personas) -> None:
    source = feeds.get(accountability.SOURCE_KEY)
    assert source is not None and source.item_name == "预算绩效管理工作"
    _scenario(personas)
    assert source.latest(personas.education, YEAR) is None  # not finalised yet
    _finalise(personas)
    fed = source.latest(personas.education, YEAR)
    assert fed is not None and fed.value == D("87.50")
    row = DepartmentAppraisalRow.objects.get(department=personas.education)
    assert fed.reference == f"budget.department_appraisal_row:{row.pk}"
    assert fed.version.startswith("第1版（")
    assert fed.explanation.startswith("测试县财政局2027年度部门预算绩效管理工作考核第1版（")
    assert "总分87.50分，第2名，通报表扬" in fed.explanation
    assert "覆盖面：1/2 = 50.00%，× 25 = 12.50分" in fed.explanation
    assert source.latest(personas.unit_a, YEAR) is None  # a unit is not appraised
    assert source.latest(personas.education, YEAR + 1) is None


def test_the_bureau_finalises_through_the_page(personas) -> None:
    _scenario(personas)
    url = reverse("budget:department_scores")
    finalise = reverse("budget:department_scores_finalise") + f"?year={YEAR}"
    finance = client_for(personas.finance_reviewer)
    page = finance.get(url, {"year": YEAR})
    assert page.status_code == 200 and "尚未定稿" in page.text
    assert 'data-testid="finalise-form"' in page.text
    for who in (personas.unit_a_operator, personas.department_reviewer):
        assert client_for(who).post(finalise, {}).status_code == 404
    assert not DepartmentAppraisal.objects.exists()
    response = finance.post(finalise, {"reason": ""})
    assert response.status_code == 302
    assert DepartmentAppraisal.objects.get().finalised_by == personas.finance_reviewer
    rules.result_settings_set(
        actor=None,
        bureau=personas.bureau,
        fiscal_year=YEAR,
        weights={"timeliness": D(10), "coverage": D(60), "quality": D(15), "rectification": D(15)},
    )
    page = finance.get(url, {"year": YEAR})
    assert "已定稿：第1版" in page.text and "87.50" in page.text and "70.00" not in page.text
    assert reverse("budget:department_scores_versions") in page.text
    live = finance.get(url, {"year": YEAR, "live": "1"})
    assert "实时计算的得分（未定稿）" in live.text and "70.00" in live.text
    export = finance.get(url, {"year": YEAR, "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert sheet["B3"].value.startswith("第1版")
    # Refused without a reason, then a second version.
    finance.post(finalise, {"reason": ""})
    assert DepartmentAppraisal.objects.count() == 1
    finance.post(finalise, {"reason": "权重调整"})
    assert DepartmentAppraisal.objects.count() == 2
    history = finance.get(reverse("budget:department_scores_versions"), {"year": YEAR})
    assert history.status_code == 200 and "权重调整" in history.text
    assert 'data-version="1"' in history.text and 'data-version="2"' in history.text
    first = finance.get(url, {"year": YEAR, "version": 1})
    assert "这是较早的版本，最新为第2版。" in first.text and "87.50" in first.text
    assert finance.get(url, {"year": YEAR, "version": 9}).status_code == 404
    department = client_for(personas.department_reviewer).get(url, {"year": YEAR})
    assert department.status_code == 200 and "已定稿：第2版" in department.text
    assert "测试县教育局" in department.text and "测试县卫生健康局" not in department.text
    assert 'data-testid="finalise-form"' not in department.text
