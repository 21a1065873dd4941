"""Benchmark of double monitoring: the warnings of one round, set-based against a per-project loop.

    .venv/bin/python bench/monitoring.py            # 50 000 projects × 20 indicators
    .venv/bin/python bench/monitoring.py --quick    # 1 000 projects
    .venv/bin/python bench/monitoring.py --keep-data   # reuse the data of the previous run

Needs PostgreSQL: ``DATABASE_URL`` (default
``postgres://postgres@127.0.0.1:5432/jixiao_bench_monitoring``). The database is created when
missing and its schema rebuilt from the migrations (``--keep-data`` skips that and the data
generation when the previous run left the same number of projects).

Generation, with bulk ``COPY``: a finance bureau, 10 supervising departments and 200 budget
units (through ``jixiao.orgs.services``), then N approved project declarations of 20 level-3
indicators each (14 ≥, 1 =, 3 ≤, 2 定性; with their approved workflow cases and versions), so
that ``round_open`` finds them as it would in production. The round (1–7月) is opened through
``round_open`` (its forms and 20·N progress rows in bulk, timed), then filled with one SQL
``UPDATE`` (``--mix typical``: most indicators on track; ``--mix spread``: values spread evenly,
a third of them red, the most rows to write), executed amounts on half of the forms and three
spending records for each project of the other half; then ``VACUUM ANALYZE``.

Timed:

- ``seconds``: ``round_compute_warnings`` on the whole round, the slower of two runs (the
  second one deletes and replaces the first one's warnings);
- ``loop_projects_per_s``: the per-project ORM loop a first implementation would write, on a
  sample (rolled back): for each project get its form, its progress rows and its spending,
  delete its old warnings, compute with the same rules and ``create()`` the same rows one by
  one;
- ``ratio``: set-based projects per second ÷ loop projects per second.

Targets: at most 10 s for 50 000 projects, at least 10× the loop. The last line printed is one
JSON object.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pgsupport

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jixiao_bench_monitoring"
YEAR = 2031
MONTHS = 7
DEPARTMENTS = 10
UNITS = 200
LOOP_SAMPLE = 300
TARGET_SECONDS = 10.0
TARGET_RATIO = 10.0

# (name, nature, target, unit): 20 level-3 indicators per declaration.
INDICATORS = [
    ("新建改造供水工程", "gte", Decimal(24), "处"),
    ("铺设供水管网", "gte", Decimal("36.5"), "公里"),
    ("新增受益人口", "gte", Decimal(36000), "人"),
    ("改造水厂", "gte", Decimal(3), "座"),
    ("安装净化设备", "gte", Decimal(12), "套"),
    ("工程验收合格率", "eq", Decimal(100), "%"),
    ("水质达标率", "gte", Decimal(95), "%"),
    ("管网漏损率", "lte", Decimal(12), "%"),
    ("工程完工时间", "lte", Decimal(11), "月"),
    ("资金拨付及时率", "gte", Decimal(100), "%"),
    ("单处工程平均造价", "lte", Decimal(50), "万元"),
    ("每公里管网造价", "gte", Decimal("18.75"), "万元"),
    ("农村自来水普及率", "gte", Decimal(92), "%"),
    ("集中供水率", "gte", Decimal(90), "%"),
    ("供水保证率", "gte", Decimal(95), "%"),
    ("群众饮水安全状况", "qualitative", None, ""),
    ("减少群众取水支出", "gte", Decimal(120), "万元"),
    ("工程运行管护机制", "qualitative", None, ""),
    ("受益群众满意度", "gte", Decimal(90), "%"),
    ("村委会满意度", "gte", Decimal(90), "%"),
]


def database_url() -> str:
    return pgsupport.database_url(DEFAULT_URL)


def prepare_database(keep: bool) -> None:
    pgsupport.prepare_database(database_url(), keep=keep)


def django_setup() -> None:
    pgsupport.django_setup(database_url())


# --- Generation --------------------------------------------------------------------------------


def copy_objects(model: Any, objects: Iterable[Any]) -> int:
    """COPY unsaved instances (with their ids set) into the model's table, converting values
    the way ``bulk_create`` does."""
    from django.db import connection

    fields = list(model._meta.concrete_fields)
    q = connection.ops.quote_name
    columns = ", ".join(q(f.column) for f in fields)
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {q(model._meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for obj in objects:
            copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
            count += 1
    return count


def reset_sequences(*models: Any) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"  # noqa: S608 (model tables)
                f" (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )


def make_organisations() -> tuple[Any, list[Any], Any]:
    from jixiao.orgs import services
    from jixiao.orgs.models import OrgKind, Role

    bureau = services.organization_create(
        actor=None, name="基准县财政局", code="M000", kind=OrgKind.FINANCE_BUREAU
    )
    departments = [
        services.organization_create(
            actor=None,
            name=f"基准县第{d + 1}主管部门",
            code=f"M1{d:02d}",
            kind=OrgKind.SUPERVISING_DEPARTMENT,
            parent=bureau,
        )
        for d in range(DEPARTMENTS)
    ]
    units = [
        services.organization_create(
            actor=None,
            name=f"基准县第{u + 1}预算单位",
            code=f"M2{u:03d}",
            kind=OrgKind.BUDGET_UNIT,
            parent=departments[u % DEPARTMENTS],
        )
        for u in range(UNITS)
    ]
    reviewer = services.user_create(
        actor=None,
        username="bench_finance",
        password=None,
        organization=bureau,
        full_name="基准测试财政审核员",
    )
    services.role_assign(actor=None, user=reviewer, role=Role.FINANCE_REVIEWER, organization=bureau)
    return bureau, units, reviewer


def budget_of(number: int) -> Decimal:
    return Decimal(100 + number % 900) + Decimal("0.5")


def generate(projects: int) -> dict[str, float]:
    """Approved declarations with their trees, indicators and workflow cases, by COPY."""
    from django.db import transaction
    from django.utils import timezone

    from jixiao.budget.models import Project
    from jixiao.indicators.models import Indicator, IndicatorTree
    from jixiao.workflow.models import WorkflowCase, WorkflowVersion

    started = time.perf_counter()
    _, units, _ = make_organisations()
    now = timezone.now()
    with transaction.atomic():
        copy_objects(
            IndicatorTree,
            (
                IndicatorTree(
                    id=n,
                    kind="instance",
                    domain="budget_target",
                    name=f"基准项目{n}年度绩效指标",
                    organization_id=units[n % UNITS].pk,
                    owner_type="budget.project",
                    owner_id=str(n),
                    scale=Decimal(90),
                )
                for n in range(1, projects + 1)
            ),
        )
        copy_objects(
            Project,
            (
                Project(
                    id=n,
                    fiscal_year=YEAR,
                    code=f"M{n:06d}",
                    name=f"基准项目{n}",
                    unit_id=units[n % UNITS].pk,
                    department_id=units[n % UNITS].parent_id,
                    function_code="21303",
                    is_new=False,
                    start_year=YEAR,
                    end_year=YEAR,
                    annual_total=budget_of(n),
                    annual_fiscal=budget_of(n),
                    approved_amount=budget_of(n),
                    annual_tree_id=n,
                    annual_goal="巩固提升农村饮水安全。",
                )
                for n in range(1, projects + 1)
            ),
        )
        copy_objects(Indicator, indicators(projects))
        copy_objects(
            WorkflowCase,
            (
                WorkflowCase(
                    id=n,
                    definition_key="budget.target",
                    subject_type="budget.project",
                    subject_id=n,
                    title=f"M{n:06d} 基准项目{n}",
                    organization_id=units[n % UNITS].pk,
                    state="approved",
                    locked=True,
                    version_number=1,
                    approved_version_id=n,
                    decided_at=now,
                )
                for n in range(1, projects + 1)
            ),
        )
        copy_objects(
            WorkflowVersion,
            (
                WorkflowVersion(
                    id=n, case_id=n, number=1, purpose="approved", kind="original", data={}
                )
                for n in range(1, projects + 1)
            ),
        )
        reset_sequences(IndicatorTree, Project, Indicator, WorkflowCase, WorkflowVersion)
    analyse()
    return {"generate_seconds": time.perf_counter() - started}


def indicators(projects: int) -> Iterator[Any]:
    from jixiao.indicators.models import Indicator

    pk = 0
    for n in range(1, projects + 1):
        for position, (name, nature, target, unit) in enumerate(INDICATORS):
            pk += 1
            qualitative = nature == "qualitative"
            yield Indicator(
                id=pk,
                tree_id=n,
                position=position,
                level=3,
                name=name,
                kind="qualitative" if qualitative else "quantitative",
                direction="" if qualitative else nature,
                target_value=target,
                target_text="明显改善" if qualitative else "",
                unit=unit,
                full_score=Decimal("4.5"),
                rule=nature,
            )


def analyse() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def open_round() -> dict[str, float]:
    """``round_open`` as the finance bureau would call it (timed)."""
    from django.utils import timezone

    from jixiao.budget.monitoring import services
    from jixiao.orgs.models import Organization, OrgKind, User

    reviewer = User.objects.get(username="bench_finance")
    bureau = Organization.objects.get(kind=OrgKind.FINANCE_BUREAU, code="M000")
    started = time.perf_counter()
    services.round_open(
        actor=reviewer,
        bureau=bureau,
        fiscal_year=YEAR,
        months_elapsed=MONTHS,
        due_at=timezone.now() + timedelta(days=20),
    )
    return {"open_seconds": time.perf_counter() - started}


def fill(mix: str) -> dict[str, float]:
    """The units' answers and the spending, in SQL (again on every run: ``--mix`` applies)."""
    from django.db import connection, transaction

    from jixiao.budget.monitoring.models import MonitoringRound

    round = MonitoringRound.objects.get(fiscal_year=YEAR, months_elapsed=MONTHS)
    started = time.perf_counter()
    params = {"round": round.pk, "m": MONTHS, "year": YEAR}
    with transaction.atomic(), connection.cursor() as cursor:
        values = re.sub(r"\bh\b", HASH, PROGRESS_VALUES[mix])
        cursor.execute(FILL_PROGRESS.format(values=values), params)
        cursor.execute(FILL_FORMS, params)
        cursor.execute(FILL_SPENDING, params)
    vacuum()
    return {"fill_seconds": time.perf_counter() - started}


