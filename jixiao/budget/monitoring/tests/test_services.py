"""Monitoring services: rounds, forms, submission, spending and the computation of warnings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from jixiao.audit.models import AuditEvent
from jixiao.budget.models import Project
from jixiao.budget.monitoring import compute, queries
from jixiao.budget.monitoring import services as monitoring
from jixiao.budget.monitoring.errors import MonitoringError
from jixiao.budget.monitoring.models import (
    FormState,
    IndicatorProgress,
    MonitoringForm,
    MonitoringRound,
    MonitoringWarning,
    RoundState,
    SpendingRecord,
)
from jixiao.budget.monitoring.services import SpendingItem
from jixiao.budget.monitoring.tests.factories import (
    YEAR,
    approved_project,
    form_of,
    indicator_ids,
    open_round,
)
from jixiao.budget.tests.factories import fill_targets, make_project
from jixiao.orgs.errors import PermissionDeniedError
from jixiao.orgs.models import OrgKind, Role
from jixiao.periods.models import DeadlineCompletion, PeriodKind
from jixiao.testing.factories import make_org

pytestmark = pytest.mark.django_db
D = Decimal

# A complete, on-track answer for the five standard targets (7 months: 58.33% of the year).
ON_TRACK = {
    "新建改造供水工程": {"actual": D(20)},
    "工程验收合格率": {"actual": D(100)},
    "单处工程平均造价": {"actual": D(48)},
    "农村自来水普及率": {"actual": D(90)},
    "受益群众满意度": {"actual": D(92)},
}


@dataclass
class World:
    a1: Project  # unit A, with a qualitative target
    a2: Project  # unit A
    b1: Project  # unit B (another supervising department)
    draft: Project  # unit A, not approved
    elsewhere: Project  # approved, in another bureau's tree


@pytest.fixture
def world(personas) -> World:  # type: ignore[no-untyped-def]
    other_bureau = make_org("邻县财政局", OrgKind.FINANCE_BUREAU)
    other_dept = make_org("邻县教育局", OrgKind.SUPERVISING_DEPARTMENT, other_bureau)
    other_unit = make_org("邻县第一中学", OrgKind.BUDGET_UNIT, other_dept)
    draft = make_project(personas.unit_a, code="A-DRAFT", total=D(100))
    fill_targets(draft)
    return World(
        a1=approved_project(personas.unit_a, "A-1", D(1200), qualitative=True),
        a2=approved_project(personas.unit_a, "A-2", D(300)),
        b1=approved_project(personas.unit_b, "B-1", D(600)),
        draft=draft,
        elsewhere=approved_project(other_unit, "X-1", D(100)),
    )


def answers(form: MonitoringForm, values: dict[str, dict]) -> dict[int, dict]:  # type: ignore[type-arg]
    ids = indicator_ids(form)
    return {ids[name]: {"likelihood": "certain", **v} for name, v in values.items()}


def fill(form: MonitoringForm, actor, **overrides: dict) -> MonitoringForm:  # type: ignore[no-untyped-def,type-arg]
    values = {**ON_TRACK, **overrides}
    if "群众饮水安全状况" in indicator_ids(form):
        values.setdefault("群众饮水安全状况", {"level": "achieved"})
    return monitoring.form_save(actor=actor, form=form, progress=answers(form, values))


# --- Rounds ----------------------------------------------------------------------------------


def test_round_opens_forms_for_the_approved_projects_of_the_bureau_only(personas, world):
    round = open_round(personas.bureau, personas.finance_reviewer)
    projects = set(round.forms.values_list("project__code", flat=True))
    assert projects == {"A-1", "A-2", "B-1"}
    assert round.name == f"{YEAR}年1-7月" and round.number == 1
    assert round.thresholds == {"red_below": "0.6", "yellow_below": "0.8", "blue_at": "1.2"}
    a1 = form_of(round, world.a1)
    assert a1.budget == D(1200) and a1.state == FormState.DRAFT
    rows = {row.indicator_name: row for row in a1.progress.all()}
    assert len(rows) == 6
    assert rows["新建改造供水工程"].target_value == D(24)
    assert rows["新建改造供水工程"].direction == "gte" and rows["新建改造供水工程"].unit == "处"
    assert rows["群众饮水安全状况"].kind == "qualitative" and rows["群众饮水安全状况"].reasons == []
    assert round.period.kind == PeriodKind.MONITORING_ROUND
    assert (round.period.start_date, round.period.end_date) == (
        date(YEAR, 1, 1),
        date(YEAR, 7, 31),
    )
    deadline = round.deadline
    assert deadline.topic == "budget.monitoring" and deadline.role == Role.UNIT_OPERATOR
    assert set(deadline.targets.all()) == {personas.unit_a, personas.unit_b}
    event = AuditEvent.objects.get(action="budget.monitoring.round_open")
    assert event.new_values["forms"] == 3 and event.new_values["indicators"] == 16


def test_only_the_finance_bureau_opens_a_round(personas, world):
    for person in (personas.unit_a_operator, personas.department_reviewer, personas.leader):
        with pytest.raises(PermissionDeniedError):
            open_round(personas.bureau, person)
    with pytest.raises(MonitoringError, match="只能由财政部门开启"):
        open_round(personas.education)
    open_round(personas.bureau)
    with pytest.raises(MonitoringError, match="已有“2027年1-7月”监控轮次"):
        open_round(personas.bureau)
    with pytest.raises(MonitoringError, match="监控月份数应为1至12"):
        open_round(personas.bureau, months=13)


def test_a_year_without_approved_projects_has_no_round(personas):
    with pytest.raises(MonitoringError, match="没有已批复的项目"):
        open_round(personas.bureau)


# --- Filling ---------------------------------------------------------------------------------


def test_a_unit_fills_only_its_own_forms(personas, world):
    round = open_round(personas.bureau)
    a2, b1 = form_of(round, world.a2), form_of(round, world.b1)
    fill(a2, personas.unit_a_operator)
    with pytest.raises(PermissionDeniedError):
        fill(b1, personas.unit_a_operator)
    with pytest.raises(PermissionDeniedError):
        fill(a2, personas.unit_b_operator)
    for reader in (personas.department_reviewer, personas.leader, personas.finance_reviewer):
        with pytest.raises(PermissionDeniedError):
            monitoring.form_save(actor=reader, form=a2, goal_progress="x")
    row = IndicatorProgress.objects.get(form=a2, indicator_name="新建改造供水工程")
    assert row.actual == D(20) and row.likelihood == "certain"
    event = AuditEvent.objects.filter(action="budget.monitoring.form_save").get()
    assert event.new_values[f"indicator:{row.indicator_id}"]["actual"] == "20"


def test_reasons_and_measures_are_required_when_the_target_is_in_doubt(personas, world):
    round = open_round(personas.bureau)
    form = form_of(round, world.a2)
    doubtful = {"新建改造供水工程": {"actual": D(20), "likelihood": "possible"}}
    with pytest.raises(MonitoringError) as refused:
        fill(form, personas.unit_a_operator, **doubtful)
    assert refused.value.problems == [
        "指标“新建改造供水工程”：完成目标可能性为“有可能”，须选择偏差原因并填写原因说明及纠偏措施。",
        "指标“新建改造供水工程”：完成目标可能性为“有可能”，须填写全年预计完成值。",
    ]
    assert (
        IndicatorProgress.objects.get(form=form, indicator_name="新建改造供水工程").actual is None
    )
    explained = {
        "新建改造供水工程": {
            "actual": D(20),
            "expected": D(22),
            "likelihood": "possible",
            "reasons": ["funding", "other"],
            "measures": "申请追加资金，加快施工进度。",
        }
    }
    fill(form, personas.unit_a_operator, **explained)
    row = IndicatorProgress.objects.get(form=form, indicator_name="新建改造供水工程")
    assert row.reasons == ["funding", "other"] and row.reason_labels == ["经费保障", "其他"]


def test_a_red_indicator_needs_reasons_even_when_the_unit_is_confident(personas, world):
    round = open_round(personas.bureau)
    form = form_of(round, world.a2)
    with pytest.raises(MonitoringError) as refused:
        fill(form, personas.unit_a_operator, 新建改造供水工程={"actual": D(0)})
    (problem,) = refused.value.problems
    assert problem.startswith("指标“新建改造供水工程”为红色预警（新建改造供水工程：实际完成值0处")
    assert problem.endswith("须选择偏差原因并填写原因说明及纠偏措施。")
    assert "红色预警" in refused.value.message and "1处问题" in refused.value.message


def test_invalid_values_are_all_named(personas, world):
    round = open_round(personas.bureau)
    form = form_of(round, world.a1)
    ids = indicator_ids(form)
    progress = {
        ids["新建改造供水工程"]: {"actual": "二十"},
        ids["群众饮水安全状况"]: {"actual": D(1), "level": "achieved"},
        ids["工程验收合格率"]: {"level": "partly", "likelihood": "sure", "reasons": ["luck"]},
        ids["农村自来水普及率"]: {"actual": "1.1234567"},
        999_999: {"actual": D(1)},
    }
    with pytest.raises(MonitoringError) as refused:
        monitoring.form_save(
            actor=personas.unit_a_operator, form=form, progress=progress, executed="-5"
        )
    assert refused.value.problems == [
        "执行数不能为负数。",
        "指标“新建改造供水工程”：1-N月实际完成值应为数字，实际为“二十”。",
        "指标“群众饮水安全状况”是定性指标，请选择完成情况（达成/部分达成/未达成），不填数值。",
        "指标“工程验收合格率”：完成目标可能性无效（sure）。",
        "指标“工程验收合格率”：偏差原因无效（luck）。",
        "指标“工程验收合格率”是定量指标，请填写实际完成值，不选定性完成情况。",
        "指标（编号999999）不属于此绩效监控表。",
        "指标“农村自来水普及率”：1-N月实际完成值：确认小数不超过 6 位.",
    ]


def test_submit_completes_the_units_deadline_after_its_last_form(personas, world):
    round = open_round(personas.bureau)
    a1, a2 = form_of(round, world.a1), form_of(round, world.a2)
    with pytest.raises(MonitoringError) as incomplete:
        monitoring.form_submit(actor=personas.unit_a_operator, form=a2)
    assert "指标“新建改造供水工程”：须填写1-N月实际完成值。" in incomplete.value.problems
    assert "指标“新建改造供水工程”：须选择完成目标可能性。" in incomplete.value.problems
    fill(a1, personas.unit_a_operator)
    fill(a2, personas.unit_a_operator)
    monitoring.form_submit(actor=personas.unit_a_operator, form=a2)
    completions = DeadlineCompletion.objects.filter(deadline=round.deadline)
    assert not completions.exists()  # A-1 is still being filled
    monitoring.form_submit(actor=personas.unit_a_operator, form=a1)
    a1.refresh_from_db()
    assert a1.state == FormState.SUBMITTED and a1.submitted_by == personas.unit_a_operator
    assert list(completions.values_list("organization", flat=True)) == [personas.unit_a.pk]
    with pytest.raises(MonitoringError, match="已报送，不能再修改"):
        fill(a1, personas.unit_a_operator)
    # The bureau returns it: editable again, the unit's deadline pending again.
    with pytest.raises(PermissionDeniedError):
        monitoring.form_reopen(actor=personas.unit_a_operator, form=a1, reason="自己撤回")
    monitoring.form_reopen(actor=personas.finance_reviewer, form=a1, reason="执行数与支付数据不符")
    assert not completions.exists()
    fill(a1, personas.unit_a_operator)


# --- Spending --------------------------------------------------------------------------------


def test_spending_is_recorded_all_or_nothing(personas, world):
    bad = [
        ("A-1", date(YEAR, 3, 1), D("100.5"), "V001"),
        ("A-9", date(YEAR, 3, 2), D(1)),
        ("B-1", date(YEAR - 1, 12, 31), D(0)),
        ("A-2", "2027-02-30", "abc", "V002"),
        ("A-1", date(YEAR, 3, 5), D("0.00001"), "V001"),
        ("X-1", date(YEAR, 3, 1), D(5)),  # another bureau's project
        "A-1",
    ]
    with pytest.raises(MonitoringError) as refused:
        monitoring.spending_record(actor=personas.finance_reviewer, fiscal_year=YEAR, items=bad)
    assert refused.value.problems == [
        "第2条：项目代码“A-9”在2027年度不存在或不在您的管辖范围内",
        "第3条：支付日期2026-12-31不在2027年度内",
        "第3条：金额应为非零数字（万元，最多4位小数），实际为“0”",
        "第4条：支付日期应为日期，实际为“2027-02-30”",
        "第4条：金额应为非零数字（万元，最多4位小数），实际为“abc”",
        "第5条：金额应为非零数字（万元，最多4位小数），实际为“0.00001”",
        "第5条：凭证号“V001”在本批数据中重复",
        "第6条：项目代码“X-1”在2027年度不存在或不在您的管辖范围内",
        "第7条：应为（项目代码, 支付日期, 金额[, 凭证号]），实际为“A-1”",
    ]
    assert refused.value.message.startswith("支出数据有9处问题，全部未导入：第2条")
    assert not SpendingRecord.objects.exists()
    result = monitoring.spending_record(
        actor=personas.finance_reviewer,
        fiscal_year=YEAR,
        items=[
            SpendingItem("A-1", date(YEAR, 3, 1), D("100.5"), "V001"),
            ("A-1", "2027-06-30", "219.5"),
            ("A-1", date(YEAR, 8, 1), D(500)),  # after the round: not counted in 1-7月
            ("B-1", date(YEAR, 1, 15), D(-10)),  # a reversal
        ],
    )
    assert (result.created, result.total, result.projects) == (4, D(810), 2)
    with pytest.raises(MonitoringError, match="凭证号“V001”已登记"):
        monitoring.spending_record(
            actor=None, fiscal_year=YEAR, items=[("A-1", date(YEAR, 4, 1), D(1), "V001")]
        )
    with pytest.raises(PermissionDeniedError):
        monitoring.spending_record(
            actor=personas.unit_a_operator, fiscal_year=YEAR, items=[("A-1", "2027-04-01", 1)]
        )
    round = open_round(personas.bureau)
    row = queries.with_executed(MonitoringForm.objects.filter(pk=form_of(round, world.a1).pk))
    assert row.values_list("spent", "executed_to_date").get() == (D(320), D(320))
    assert AuditEvent.objects.filter(action="budget.spending.record").count() == 1


# --- Warnings --------------------------------------------------------------------------------


def _warnings(round: MonitoringRound) -> list[tuple[str, str, str, str, Decimal | None]]:
    return sorted(
        (w.project.code, w.indicator.name if w.indicator else "", w.kind, w.colour, w.value)
        for w in MonitoringWarning.objects.filter(round=round).select_related(
            "project", "indicator"
        )
    )


def test_compute_writes_the_warnings_of_the_round(personas, world):
    monitoring.spending_record(
        actor=None, fiscal_year=YEAR, items=[("A-1", date(YEAR, 5, 1), D(320))]
    )
    round = open_round(personas.bureau)
    a1, a2 = form_of(round, world.a1), form_of(round, world.a2)
    fill(
        a1,
        personas.unit_a_operator,
        新建改造供水工程={
            "actual": D(0),
            "reasons": ["facilities"],
            "measures": "设备已到货，下月开工。",
        },
        单处工程平均造价={"actual": D(55)},
        群众饮水安全状况={"level": "partly"},
    )
    monitoring.form_save(actor=personas.unit_a_operator, form=a2, executed=D(200))
    with pytest.raises(PermissionDeniedError):
        compute.round_compute_warnings(actor=personas.unit_a_operator, round=round)
    result = monitoring.round_compute_warnings(actor=personas.finance_reviewer, round=round)
    assert result.projects == 3
    by = {
        (code, name, kind): (colour, value) for code, name, kind, colour, value in _warnings(round)
    }
    # 320 spent of 1200 in 7 months: 45.71%, red; one red indicator: combined red.
    assert by["A-1", "", "budget_execution"] == ("red", D("0.4571"))
    assert by["A-1", "新建改造供水工程", "indicator"] == ("red", D(0))
    assert by["A-1", "单处工程平均造价", "indicator"] == ("yellow", D("1.1"))
    assert ("A-1", "农村自来水普及率", "indicator") not in by  # green: counted, not stored
    assert by["A-1", "群众饮水安全状况", "qualitative"] == ("yellow", None)
    assert by["A-1", "", "combined"] == ("red", None)
    # the form's 200 of 300: 114.29%, green; nothing filled in: no indicator warnings.
    assert by["A-2", "", "budget_execution"] == ("green", D("1.1429"))
    assert ("A-2", "新建改造供水工程", "indicator") not in by
    assert by["A-2", "", "combined"] == ("green", None)
    # B-1: nothing spent: red execution, targets not filled: yellow.
    assert by["B-1", "", "budget_execution"] == ("red", D(0))
    assert by["B-1", "", "combined"] == ("yellow", None)
    assert result.by_colour == {"green": 5, "red": 4, "yellow": 3}
    assert result.by_kind["indicator"] == {"green": 3, "red": 1, "yellow": 1}
    assert result.warnings == 9 == len(by)  # the three green indicators have no row
    execution = MonitoringWarning.objects.get(
        round=round, project=world.a1, kind="budget_execution"
    )
    assert execution.explain == (
        "执行数320.00÷预算数1200.00＝26.67%，时间进度7÷12＝58.33%，执行进度比45.71%＜60%，红色预警"
    )
    event = AuditEvent.objects.get(action="budget.monitoring.compute")
    assert event.new_values["by_colour"] == result.by_colour
    assert event.new_values["warnings"] == 9 and event.new_values["projects"] == 3
    round.refresh_from_db()
    assert round.computed_at is not None


def test_computing_twice_gives_the_same_warnings(personas, world):
    round = open_round(personas.bureau)
    fill(form_of(round, world.a1), personas.unit_a_operator)
    first = compute.round_compute_warnings(actor=None, round=round)
    rows = _warnings(round)
    explains = sorted(MonitoringWarning.objects.values_list("explain", flat=True))
    second = compute.round_compute_warnings(actor=None, round=round)
    assert _warnings(round) == rows and first.by_kind == second.by_kind
    assert sorted(MonitoringWarning.objects.values_list("explain", flat=True)) == explains
    assert AuditEvent.objects.filter(action="budget.monitoring.compute").count() == 2


def test_thresholds_apply_to_open_rounds_and_closed_rounds_keep_theirs(personas, world):
    round = open_round(personas.bureau)
    monitoring.form_save(actor=None, form=form_of(round, world.a2), executed=D(120))
    compute.round_compute_warnings(actor=None, round=round)
    # 120 of 300 in 7 months: 68.57%: yellow with the defaults.
    colour = MonitoringWarning.objects.filter(
        round=round, project=world.a2, kind="budget_execution"
    ).values_list("colour", flat=True)
    assert list(colour) == ["yellow"]
    with pytest.raises(PermissionDeniedError):
        monitoring.thresholds_set(
            actor=personas.department_reviewer,
            bureau=personas.bureau,
            fiscal_year=YEAR,
            red_below=D("0.7"),
            yellow_below=D("0.9"),
            blue_at=D("1.3"),
        )
    with pytest.raises(MonitoringError, match="预警阈值应满足"):
        monitoring.thresholds_set(
            actor=personas.finance_reviewer,
            bureau=personas.bureau,
            fiscal_year=YEAR,
            red_below=D("0.9"),
            yellow_below=D("0.7"),
            blue_at=D("1.3"),
        )
    monitoring.thresholds_set(
        actor=personas.finance_reviewer,
        bureau=personas.bureau,
        fiscal_year=YEAR,
        red_below=D("0.7"),
        yellow_below=D("0.9"),
        blue_at=D("1.3"),
    )
    monitoring.round_close(actor=personas.finance_reviewer, round=round)
    round.refresh_from_db()
    assert round.state == RoundState.CLOSED and round.closed_at is not None
    assert round.thresholds["red_below"] == "0.7"
    assert list(colour.all()) == ["red"]  # recomputed at closing with the new thresholds
    later = open_round(personas.bureau, months=10)
    assert later.thresholds["red_below"] == "0.7" and later.number == 2
    monitoring.thresholds_set(
        actor=None,
        bureau=personas.bureau,
        fiscal_year=YEAR,
        red_below=D("0.5"),
        yellow_below=D("0.8"),
        blue_at=D("1.2"),
    )
    round.refresh_from_db()
    later.refresh_from_db()
    assert round.thresholds["red_below"] == "0.7" and later.thresholds["red_below"] == "0.5"
    with pytest.raises(MonitoringError, match="已结束"):
        monitoring.form_save(actor=None, form=form_of(round, world.a2), executed=D(1))
    with pytest.raises(MonitoringError, match="已结束"):
        compute.round_compute_warnings(actor=None, round=round)


def test_a_projects_spending_after_the_round_does_not_count(personas, world):
    round = open_round(personas.bureau, months=1)
    monitoring.spending_record(
        actor=None,
        fiscal_year=YEAR,
        items=[("A-2", date(YEAR, 1, 31), D(25)), ("A-2", date(YEAR, 2, 1), D(100))],
    )
    compute.round_compute_warnings(actor=None, round=round)
    warning = MonitoringWarning.objects.get(round=round, project=world.a2, kind="budget_execution")
    assert warning.colour == "green" and warning.value == D(1)  # 25 of 300 in one month
    assert round.deadline.due_at > timezone.now() + timedelta(days=9)
