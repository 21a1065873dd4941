"""Demo interventions and tracking (BUD-5 actions, BUD-6) on this year's open monitoring round:
a correction request waiting for its unit, one the unit has answered, a project suspended with
part of its money moved to another, and a tracking record with its two forms and the generated
result report. Everything goes through the services. Without an open round with monitored
projects (``demo.monitoring`` makes one) nothing is created."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from jixiao.budget.models import Project
from jixiao.budget.monitoring import interventions, tracking
from jixiao.budget.monitoring.models import (
    Colour,
    MonitoringForm,
    MonitoringRound,
    MonitoringWarning,
    RoundState,
    WarningKind,
)
from jixiao.orgs.models import Organization, OrgKind

D = Decimal


def build(today: date, by_name: dict[str, Organization]) -> None:
    """Create the demo's interventions data through the services."""
    bureau = next((o for o in by_name.values() if o.kind == OrgKind.FINANCE_BUREAU), None)
    if bureau is None:
        return
    round = (
        MonitoringRound.objects.filter(bureau=bureau, fiscal_year=today.year, state=RoundState.OPEN)
        .order_by("-months_elapsed")
        .first()
    )
    if round is None:
        return
    projects = _by_concern(round)
    if len(projects) < 2:
        return
    _corrections(today, round, projects[0], projects[1])
    if len(projects) >= 3:
        _suspend_and_move(projects[2], [p for p in projects if p != projects[2]])
    _tracking(round, projects[0])


def _by_concern(round: MonitoringRound) -> list[Project]:
    """The round's projects, those with a red combined warning first."""
    red = set(
        MonitoringWarning.objects.filter(
            round=round, kind=WarningKind.COMBINED, colour=Colour.RED
        ).values_list("project_id", flat=True)
    )
    ids = MonitoringForm.objects.filter(round=round).values("project_id")
    projects = list(Project.objects.filter(pk__in=ids).select_related("unit").order_by("code"))
    return sorted(projects, key=lambda p: (p.pk not in red, p.code))


def _corrections(today: date, round: MonitoringRound, first: Project, second: Project) -> None:
    interventions.correction_require(
        actor=None,
        project=first,
        round=round,
        requirement="该项目预算执行进度和绩效目标完成进度明显滞后于时间进度，"
        "请分析原因，制定整改措施，并于期限内报送整改情况。",
        deadline=today + timedelta(days=10),
    )
    answered = interventions.correction_require(
        actor=None,
        project=second,
        round=round,
        requirement="请说明资金支付进度偏慢的原因，并提出加快执行的具体措施。",
        deadline=today + timedelta(days=5),
    )
    interventions.correction_answer(
        actor=None,
        request=answered,
        measures="已召开项目推进会，明确每月支付计划；已完成剩余合同签订，预计下月支付进度达到序时要求。",
    )


def _suspend_and_move(source: Project, others: list[Project]) -> None:
    """Suspend the project and move a tenth of what it has not spent to the next one."""
    room = interventions.available_budget(source) - interventions.spent([source.pk]).get(
        source.pk, D(0)
    )
    amount = (room / 10).quantize(D("0.01"), ROUND_DOWN)
    interventions.project_suspend(
        actor=None, project=source, reason="项目实施条件发生变化，暂缓执行，待重新论证后再定。"
    )
    target = next((p for p in others), None)
    if amount <= 0 or target is None:
        return
    interventions.reallocation_create(
        actor=None,
        source=source,
        lines=[(target, amount)],
        reason="暂缓项目的闲置资金调剂至执行进度快、资金需求急的项目。",
    )


def _tracking(round: MonitoringRound, project: Project) -> None:
    indicators = list(
        project.annual_tree.indicators.filter(level=3).order_by("parent_id", "position", "id")[:2]
    )
    if not indicators:
        return
    record = tracking.tracking_start(
        actor=None, project=project, round=round, indicators=indicators
    )
    tracking.tracking_stages_save(
        actor=None,
        record=record,
        stages=[
            {
                "stage": "前期准备",
                "planned_content": "完成方案论证、招标采购",
                "planned_time": f"{round.fiscal_year}年3月",
                "actual_progress": "招标推迟两个月完成",
                "completion": "已完成",
            },
            {
                "stage": "组织实施",
                "planned_content": "按合同组织实施并拨付资金",
                "planned_time": f"{round.fiscal_year}年10月",
                "actual_progress": "已完成计划工作量的约六成",
                "completion": "进行中",
            },
            {
                "stage": "验收总结",
                "planned_content": "完成验收和绩效自评",
                "planned_time": f"{round.fiscal_year}年12月",
            },
        ],
    )
    first = record.targets.order_by("position").first()
    if first is not None:
        tracking.tracking_targets_save(
            actor=None,
            record=record,
            rows={
                first.pk: {
                    "deviation": "完成进度低于时间进度",
                    "reason_analysis": "招标推迟，施工队伍进场晚。",
                    "correction_path": "调整实施计划，增加施工力量，每周调度进度。",
                }
            },
        )
    tracking.tracking_report_generate(actor=None, record=record)
