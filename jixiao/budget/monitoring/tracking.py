"""绩效跟踪 (BUD-6, seed part 5): for a project in a monitoring round the unit chooses key
targets (重点目标), fills 绩效跟踪表（项目分阶段完成情况表） and 绩效跟踪表（绩效目标实现情况及
纠偏表）, generates the 绩效跟踪结果报告 from that data, edits it and submits it to the finance
bureau within a number of days after the round's last monitored day (30 unless the bureau sets
it for the year). The report goes out as Word and PDF (:mod:`.tracking_print`).

Writes: the unit with ``budget.monitoring.fill`` over the project's unit; the bureau with
``budget.monitoring.manage`` sets the days and returns a submitted record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from jixiao.audit.services import audit_record, snapshot
from jixiao.budget import permissions as actions
from jixiao.budget.models import Project
from jixiao.budget.monitoring import interventions
from jixiao.budget.monitoring.errors import MonitoringError
from jixiao.budget.monitoring.models import (
    REPORT_SECTIONS,
    Colour,
    CorrectionRequest,
    IndicatorProgress,
    MonitoringForm,
    MonitoringRound,
    MonitoringWarning,
    TrackingRecord,
    TrackingSettings,
    TrackingStage,
    TrackingState,
    TrackingTarget,
    WarningKind,
)
from jixiao.documents.excel.cells import number_text
from jixiao.documents.language import in_official_language
from jixiao.indicators.models import Indicator
from jixiao.orgs import permissions as perms
from jixiao.orgs.models import Organization, User

MANAGE, FILL, VIEW = actions.MONITORING_MANAGE, actions.MONITORING_FILL, actions.MONITORING_VIEW
DEFAULT_DUE_DAYS = 30

NOT_MONITORED = "项目“{project}”不在监控轮次“{round}”中，不能开展绩效跟踪。"
TRACKING_EXISTS = "项目“{project}”在“{round}”已有绩效跟踪。"
NO_KEY_TARGETS = "请至少选择一个重点跟踪目标。"
NOT_A_TARGET = "所选指标不是该项目的三级绩效指标。"
SUBMITTED = "绩效跟踪已报送，不能再修改；如需修改请联系财政部门退回。"
NOT_SUBMITTED = "绩效跟踪尚未报送。"
RETURN_REASON = "退回绩效跟踪须说明原因。"
STAGE_NAME = "第{row}行：请填写实施阶段。"
UNKNOWN_TARGET = "重点目标（编号{target}）不属于此绩效跟踪。"
UNKNOWN_SECTION = "报告没有“{section}”一节。"
INCOMPLETE = "绩效跟踪有{count}处未完成：{problems}"
NEED_STAGES = "请填写项目分阶段完成情况表"
NEED_ACTUAL = "重点目标“{name}”：请填写实际完成值"
NEED_ANALYSIS = "重点目标“{name}”存在偏差：请填写偏差原因分析和纠偏路径及措施"
NEED_SECTION = "结果报告“{heading}”不能为空"
DAYS_RANGE = "报送期限应为1至366天。"

STAGE_FIELDS = ("stage", "planned_content", "planned_time", "actual_progress", "completion")
TARGET_FIELDS = (
    "target",
    "actual",
    "deviation",
    "reason_analysis",
    "correction_path",
    "correction_result",
)
SECTION_FIELDS = tuple(field for field, _ in REPORT_SECTIONS)


def _person(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None


# --- Settings and due dates ---------------------------------------------------------------------


def due_days(bureau_id: int, fiscal_year: int) -> int:
    row = TrackingSettings.objects.filter(bureau_id=bureau_id, fiscal_year=fiscal_year).first()
    return row.due_days if row is not None else DEFAULT_DUE_DAYS


def due_date(round: MonitoringRound) -> date:
    """The round's last monitored day plus the year's days (seed: within one month)."""
    return round.period.end_date + timedelta(days=due_days(round.bureau_id, round.fiscal_year))


@transaction.atomic
def tracking_days_set(
    *, actor: User | None, bureau: Organization, fiscal_year: int, days: int
) -> TrackingSettings:
    """The bureau sets, for a year, how many days after a round tracking is due; records of
    the year not yet submitted take the new due date."""
    perms.require(actor, MANAGE, bureau)
    if not 1 <= days <= 366:
        raise MonitoringError(DAYS_RANGE)
    row, created = TrackingSettings.objects.get_or_create(
        bureau=bureau, fiscal_year=fiscal_year, defaults={"due_days": days}
    )
    old = None if created else {"due_days": row.due_days}
    row.due_days = days
    row.save(update_fields=["due_days"])
    pending = TrackingRecord.objects.filter(
        round__bureau=bureau, round__fiscal_year=fiscal_year, state=TrackingState.DRAFT
    ).select_related("round__period")
    for record in pending:
        record.due_date = record.round.period.end_date + timedelta(days=days)
    TrackingRecord.objects.bulk_update(pending, ["due_date"])
    audit_record(
        actor=actor,
        action="budget.tracking.settings",
        obj=row,
        organization_id=bureau.pk,
        old=old,
        new={"due_days": days, "records": len(pending)},
    )
    return row


# --- Starting and key targets ----------------------------------------------------------------


def _target_text(value: Decimal | None, text: str, unit: str) -> str:
    if value is None:
        return text
    return f"{number_text(value)}{unit}"


def _level3(project: Project, indicators: Sequence[Indicator]) -> list[Indicator]:
    if not indicators:
        raise MonitoringError(NO_KEY_TARGETS)
    chosen = {i.pk for i in indicators}
    found = list(
        Indicator.objects.filter(pk__in=chosen, tree_id=project.annual_tree_id, level=3).order_by(
            "parent_id", "position", "id"
        )
    )
    if len(found) != len(chosen):
        raise MonitoringError(NOT_A_TARGET)
    return found


@in_official_language
def _new_target(record: TrackingRecord, indicator: Indicator, position: int) -> TrackingTarget:
    """A key target's row, with the target and the round's actual value filled in."""
    progress = IndicatorProgress.objects.filter(
        form__round_id=record.round_id, form__project_id=record.project_id, indicator=indicator
    ).first()
    actual = ""
    if progress is not None:
        if progress.actual is not None:
            actual = f"{number_text(progress.actual)}{progress.unit}"
        elif progress.level:
            actual = progress.get_level_display()
    return TrackingTarget(
        record=record,
        indicator=indicator,
        position=position,
        indicator_name=indicator.name,
        target=_target_text(indicator.target_value, indicator.target_text, indicator.unit),
        actual=actual,
        reason_analysis=progress.measures if progress is not None else "",
    )


@transaction.atomic
def tracking_start(
    *,
    actor: User | None,
    project: Project,
    round: MonitoringRound,
    indicators: Sequence[Indicator],
) -> TrackingRecord:
    """The unit starts tracking a monitored project in a round with its key targets."""
    perms.require(actor, FILL, project.unit)
    if not MonitoringForm.objects.filter(round=round, project=project).exists():
        raise MonitoringError(NOT_MONITORED.format(project=project.name, round=round.name))
    if TrackingRecord.objects.filter(round=round, project=project).exists():
        raise MonitoringError(TRACKING_EXISTS.format(project=project.name, round=round.name))
    chosen = _level3(project, indicators)
    record = TrackingRecord(
        project=project, round=round, due_date=due_date(round), created_by=_person(actor)
    )
    record.full_clean(validate_constraints=False)
    record.save()
    TrackingTarget.objects.bulk_create(
        _new_target(record, indicator, n) for n, indicator in enumerate(chosen, 1)
    )
    audit_record(
        actor=actor,
        action="budget.tracking.start",
        obj=record,
        organization_id=project.unit_id,
        new={
            "round": round.pk,
            "due_date": record.due_date,
            "key_targets": [i.name for i in chosen],
        },
    )
    return record


def _editable(actor: User | None, record: TrackingRecord) -> TrackingRecord:
    perms.require(actor, FILL, record.project.unit)
    record = (
        TrackingRecord.objects.select_for_update(of=("self",))
        .select_related("project", "project__unit", "round", "round__period")
        .get(pk=record.pk)
    )
    if record.state != TrackingState.DRAFT:
        raise MonitoringError(SUBMITTED)
    return record


@transaction.atomic
def tracking_targets_choose(
    *, actor: User | None, record: TrackingRecord, indicators: Sequence[Indicator]
) -> TrackingRecord:
    """Choose the key targets again: rows of targets kept keep what was written."""
    record = _editable(actor, record)
    chosen = _level3(record.project, indicators)
    rows = {row.indicator_id: row for row in record.targets.all()}
    keep = {i.pk for i in chosen}
    removed = [row for pk, row in rows.items() if pk not in keep]
    TrackingTarget.objects.filter(pk__in=[row.pk for row in removed]).delete()
    for position, indicator in enumerate(chosen, 1):
        row = rows.get(indicator.pk)
        if row is None:
            _new_target(record, indicator, position).save()
        elif row.position != position:
            row.position = position
            row.save(update_fields=["position"])
    audit_record(
        actor=actor,
        action="budget.tracking.targets",
        obj=record,
        organization_id=record.project.unit_id,
        old={"key_targets": sorted(row.indicator_name for row in rows.values())},
        new={"key_targets": sorted(i.name for i in chosen)},
    )
    return record


# --- The two forms ---------------------------------------------------------------------------


def _clean(value: Any) -> str:
    return str(value or "").strip()


@transaction.atomic
def tracking_stages_save(
    *, actor: User | None, record: TrackingRecord, stages: Sequence[Mapping[str, Any]]
) -> TrackingRecord:
    """绩效跟踪表（项目分阶段完成情况表）, replaced as a whole; rows left entirely empty are
    dropped, a row without its stage name is refused."""
    record = _editable(actor, record)
    rows, problems = [], []
    for number, values in enumerate(stages, 1):
        cleaned = {field: _clean(values.get(field)) for field in STAGE_FIELDS}
        if not any(cleaned.values()):
            continue
        if not cleaned["stage"]:
            problems.append(STAGE_NAME.format(row=number))
            continue
        row = TrackingStage(record=record, position=len(rows) + 1, **cleaned)
        row.full_clean(exclude=["record"])
        rows.append(row)
    if problems:
        raise MonitoringError("；".join(problems))
    before = [snapshot(row, list(STAGE_FIELDS)) for row in record.stages.all()]
    record.stages.all().delete()
    TrackingStage.objects.bulk_create(rows)
    record.save(update_fields=["updated_at"])
    audit_record(
        actor=actor,
        action="budget.tracking.stages",
        obj=record,
        organization_id=record.project.unit_id,
        old={"stages": before},
        new={"stages": [snapshot(row, list(STAGE_FIELDS)) for row in rows]},
    )
    return record


@transaction.atomic
def tracking_targets_save(
    *, actor: User | None, record: TrackingRecord, rows: Mapping[int, Mapping[str, Any]]
) -> TrackingRecord:
    """绩效跟踪表（绩效目标实现情况及纠偏表）: per key target (by row id) the target value,
    actual, deviation, reason analysis, correction path and measures, correction result."""
    record = _editable(actor, record)
    targets = {row.pk: row for row in record.targets.all()}
    old, new, touched = {}, {}, []
    for key, values in rows.items():
        row = targets.get(int(key))
        if row is None:
            raise MonitoringError(UNKNOWN_TARGET.format(target=key))
        unknown = set(values) - set(TARGET_FIELDS)
        if unknown:
            raise ValueError(f"unknown fields: {sorted(unknown)}")
        old[row.indicator_name] = snapshot(row, list(values))
        for field, value in values.items():
            setattr(row, field, _clean(value))
        row.full_clean(exclude=["record", "indicator"])
        new[row.indicator_name] = snapshot(row, list(values))
        touched.append(row)
    TrackingTarget.objects.bulk_update(touched, list(TARGET_FIELDS))
    record.save(update_fields=["updated_at"])
    audit_record(
        actor=actor,
        action="budget.tracking.targets_save",
        obj=record,
        organization_id=record.project.unit_id,
        old=old,
        new=new,
    )
    return record


# --- The report --------------------------------------------------------------------------------


@in_official_language
def report_draft(record: TrackingRecord) -> dict[str, str]:
    """The six sections of the 绩效跟踪结果报告 written from the record's data."""
    project, round = record.project, record.round
    figures = interventions.budget_rows(Project.objects.filter(pk=project.pk))[0]
    targets = list(record.targets.all())
    stages = list(record.stages.all())
    return {
        "report_basic": _basic(project, round, figures),
        "report_targets": _targets(project, targets),
        "report_implementation": _implementation(stages),
        "report_completion": _completion(targets),
        "report_problems": _problems(project, targets),
        "report_conclusion": _conclusion(round, project, targets),
    }