def vacuum() -> None:
    """What autovacuum does between real runs: dead rows gone, statistics fresh."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")


TABLES = (
    "budget_indicatorprogress",
    "budget_monitoringform",
    "budget_spendingrecord",
    "budget_monitoringwarning",
)


# The units' answers, from a hash h of each row in [0, 1). Two mixes:
# - "typical" (default): most indicators on track — per quantitative indicator 1% actual 0,
#   2% left empty, 7% at 30–60% of the time-scaled target (red), 10% at 60–80% (yellow), 75%
#   at 80–150% (green), 5% at 120–150% of the annual target (blue for ≥); ≤ indicators 80%
#   under their ceiling, 12% up to 40% over, 8% further over; qualitative 80% 达成, 15% 部分,
#   5% 未达成.
# - "spread": every actual uniform over 0–160% of the time-scaled target (≤: 70–160% of the
#   ceiling), qualitative levels in turn: a third of all indicators red, the worst case for the
#   rows to write.
# Every fifth row is "有可能" with reasons and measures.
PROGRESS_VALUES = {
    "typical": """
  actual = CASE
    WHEN p.kind = 'qualitative' THEN NULL
    WHEN h < 0.01 THEN 0
    WHEN h < 0.03 THEN NULL
    WHEN p.direction = 'lte' THEN round(p.target_value * CASE
      WHEN h < 0.80 THEN 0.6 + h / 2 WHEN h < 0.92 THEN 1.0 + (h - 0.80) * 3.3
      ELSE 1.41 + (h - 0.92) * 5 END, 2)
    WHEN h < 0.10 THEN round(p.target_value * %(m)s / 12.0 * (0.3 + (h - 0.03) * 4.2), 2)
    WHEN h < 0.20 THEN round(p.target_value * %(m)s / 12.0 * (0.6 + (h - 0.10) * 2), 2)
    WHEN h < 0.95 THEN round(p.target_value * %(m)s / 12.0 * (0.8 + (h - 0.20) * 0.9), 2)
    ELSE round(p.target_value * (1.2 + (h - 0.95) * 6), 2)
  END,
  level = CASE WHEN p.kind <> 'qualitative' THEN ''
    WHEN h < 0.80 THEN 'achieved' WHEN h < 0.95 THEN 'partly' ELSE 'not_achieved' END,""",
    "spread": """
  actual = CASE
    WHEN p.kind = 'qualitative' OR p.id %% 53 = 0 THEN NULL
    WHEN p.id %% 97 = 0 THEN 0
    WHEN p.direction = 'lte' THEN round(p.target_value * (0.7 + h * 0.9), 2)
    ELSE round(p.target_value * %(m)s / 12.0 * h * 1.6, 2)
  END,
  level = CASE WHEN p.kind = 'qualitative'
    THEN (ARRAY['achieved', 'achieved', 'partly', 'not_achieved'])[1 + p.id %% 4] ELSE '' END,""",
}
HASH = "(((p.id * 7919) %% 1000) / 1000.0)"  # h: a fixed pseudo-random number per row
FILL_PROGRESS = """
UPDATE budget_indicatorprogress p SET {values}
  expected = CASE WHEN p.kind = 'qualitative' THEN NULL ELSE p.target_value END,
  likelihood = CASE WHEN p.id %% 5 = 0 THEN 'possible' ELSE 'certain' END,
  reasons = CASE WHEN p.id %% 5 = 0 THEN '["funding", "staffing"]'::jsonb ELSE '[]'::jsonb END,
  measures = CASE WHEN p.id %% 5 = 0 THEN '加快项目实施进度，按月调度。' ELSE '' END
