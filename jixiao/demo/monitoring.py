"""Demo double monitoring (BUD-5) for this year's budget: approved projects of eight units with
their spending, a closed round of the first months and an open round with a deadline, forms in
mixed states and indicators behind, on track and ahead, so the dashboards show red, yellow,
green and blue warnings and their movement between the rounds. Everything goes through the
services, as in ``demo.budget``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from jixiao.budget import services as budget
from jixiao.budget.models import Project
from jixiao.budget.monitoring import services
from jixiao.budget.monitoring.models import (
    IndicatorProgress,
    MonitoringForm,
    MonitoringRound,
)
from jixiao.demo.budget import PROJECTS, _fill
from jixiao.orgs.models import Organization, OrgKind

D = Decimal


@dataclass(frozen=True)
class Plan:
    """What happens to one project: its spending as a share of time progress in each round,
    how its indicators stand in each round, and whether the open round's form is submitted."""

    first_spend: Decimal
    second_spend: Decimal
    first: str  # indicator profile: on_track, behind, far_behind, ahead
    second: str
    submitted: bool


# One plan per project of ``demo.budget.PROJECTS`` (by position).
PLANS = [
    Plan(D("1.0"), D("0.95"), "on_track", "on_track", True),  # 智慧校园建设
    Plan(D("0.9"), D("0.35"), "on_track", "far_behind", True),  # 课后延时服务补助: red now
    Plan(D("0.4"), D("0.9"), "behind", "on_track", True),  # 医共体信息平台: recovers
    Plan(D("1.1"), D("1.0"), "ahead", "ahead", True),  # 重点人群免费体检: blue
    Plan(D("0.5"), D("0.45"), "behind", "far_behind", False),  # 高标准农田建设: red, draft
    Plan(D("0.8"), D("0.7"), "on_track", "behind", True),  # 农村饮水安全: yellow
    Plan(D("0.3"), D("0.65"), "far_behind", "on_track", False),  # 农村公路: draft
    Plan(D("1.0"), D("0.9"), "on_track", "on_track", False),  # 特困人员集中供养: untouched
]
REASONS = {
    "behind": (["funding"], "资金拨付滞后，已与财政部门对接，下季度加快支付进度。"),
    "far_behind": (
        ["funding", "staffing", "other"],
        "项目招标推迟两个月，施工队伍未及时进场；已调整实施计划，增加施工班组并每周调度。",
    ),
}


def _months(today: date) -> tuple[int, int]:
    """The rounds' months: 1-4月 (closed) and the months elapsed before this one (open)."""
    second = min(11, max(2, today.month - 1))
    first = 4 if second > 4 else 1
    return first, second


def build(today: date, by_name: dict[str, Organization]) -> None:
    """Create the demo's monitoring data through the services."""
    year = today.year
    bureau = next(o for o in by_name.values() if o.kind == OrgKind.FINANCE_BUREAU)
    projects = [_approved(by_name[row[0]], year, row) for row in PROJECTS[: len(PLANS)]]
    first, second = _months(today)
    _spending(year, projects, first, second)
    closed = _round(bureau, year, first, today - timedelta(days=150))
    _fill_round(closed, projects, first, submit_all=True)
    services.round_close(actor=None, round=closed)
    current = _round(bureau, year, second, today + timedelta(days=7))
    _fill_round(current, projects, second, submit_all=False)
    services.round_compute_warnings(actor=None, round=current)


def _approved(unit: Organization, year: int, row: tuple) -> Project:  # type: ignore[type-arg]
    _unit, suffix, name, function, amount, goal, indicators = row
    project = budget.project_create(
        actor=None,
        unit=unit,
        fiscal_year=year,
        code=f"{unit.code}-{year}-{suffix}",
        name=name,
        function_code=function,
        start_year=year,
        end_year=year,
        is_new=False,  # continuing projects: no ex-ante assessment needed
        annual_total=amount,
        annual_fiscal=amount,
        annual_goal=goal,
    )
    _fill(project, indicators)
    budget.target_submit(actor=None, project=project)
    budget.target_approve(actor=None, project=project, comment="同意")
    budget.target_approve(actor=None, project=project, comment="同意", approved_amount=amount)
    return project