def _basic(project: Project, round: MonitoringRound, figures: interventions.BudgetRow) -> str:
    department = f"，主管部门为{project.department.name}" if project.department else ""
    moved = ""
    if figures.moved_in or figures.moved_out:
        moved = (
            f"，年中调入{interventions.money(figures.moved_in)}万元、"
            f"调出{interventions.money(figures.moved_out)}万元"
        )
    rate = ""
    if figures.available:
        rate = f"，预算执行率{figures.spent * 100 / figures.available:.2f}%"
    hold = f"项目目前已{figures.hold_label}执行。" if figures.hold else ""
    return (
        f"{project.name}（项目代码{project.code}）由{project.unit.name}实施{department}。"
        f"{project.fiscal_year}年度批复预算{interventions.money(figures.approved)}万元{moved}，"
        f"可用预算{interventions.money(figures.available)}万元；"
        f"截至本次跟踪（{round.name}）累计支出{interventions.money(figures.spent)}万元{rate}。"
        f"{hold}"
    )


def _targets(project: Project, targets: list[TrackingTarget]) -> str:
    goal = project.annual_goal.strip() or "（未填写）"
    listed = "；".join(f"{row.indicator_name}（目标值{row.target or '—'}）" for row in targets)
    return f"年度总体目标：{goal}\n本次确定重点跟踪目标{len(targets)}项：{listed}。"


