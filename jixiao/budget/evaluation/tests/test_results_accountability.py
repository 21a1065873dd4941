"""Accountability records and the departments' appraisal (BUD-14): exact scores from the
four weighted parts, explained; ranks; commendation and notification; Excel."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from jixiao.audit.models import AuditEvent
from jixiao.budget.evaluation.models import SelfEvaluation
from jixiao.budget.evaluation.result_models import AccountabilityKind
from jixiao.budget.evaluation.results import accountability, errors, rectification, rules
from jixiao.budget.evaluation.results.errors import ResultsError
from jixiao.budget.evaluation.results.excel import export_appraisal
from jixiao.budget.evaluation.tests.factories import approved
from jixiao.budget.monitoring.tests.factories import YEAR, approved_project
from jixiao.orgs.errors import PermissionDeniedError
from jixiao.orgs.models import OrgKind
from jixiao.testing.factories import make_org

D = Decimal
pytestmark = pytest.mark.django_db


def record(personas, **kw):  # type: ignore[no-untyped-def]
    values = {
        "actor": personas.finance_reviewer,
        "organization": personas.unit_a,
        "kind": AccountabilityKind.INTERVIEW,
        "reason": "项目绩效评价结果为差",
        "decision": "约谈单位主要负责人",
        "decided_on": date(YEAR + 1, 5, 10),
        "decided_by": "县财政局",
        "fiscal_year": YEAR,
        **kw,
    }
    return accountability.accountability_record(**values)


def test_accountability_records_and_their_refusals(personas) -> None:
    project = approved_project(personas.unit_a, "P001")
    row = record(personas, project=project)
    assert row.bureau == personas.bureau and row.get_kind_display() == "约谈"
    assert AuditEvent.objects.get(action="budget.accountability.record").new_values["kind"] == (
        "interview"
    )
    with pytest.raises(ResultsError) as exc:
        record(personas, kind=AccountabilityKind.BUDGET_CUT)
    assert exc.value.message == errors.ACCOUNTABILITY_AMOUNT
    cut = record(personas, kind=AccountabilityKind.BUDGET_CUT, amount=D(30))
    assert cut.amount == D(30)
    with pytest.raises(ResultsError) as exc:
        record(personas, decision=" ")
    assert exc.value.message == errors.ACCOUNTABILITY_DECISION
    with pytest.raises(ResultsError) as exc:
        record(personas, decided_by="")
    assert exc.value.message == errors.ACCOUNTABILITY_BY
    with pytest.raises(ResultsError) as exc:
        record(personas, organization=personas.unit_b, project=project)
    assert exc.value.message == errors.ACCOUNTABILITY_PROJECT
    with pytest.raises(PermissionDeniedError):
        record(personas, actor=personas.department_reviewer)
    assert list(accountability.accountability_visible(personas.unit_b_operator, YEAR)) == []
    assert set(accountability.accountability_visible(personas.leader, YEAR)) == {row, cut}


def _scenario(personas):  # type: ignore[no-untyped-def]
    """Education: P001 (on time, clean, 3 tasks of which 1 accepted), P002 (no
    self-evaluation). Health: P003 submitted late with a total that is not the sum of its
    items. Transport: nothing to count."""
    make_org("测试县交通运输局", OrgKind.SUPERVISING_DEPARTMENT, personas.bureau)
    rules.result_settings_set(
        actor=None,
        bureau=personas.bureau,
        fiscal_year=YEAR,
        self_evaluation_due=date(YEAR + 1, 3, 31),
        weights={
            "timeliness": D(40),
            "coverage": D(20),
            "quality": D(20),
            "rectification": D(20),
        },
        commend_top=1,
        notify_bottom=1,
    )
    p001 = approved(personas.unit_a, "P001")
    approved_project(personas.unit_a, "P002")
    p003 = approved(personas.unit_b, "P003")
    tz = timezone.get_current_timezone()
    SelfEvaluation.objects.filter(pk=p001.pk).update(
        submitted_at=datetime(YEAR + 1, 3, 20, 10, tzinfo=tz)
    )
    SelfEvaluation.objects.filter(pk=p003.pk).update(
        submitted_at=datetime(YEAR + 1, 4, 5, 10, tzinfo=tz), reported_total=D(95)
    )
    feedback = rectification.feedback_send(
        actor=None, self_evaluation=p001, problems=["a", "b", "c"]
    )
    task = feedback.tasks.order_by("position").first()
    task.state = "answered"
    task.save()
    task.answers.create(measures="m", evidence="budget/rectification/x.pdf")
    rectification.rectification_accept(actor=None, task=task)
    return datetime(YEAR + 1, 6, 1, tzinfo=tz)


def test_department_scores_are_exact_explained_and_ranked(personas) -> None:
    now = _scenario(personas)
    appraisal = accountability.department_scores(personas.bureau, YEAR, now)
    rows = {r.department.name: r for r in appraisal.rows}
    education, health, transport = (
        rows["测试县教育局"],
        rows["测试县卫生健康局"],
        rows["测试县交通运输局"],
    )
    assert [p.points for p in education.parts] == [D("20.00"), D("10.00"), D("20.00"), D("6.67")]
    assert education.total == D("56.67")
    assert [p.points for p in health.parts] == [D("0.00"), D("20.00"), D("0.00"), D("20.00")]
    assert health.total == D("40.00")
    assert transport.total == D("100.00")
    assert education.explanation == [
        "及时性：1/2 = 50.00%（自评1/2），× 40 = 20.00分",
        "覆盖面：1/2 = 50.00%，× 20 = 10.00分",
        "质量：1/1 = 100.00%，× 20 = 20.00分",
        "整改完成：1/3 = 33.33%，× 20 = 6.67分",
        "合计：20.00 + 10.00 + 20.00 + 6.67 = 56.67分",
    ]
    assert health.explanation[3] == "整改完成：无应考核事项，按满分计20.00分"
    assert [r.department.name for r in appraisal.rows] == [
        "测试县交通运输局",
        "测试县教育局",
        "测试县卫生健康局",
    ]
    assert [r.rank for r in appraisal.rows] == [1, 2, 3]
    assert [r.department.name for r in appraisal.commended] == ["测试县交通运输局"]
    assert [r.department.name for r in appraisal.notified] == ["测试县卫生健康局"]


def test_equal_totals_share_a_rank(personas) -> None:
    make_org("测试县交通运输局", OrgKind.SUPERVISING_DEPARTMENT, personas.bureau)
    appraisal = accountability.department_scores(personas.bureau, YEAR)
    assert [r.total for r in appraisal.rows] == [D(100)] * 3
    assert [r.rank for r in appraisal.rows] == [1, 1, 1]
    assert len(appraisal.commended) == 3 and appraisal.notified == []  # default: top 3


def test_the_weights_must_add_up_to_100(personas) -> None:
    with pytest.raises(ResultsError) as exc:
        rules.result_settings_set(
            actor=None, bureau=personas.bureau, fiscal_year=YEAR, weights={"quality": D(30)}
        )
    assert exc.value.message == errors.WEIGHTS_SUM.format(total="105")
    with pytest.raises(ResultsError) as exc:
        rules.result_settings_set(
            actor=None,
            bureau=personas.bureau,
            fiscal_year=YEAR,
            weights={"quality": D(-5), "coverage": D(55)},
        )
    assert exc.value.message == errors.WEIGHT_NEGATIVE


def test_a_department_reviewer_sees_its_department_only(personas) -> None:
    appraisal = accountability.appraisal_for_user(
        personas.department_reviewer, personas.bureau, YEAR
    )
    assert [r.department.name for r in appraisal.rows] == ["测试县教育局"]


def test_the_appraisal_exports_to_excel(personas) -> None:
    now = _scenario(personas)
    content = export_appraisal(accountability.department_scores(personas.bureau, YEAR, now))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "部门预算绩效管理工作考核表"
    header = values[3]
    assert header[:8] == (
        "名次",
        "主管部门",
        "及时性",
        "覆盖面",
        "质量",
        "整改完成",
        "总分",
        "通报",
    )
    body = [v for v in values[4:] if v[1]]
    assert body[0][1] == "测试县交通运输局" and body[0][7] == "通报表扬"
    assert body[1][1] == "测试县教育局" and float(body[1][6]) == 56.67
    assert "整改完成：1/3 = 33.33%" in body[1][8]
    assert body[2][7] == "通报批评"