FROM budget_monitoringform f
WHERE f.id = p.form_id AND f.round_id = %(round)s
"""
# Executed amounts on even forms: 50–130% of the time-scaled budget.
FILL_FORMS = """
UPDATE budget_monitoringform SET
  executed = CASE WHEN id %% 2 = 0
    THEN round(budget * %(m)s / 12.0 * (0.5 + ((id * 131) %% 1000) / 1000.0 * 0.8), 4) END,
  state = 'submitted', submitted_at = now()
WHERE round_id = %(round)s
"""
# Three payments for each project whose form leaves the executed amount to the records
# (together 60–135% of the time-scaled budget), and one in August that 1-7月 must not count.
FILL_SPENDING = """
DELETE FROM budget_spendingrecord
WHERE project_id IN (SELECT project_id FROM budget_monitoringform WHERE round_id = %(round)s);
INSERT INTO budget_spendingrecord (project_id, date, amount, reference, created_at)
SELECT f.project_id, make_date(%(year)s, 2 + k * 2, 15),
       round(f.budget * CASE WHEN k = 3 THEN 0.5
         ELSE %(m)s / 12.0 * (0.2 + ((f.id * 37 + k) %% 100) / 100.0 * 0.25) END, 4), '', now()
FROM budget_monitoringform f CROSS JOIN generate_series(0, 3) AS k
WHERE f.round_id = %(round)s AND f.executed IS NULL
"""


# --- Timing ------------------------------------------------------------------------------------


def time_compute() -> dict[str, Any]:
    from jixiao.budget.monitoring.compute import round_compute_warnings
    from jixiao.budget.monitoring.models import MonitoringRound
    from jixiao.orgs.models import User

    reviewer = User.objects.get(username="bench_finance")
    round = MonitoringRound.objects.get(fiscal_year=YEAR, months_elapsed=MONTHS)
    runs = []
    for _ in range(2):
        started = time.perf_counter()
        result = round_compute_warnings(actor=reviewer, round=round)
        runs.append(time.perf_counter() - started)
    return {
        "first_seconds": runs[0],
        "recompute_seconds": runs[1],
        "seconds": max(runs),
        "projects": result.projects,
        "warnings": result.warnings,
        "results": sum(result.by_colour.values()),
        "by_kind": result.by_kind,
    }


def time_loop(sample: int) -> dict[str, float]:
    """The per-project ORM loop a first implementation would write, on ``sample`` projects,
    rolled back."""
    from django.db import transaction
    from django.db.models import Sum

    from jixiao.budget.monitoring import warnings as rules
    from jixiao.budget.monitoring.models import (
        MonitoringForm,
        MonitoringRound,
        MonitoringWarning,
        SpendingRecord,
    )

    round = MonitoringRound.objects.select_related("period").get(
        fiscal_year=YEAR, months_elapsed=MONTHS
    )
    thresholds, months, period = round.threshold_rules, round.months_elapsed, round.period
    project_ids = list(
        MonitoringForm.objects.filter(round=round)
        .order_by("project_id")
        .values_list("project_id", flat=True)[:sample]
    )

    def save(project_id: int, indicator_id: int | None, result: rules.Result) -> None:
        MonitoringWarning.objects.create(
            round=round,
            project_id=project_id,
            indicator_id=indicator_id,
            kind=result.kind,
            colour=result.colour,
            value=result.value,
            explain=result.explain,
        )

    started = time.perf_counter()
    with transaction.atomic():
        for project_id in project_ids:
            form = MonitoringForm.objects.get(round=round, project_id=project_id)
            rows = list(form.progress.all())
            executed = form.executed
            if executed is None:
                executed = SpendingRecord.objects.filter(
                    project_id=project_id,
                    date__gte=period.start_date,
                    date__lte=period.end_date,
                ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
            MonitoringWarning.objects.filter(round=round, project_id=project_id).delete()
            execution = rules.budget_execution(
                budget=form.budget, executed=executed, months=months, thresholds=thresholds
            )
            save(project_id, None, execution)
            named = []
            for row in rows:
                result = rules.indicator(
                    kind=row.kind,
                    direction=row.direction,
                    target=row.target_value,
                    actual=row.actual,
                    level=row.level,
                    months=months,
                    thresholds=thresholds,
                    expected=row.expected,
                    name=row.indicator_name,
                    unit=row.unit,
                )
                if result is not None:
                    if result.colour != rules.GREEN:  # the same rows as round_compute_warnings
                        save(project_id, row.indicator_id, result)
                    named.append((row.indicator_name, result))
            save(project_id, None, rules.combined(execution, named))
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return {"loop_projects": len(project_ids), "loop_seconds": seconds}


def existing_projects() -> int:
    from jixiao.budget.monitoring.models import MonitoringForm

    return MonitoringForm.objects.filter(
        round__fiscal_year=YEAR, round__months_elapsed=MONTHS
    ).count()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="绩效运行监控预警计算性能测试（PostgreSQL）")
    parser.add_argument("--projects", type=int, default=50_000, help="项目数（默认50000）")
    parser.add_argument("--quick", action="store_true", help="1000个项目")
    parser.add_argument("--loop-sample", type=int, default=None, help="逐项目循环的样本数")
    parser.add_argument("--keep-data", action="store_true", help="沿用上次生成的数据")
    parser.add_argument(
        "--mix",
        choices=sorted(PROGRESS_VALUES),
        default="typical",
        help="填报数据分布：typical 多数指标正常（默认）；spread 均匀分布，约三分之一红色",
    )
    args = parser.parse_args(argv)
    projects = 1000 if args.quick else args.projects
    sample = min(args.loop_sample or (100 if args.quick else LOOP_SAMPLE), projects)
    prepare_database(keep=args.keep_data)
    django_setup()
    from django.core.management import call_command

    figures: dict[str, Any] = {}
    call_command("migrate", verbosity=0, interactive=False)
    if not (args.keep_data and existing_projects() == projects):
        if args.keep_data:  # other data: start again
            django_db_reset()
        figures.update(generate(projects))
        figures.update(open_round())
    figures.update(fill(args.mix))
    figures.update(time_compute())
    figures.update(time_loop(sample))
    report(projects, args.mix, figures)
    return 0


def django_db_reset() -> None:
    from django.core.management import call_command
    from django.db import connection

    connection.close()
    prepare_database(keep=False)
    call_command("migrate", verbosity=0, interactive=False)


def report(projects: int, mix: str, figures: dict[str, Any]) -> None:
    set_rate = figures["projects"] / figures["seconds"]
    loop_rate = figures["loop_projects"] / figures["loop_seconds"]
    ratio = set_rate / loop_rate
    indicators = projects * len(INDICATORS)
    print(f"监控轮次：{projects} 个项目 × {len(INDICATORS)} 个三级指标 = {indicators} 个指标")
    for key, label in (
        ("generate_seconds", "生成数据（COPY）"),
        ("open_seconds", "开启监控轮次 round_open（监控表与指标行批量写入）"),
        ("fill_seconds", "模拟填报与支出数据（SQL）"),
    ):
        if key in figures:
            print(f"  {label:<40}{figures[key]:>10.2f} 秒")
    print(f"  {'预警计算 round_compute_warnings 第一次':<40}{figures['first_seconds']:>10.2f} 秒")
    print(f"  {'预警计算 再次计算（替换上次预警）':<40}{figures['recompute_seconds']:>10.2f} 秒")
    written = f"写入 {figures['warnings']} 行（绿色指标不写行）"
    print(f"  数据分布：{mix}；预警结果 {figures['results']} 个，{written}")
    for kind, label in (
        ("budget_execution", "预算执行"),
        ("indicator", "定量指标"),
        ("qualitative", "定性指标"),
        ("combined", "项目综合"),
    ):
        print(f"    {label}：{figures['by_kind'].get(kind, {})}")
    print(f"  集合计算：{set_rate:,.0f} 项目/秒")
    print(
        f"  逐项目 ORM 循环（样本 {figures['loop_projects']} 个）：{loop_rate:,.1f} 项目/秒，"
        f"全部项目约需 {projects / loop_rate:,.0f} 秒"
    )
    print(f"  加速比：{ratio:,.1f} 倍（目标≥{TARGET_RATIO:.0f}倍，计算≤{TARGET_SECONDS:.0f}秒）")
    summary = {
        "bench": "monitoring",
        "projects": projects,
        "indicators": indicators,
        "mix": mix,
        "results": figures["results"],
        "warnings": figures["warnings"],
        "seconds": round(figures["seconds"], 2),
        "first_seconds": round(figures["first_seconds"], 2),
        "recompute_seconds": round(figures["recompute_seconds"], 2),
        "open_seconds": round(figures["open_seconds"], 2) if "open_seconds" in figures else None,
        "projects_per_s": round(set_rate),
        "loop_projects": figures["loop_projects"],
        "loop_projects_per_s": round(loop_rate, 1),
        "ratio": round(ratio, 1),
        "peak_rss_mb": round(pgsupport.rss_mb(), 1),
        "meets_time_target": figures["seconds"] <= TARGET_SECONDS,
        "meets_ratio_target": ratio >= TARGET_RATIO,
    }
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())