def _implementation(stages: list[TrackingStage]) -> str:
    if not stages:
        return "（尚未填写项目分阶段完成情况。）"
    lines = [f"项目分{len(stages)}个阶段实施："]
    for n, row in enumerate(stages, 1):
        line = f"{n}. {row.stage}：计划{row.planned_content or '—'}"
        if row.planned_time:
            line += f"，计划完成时间{row.planned_time}"
        line += f"；实际进展：{row.actual_progress or '—'}；完成情况：{row.completion or '—'}。"
        lines.append(line)
    return "\n".join(lines)


def _completion(targets: list[TrackingTarget]) -> str:
    lines = []
    for row in targets:
        deviation = f"，偏差情况：{row.deviation}" if row.deviation else "，无明显偏差"
        lines.append(
            f"{row.indicator_name}：目标值{row.target or '—'}，"
            f"实际完成{row.actual or '—'}{deviation}。"
        )
    return "\n".join(lines)


def _problems(project: Project, targets: list[TrackingTarget]) -> str:
    lines = []
    for row in targets:
        if row.deviation or row.reason_analysis or row.correction_path:
            lines.append(
                f"{row.indicator_name}：偏差原因{row.reason_analysis or '—'}；"
                f"纠偏路径及措施：{row.correction_path or '—'}；"
                f"纠偏结果：{row.correction_result or '尚在纠偏中'}。"
            )
    requests = CorrectionRequest.objects.filter(project=project).order_by("requested_at")
    for request in requests:
        lines.append(
            f"财政部门于{timezone.localtime(request.requested_at):%Y年%m月%d日}要求整改"
            f"（{request.requirement}），目前{request.get_state_display()}。"
        )
    return "\n".join(lines) or "跟踪期内未发现明显问题，无需纠偏。"