def _spending(year: int, projects: list[Project], first: int, second: int) -> None:
    """Payments so that execution reaches each plan's share of time progress by each round."""
    items = []
    for number, (project, plan) in enumerate(zip(projects, PLANS, strict=False), 1):
        by_first = _share(project.annual_total, first, plan.first_spend)
        by_second = _share(project.annual_total, second, plan.second_spend)
        items.append((project.code, date(year, first, 15), by_first, f"ZF{year}{number:03d}01"))
        if by_second > by_first:
            day = date(year, second, 10)
            items.append((project.code, day, by_second - by_first, f"ZF{year}{number:03d}02"))
    services.spending_record(actor=None, fiscal_year=year, items=items)


def _share(total: Decimal, months: int, factor: Decimal) -> Decimal:
    return (total * months / 12 * factor).quantize(D("0.01"), ROUND_HALF_UP)


def _round(bureau: Organization, year: int, months: int, due: date) -> MonitoringRound:
    return services.round_open(
        actor=None,
        bureau=bureau,
        fiscal_year=year,
        months_elapsed=months,
        due_at=timezone.make_aware(datetime.combine(due, time(17, 30))),
    )


def _fill_round(
    round: MonitoringRound, projects: list[Project], months: int, *, submit_all: bool
) -> None:
    forms = {
        f.project_id: f
        for f in MonitoringForm.objects.filter(round=round).select_related("project")
    }
    rows: dict[int, list[IndicatorProgress]] = {}
    for row in IndicatorProgress.objects.filter(form__round=round).order_by("id"):
        rows.setdefault(row.form_id, []).append(row)
    for index, (project, plan) in enumerate(zip(projects, PLANS, strict=False)):
        form = forms[project.pk]
        untouched = not submit_all and index == len(PLANS) - 1
        if untouched:
            continue  # the overdue list has a form nobody has opened
        profile = plan.first if submit_all else plan.second
        progress = {
            row.indicator_id: _progress(row, months, profile, position)
            for position, row in enumerate(rows.get(form.pk, []))
        }
        services.form_save(
            actor=None,
            form=form,
            progress=progress,
            expected_execution=project.annual_total,
            goal_progress=_goal(profile),
        )
        if submit_all or plan.submitted:
            services.form_submit(actor=None, form=form)


def _progress(row: IndicatorProgress, months: int, profile: str, position: int) -> dict:  # type: ignore[type-arg]
    """Values to date for one indicator under the profile: the first indicator carries the
    profile (behind, far behind, ahead), the second too when far behind; the rest on track."""
    target = row.target_value or D(0)
    on_time = (target * months / 12).quantize(D("0.01"), ROUND_HALF_UP)
    affected = position == 0 or (profile == "far_behind" and position == 1)
    if row.direction != "gte" or not affected or profile == "on_track":
        actual = target if row.direction in ("lte", "eq") else on_time
        return {"actual": actual, "expected": target, "likelihood": "certain"}
    if profile == "ahead":
        return {"actual": (target * D("1.25")).quantize(D("0.01")), "likelihood": "certain"}
    reasons, measures = REASONS[profile]
    share = D("0.7") if profile == "behind" else D("0.2")
    return {
        "actual": (on_time * share).quantize(D("0.01"), ROUND_HALF_UP),
        "expected": (target * (D("0.9") if profile == "behind" else D("0.6"))).quantize(D("0.01")),
        "likelihood": "possible" if profile == "behind" else "impossible",
        "reasons": reasons,
        "measures": measures,
    }


def _goal(profile: str) -> str:
    return {
        "on_track": "各项工作按计划推进，阶段性目标基本完成。",
        "ahead": "工作进度快于计划，部分指标已提前完成全年目标。",
        "behind": "部分工作进度滞后于计划，正在采取措施加快推进。",
        "far_behind": "项目实施明显滞后，年度目标完成存在较大困难。",
    }[profile]