def _conclusion(round: MonitoringRound, project: Project, targets: list[TrackingTarget]) -> str:
    combined = MonitoringWarning.objects.filter(
        round=round, project=project, kind=WarningKind.COMBINED
    ).first()
    colour = f"本轮综合预警为{combined.get_colour_display()}。" if combined else ""
    open_deviation = [row for row in targets if row.deviation and not row.correction_result]
    if (combined is not None and combined.colour == Colour.RED) or open_deviation:
        verdict = "项目绩效运行存在较大偏差，已提出纠偏路径和措施，需继续跟踪纠偏效果。"
    else:
        verdict = "项目绩效运行总体正常，预计能够实现年度绩效目标。"
    return colour + verdict


@transaction.atomic
def tracking_report_generate(*, actor: User | None, record: TrackingRecord) -> TrackingRecord:
    """Write the report's sections from the data (what was edited before is replaced)."""
    record = _editable(actor, record)
    before = snapshot(record, list(SECTION_FIELDS))
    for field, text in report_draft(record).items():
        setattr(record, field, text)
    record.report_generated_at = timezone.now()
    record.save(update_fields=[*SECTION_FIELDS, "report_generated_at", "updated_at"])
    audit_record(
        actor=actor,
        action="budget.tracking.report_generate",
        obj=record,
        organization_id=record.project.unit_id,
        old=before,
        new=snapshot(record, list(SECTION_FIELDS)),
    )
    return record


@transaction.atomic
def tracking_report_save(
    *, actor: User | None, record: TrackingRecord, sections: Mapping[str, str]
) -> TrackingRecord:
    """The unit edits the report's sections (by field name, e.g. ``report_conclusion``)."""
    record = _editable(actor, record)
    for field in sections:
        if field not in SECTION_FIELDS:
            raise MonitoringError(UNKNOWN_SECTION.format(section=field))
    before = snapshot(record, list(sections))
    for field, text in sections.items():
        setattr(record, field, _clean(text))
    record.save(update_fields=[*sections, "updated_at"])
    audit_record(
        actor=actor,
        action="budget.tracking.report_save",
        obj=record,
        organization_id=record.project.unit_id,
        old=before,
        new=snapshot(record, list(sections)),
    )
    return record


def submit_problems(record: TrackingRecord) -> list[str]:
    problems = []
    if not record.stages.exists():
        problems.append(NEED_STAGES)
    for row in record.targets.all():
        if not row.actual:
            problems.append(NEED_ACTUAL.format(name=row.indicator_name))
        if row.deviation and not (row.reason_analysis and row.correction_path):
            problems.append(NEED_ANALYSIS.format(name=row.indicator_name))
    for _, heading, text in record.report_sections():
        if not text.strip():
            problems.append(NEED_SECTION.format(heading=heading))
    return problems


@transaction.atomic
def tracking_submit(*, actor: User | None, record: TrackingRecord) -> TrackingRecord:
    """The unit submits the tracking forms and report to the finance bureau, complete."""
    record = _editable(actor, record)
    problems = submit_problems(record)
    if problems:
        raise MonitoringError(INCOMPLETE.format(count=len(problems), problems="；".join(problems)))
    record.state = TrackingState.SUBMITTED
    record.submitted_at, record.submitted_by = timezone.now(), _person(actor)
    record.save(update_fields=["state", "submitted_at", "submitted_by", "updated_at"])
    audit_record(
        actor=actor,
        action="budget.tracking.submit",
        obj=record,
        organization_id=record.project.unit_id,
        old={"state": TrackingState.DRAFT},
        new={"state": TrackingState.SUBMITTED, "late": record.due_date < timezone.localdate()},
    )
    return record


@transaction.atomic
def tracking_return(*, actor: User | None, record: TrackingRecord, reason: str) -> TrackingRecord:
    """The bureau sends a submitted tracking back to the unit."""
    perms.require(actor, MANAGE, record.project.unit)
    record = TrackingRecord.objects.select_for_update(of=("self",)).get(pk=record.pk)
    if record.state != TrackingState.SUBMITTED:
        raise MonitoringError(NOT_SUBMITTED)
    if not reason.strip():
        raise MonitoringError(RETURN_REASON)
    record.state = TrackingState.DRAFT
    record.save(update_fields=["state", "updated_at"])
    audit_record(
        actor=actor,
        action="budget.tracking.return",
        obj=record,
        organization_id=record.project.unit_id,
        old={"state": TrackingState.SUBMITTED},
        new={"state": TrackingState.DRAFT, "reason": reason.strip()},
    )
    return record


# --- Reads ---------------------------------------------------------------------------------------


def tracking_for_user(user: Any, *, fiscal_year: int | None = None) -> QuerySet[TrackingRecord]:
    rows = perms.filter_for_user(
        user,
        TrackingRecord.objects.select_related("project", "project__unit", "round"),
        VIEW,
        "project__unit",
    )
    if fiscal_year is not None:
        rows = rows.filter(project__fiscal_year=fiscal_year)
    return rows


def overdue_tracking(user: Any, today: date | None = None) -> QuerySet[TrackingRecord]:
    """Tracking not submitted by its due date."""
    today = today or timezone.localdate()
    return tracking_for_user(user).filter(state=TrackingState.DRAFT, due_date__lt=today)


def get_tracking_for_user(user: Any, pk: Any) -> TrackingRecord:
    return perms.get_for_user(
        user,
        TrackingRecord.objects.select_related(
            "project", "project__unit", "project__department", "round", "round__period"
        ),
        pk,
        VIEW,
        "project__unit",
    )


LABELS = {
    "budget.tracking.settings": "设置绩效跟踪报送期限",
    "budget.tracking.start": "开始绩效跟踪",
    "budget.tracking.targets": "选择重点跟踪目标",
    "budget.tracking.stages": "填报项目分阶段完成情况表",
    "budget.tracking.targets_save": "填报绩效目标实现情况及纠偏表",
    "budget.tracking.report_generate": "生成绩效跟踪结果报告",
    "budget.tracking.report_save": "修改绩效跟踪结果报告",
    "budget.tracking.submit": "报送绩效跟踪",
    "budget.tracking.return": "退回绩效跟踪",
}
